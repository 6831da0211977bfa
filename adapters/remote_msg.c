/*
 * remote_msg: what the HTTP adapter says in messages (see remote_msg.h).
 */
#include "remote_msg.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *find_nocase(char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncasecmp(s, w, n))
			return s;
	return NULL;
}

static int token_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
	       c == '=';
}

/*
 * In place and length-preserving (a caller's buffer keeps its size): the
 * key itself, and whatever follows a credential marker, become '*'.
 */
void remote_redact(char *s, const char *key)
{
	static const char *const marks[] = {
		"bearer ", "x-api-key:", "x-goog-api-key:", "api-key:", "authorization:",
		"key=", "api_key=", "token=", NULL,
	};
	size_t klen = key ? strlen(key) : 0;

	if (klen >= 4)
		for (char *p = strstr(s, key); p; p = strstr(p + klen, key))
			memset(p, '*', klen);
	for (size_t m = 0; marks[m]; m++) {
		size_t ml = strlen(marks[m]);
		for (char *p = s; (p = find_nocase(p, marks[m])); ) {
			p += ml;
			while (*p == ' ' || *p == '"' || *p == '\'')
				p++;
			if (!strncasecmp(p, "bearer ", 7))
				continue; /* "Authorization: Bearer x": the next mark does it */
			while (*p && token_char((unsigned char)*p))
				*p++ = '*';
		}
	}
}

void remote_body_excerpt(const struct buf *b, char *out, size_t n)
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
	if (msg)
		snprintf(out, n, "%s", msg);
	else if (!b->len)
		snprintf(out, n, "(empty body)");
	else
		snprintf(out, n, "%.*s", (int)(b->len < REMOTE_EXCERPT ? b->len : REMOTE_EXCERPT), b->ptr);
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
	if (!msg && b->len > REMOTE_EXCERPT && i + 4 < n)
		snprintf(out + i, n - i, "...");
	cJSON_Delete(j);
}
