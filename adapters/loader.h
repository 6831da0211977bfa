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

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "../suites/suite.h"
#include "vsrbench_adapter.h"

struct sched;

struct model {
	char *spec;        /* as given on the command line */
	char *path;        /* resolved shared library path */
	char *config_json; /* the -M options as a JSON object */
	char *fingerprint; /* "name/version abi M.m config" */
	uint64_t fingerprint_hash;
	void *dl;
	const struct vsrbench_adapter *a;
	void *state;
	size_t max_batch;
	int thread_safe;
	pthread_mutex_t lock; /* serialises calls when !thread_safe */
	/*
	 * A remote model (HTTP, exec) runs its own event loop instead of the
	 * worker threads: run_loop takes jobs from the scheduler until there are
	 * none (see the worker calls in harness/scheduler.h).  NULL for plug-ins.
	 */
	int (*run_loop)(void *remote_state, struct sched *s);
	void *remote_state;
	void (*remote_close)(void *remote_state);
	const char *remote_name; /* static: "openai", "exec" ... (a is NULL then) */
};

/* Builds {"k":"v",...} from -M options (later keys win).  Caller frees. */
int model_config_json(const struct kv *opts, size_t n, char **out, char *err);

int model_open(struct model *m, const char *spec, const char *config_json, char *err);
/* Answers n requests (n <= m->max_batch); see answer_batch in the ABI. */
int model_answer(struct model *m, const struct vsrbench_request *req,
		 struct vsrbench_response *resp, size_t n);
void model_free_response(struct model *m, struct vsrbench_response *resp);
void model_close(struct model *m);
/* The model's short name and version (plug-in table or remote kind). */
const char *model_name(const struct model *m);
const char *model_version(const struct model *m);

/* The directory builtin:NAME adapters are loaded from (static storage). */
const char *model_adapter_dir(void);
/* Prints the available models for `vsrbench list models`. */
void model_list(FILE *fp);

#endif
