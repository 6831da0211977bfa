/*
 * loader: opens a model adapter from a -m spec and the -M options.
 *
 *   builtin:NAME   the plug-in builtin-NAME.so from the adapter directory
 *   lib:PATH.so    any shared library exporting vsrbench_adapter_entry
 *   openai, ollama, anthropic, gemini, exec   remote models (adapters/remote.h)
 *
 * builtin:NAME is looked up along the adapter path: the directories of
 * $VSRBENCH_ADAPTER_PATH (':'-separated, first match wins), then
 * $VSRBENCH_ADAPTER_DIR when set, else `adapters/` beside the executable
 * (a build tree), else LIBDIR/vsrbench/adapters relative to the executable's
 * bin/ (an installed prefix, found through /proc/self/exe, so a moved
 * prefix still works), else the configured prefix's.
 * All failures (no such file, missing symbol, wrong ABI, open() refusing the
 * options) are one-line messages naming the file, with VSR_EUSAGE.
 */
#ifndef VSR_LOADER_H
#define VSR_LOADER_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/kv.h"
#include "../harness/model.h"
#include "../include/vsrbench_adapter.h"


/* Builds {"k":"v",...} from -M options (later keys win).  Caller frees. */
int model_config_json(const struct kv *opts, size_t n, char **out, char *err);
/*
 * The -M options `opts` as JSON text without the keys in skip (NULL-
 * terminated): a model's config for run.json, without the options of how
 * requests travel (a resume may change them).  Caller frees.
 */
char *model_config_without(const cJSON *opts, const char *const *skip);

int model_open(struct model *m, const char *spec, const char *config_json, char *err);
void model_close(struct model *m);

/* The adapter path, directories joined with ':' (static storage, valid
 * until the next call; not thread-safe: called from the main thread). */
const char *model_adapter_path(void);
/* The -m words, one per line, for shell completion: each builtin:NAME found
 * along the adapter path, "lib:", and the served kinds. */
void model_spec_words(struct buf *out);
/* Prints the available models for `vsrbench list models`. */
void model_list(FILE *fp);

#endif
