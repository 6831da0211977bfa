/*
 * vsrbench_adapter.h -- the in-process model adapter ABI.
 *
 * A model adapter is a shared library exporting one function:
 *
 *     const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);
 *
 * which returns a pointer to a static, immutable table (or NULL when it cannot
 * serve a host of that major version).  vsrbench loads it with
 * `-m lib:PATH.so` and passes the `-M key=value` options to open() as a JSON
 * object whose values are strings, e.g. {"seed":"7","model":"llava"}.
 *
 * Versioning.  ABI_MAJOR changes when a change would break an existing
 * adapter or host; the host refuses an adapter whose abi_major differs.
 * ABI_MINOR grows when fields are appended to the end of a struct: fields
 * are only ever appended, never reordered or removed, and each side reads an
 * optional field only when the other side's struct_size covers it.
 *
 * Ownership.
 *  - The host owns every request and everything it points to; the adapter
 *    borrows them for the duration of the answer_batch() call only.
 *  - The adapter owns what it puts into a response (text, choice_logprobs);
 *    the host hands each response back through free_response() exactly once,
 *    after it has copied what it needs.  Whoever allocates frees.
 *  - config_json and the err buffer passed to open() are the host's.
 *
 * Threads.  When thread_safe is non-zero the host may call answer_batch()
 * from several threads at once with the same state; otherwise calls are
 * serialised.  open() and close() are called once, from one thread.
 */
#ifndef VSRBENCH_ADAPTER_H
#define VSRBENCH_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VSRBENCH_ABI_MAJOR 1
#define VSRBENCH_ABI_MINOR 0

#define VSRBENCH_ENTRY_SYMBOL "vsrbench_adapter_entry"

/* Response status codes. */
#define VSRBENCH_OK 0        /* text holds the answer */
#define VSRBENCH_ERR_RETRY 1 /* transient failure: the host may retry */
#define VSRBENCH_ERR_FATAL 2 /* this request cannot be answered */

struct vsrbench_request {
	size_t struct_size;  /* sizeof(struct vsrbench_request) of the host */
	const char *id;      /* task key, unique in a run (hex) */
	const char *prompt;  /* UTF-8, NUL-terminated */
	const unsigned char *image; /* NULL: no image (blind) */
	size_t image_len;
	const char *image_mime;     /* "image/png", "image/jpeg"; NULL with no image */
	const char *const *choices; /* option texts of a letter question, else NULL */
	size_t n_choices;
	int max_tokens;
	double temperature;
	uint64_t seed;
};

struct vsrbench_response {
	size_t struct_size;      /* set by the host before the call */
	char *text;              /* adapter-allocated UTF-8 answer, or NULL on error */
	double *choice_logprobs; /* optional, n_choices entries, adapter-allocated */
	int status;              /* VSRBENCH_OK or VSRBENCH_ERR_* */
	char error[256];         /* NUL-terminated reason when status != OK */
};

struct vsrbench_adapter {
	uint32_t abi_major;  /* VSRBENCH_ABI_MAJOR the adapter was built with */
	uint32_t abi_minor;
	size_t struct_size;  /* sizeof(struct vsrbench_adapter) of the adapter */
	const char *name;    /* short name, e.g. "geometry" */
	size_t max_batch;    /* largest n answer_batch() accepts; >= 1 */
	int thread_safe;

	/*
	 * Parses config_json, prepares the model.  Returns 0 and sets *state,
	 * or returns non-zero and writes a one-line reason into err (errlen
	 * bytes, NUL-terminated).  Unknown config keys should be rejected.
	 */
	int (*open)(const char *config_json, void **state, char *err, size_t errlen);

	/*
	 * Answers n <= max_batch requests, filling resp[i] for req[i].  Returns 0
	 * when every response has been filled (each with its own status), non-zero
	 * when the whole batch failed (the host then treats every request as a
	 * transient error, and does not call free_response(): the adapter must
	 * leave nothing allocated in resp).
	 */
	int (*answer_batch)(void *state, const struct vsrbench_request *req,
			    struct vsrbench_response *resp, size_t n);

	/* Frees what answer_batch() allocated in resp (not resp itself). */
	void (*free_response)(void *state, struct vsrbench_response *resp);

	void (*close)(void *state);

	const char *version; /* adapter's own version, part of the model fingerprint */

	/* ABI 1.0 ends here.  Append new fields below and bump VSRBENCH_ABI_MINOR. */
};

typedef const struct vsrbench_adapter *(*vsrbench_adapter_entry_fn)(uint32_t host_abi_major);

#ifdef __cplusplus
}
#endif

#endif
