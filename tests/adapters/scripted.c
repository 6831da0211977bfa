/*
 * A test plug-in whose behaviour the test picks with -M options:
 *   answer=yes|no         what to say
 *   delay_us=N            sleep N microseconds per batch
 *   retry_first=1         every request fails with VSRBENCH_ERR_RETRY on its
 *                         first attempt (tracked by id), then succeeds
 *   fatal=1               every request fails with VSRBENCH_ERR_FATAL
 *   max_batch_file=PATH   append the size of each batch to PATH
 *   need_image=1          answer FATAL when a request comes without an image
 *   status=N              every answer's text with status N and no error text
 *                         (an author's "1 = success")
 *   null_text=1           every answer VSRBENCH_OK with text NULL
 * Unknown keys make open() fail, as a real adapter should.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsrbench_adapter.h"

struct state {
	char answer[8];
	long delay_us;
	int retry_first, fatal, need_image, null_text;
	int status; /* -1: VSRBENCH_OK with the text */
	char batch_file[512];
	pthread_mutex_t mu;
	char **seen;
	size_t n_seen, cap_seen;
};

static int s_open(const char *config_json, void **out, char *err, size_t errlen)
{
	cJSON *cfg = cJSON_Parse(config_json), *it;
	struct state *st = calloc(1, sizeof(*st));

	snprintf(st->answer, sizeof(st->answer), "yes");
	st->status = -1;
	cJSON_ArrayForEach(it, cfg) {
		const char *v = cJSON_GetStringValue(it);
		if (!v)
			v = "";
		if (!strcmp(it->string, "answer"))
			snprintf(st->answer, sizeof(st->answer), "%s", v);
		else if (!strcmp(it->string, "delay_us"))
			st->delay_us = strtol(v, NULL, 10);
		else if (!strcmp(it->string, "retry_first"))
			st->retry_first = !strcmp(v, "1");
		else if (!strcmp(it->string, "fatal"))
			st->fatal = !strcmp(v, "1");
		else if (!strcmp(it->string, "need_image"))
			st->need_image = !strcmp(v, "1");
		else if (!strcmp(it->string, "status"))
			st->status = (int)strtol(v, NULL, 10);
		else if (!strcmp(it->string, "null_text"))
			st->null_text = !strcmp(v, "1");
		else if (!strcmp(it->string, "max_batch_file"))
			snprintf(st->batch_file, sizeof(st->batch_file), "%s", v);
		else if (!strcmp(it->string, "fail_open"))
			snprintf(err, errlen, "cannot load weights from %s", v);
		else
			snprintf(err, errlen, "unknown option \"%s\"", it->string);
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

/* 1 the first time an id is seen. */
static int first_time(struct state *st, const char *id)
{
	int first = 1;

	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->n_seen; i++)
		if (!strcmp(st->seen[i], id))
			first = 0;
	if (first) {
		if (st->n_seen == st->cap_seen) {
			st->cap_seen = st->cap_seen ? st->cap_seen * 2 : 64;
			st->seen = realloc(st->seen, st->cap_seen * sizeof(*st->seen));
		}
		st->seen[st->n_seen++] = strdup(id);
	}
	pthread_mutex_unlock(&st->mu);
	return first;
}

static int s_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	struct state *st = state;

	if (st->delay_us) {
		struct timespec ts = { st->delay_us / 1000000, (st->delay_us % 1000000) * 1000 };
		nanosleep(&ts, NULL);
	}
	if (st->batch_file[0]) {
		pthread_mutex_lock(&st->mu);
		FILE *fp = fopen(st->batch_file, "a");
		if (fp) {
			fprintf(fp, "%zu\n", n);
			fclose(fp);
		}
		pthread_mutex_unlock(&st->mu);
	}
	for (size_t i = 0; i < n; i++) {
		const char *a = st->answer;
		resp[i]->text = NULL;
		if (st->fatal) {
			resp[i]->status = VSRBENCH_ERR_FATAL;
			snprintf(resp[i]->error, sizeof(resp[i]->error), "scripted fatal failure");
			continue;
		}
		if (st->need_image && !req[i]->image) {
			resp[i]->status = VSRBENCH_ERR_FATAL;
			snprintf(resp[i]->error, sizeof(resp[i]->error), "no image");
			continue;
		}
		if (st->retry_first && first_time(st, req[i]->id)) {
			resp[i]->status = VSRBENCH_ERR_RETRY;
			snprintf(resp[i]->error, sizeof(resp[i]->error), "scripted transient failure");
			continue;
		}
		resp[i]->text = st->null_text ? NULL : strdup(!strcmp(a, "yes") ? "Yes." : "No.");
		resp[i]->status = st->status >= 0 ? st->status : VSRBENCH_OK;
	}
	return 0;
}

static void s_free(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
}

static void s_close(void *state)
{
	struct state *st = state;

	for (size_t i = 0; i < st->n_seen; i++)
		free(st->seen[i]);
	free(st->seen);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

static const struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR, sizeof(struct vsrbench_adapter), "scripted", 8, 1,
	s_open, s_answer, s_free, s_close, "test",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	(void)host_abi_major;
	return &table;
}
