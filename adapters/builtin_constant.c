/*
 * builtin:yes, builtin:no, builtin:random -- the trivial reference models.
 * One source, built three times (BUILTIN_KIND_yes/no/random).  They ignore
 * the image; they exist to measure the harness and to anchor the metrics
 * (yes-rate 1, 0 and about 0.5; accuracy = share of true labels for yes).
 *
 * builtin:random takes -M seed=N; its answer is a pure function of (seed,
 * request id), so it is the same whatever the thread or batch order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_reply.h"
#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"

#if defined(BUILTIN_KIND_yes)
#define KIND_NAME "yes"
#elif defined(BUILTIN_KIND_no)
#define KIND_NAME "no"
#elif defined(BUILTIN_KIND_random)
#define KIND_NAME "random"
#else
#error "define BUILTIN_KIND_yes, BUILTIN_KIND_no or BUILTIN_KIND_random"
#endif

struct state {
	uint64_t seed;
};

static int c_open(const char *config_json, void **state, char *err, size_t errlen)
{
#if defined(BUILTIN_KIND_random)
	static const char *const known[] = { "seed", NULL };
	char v[128], *end = v;
#else
	static const char *const known[] = { NULL };
#endif
	struct state *st;
	int r = vsrbench_opt_check_known(config_json, known, err, errlen);

	if (r == VSRBENCH_OPT_EJSON) {
		snprintf(err, errlen, "configuration is not a JSON object");
		return 1;
	}
	if (r) {
		size_t len = strlen(err);
		snprintf(err + len, errlen - len, " (builtin:%s takes %s)", KIND_NAME,
#if defined(BUILTIN_KIND_random)
			 "seed"
#else
			 "no options"
#endif
		);
		return 1;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	st->seed = 1;
#if defined(BUILTIN_KIND_random)
	r = vsrbench_opt_get(config_json, "seed", v, sizeof(v));
	if (r == VSRBENCH_OPT_FOUND)
		st->seed = strtoull(v, &end, 10);
	if (r == VSRBENCH_OPT_ETOOLONG || (r == VSRBENCH_OPT_FOUND && (!v[0] || *end))) {
		snprintf(err, errlen, "option seed=%s: expected a non-negative integer",
			 r == VSRBENCH_OPT_FOUND ? v : "(too long)");
		free(st);
		return 1;
	}
#endif
	*state = st;
	return 0;
}

#if defined(BUILTIN_KIND_random)
static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}
#endif

static int c_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	struct state *st = state;

	(void)st;
	if (!builtin_batch_ok(req, resp, n))
		return 1;
	for (size_t i = 0; i < n; i++) {
		int yes;
#if defined(BUILTIN_KIND_yes)
		yes = 1;
#elif defined(BUILTIN_KIND_no)
		yes = 0;
#else
		uint64_t h = fnv1a(req[i]->id, 0xcbf29ce484222325ULL ^ (st->seed * 0x9e3779b97f4a7c15ULL));
		h ^= h >> 29;
		h *= 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 32;
		yes = (int)(h & 1);
#endif
		resp[i]->text = builtin_strdup(builtin_phrase(req[i], yes));
		resp[i]->choice_logprobs = NULL;
		resp[i]->status = resp[i]->text ? VSRBENCH_OK : VSRBENCH_ERR_RETRY;
		if (!resp[i]->text)
			snprintf(resp[i]->error, sizeof(resp[i]->error), "out of memory");
	}
	return 0;
}

static void c_free_response(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
	resp->text = NULL;
}

static void c_close(void *state)
{
	free(state);
}

static const struct vsrbench_adapter adapter = {
	.abi_major = VSRBENCH_ABI_MAJOR,
	.abi_minor = VSRBENCH_ABI_MINOR,
	.struct_size = sizeof(struct vsrbench_adapter),
	.name = KIND_NAME,
	.max_batch = 64,
	.thread_safe = 1,
	.open = c_open,
	.answer_batch = c_answer,
	.free_response = c_free_response,
	.close = c_close,
	.version = "1",
};

__attribute__((visibility("default"))) const struct vsrbench_adapter *
vsrbench_adapter_entry(uint32_t host_abi_major);

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	return host_abi_major == VSRBENCH_ABI_MAJOR ? &adapter : NULL;
}
