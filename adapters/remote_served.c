/*
 * remote_served: what a server says it serves, asked once when the model
 * opens.  -M model is only a name: SGLang serves "default" and llama.cpp
 * answers to any name whatever checkpoint was loaded, so two checkpoints
 * served one after the other on one port look alike to the response cache
 * and to a resumed run.  The server's own listing tells them apart:
 *
 *   OpenAI-compatible  GET {base}/models: vLLM and SGLang give the weights'
 *                      path or hub id as "root", llama.cpp the model file as
 *                      "id" and its sizes in "meta";
 *   Ollama             GET {base}/api/tags: the model's "digest".
 *
 * The entry of -M model (or the only one listed), without the fields that
 * change from one call to the next (vLLM's "created" is the time of the
 * request, its "permission" carries fresh ids) and the context limit
 * (max_model_len: a server setting, not the weights).  A server that lists
 * nothing usable leaves it unknown (NULL): the name is all there is.
 */
#include "remote_served.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/util.h"

#define SERVED_TIMEOUT_MS 5000L
#define SERVED_BODY_MAX ((size_t)4 << 20)

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	return buf_add(ctx, data, size * n) ? 0 : size * n;
}

/* The entry of a listing (an array of objects) whose name_key is model, else the only one. */
static const cJSON *pick(const cJSON *list, const char *name_key, const char *model)
{
	const cJSON *it, *only = cJSON_GetArraySize(list) == 1 ? cJSON_GetArrayItem(list, 0) : NULL;
	size_t mlen = model ? strlen(model) : 0;

	cJSON_ArrayForEach(it, list) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, name_key));
		if (!name || !model)
			continue;
		/* Ollama lists "llava:latest" for a model asked for as "llava". */
		if (!strcmp(name, model) ||
		    (!strchr(model, ':') && !strncmp(name, model, mlen) && !strcmp(name + mlen, ":latest")))
			return it;
	}
	return cJSON_IsObject(only) ? only : NULL;
}

#define LISTED_MAX 12 /* names; a longer list is a hosted API's catalogue, not a server's models */

/* The names a listing holds, "a, b", or NULL (none, or more than LISTED_MAX). */
static char *names(const char *body, int ollama)
{
	cJSON *root = cJSON_Parse(body);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, ollama ? "models" : "data"), *it;
	struct buf b = BUF_INIT;
	int n = cJSON_GetArraySize(list);

	if (cJSON_IsArray(list) && n > 0 && n <= LISTED_MAX)
		cJSON_ArrayForEach(it, list) {
			const char *name = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(it, ollama ? "name" : "id"));
			if (name && strlen(name) < 200)
				buf_addf(&b, "%s%s", b.len ? ", " : "", name);
		}
	cJSON_Delete(root);
	return b.len ? buf_detach(&b, NULL) : (buf_release(&b), NULL);
}

/* The identifying part of the listing in body, as canonical JSON; NULL when there is none. */
static char *identity(const char *body, int ollama, const char *model)
{
	cJSON *root = cJSON_Parse(body), *e = NULL;
	const cJSON *list, *entry;
	char *out = NULL;

	list = cJSON_GetObjectItemCaseSensitive(root, ollama ? "models" : "data");
	if (!cJSON_IsArray(list) || !(entry = pick(list, ollama ? "name" : "id", model)))
		goto out;
	if (ollama) {
		const char *d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "digest"));
		if (d && *d) {
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "digest", d);
		}
	} else {
		e = cJSON_Duplicate(entry, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(e, "created");
		cJSON_DeleteItemFromObjectCaseSensitive(e, "permission");
		/* A server setting, not the weights: a restart with another limit is the same model. */
		cJSON_DeleteItemFromObjectCaseSensitive(e, "max_model_len");
	}
	if (e && cJSON_GetArraySize(e))
		out = cJSON_PrintUnformatted(e);
out:
	cJSON_Delete(e);
	cJSON_Delete(root);
	if (out) { /* cJSON's allocator is malloc here; the caller frees with free() */
		char *copy = xstrdup(out);
		cJSON_free(out);
		out = copy;
	}
	return out;
}

const char *remote_served_path(const char *kind)
{
	return strcmp(kind, "ollama") ? "/models" : "/api/tags";
}

/* GET the listing of endpoint i into body: 0, or libcurl's error (code: the HTTP status). */
static CURLcode fetch(const struct http_state *st, size_t i, const char *kind, struct buf *body,
		      long *code)
{
	struct buf url = BUF_INIT;
	CURL *e = curl_easy_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	*code = 0;
	buf_init(body, SERVED_BODY_MAX);
	if (!e)
		return rc;
	buf_addf(&url, "%s%s", st->eps[i].shown, remote_served_path(kind));
	curl_easy_setopt(e, CURLOPT_URL, url.ptr);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, st->cfg.headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, SERVED_TIMEOUT_MS);
	xfer_common(st, e);
	xfer_verify(e, &st->eps[i]);
	rc = curl_easy_perform(e);
	if (!rc)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(e);
	buf_release(&url);
	return rc;
}

char *remote_served(const struct http_state *st, const char *kind, const char *model,
		    char **listed)
{
	int ollama = !strcmp(kind, "ollama");
	struct buf all = BUF_INIT;

	*listed = NULL;
	if (!ollama && strcmp(kind, "openai"))
		return NULL; /* hosted APIs name versioned models; nothing more to learn */
	for (size_t i = 0; i < st->n_eps; i++) {
		struct buf body = BUF_INIT;
		long code;
		char *id = NULL;

		if (!fetch(st, i, kind, &body, &code) && code == 200 && body.ptr) {
			id = identity(body.ptr, ollama, model);
			if (!*listed)
				*listed = names(body.ptr, ollama);
		}
		buf_release(&body);
		/* Several base URLs: each one's, in order; any one unknown leaves the whole unknown. */
		if (!id) {
			buf_release(&all);
			return NULL;
		}
		buf_addf(&all, "%s%s", i ? "," : "", id);
		free(id);
	}
	if (!all.len) {
		buf_release(&all);
		return NULL;
	}
	return buf_detach(&all, NULL);
}

char *remote_served_only(const struct http_state *st, const char *kind, char *why, size_t n)
{
	int ollama = !strcmp(kind, "ollama");
	struct buf body = BUF_INIT;
	long code;
	CURLcode rc = fetch(st, 0, kind, &body, &code);
	const char *path = remote_served_path(kind);
	char *out = NULL;

	if (rc)
		snprintf(why, n, "GET %s%s: %s", st->eps[0].shown, path, curl_easy_strerror(rc));
	else if (code != 200 || !body.ptr)
		snprintf(why, n, "GET %s%s answered HTTP %ld", st->eps[0].shown, path, code);
	else {
		cJSON *root = cJSON_Parse(body.ptr);
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, ollama ? "models" : "data");
		int count = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : -1;
		const char *name = count == 1 ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
							cJSON_GetArrayItem(list, 0), ollama ? "name" : "id"))
					      : NULL;
		if (name && *name) {
			out = xstrdup(name);
		} else if (count < 0) {
			snprintf(why, n, "GET %s%s holds no \"%s\" list", st->eps[0].shown, path,
				 ollama ? "models" : "data");
		} else {
			char *some = count > 1 ? names(body.ptr, ollama) : NULL;
			snprintf(why, n, "GET %s%s lists %d models%s%s", st->eps[0].shown, path, count,
				 some ? ": " : "", some ? some : "");
			free(some);
		}
		cJSON_Delete(root);
	}
	buf_release(&body);
	return out;
}
