/*
 * remote_body: what an HTTP request is made of: the JSON bodies of the
 * protocols, written straight into a buf (see http.h), the auth header,
 * and the small helpers every protocol file shares.  Called by the
 * http_*.c files and remote.c; calls nothing above it.
 */
#include "http.h"

#include <ctype.h>
#include <string.h>
#include "../base/util.h" /* last: it includes banned.h */

#include "../base/util.h"

void jw_raw(struct jw *w, const char *json)
{
	if (buf_adds(w->b, json))
		w->bad = 1;
}

void jw_str(struct jw *w, const char *s)
{
	if (buf_add_json_str(w->b, s))
		w->bad = 1;
}

void jw_num(struct jw *w, double v)
{
	if (buf_add_json_num(w->b, v))
		w->bad = 1;
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_raw(w, key);
	jw_str(w, s);
}

void jw_knum(struct jw *w, const char *key, double v)
{
	jw_raw(w, key);
	jw_num(w, v);
}

void jw_ku64(struct jw *w, const char *key, uint64_t v)
{
	jw_raw(w, key);
	if (buf_add_u64(w->b, v))
		w->bad = 1;
}

/* A MIME type from a suite goes inside a JSON string unescaped: check it. */
const char *http_image_mime(const struct http_image *img)
{
	if (!img->mime)
		return "image/png";
	for (const char *p = img->mime; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/+.-", *p))
			return "application/octet-stream";
	return img->mime;
}

void jw_image(struct jw *w, int data_uri, const struct http_image *img)
{
	struct buf *b = w->b;
	int r = buf_grow(b, (img->split ? 0 : img->b64_len) + 64) || buf_addch(b, '"');

	if (data_uri)
		r = r || buf_adds(b, "data:") || buf_adds(b, http_image_mime(img)) ||
		    buf_adds(b, ";base64,");
	if (img->split)
		*img->split = b->len; /* the loop streams the base64 from the job */
	else
		r = r || buf_add(b, img->b64, img->b64_len);
	if (r || buf_addch(b, '"'))
		w->bad = 1;
}

char *json_compact(const cJSON *v)
{
	struct buf b = BUF_INIT;
	struct jw w = { &b, 0 };

	jw_cjson(&w, v);
	if (w.bad) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

void jw_chat_messages(struct jw *w, const char *system)
{
	jw_raw(w, "\"messages\":[");
	if (system) {
		jw_raw(w, "{\"role\":\"system\",\"content\":");
		jw_str(w, system);
		jw_raw(w, "},");
	}
}

void jw_cjson(struct jw *w, const cJSON *v)
{
	const cJSON *c;
	int first = 1;

	if (cJSON_IsString(v)) {
		jw_str(w, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		jw_num(w, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		jw_raw(w, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		int obj = cJSON_IsObject(v);
		jw_raw(w, obj ? "{" : "[");
		cJSON_ArrayForEach(c, v) {
			if (!first)
				jw_raw(w, ",");
			first = 0;
			if (obj) {
				jw_str(w, c->string ? c->string : "");
				jw_raw(w, ":");
			}
			jw_cjson(w, c);
		}
		jw_raw(w, obj ? "}" : "]");
	} else {
		jw_raw(w, "null");
	}
}

void jw_extra(struct jw *w, const struct http_cfg *c)
{
	if (c->extra) {
		jw_raw(w, ",");
		jw_raw(w, c->extra);
	}
}

const char *http_reasoning_effort(const struct http_reasoning *r)
{
	switch (r->level) {
	case REASONING_LOW:
		return "low";
	case REASONING_MEDIUM:
		return "medium";
	case REASONING_HIGH:
		return "high";
	default:
		return NULL;
	}
}

long http_reasoning_budget(const struct http_reasoning *r)
{
	switch (r->level) {
	case REASONING_LOW:
		return 1024;
	case REASONING_MEDIUM:
		return 4096;
	case REASONING_HIGH:
		return 16384;
	case REASONING_BUDGET:
		return r->budget;
	default:
		return 0;
	}
}

const char *http_opt(const struct http_cfg *c, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c->opts, key));
}

void http_add_auth(struct http_cfg *c, const char *key)
{
	struct buf h = BUF_INIT;

	if (!c->auth)
		return;
	buf_addf(&h, "%s%s", c->auth, key);
	c->headers = curl_slist_append(c->headers, h.ptr);
	memset(h.ptr, 0, h.len);
	buf_release(&h);
}
