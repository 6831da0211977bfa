/*
 * sched_cache: what the scheduler does with the response cache and with the
 * usage servers report (issue 16), kept out of scheduler.c.
 *
 * The cache is consulted where a job is dispatched (sched_take), before its
 * image is loaded, so it works the same for in-process plug-ins, the HTTP
 * loop and exec children: the tasks it answers are journaled at once
 * ("cached": true), the others go on to the model.  A repeat of a task
 * (-p repeat) is never served from the cache: it exists to ask again.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "scheduler.h"
#include "../base/util.h" /* last: it includes banned.h */

static int is_repeat(const struct task *t)
{
	return t->variant && !strcmp(t->variant, "repeat");
}

/*
 * The cache key of task k: the request exactly as sched_request makes it;
 * any, the same with any token limit (cache.h); returns the limit.
 */
static int task_key_of(const struct sched *s, struct job *j, size_t k,
		       unsigned char key[CACHE_KEY_LEN], unsigned char any[CACHE_KEY_LEN])
{
	const struct sched_config *c = sched_get_config(s);
	struct vsrbench_request req;
	struct cache_req cr;
	char id[17];

	sched_request(s, j, k, NULL, id, &req);
	memset(&cr, 0, sizeof(cr));
	cr.fingerprint = c->model->fingerprint;
	cr.served = c->model->served;
	cr.prompt = req.prompt;
	cr.has_image = j->tasks[k].image != IMG_BLIND;
	cr.image_digest = j->tasks[k].image_digest;
	cr.choices = req.choices;
	cr.n_choices = req.n_choices;
	cr.max_tokens = req.max_tokens;
	cr.temperature = req.temperature;
	cr.seed = req.seed;
	cache_keys(&cr, key, any);
	return req.max_tokens;
}

struct job *sched_cache_serve(struct sched *s, struct job *j)
{
	const struct sched_config *c = sched_get_config(s);
	size_t n = j->n_tasks, hits = 0, left;
	struct task_result *res = xcalloc(n, sizeof(*res));
	unsigned char *hit = xcalloc(n, 1), key[CACHE_KEY_LEN], any[CACHE_KEY_LEN];
	struct sched_batch b = SCHED_BATCH_INIT;

	for (size_t k = 0; k < n; k++) {
		struct cache_entry e;
		int limit;

		if (is_repeat(&j->tasks[k]))
			continue;
		limit = task_key_of(s, j, k, key, any);
		/* Else a reply that ended on its own under this limit or a smaller one. */
		if (!cache_get(c->cache, key, &e) && !cache_get_finished(c->cache, any, limit, &e))
			continue;
		res[k].ok = 1;
		res[k].cached = 1;
		res[k].text = e.text;
		res[k].meta_json = e.meta_json;
		res[k].reasoning = e.reasoning;
		res[k].cut_short = e.cut_short;
		res[k].refused = e.refused;
		res[k].attempts = 0;
		if (e.tok_in >= 0 || e.tok_out >= 0) {
			res[k].usage = 1;
			res[k].tok_in = e.tok_in;
			res[k].tok_out = e.tok_out;
			res[k].tok_reasoning = e.tok_reasoning;
		}
		hit[k] = 1;
		hits++;
	}
	if (!hits) {
		free(res);
		free(hit);
		return j;
	}
	b.lines.max = 256u << 20;
	left = sched_complete_some(s, j, res, hit, &b);
	sched_flush(s, &b);
	sched_batch_release(&b);
	free(res);
	free(hit);
	return left ? j : NULL;
}

void sched_cache_store(struct sched *s, struct job *j, size_t k,
		       const struct task_result *res)
{
	const struct sched_config *c = sched_get_config(s);
	unsigned char key[CACHE_KEY_LEN], any[CACHE_KEY_LEN];
	struct cache_entry e;
	int limit;

	if (!res->ok || res->cached || is_repeat(&j->tasks[k]))
		return;
	limit = task_key_of(s, j, k, key, any);
	memset(&e, 0, sizeof(e));
	e.text = res->text;
	e.meta_json = res->meta_json;
	e.reasoning = res->reasoning;
	e.cut_short = res->cut_short;
	e.refused = res->refused;
	e.tok_in = e.tok_out = e.tok_reasoning = -1;
	if (res->usage) {
		e.tok_in = res->tok_in;
		e.tok_out = res->tok_out;
		e.tok_reasoning = res->tok_reasoning;
	}
	cache_put(c->cache, key, c->model->fingerprint, &e);
	if (!res->cut_short)
		cache_put_finished(c->cache, any, key, limit);
}

/* The first of names[] that is a number >= 0 at usage[.sub]; -1 when none is. */
static long long first_num(usage_num_fn num, const void *u, const char *sub,
			   const char *const *names)
{
	for (; *names; names++) {
		long long v = num(u, sub, *names);
		if (v >= 0)
			return v;
	}
	return -1;
}

static long long add_known(long long a, long long b)
{
	return a < 0 ? b : b < 0 ? a : a + b;
}

/*
 * The "usage" a protocol file copies into meta, in each provider's words:
 * OpenAI (and vLLM, SGLang ...) prompt_tokens, completion_tokens (reasoning
 * included), completion_tokens_details.reasoning_tokens; Anthropic
 * input_tokens (+ the prompt-cache counts), output_tokens; Gemini
 * promptTokenCount, candidatesTokenCount + thoughtsTokenCount (billed as
 * output, not included in the candidates'); Ollama prompt_eval_count,
 * eval_count.  An exec child may report any of these.
 */
void sched_usage_read(usage_num_fn num, const void *u, struct task_result *res)
{
	static const char *const in_names[] = { "prompt_tokens", "input_tokens", "promptTokenCount",
						"prompt_eval_count", NULL };
	static const char *const out_names[] = { "completion_tokens", "output_tokens",
						 "candidatesTokenCount", "eval_count", NULL };
	static const char *const cache_in[] = { "cache_creation_input_tokens", NULL };
	static const char *const cache_read[] = { "cache_read_input_tokens", NULL };
	static const char *const thoughts[] = { "thoughtsTokenCount", NULL };
	static const char *const reasoning[] = { "reasoning_tokens", NULL };
	long long in = first_num(num, u, NULL, in_names), out = first_num(num, u, NULL, out_names);
	long long th = first_num(num, u, NULL, thoughts);
	long long re = first_num(num, u, "completion_tokens_details", reasoning);

	if (in >= 0) {
		in = add_known(in, first_num(num, u, NULL, cache_in));
		in = add_known(in, first_num(num, u, NULL, cache_read));
	}
	if (th >= 0) {
		out = add_known(out, th);
		re = th;
	}
	if (in >= 0 || out >= 0) {
		res->usage = 1;
		res->tok_in = in;
		res->tok_out = out;
		res->tok_reasoning = re;
	}
}

static long long cjson_num(const void *u, const char *sub, const char *name)
{
	const cJSON *o = sub ? cJSON_GetObjectItemCaseSensitive(u, sub) : u;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	/* In range before the cast (1e300 tokens is no count, and its cast undefined). */
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9e18
		       ? (long long)v->valuedouble
		       : -1;
}

void sched_usage_from_object(const cJSON *meta, struct task_result *res)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(meta, "usage");

	if (cJSON_IsObject(u))
		sched_usage_read(cjson_num, u, res);
}

void sched_usage_from_meta(struct task_result *res)
{
	cJSON *meta;

	if (!res->meta_json || !strstr(res->meta_json, "\"usage\""))
		return;
	meta = cJSON_Parse(res->meta_json);
	sched_usage_from_object(meta, res);
	cJSON_Delete(meta);
}
