/*
 * data_pull: `vsrbench data pull` and `vsrbench data verify` (called from
 * harness/cmd_data.c; argv[0] is "pull" or "verify").
 *
 *   vsrbench data pull SUITE|DATASET|all... [--data DIR] [--mirror URL] [--rewrite FROM=TO]
 *   vsrbench data verify [DATASET|SUITE|all]... [--data DIR]
 *
 * pull downloads the files of suites/manifest.c into the data folder by the
 * protocol of harness/fetch.h, and records what it got (size, SHA-256,
 * pin, source URL, time) in DIR/.vsrbench-manifest.json.  Files already
 * present with the right digest are not fetched again.  verify re-hashes
 * what is present: pinned files against their pins, unpinned ones against
 * the digest recorded when they were pulled.
 *
 * Output: one line per file on stdout, warnings and errors on stderr.
 * Exit codes: 0; 2 usage; 3 a file failed, mismatched or is missing.
 *
 * Owner: the data puller (issue 8, "Datasets").
 */
#ifndef VSR_DATA_PULL_H
#define VSR_DATA_PULL_H

/* The record of pulled files, relative to the data folder. */
#define DATA_RECORD_NAME ".vsrbench-manifest.json"
#define DATA_RECORD_SCHEMA "vsrbench.data-manifest/1"

#include <getopt.h>

extern const struct option data_pull_longopts[], data_verify_longopts[];
extern const char data_pull_shortopts[], data_verify_shortopts[];
int data_pull_main(int argc, char **argv);
int data_verify_main(int argc, char **argv);

#endif
