/*
 * loader: opens a model adapter from a -m spec and the -M options.
 *
 *   builtin:NAME   the plug-in builtin-NAME.so from the adapter directory
 *   lib:PATH.so    any shared library exporting vsrbench_adapter_entry
 *   openai, ollama, anthropic, gemini, exec   remote models (adapters/remote.h)
 *
 * The adapter directory is $VSRBENCH_ADAPTER_DIR, else `adapters/` beside the
 * executable (the build tree), else `../lib/vsrbench` beside it (installed).
 * All failures (no such file, missing symbol, wrong ABI, open() refusing the
 * options) are one-line messages naming the file, with VSR_EUSAGE.
 */
#ifndef VSR_LOADER_H
#define VSR_LOADER_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "../base/kv.h"
#include "../harness/model.h"
#include "../include/vsrbench_adapter.h"


/* Builds {"k":"v",...} from -M options (later keys win).  Caller frees. */
int model_config_json(const struct kv *opts, size_t n, char **out, char *err);

int model_open(struct model *m, const char *spec, const char *config_json, char *err);
void model_close(struct model *m);

/* The directory builtin:NAME adapters are loaded from (static storage). */
const char *model_adapter_dir(void);
/* Prints the available models for `vsrbench list models`. */
void model_list(FILE *fp);

#endif
