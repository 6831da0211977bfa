#include "model.h"

#include <stdio.h>

#include "../base/banned.h" /* last: see banned.h */

static const char *status_name(int status)
{
	switch (status) {
	case VSRBENCH_OK: return "VSRBENCH_OK";
	case VSRBENCH_ERR_RETRY: return "VSRBENCH_ERR_RETRY";
	case VSRBENCH_ERR_FATAL: return "VSRBENCH_ERR_FATAL";
	default: return "none of VSRBENCH_OK, _ERR_RETRY, _ERR_FATAL: taken as _ERR_FATAL";
	}
}

void model_no_answer_reason(const struct vsrbench_response *r, char *out, size_t outlen)
{
	char shown[48];
	size_t n = 0;

	if (r->status != VSRBENCH_OK && r->error[0]) {
		snprintf(out, outlen, "%s", r->error);
		return;
	}
	if (r->status == VSRBENCH_OK) {
		snprintf(out, outlen, "adapter returned no text (status VSRBENCH_OK with text NULL: an "
			 "answer is a malloc'd string in resp[i]->text)");
		return;
	}
	if (!r->text) {
		snprintf(out, outlen, "adapter reported an error: status %d (%s), no error text", r->status,
			 status_name(r->status));
		return;
	}
	/* The start of the text it set, whole UTF-8 characters, control characters as '?'. */
	for (const unsigned char *p = (const unsigned char *)r->text; *p && n < sizeof(shown) - 5; p++)
		shown[n++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
	while (n && ((unsigned char)r->text[n] & 0xC0) == 0x80)
		n--; /* cut inside a character: leave it out, from its lead byte */
	snprintf(shown + n, sizeof(shown) - n, "%s", r->text[n] ? "..." : "");
	snprintf(out, outlen, "adapter reported an error: status %d (%s) with no error text, and a text "
		 "\"%s\": an answer needs status VSRBENCH_OK (0)", r->status, status_name(r->status), shown);
}

const char *model_name(const struct model *m)
{
	return m->a ? m->a->name : m->remote_name ? m->remote_name : "model";
}

const char *model_version(const struct model *m)
{
	return m->a ? (m->a->version ? m->a->version : "") : "1";
}
