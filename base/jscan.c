/* jscan: a strict JSON reader into a flat token array (see jscan.h). */
#include "jscan.h"

#include <limits.h>
#include <string.h>

#include "jspan.h"

#include "banned.h" /* last */

struct jp {
	const char *s;
	size_t len, pos;
	struct jtok *t;
	int n, max;
};

static void ws(struct jp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\n' ||
				   p->s[p->pos] == '\r' || p->s[p->pos] == '\t'))
		p->pos++;
}

static int tok(struct jp *p, int type)
{
	struct jtok *t;

	if (p->n >= p->max)
		return -1;
	t = &p->t[p->n];
	t->type = (unsigned char)type;
	t->flags = 0;
	t->start = (unsigned)p->pos;
	t->len = 0;
	t->next = t->child = -1;
	return p->n++;
}

static int str(struct jp *p)
{
	int i = tok(p, JT_STR);
	size_t k = p->pos + 1;

	if (i < 0)
		return -1;
	for (;;) {
		unsigned char c;

		k += jspan_plain(p->s + k, k < p->len ? p->len - k : 0, 0);
		if (k >= p->len)
			return -1;
		c = (unsigned char)p->s[k];
		if (c == '"')
			break;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (k + 1 >= p->len || !p->s[k + 1] || !strchr("\"\\/bfnrt", p->s[k + 1]))
				return -1; /* \u and anything else: refused */
			p->t[i].flags |= JT_ESC;
			k += 2;
			continue;
		}
		k++;
	}
	p->t[i].start = (unsigned)(p->pos + 1);
	p->t[i].len = (unsigned)(k - p->pos - 1);
	p->pos = k + 1;
	return i;
}

static int digits(struct jp *p)
{
	size_t k = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > k ? 0 : -1;
}

static int num(struct jp *p)
{
	int i = tok(p, JT_NUM);
	size_t k = p->pos;
	unsigned char flags = JT_INT;

	if (i < 0)
		return -1;
	if (p->s[p->pos] == '-') {
		flags = 0;
		p->pos++;
	}
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (digits(p))
		return -1;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		flags = 0;
		p->pos++;
		if (digits(p))
			return -1;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		flags = 0;
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (digits(p))
			return -1;
	}
	p->t[i].flags = flags;
	p->t[i].len = (unsigned)(p->pos - k);
	return i;
}

static int word(struct jp *p, const char *w, int type)
{
	size_t n = strlen(w);
	int i;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) || (i = tok(p, type)) < 0)
		return -1;
	p->t[i].len = (unsigned)n;
	p->pos += n;
	return i;
}

static int value(struct jp *p, int depth);

/* An array or object: its members or elements, linked in order. */
static int container(struct jp *p, int depth, int obj)
{
	int i = tok(p, obj ? JT_OBJ : JT_ARR), last = -1;
	char close = obj ? '}' : ']';

	if (i < 0 || depth >= JSCAN_DEPTH)
		return -1;
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->t[i].len = (unsigned)(p->pos - p->t[i].start);
		return i;
	}
	for (;;) {
		int e;

		ws(p);
		if (obj) {
			int v;
			if (p->pos >= p->len || p->s[p->pos] != '"' || (e = str(p)) < 0)
				return -1;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return -1;
			p->pos++;
			if ((v = value(p, depth + 1)) < 0)
				return -1;
			p->t[e].child = v;
		} else if ((e = value(p, depth + 1)) < 0) {
			return -1;
		}
		if (last < 0)
			p->t[i].child = e;
		else
			p->t[last].next = e;
		last = e;
		ws(p);
		if (p->pos >= p->len)
			return -1;
		if (p->s[p->pos] == close)
			break;
		if (p->s[p->pos] != ',')
			return -1;
		p->pos++;
	}
	p->pos++;
	p->t[i].len = (unsigned)(p->pos - p->t[i].start);
	return i;
}

static int value(struct jp *p, int depth)
{
	ws(p);
	if (p->pos >= p->len)
		return -1;
	switch (p->s[p->pos]) {
	case '{':
		return container(p, depth, 1);
	case '[':
		return container(p, depth, 0);
	case '"':
		return str(p);
	case 't':
		return word(p, "true", JT_TRUE);
	case 'f':
		return word(p, "false", JT_FALSE);
	case 'n':
		return word(p, "null", JT_NULL);
	default:
		if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
			return num(p);
		return -1;
	}
}

int jscan(const char *s, size_t len, struct jtok *t, int max)
{
	struct jp p = { s, len, 0, t, 0, max };

	if (!s || len >= UINT_MAX || value(&p, 0) < 0)
		return -1;
	ws(&p);
	return p.pos == len ? p.n : -1;
}

int jscan_get(const char *s, const struct jtok *t, int obj, const char *key)
{
	size_t n = strlen(key);

	if (obj < 0 || t[obj].type != JT_OBJ)
		return -1;
	for (int k = t[obj].child; k >= 0; k = t[k].next)
		if (!(t[k].flags & JT_ESC) && t[k].len == n && !memcmp(s + t[k].start, key, n))
			return t[k].child;
	return -1;
}

long long jscan_int(const char *s, const struct jtok *t, int i)
{
	long long v = 0;

	if (t[i].type != JT_NUM || !(t[i].flags & JT_INT) || t[i].len > 15)
		return -1;
	for (unsigned k = 0; k < t[i].len; k++)
		v = v * 10 + (s[t[i].start + k] - '0');
	return v;
}

size_t jscan_unescape(const char *s, const struct jtok *t, int i, char *out)
{
	const char *p = s + t[i].start, *end = p + t[i].len;
	size_t n = 0;

	if (!(t[i].flags & JT_ESC)) {
		memcpy(out, p, t[i].len);
		out[t[i].len] = '\0';
		return t[i].len;
	}
	while (p < end) {
		char c = *p++;
		if (c == '\\') {
			c = *p++;
			c = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' :
			    c == 't' ? '\t' : c; /* \" \\ \/ stand for themselves */
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}
