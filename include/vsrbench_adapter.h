/*
 * vsrbench_adapter.h -- the in-process model adapter ABI, version 2.1.
 *
 * A model adapter is a shared library exporting one function:
 *
 *     const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);
 *
 * which returns a pointer to a static, immutable table, or NULL when it
 * cannot serve a host of that major version.  vsrbench loads it with
 * `-m lib:PATH.so` and passes the `-M key=value` options to open() as a flat
 * JSON object whose values are strings, e.g. {"seed":"7","model":"llava"}
 * (vsrbench_adapter_options.h reads it).  Build one with
 *
 *     cc -I/path/to/vsrbench/include -shared -fPIC -o mine.so mine.c
 *
 * (c++ likewise for one written in C++: the entry function is declared at
 * the end of this file, extern "C" and exported.)
 *
 * Versioning.  VSRBENCH_ABI_MAJOR changes when a change breaks an existing
 * adapter or host; the host refuses an adapter whose abi_major differs (a
 * one-line error naming the file, both versions and how to rebuild), and an
 * adapter should return NULL from its entry function for a major it was not
 * built for.  VSRBENCH_ABI_MINOR grows when fields are appended to the end
 * of a struct: fields are only ever appended, never reordered, resized or
 * removed.  Every struct starts with struct_size, the sizeof() of the side
 * that allocated it, and the other side reads or writes a field only when
 * that struct_size covers it (VSRBENCH_HAS_FIELD below).  Both sides of a
 * 2.x pair provide at least every 2.0 field, so 2.0 fields need no check.
 * The host zeroes every request and response before filling it, so the zero
 * value of an appended field must mean "absent / the 2.0 behaviour" (a
 * field appended into the tail padding of the older struct is "covered" by
 * the older struct_size, and reads as that zero).  The host reads a response
 * field appended in 2.m only from an adapter whose table says abi_minor >= m:
 * an older adapter does not know the field, whatever its bytes hold.
 *
 * History.
 *  2.0  answer_batch() takes arrays of pointers (below).
 *  2.1  vsrbench_response gains prompt_tokens, completion_tokens and
 *       reasoning_tokens: the usage an in-process model reports, summed by
 *       the host as it sums a served model's (report, status.json,
 *       --budget-tokens).  Adapters of 2.0 keep working unchanged; their
 *       answers count as reporting no usage.  The model fingerprint names
 *       the adapter's ABI ("abi 2.1"), so rebuilding an adapter changes
 *       its task keys: finish a run directory with the build that began it.
 *
 * Why arrays of pointers (2.0; 1.x passed arrays of structs).  The stride
 * of an array is fixed when a side is compiled: after the first appended
 * field, a host of 1.1 and an adapter of 1.0 would disagree where element 1
 * starts, and struct_size cannot repair that.  answer_batch() therefore
 * takes arrays of pointers, whose stride (sizeof(void *)) never changes;
 * each element is one size-stamped struct, so one rule, "read a field only
 * when struct_size covers it", holds for every element of every batch
 * between any two 2.x builds.  The cost is one pointer per request.  (A
 * stride passed beside each array would work too, but every adapter would
 * have to index with byte arithmetic, and forgetting to still compiles;
 * with pointers, req[i]->field is the only way to write it.)
 *
 * Ownership.
 *  - The host owns every request, the request and response pointer arrays,
 *    the response structs themselves and everything a request points to.
 *    The adapter borrows them for the duration of one answer_batch() call
 *    and must not keep any pointer to them afterwards.
 *  - The adapter owns what it puts into a response (text, choice_logprobs);
 *    the host copies the text and then hands the response back through
 *    free_response() exactly once.  Whoever allocates frees.
 *  - config_json and the err buffer passed to open() are the host's.
 *
 * Threads and batches.
 *  - open() is called once before anything else and close() once after the
 *    last answer_batch() and free_response() have returned, both from the
 *    host's main thread.
 *  - thread_safe != 0: the host calls answer_batch() from up to `-j N`
 *    worker threads at once, all with the same state.  thread_safe == 0:
 *    the host uses one worker thread, so calls never overlap.
 *  - free_response() is called by the thread that made the answer_batch()
 *    call, after it returned, for each of its responses in turn.
 *  - A batch holds 1 <= n <= max_batch requests; it may be smaller than
 *    max_batch at any time (end of the queue, retries).  Its requests come
 *    from one or more dataset items and may differ in prompt, image and
 *    choices.  resp[i] answers req[i]; all the pointers are distinct.
 */
#ifndef VSRBENCH_ADAPTER_H
#define VSRBENCH_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VSRBENCH_ABI_MAJOR 2
#define VSRBENCH_ABI_MINOR 1

#define VSRBENCH_ENTRY_SYMBOL "vsrbench_adapter_entry"

/*
 * Does the struct at p (whose first member is struct_size) cover `field` of
 * `type` as this side knows it?  E.g. VSRBENCH_HAS_FIELD(req[i],
 * struct vsrbench_request, seed).  Use it before touching any field appended
 * after 2.0, both for reading requests and for writing responses: writing a
 * field the host's response does not have writes past the end of its struct.
 */
#define VSRBENCH_HAS_FIELD(p, type, field) \
	((p)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* Response status codes. */
#define VSRBENCH_OK 0        /* text holds the answer */
#define VSRBENCH_ERR_RETRY 1 /* transient failure: the host retries the request */
#define VSRBENCH_ERR_FATAL 2 /* this request cannot be answered in this run */

/*
 * One question.  The host fills it; every pointer is valid for the duration
 * of the answer_batch() call only.
 */
struct vsrbench_request {
	size_t struct_size; /* sizeof(struct vsrbench_request) of the host */
	/*
	 * The task key: 16 lower-case hex digits, unique in a run and the same
	 * in every run of the same task (a retry or a later run sends it again).
	 */
	const char *id;
	const char *prompt; /* UTF-8, NUL-terminated; the whole instruction */
	/*
	 * The image file's bytes as the dataset stores them (never base64; a
	 * mirrored `hflip` variant is re-encoded as PNG or JPEG), or NULL for a
	 * question asked without its image (the `blind` perturbation).
	 */
	const unsigned char *image;
	size_t image_len;
	/*
	 * Sniffed from the bytes: "image/png", "image/jpeg", "image/gif",
	 * "image/webp", "image/bmp" or "application/octet-stream"; NULL with no
	 * image.
	 */
	const char *image_mime;
	/*
	 * A letter question: its n_choices option texts in the order the prompt
	 * shows them, choices[0] being option A.  Answer with the letter ("B");
	 * the extractor also accepts a reply naming the text of exactly one
	 * option (or, when the options are yes/no or true/false, a yes/no
	 * reply), but a reply naming two letters or hedging is scored invalid.
	 * A yes/no or true/false question: choices NULL, n_choices 0; answer
	 * yes/no (true/false).  Only the reply's first 64 KiB are read.
	 */
	const char *const *choices;
	size_t n_choices;
	int max_tokens;     /* --max-tokens (default 32), the same for every request */
	double temperature; /* --temperature (default 0), the same for every request; < 0: --temperature default (send none) */
	/*
	 * The run's --seed (default 1): the same for every request of a run,
	 * not per task.  An adapter wanting per-task randomness derives it from
	 * (seed, id), which is also the same whatever the batch or thread.
	 */
	uint64_t seed;

	/* ABI 2.1 ends here (2.1 added nothing).  Append new fields below and bump VSRBENCH_ABI_MINOR. */
};

/*
 * One answer.  Before each answer_batch() call the host sets every byte of
 * each response to zero, then struct_size to its own sizeof and status to
 * VSRBENCH_ERR_FATAL: an adapter that fills nothing gives a fatal error,
 * never an answer.
 */
struct vsrbench_response {
	size_t struct_size; /* sizeof(struct vsrbench_response) of the host */
	/*
	 * Adapter-allocated UTF-8 answer, NUL-terminated, or NULL on error.  The
	 * host copies it and scores the copy; an OK status with NULL text is
	 * journaled as the error "adapter returned no text", and a text with
	 * another status as an error too (the status decides, not the text).
	 */
	char *text;
	/*
	 * Reserved: n_choices adapter-allocated log-probabilities.  The host
	 * currently ignores it (it is neither read nor journaled) and only hands
	 * it back to free_response(); leave it NULL.
	 */
	double *choice_logprobs;
	/*
	 * What happened; the adapter must set it.
	 *  VSRBENCH_OK         text is the answer.
	 *  VSRBENCH_ERR_RETRY  retried in this run, in a later (maybe smaller)
	 *                      batch, after a short backoff, up to --retries
	 *                      times (default 3); then journaled as an error.
	 *  VSRBENCH_ERR_FATAL  not retried in this run: journaled at once as an
	 *  (or anything else)  error with `error` as its reason.
	 * An error is never scored as an answer.  A later `vsrbench run` into
	 * the same run directory asks every task journaled as an error again,
	 * RETRY and FATAL alike (only answered tasks count as done).  The run
	 * exits 4 when more than --max-error-rate of its tasks failed.
	 */
	int status;
	char error[256]; /* one-line reason when status != OK; the host NUL-terminates it */

	/* ABI 2.0 ends here. */

	/*
	 * ABI 2.1: the tokens this answer cost, as the model counts them (the
	 * same numbers a served model reports as "usage").  The host adds them
	 * to the run's totals (the summary, report.json and report.md, the
	 * journal line's tokens_in / tokens_out / tokens_reasoning,
	 * status.json) and holds the run to --budget-tokens and --budget-usd
	 * with them.
	 *  - Write them only when VSRBENCH_HAS_FIELD(resp[i], struct
	 *    vsrbench_response, reasoning_tokens) holds: a 2.0 host's response
	 *    ends before them.
	 *  - 0 (or less) means "not counted": leave all three 0 when the model
	 *    does not count tokens.  An answer reports usage when
	 *    prompt_tokens or completion_tokens is above 0.
	 *  - Read for VSRBENCH_OK answers only, and only when this adapter's
	 *    table says abi_minor >= 1.
	 */
	int64_t prompt_tokens;     /* read: the prompt, the image's tokens included */
	int64_t completion_tokens; /* written: the reply, reasoning tokens included */
	int64_t reasoning_tokens;  /* of completion_tokens, those spent thinking (0: none or not counted) */

	/* ABI 2.1 ends here.  Append new fields below and bump VSRBENCH_ABI_MINOR. */
};

struct vsrbench_adapter {
	uint32_t abi_major; /* VSRBENCH_ABI_MAJOR the adapter was built with */
	uint32_t abi_minor; /* VSRBENCH_ABI_MINOR the adapter was built with */
	size_t struct_size; /* sizeof(struct vsrbench_adapter) of the adapter */
	const char *name;   /* short name, e.g. "geometry" */
	size_t max_batch;   /* largest n answer_batch() accepts; >= 1 */
	int thread_safe;    /* see "Threads and batches" above */

	/*
	 * Parses config_json, prepares the model.  Returns 0 and sets *state,
	 * or returns non-zero and writes a one-line reason into err (errlen
	 * bytes, NUL-terminated).  Unknown config keys should be rejected
	 * (vsrbench_opt_check_known() in vsrbench_adapter_options.h).
	 */
	int (*open)(const char *config_json, void **state, char *err, size_t errlen);

	/*
	 * Answers the n requests *req[0..n), filling *resp[i] for *req[i] (see
	 * the struct comments for what the host has put there).  Returns 0 when
	 * every response has been filled, each with its own status; non-zero
	 * when the whole batch failed: the host then treats every request as
	 * VSRBENCH_ERR_RETRY and does not call free_response(), so the adapter
	 * must leave nothing allocated in any resp[i].
	 */
	int (*answer_batch)(void *state, const struct vsrbench_request *const *req,
			    struct vsrbench_response *const *resp, size_t n);

	/*
	 * Frees what answer_batch() allocated in *resp (not resp itself).
	 * Called once for every response of a batch that returned 0, whatever
	 * its status.
	 */
	void (*free_response)(void *state, struct vsrbench_response *resp);

	void (*close)(void *state);

	const char *version; /* adapter's own version, part of the model fingerprint */

	/* ABI 2.1 ends here (2.1 added nothing).  Append new fields below and bump VSRBENCH_ABI_MINOR. */
};

typedef const struct vsrbench_adapter *(*vsrbench_adapter_entry_fn)(uint32_t host_abi_major);

/*
 * The one function an adapter defines, declared here so that the definition
 * is exported whatever the build does: in C++ it has C linkage (this block
 * is extern "C"; without it the library would export a mangled name such as
 * _Z22vsrbench_adapter_entryj, which the host cannot find), and it stays
 * visible in a library built with -fvisibility=hidden (CMake's
 * CXX_VISIBILITY_PRESET hidden).  Define it with exactly this signature and
 * not `static`; the compiler then refuses a definition that differs.
 */
#if defined(__GNUC__) || defined(__clang__)
#define VSRBENCH_EXPORT __attribute__((visibility("default")))
#else
#define VSRBENCH_EXPORT
#endif
VSRBENCH_EXPORT const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);

#ifdef __cplusplus
}
#endif

#endif
