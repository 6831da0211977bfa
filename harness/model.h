/*
 * model: an opened model as the scheduler sees it.
 *
 * The scheduler drives a model only through what this struct holds: the
 * answer/free_response pair (in-process plug-ins, called from worker
 * threads) or run_loop (a model with an event loop of its own, the HTTP and
 * exec adapters).  Who fills it is the adapters room (adapters/loader.h:
 * model_open, model_close); the scheduler never calls into that room, so
 * the pipeline sits below the adapters.
 */
#ifndef VSR_MODEL_H
#define VSR_MODEL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/vsrbench_adapter.h"

struct sched;

struct model {
	char *spec;        /* as given on the command line */
	char *path;        /* resolved shared library path */
	char *config_json; /* the -M options as a JSON object */
	char *fingerprint; /* "name/version abi M.m config" */
	/*
	 * NULL, or a JSON object: the files the model is made of (a lib:
	 * plug-in's .so, the files an exec command names) and their content
	 * digests, which the fingerprint holds too; run.json's model.files,
	 * so a refused resume can say which file changed.
	 */
	char *files_json;
	/*
	 * NULL, or what the server says it serves under that name (an HTTP
	 * model's GET /models entry: adapters/remote_served.c): part of the
	 * response cache's key, and of run.json (a resume against other weights
	 * is refused), not of the fingerprint (a server not up yet says nothing).
	 */
	char *served;
	uint64_t fingerprint_hash;
	void *dl;
	const struct vsrbench_adapter *a;
	void *state;
	size_t max_batch;
	int thread_safe;
	pthread_mutex_t lock; /* serialises calls when !thread_safe */
	/*
	 * In-process batches: answers the n requests *req[0..n) (1 <= n <=
	 * max_batch) into *resp[0..n) with the ABI's answer_batch rules;
	 * free_response releases one answer.  Set by the loader for plug-ins;
	 * NULL for a model with run_loop.
	 */
	int (*answer)(struct model *m, const struct vsrbench_request *const *req,
		      struct vsrbench_response *const *resp, size_t n);
	void (*free_response)(struct model *m, struct vsrbench_response *resp);
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

/*
 * Why a plug-in's response r is no answer (r->status is not VSRBENCH_OK,
 * or its text is NULL), into out (outlen bytes, NUL-terminated): its own
 * error when it wrote one (r->error, NUL-terminated by the caller), else
 * what it did instead, e.g. a text with status VSRBENCH_ERR_RETRY (an
 * author's "1 = success") or VSRBENCH_OK with no text, and the fix.
 */
void model_no_answer_reason(const struct vsrbench_response *r, char *out, size_t outlen);

/* The model's short name and version (plug-in table or remote kind). */
const char *model_name(const struct model *m);
const char *model_version(const struct model *m);

#endif
