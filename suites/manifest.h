/*
 * manifest: the public dataset files `vsrbench data pull` knows, where they
 * come from and what they must hash to.  Data only; the puller is
 * harness/data_pull.c, the download protocol harness/fetch.h.
 *
 * Paths are relative to the data folder (--data) and keep the upstream
 * layout, so a folder holding them is a valid --data root and a mirror is
 * any HTTP server that serves such a folder.  Digests were computed with
 * sha256sum from copies whose git blob ids match the upstream commits
 * (../shared/data/<dataset>/SOURCE.md); an MD5 is used only where the
 * upstream publishes nothing else; "unpinned" means no digest is known.
 *
 * Owner: the data puller (issue 8, "Datasets").
 */
#ifndef VSR_MANIFEST_H
#define VSR_MANIFEST_H

#include <stddef.h>

struct manifest_file {
	const char *path;   /* under the data folder, e.g. "vsr/data/splits/zeroshot/test.jsonl" */
	const char *url;    /* upstream URL of the file, or of the zip archive holding it */
	const char *member; /* NULL, or the member's path inside the zip archive at url */
	long long size;     /* bytes; -1 when unknown */
	const char *digest; /* "sha256:HEX", "md5:HEX" (the upstream's own) or "unpinned" */
	/*
	 * An unpinned file's content check, or NULL: 0 when the file at path is
	 * what the suite reads, else VSR_EDATA with err saying why (a server's
	 * HTML page, a cut-short body).  `data pull` runs it before the file
	 * takes its name, and on a file already present before trusting it.
	 */
	int (*check)(const char *path, char *err);
};

struct manifest_dataset {
	const char *name;   /* "vsr", "mme", "mmbench", "seed" */
	const char *source; /* one line: where the files come from */
	const struct manifest_file *files;
	size_t n_files;
};

extern const struct manifest_dataset manifest_datasets[];
extern const size_t manifest_n_datasets;

/* The dataset with this name, or NULL. */
const struct manifest_dataset *manifest_find(const char *name);

/*
 * The dataset a suite or dataset name needs: "vsr" and "vsr-unified" both
 * give vsr.  Returns NULL with err filled (VSR_EUSAGE) for unknown names
 * and for suites that need no download (synth).
 */
const struct manifest_dataset *manifest_for(const char *name, char *err);

#endif
