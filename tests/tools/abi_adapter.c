/*
 * abi_adapter: the plug-in of tests/e2e/abi_compat.sh, built there with cc
 * from this one source against three headers: a copy of include/ as ABI 2.0
 * shipped it (no usage fields), include/ as it is (2.1: the usage fields of
 * vsrbench_response), and a copy that appends a field to each of
 * vsrbench_request (`const char *hint`) and vsrbench_response (`double
 * confidence`) and says ABI 2.2.
 *
 * Its reply is a pure function of the request, so the test recomputes it:
 *
 *     Yes [id=ID n=LEN s=SUM x=HINT tag=TAG]
 *
 * "Yes" when SUM, the sum of the prompt's bytes, is even, else "No"; LEN
 * the prompt's length in bytes; HINT the request's hint when this build
 * knows the field AND the host's struct_size covers it, else "-"; TAG the
 * -M tag option.  A 2.2 build also sets confidence to 0.5 when the host's
 * response has room for it.  A 2.1 or later build reports usage when the
 * host's response has room for it: prompt_tokens LEN, completion_tokens the
 * reply's length in bytes, reasoning_tokens SUM % 5.  It never reads or
 * writes past the host's struct_size.  Built with -DCLAIM_MINOR=M, its
 * table says abi_minor M whatever the header (a plug-in that writes fields
 * its table does not claim: the host must not read them).
 *
 * -M options (read with vsrbench_adapter_options.h; others are refused):
 *   tag=TEXT          copied into every reply (default "-")
 *   batch_file=PATH   append the size of each batch to PATH
 *   delay_ms=N        sleep N ms per batch, so that the host's queue fills
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"

struct state {
	char tag[128];
	char batch_file[1024];
	long delay_ms;
	pthread_mutex_t mu;
};

static int a_open(const char *config_json, void **out, char *err, size_t errlen)
{
	static const char *const known[] = { "tag", "batch_file", "delay_ms", NULL };
	struct state *st;
	char v[32];

	if (vsrbench_opt_check_known(config_json, known, err, errlen)) {
		size_t len = strlen(err);
		snprintf(err + len, errlen - len, " (abi_compat takes tag, batch_file, delay_ms)");
		return 1;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	if (vsrbench_opt_get(config_json, "tag", st->tag, sizeof(st->tag)) < 0 ||
	    vsrbench_opt_get(config_json, "batch_file", st->batch_file, sizeof(st->batch_file)) < 0 ||
	    vsrbench_opt_get(config_json, "delay_ms", v, sizeof(v)) < 0) {
		snprintf(err, errlen, "an option is too long");
		free(st);
		return 1;
	}
	if (!st->tag[0])
		snprintf(st->tag, sizeof(st->tag), "-");
	st->delay_ms = strtol(v, NULL, 10);
	pthread_mutex_init(&st->mu, NULL);
	*out = st;
	return 0;
}

static void answer_one(const struct state *st, const struct vsrbench_request *q,
		       struct vsrbench_response *r)
{
	const char *hint = "-";
	unsigned long sum = 0;
	size_t len = strlen(q->prompt), n;

	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)q->prompt[i];
#if VSRBENCH_ABI_MINOR >= 2
	/* Only a host whose request is 2.2 or newer has the field. */
	if (VSRBENCH_HAS_FIELD(q, struct vsrbench_request, hint) && q->hint)
		hint = q->hint;
	if (VSRBENCH_HAS_FIELD(r, struct vsrbench_response, confidence))
		r->confidence = 0.5;
#endif
	n = (size_t)snprintf(NULL, 0, "%s [id=%s n=%zu s=%lu x=%s tag=%s]", sum % 2 ? "No" : "Yes",
			     q->id, len, sum, hint, st->tag) + 1;
	r->text = malloc(n);
	if (!r->text) {
		r->status = VSRBENCH_ERR_RETRY;
		snprintf(r->error, sizeof(r->error), "out of memory");
		return;
	}
	snprintf(r->text, n, "%s [id=%s n=%zu s=%lu x=%s tag=%s]", sum % 2 ? "No" : "Yes", q->id,
		 len, sum, hint, st->tag);
	r->status = VSRBENCH_OK;
#if VSRBENCH_ABI_MINOR >= 1
	/* Only a host whose response is 2.1 or newer has the fields. */
	if (VSRBENCH_HAS_FIELD(r, struct vsrbench_response, reasoning_tokens)) {
		r->prompt_tokens = (int64_t)len;
		r->completion_tokens = (int64_t)(n - 1);
		r->reasoning_tokens = (int64_t)(sum % 5);
	}
#endif
}

static int a_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	struct state *st = state;

	if (st->delay_ms > 0) {
		struct timespec ts = { st->delay_ms / 1000, (st->delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (st->batch_file[0]) {
		FILE *fp;

		pthread_mutex_lock(&st->mu);
		fp = fopen(st->batch_file, "a");
		if (fp) {
			fprintf(fp, "%zu\n", n);
			fclose(fp);
		}
		pthread_mutex_unlock(&st->mu);
	}
	for (size_t i = 0; i < n; i++)
		answer_one(st, req[i], resp[i]);
	return 0;
}

static void a_free(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
	resp->text = NULL;
}

static void a_close(void *state)
{
	struct state *st = state;

	pthread_mutex_destroy(&st->mu);
	free(st);
}

static const struct vsrbench_adapter table = {
	.abi_major = VSRBENCH_ABI_MAJOR,
#ifdef CLAIM_MINOR
	.abi_minor = CLAIM_MINOR,
#else
	.abi_minor = VSRBENCH_ABI_MINOR,
#endif
	.struct_size = sizeof(struct vsrbench_adapter),
	.name = "abi_compat",
	.max_batch = 8,
	.thread_safe = 1,
	.open = a_open,
	.answer_batch = a_answer,
	.free_response = a_free,
	.close = a_close,
	.version = "1",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);
const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	return host_abi_major == VSRBENCH_ABI_MAJOR ? &table : NULL;
}
