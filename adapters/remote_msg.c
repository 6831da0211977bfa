/*
 * remote_msg: messages out of the HTTP adapter, masked (see remote_msg.h).
 */
#include "remote_msg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../base/redact.h"
#include "../base/util.h"

static int token_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
	       c == '=';
}

/*
 * Whether a mark of marks[] can be in s: whether s has, in any case, the
 * last two bytes of one.  A byte-table test per byte, where the search
 * below makes a lower-case copy and a strstr per mark: most replies'
 * metadata (compact JSON, a quote before every colon) has no such pair.
 */
static int may_hold_mark(const char *s, size_t len, const char *const *marks)
{
	unsigned char pair[256] = { 0 }; /* 1: a mark's last byte, 2: the one before it */

	for (size_t m = 0; marks[m]; m++) {
		size_t ml = strlen(marks[m]);
		unsigned char a = (unsigned char)marks[m][ml - 2], b = (unsigned char)marks[m][ml - 1];
		pair[a] |= 2;
		pair[toupper(a)] |= 2;
		pair[b] |= 1;
		pair[toupper(b)] |= 1;
	}
	for (size_t i = 1; i < len; i++) {
		if (!(pair[(unsigned char)s[i]] & 1) || !(pair[(unsigned char)s[i - 1]] & 2))
			continue;
		for (size_t m = 0; marks[m]; m++) {
			size_t ml = strlen(marks[m]);
			if (marks[m][ml - 1] == tolower((unsigned char)s[i]) &&
			    marks[m][ml - 2] == tolower((unsigned char)s[i - 1]))
				return 1;
		}
	}
	return 0;
}

/*
 * In place and length-preserving (a caller's buffer keeps its size): the
 * key itself, and whatever follows a credential marker, become '*'.  Each
 * marker is looked for over the whole text in turn, with strstr in a
 * lower-case shadow of s that is masked along with it (this runs over the
 * meta of every answer).
 */
void remote_redact(char *s, const char *key)
{
	static const char *const marks[] = {
		"bearer ", "x-api-key:", "x-goog-api-key:", "api-key:", "authorization:",
		"key=", "api_key=", "token=", NULL,
	};
	size_t klen = key ? strlen(key) : 0, len;
	char small[512], *low;

	if (klen >= 4)
		for (char *p = strstr(s, key); p; p = strstr(p + klen, key))
			memset(p, '*', klen);
	len = strlen(s);
	redact_apply(s, len); /* runs of the key too (base/redact.c) */
	if (!may_hold_mark(s, len, marks))
		return;
	low = len < sizeof(small) ? small : xmalloc(len + 1);
	for (size_t i = 0; i <= len; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	for (size_t m = 0; marks[m]; m++) {
		size_t ml = strlen(marks[m]);
		for (char *p = low; (p = strstr(p, marks[m])); ) {
			p += ml;
			while (*p == ' ' || *p == '"' || *p == '\'')
				p++;
			if (!strncmp(p, "bearer ", 7))
				continue; /* "Authorization: Bearer x": the next mark does it */
			while (*p && token_char((unsigned char)*p)) {
				s[p - low] = '*';
				*p++ = '*';
			}
		}
	}
	if (low != small)
		free(low);
}

void remote_vmsgf(char *dst, size_t n, const char *key, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	va_list cp;

	va_copy(cp, ap);
	if (buf_vaddf(&b, fmt, cp)) {
		/* Out of memory: cut first, mask what is left. */
		vsnprintf(dst, n, fmt, ap);
		remote_redact(dst, key);
	} else {
		remote_redact(b.ptr, key);
		snprintf(dst, n, "%s", b.ptr);
	}
	va_end(cp);
	buf_release(&b);
}

void remote_msgf(char *dst, size_t n, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	remote_vmsgf(dst, n, key, fmt, ap);
	va_end(ap);
}

void remote_warn(const char *key, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	char small[VSR_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (buf_vaddf(&b, fmt, ap)) {
		remote_vmsgf(small, sizeof(small), key, fmt, ap); /* out of memory: cut */
		vsr_warn("%s", small);
	} else {
		remote_redact(b.ptr, key);
		vsr_warn("%s", b.ptr);
	}
	va_end(ap);
	buf_release(&b);
}

char *remote_meta_json(const cJSON *meta, const char *key)
{
	char *s = json_compact(meta);

	if (s)
		remote_redact(s, key);
	return s;
}

void remote_body_excerpt(const struct buf *b, const char *key, char *out, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(b->ptr, b->len);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message"));
	size_t i;

	if (!msg)
		msg = cJSON_GetStringValue(e);
	if (!msg)
		msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message"));
	if (!msg)
		msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	/* Masked before the cut: a key the server quotes across it is seen whole. */
	if (msg) {
		remote_msgf(out, n, key, "%s", msg);
	} else if (!b->len) {
		snprintf(out, n, "(empty body)");
	} else {
		size_t klen = key ? strlen(key) : 0, w = b->len < REMOTE_EXCERPT + klen ? b->len :
								   REMOTE_EXCERPT + klen;
		remote_msgf(out, n < REMOTE_EXCERPT + 1 ? n : REMOTE_EXCERPT + 1, key, "%.*s", (int)w,
			    b->ptr);
	}
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
	if (!msg && b->len > REMOTE_EXCERPT && i + 4 < n)
		snprintf(out + i, n - i, "...");
	cJSON_Delete(j);
}
