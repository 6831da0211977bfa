/*
 * journal_format: one journal line for a task's answer or error
 * (sample_format_ok, sample_format_error in journal.h), written by the
 * scheduler's workers and the HTTP loops; journal.c reads the lines back
 * and appends them.
 */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mdblock.h"
#include "../base/util.h"

/*
 * The writer never writes a line the reader refuses (JOURNAL_LINE_MAX): a
 * reply too long to fit is cut (on a character boundary) and the cut noted
 * in meta; a meta object over JOURNAL_META_MAX is dropped and noted; a line
 * whose other fields alone do not fit becomes an error line with every field
 * cut to JOURNAL_FIELD_SQUEEZE bytes.  Bytes that are not UTF-8 are written
 * as U+FFFD (buf_add_json_strn) and counted in meta ("invalid_utf8").
 */

/* Room kept for answer, correct, ms and the notes in meta. */
#define TAIL_ROOM 512

struct wnote {
	size_t replaced;       /* bytes written as U+FFFD */
	size_t response_bytes; /* non-zero: the response was cut from this many bytes */
	size_t meta_bytes;     /* non-zero: a meta object of this many bytes was dropped */
};

/* One string field; squeeze > 0 cuts it to that many bytes of JSON. */
static void add_field(struct buf *out, const char *s, size_t squeeze, struct wnote *n)
{
	size_t len;

	if (!s) {
		buf_addlit(out, "null");
		return;
	}
	len = strlen(s);
	if (squeeze)
		len = buf_json_str_fit(s, len, squeeze);
	buf_add_json_strn(out, s, len, &n->replaced);
}

static void format_head(struct buf *out, const struct sample_meta *m, size_t squeeze,
			struct wnote *n)
{
	unsigned char be[8];
	char key[2 * sizeof(be) + 1];

	/* A line per task: the key's 16 hex digits (big-endian) and the label without printf. */
	for (size_t i = 0; i < sizeof(be); i++)
		be[i] = (unsigned char)(m->key >> (56 - 8 * i));
	md_hex(be, sizeof(be), key);
	buf_addlit(out, "{\"key\":\"");
	buf_add(out, key, 2 * sizeof(be));
	buf_addlit(out, "\",\"suite\":");
	add_field(out, m->suite, squeeze, n);
	buf_addlit(out, ",\"item\":");
	add_field(out, m->item, squeeze, n);
	buf_addlit(out, ",\"template\":");
	add_field(out, m->tmpl, squeeze, n);
	buf_addlit(out, ",\"format\":");
	add_field(out, m->format, squeeze, n);
	buf_addlit(out, ",\"variant\":");
	add_field(out, m->variant, squeeze, n);
	buf_addlit(out, ",\"relation\":");
	add_field(out, m->relation, squeeze, n);
	buf_addlit(out, ",\"category\":");
	add_field(out, m->category, squeeze, n);
	if (m->l2) {
		buf_addlit(out, ",\"l2\":");
		add_field(out, m->l2, squeeze, n);
	}
	buf_addlit(out, ",\"group\":");
	add_field(out, m->group, squeeze, n);
	buf_addlit(out, ",\"label\":\"");
	buf_adds(out, answer_name(m->label));
	buf_addlit(out, "\",\"prompt\":");
	add_field(out, m->prompt, squeeze, n);
	buf_addlit(out, ",\"image\":");
	add_field(out, m->image, squeeze, n);
}

/* meta: the adapter's object with the writer's notes added in front. */
static void format_meta(struct buf *out, const char *meta, const struct wnote *n)
{
	int notes = n->replaced || n->response_bytes || n->meta_bytes;
	const char *rest;

	if (!notes && !(meta && *meta))
		return;
	buf_addlit(out, ",\"meta\":");
	if (!notes) {
		buf_adds(out, meta);
		return;
	}
	buf_addch(out, '{');
	if (n->response_bytes)
		buf_addf(out, "\"response_truncated\":true,\"response_bytes\":%zu,", n->response_bytes);
	if (n->meta_bytes)
		buf_addf(out, "\"meta_dropped_bytes\":%zu,", n->meta_bytes);
	if (n->replaced)
		buf_addf(out, "\"invalid_utf8\":%zu,", n->replaced);
	/* The adapter's members after ours ("{}" or none: close ours). */
	rest = meta ? meta : "";
	while (*rest == ' ' || *rest == '\t' || *rest == '\n' || *rest == '\r')
		rest++;
	if (*rest == '{') {
		const char *q = rest + 1;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		if (*q != '}') {
			buf_adds(out, rest + 1);
			return;
		}
	}
	buf_setlen(out, out->len - 1); /* the last ',' */
	buf_addch(out, '}');
}

/* The run's config_hash (16 hex digits: never long, never escaped). */
static void add_run(struct buf *out, const struct sample_meta *m)
{
	if (m->run && strlen(m->run) <= 64) {
		buf_addlit(out, ",\"run\":");
		buf_add_json_str(out, m->run);
	}
}

void sample_format_ok(struct buf *out, const struct sample_meta *m, const char *response,
		      answer_t answer, double ms)
{
	struct sample_extra x = { SAMPLE_ANSWER, -1, NULL, 0, 0, -1, -1, -1, 0 };

	sample_format_ok_ex(out, m, response, answer, ms, &x);
}

void sample_format_ok_ex(struct buf *out, const struct sample_meta *m, const char *response,
			 answer_t answer, double ms, const struct sample_extra *x)
{
	size_t start = out->len, head, rlen, keep, budget;
	const char *meta = m->meta_json;
	size_t meta_len = meta ? strlen(meta) : 0;
	/* Kept reasoning has a room of its own, as big as meta's. */
	size_t think_room = x->reasoning ? JOURNAL_META_MAX + 32 : 0, think_keep = 0;
	struct wnote n = { 0, 0, 0 };

	if (!response)
		response = "";
	format_head(out, m, 0, &n);
	head = out->len - start;
	if (meta_len > JOURNAL_META_MAX) {
		n.meta_bytes = meta_len;
		meta = NULL;
		meta_len = 0;
	}
	if (head + meta_len + think_room + TAIL_ROOM >= JOURNAL_LINE_MAX) {
		char why[160];
		buf_setlen(out, start);
		snprintf(why, sizeof(why),
			 "the task's fields take %zu bytes: over the journal's line limit of %u",
			 head, JOURNAL_LINE_MAX);
		sample_format_error(out, m, why, 1);
		return;
	}
	budget = JOURNAL_LINE_MAX - head - meta_len - think_room - TAIL_ROOM;
	rlen = strlen(response);
	/* Fast path: even all-escaped (6 bytes a byte) the reply fits. */
	keep = rlen <= budget / 6 ? rlen : buf_json_str_fit(response, rlen, budget);
	if (keep < rlen)
		n.response_bytes = rlen;
	if (x->reasoning)
		think_keep = buf_json_str_fit(x->reasoning, strlen(x->reasoning), JOURNAL_META_MAX);
	buf_addlit(out, ",\"response\":");
	buf_add_json_strn(out, response, keep, &n.replaced);
	buf_addlit(out, ",\"answer\":\"");
	buf_adds(out, answer_name(answer));
	buf_adds(out, answer == m->label ? "\",\"correct\":true" : "\",\"correct\":false");
	buf_addlit(out, ",\"ms\":");
	buf_add_ms(out, ms);
	if (x->outcome == SAMPLE_CUT_SHORT)
		buf_addlit(out, ",\"outcome\":\"cut_short\"");
	else if (x->outcome == SAMPLE_REFUSED)
		buf_addlit(out, ",\"outcome\":\"refused\"");
	if (x->cut_answered && x->outcome == SAMPLE_ANSWER)
		buf_addlit(out, ",\"cut_answered\":true");
	if (x->reasoning_chars >= 0)
		buf_addf(out, ",\"reasoning_chars\":%ld", x->reasoning_chars);
	if (x->reasoning) {
		buf_addlit(out, ",\"reasoning\":");
		buf_add_json_strn(out, x->reasoning, think_keep, &n.replaced);
	}
	if (x->cached)
		buf_addlit(out, ",\"cached\":true");
	if (x->usage && x->tok_in >= 0) {
		buf_addlit(out, ",\"tokens_in\":");
		buf_add_u64(out, (uint64_t)x->tok_in);
	}
	if (x->usage && x->tok_out >= 0) {
		buf_addlit(out, ",\"tokens_out\":");
		buf_add_u64(out, (uint64_t)x->tok_out);
	}
	if (x->usage && x->tok_reasoning >= 0) {
		buf_addlit(out, ",\"tokens_reasoning\":");
		buf_add_u64(out, (uint64_t)x->tok_reasoning);
	}
	format_meta(out, meta, &n);
	add_run(out, m);
	buf_addlit(out, "}\n");
}

void sample_format_error(struct buf *out, const struct sample_meta *m, const char *error,
			 int attempts)
{
	size_t start = out->len;
	struct wnote n = { 0, 0, 0 };

	if (!error || !*error)
		error = "unknown error";
	format_head(out, m, 0, &n);
	if (out->len - start + strlen(error) * 6 + TAIL_ROOM >= JOURNAL_LINE_MAX) {
		/* Too long to keep whole: every field cut, the cut said in the error. */
		buf_setlen(out, start);
		format_head(out, m, JOURNAL_FIELD_SQUEEZE, &n);
		buf_addlit(out, ",\"error\":");
		add_field(out, error, JOURNAL_FIELD_SQUEEZE, &n);
		buf_setlen(out, out->len - 1); /* the closing quote */
		buf_addlit(out, " (fields cut to fit the journal)\"");
	} else {
		buf_addlit(out, ",\"error\":");
		add_field(out, error, 0, &n);
	}
	buf_addf(out, ",\"attempts\":%d", attempts);
	add_run(out, m);
	buf_addlit(out, "}\n");
}

