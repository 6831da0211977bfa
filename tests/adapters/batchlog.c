/*
 * A test plug-in that records how the host calls it, for the scheduler's
 * unit test (tests/unit/test_scheduler.c).
 *
 * max_batch is $VSR_TEST_MAX_BATCH (1..64, default 3), read when the host
 * asks for the table: the test loads the plug-in once per max_batch.
 * Options (-M):
 *   log=PATH      append one line per answer_batch call: "N ID ID ..." (N the
 *                 batch size, then each request's id)
 *   fail_first=N  each request id fails with VSRBENCH_ERR_RETRY on its first
 *                 N attempts (counted per id), then is answered "Yes."
 * Unknown keys make open() fail.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"

struct seen {
	char id[32];
	long attempts;
};

struct state {
	char log[512];
	long fail_first;
	pthread_mutex_t mu;
	struct seen *seen;
	size_t n_seen, cap_seen;
};

static int b_open(const char *config_json, void **out, char *err, size_t errlen)
{
	cJSON *cfg = cJSON_Parse(config_json), *it;
	struct state *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "out of memory");
		cJSON_Delete(cfg);
		return 1;
	}
	cJSON_ArrayForEach(it, cfg) {
		const char *v = cJSON_GetStringValue(it);
		char *end;
		if (!v)
			v = "";
		if (!strcmp(it->string, "log")) {
			snprintf(st->log, sizeof(st->log), "%s", v);
		} else if (!strcmp(it->string, "fail_first")) {
			st->fail_first = strtol(v, &end, 10);
			if (!*v || *end || st->fail_first < 0)
				snprintf(err, errlen, "fail_first=%s: expected a count", v);
		} else {
			snprintf(err, errlen, "unknown option \"%s\"", it->string);
		}
		if (err[0]) {
			cJSON_Delete(cfg);
			free(st);
			return 1;
		}
	}
	cJSON_Delete(cfg);
	pthread_mutex_init(&st->mu, NULL);
	*out = st;
	return 0;
}

/* How many times id was asked before this call (st->mu held). */
static long attempts_before(struct state *st, const char *id)
{
	for (size_t i = 0; i < st->n_seen; i++)
		if (!strcmp(st->seen[i].id, id))
			return st->seen[i].attempts++;
	if (st->n_seen == st->cap_seen) {
		st->cap_seen = st->cap_seen ? st->cap_seen * 2 : 64;
		st->seen = realloc(st->seen, st->cap_seen * sizeof(*st->seen));
	}
	snprintf(st->seen[st->n_seen].id, sizeof(st->seen[0].id), "%s", id);
	st->seen[st->n_seen++].attempts = 1;
	return 0;
}

static int b_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	struct state *st = state;
	FILE *fp = NULL;

	pthread_mutex_lock(&st->mu);
	if (st->log[0] && (fp = fopen(st->log, "a")))
		fprintf(fp, "%zu", n);
	for (size_t i = 0; i < n; i++) {
		if (fp)
			fprintf(fp, " %s", req[i]->id);
		resp[i]->text = NULL;
		if (attempts_before(st, req[i]->id) < st->fail_first) {
			resp[i]->status = VSRBENCH_ERR_RETRY;
			snprintf(resp[i]->error, sizeof(resp[i]->error), "batchlog: not yet");
			continue;
		}
		resp[i]->text = strdup("Yes.");
		resp[i]->status = resp[i]->text ? VSRBENCH_OK : VSRBENCH_ERR_FATAL;
	}
	if (fp) {
		fputc('\n', fp);
		fclose(fp);
	}
	pthread_mutex_unlock(&st->mu);
	return 0;
}

static void b_free(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
}

static void b_close(void *state)
{
	struct state *st = state;

	free(st->seen);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

static struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR, sizeof(struct vsrbench_adapter), "batchlog", 3, 1,
	b_open, b_answer, b_free, b_close, "test",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	const char *v = getenv("VSR_TEST_MAX_BATCH");
	long k = v ? strtol(v, NULL, 10) : 3;

	(void)host_abi_major;
	table.max_batch = k >= 1 && k <= 64 ? (size_t)k : 3;
	return &table;
}
