#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/gzin.h"
#include "../base/rawlines.h"
#include "../base/redact.h"
#include "../base/util.h"

/* ---- reading ---------------------------------------------------------- */

static int parse_key(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || strlen(s) != 16)
		return -1;
	for (int i = 0; i < 16; i++) {
		int c = s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

/*
 * A journal line is read in place, without allocating: one pass over a flat
 * JSON object, strings unescaped inside the line buffer (an escape is never
 * shorter than what it stands for) and NUL-terminated there.  Unknown keys
 * and nested values ("meta") are checked for syntax and skipped.  A report
 * reads the journal several times, so this is the harness's hot loop.
 */
struct jp {
	char *p;
	int depth;
};

static void jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_digit((unsigned char)p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/* At '"': unescapes the string in place; *out points at it, NUL-terminated. */
static int jp_string(struct jp *j, char **out)
{
	char *r = j->p + 1, *w;

	*out = r;
	/* Most strings have no escape: nothing to move until the first one. */
	while ((unsigned char)*r >= 0x20 && *r != '"' && *r != '\\')
		r++;
	w = r;
	for (;;) {
		unsigned char c = (unsigned char)*r;
		if (c == '"')
			break;
		if (c < 0x20)
			return -1; /* control characters (and the line's end) must be escaped */
		if (c != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '/': *w++ = '/'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(r + 1, &cp))
				return -1;
			r += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && r[1] == '\\' && r[2] == 'u' && !hex4(r + 3, &lo) &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				r += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd; /* a lone surrogate */
			}
			w = put_utf8(w, cp);
			break;
		}
		default:
			return -1;
		}
		r++;
	}
	j->p = r + 1;
	*w = '\0';
	return 0;
}

static int jp_literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(j->p, word, n))
		return -1;
	j->p += n;
	return 0;
}

static int jp_number(struct jp *j, double *out)
{
	char *end;
	const char *p = j->p;

	/* JSON's grammar, stricter than strtod's: no hex, inf, nan or leading '+'. */
	if (*p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	*out = strtod(j->p, &end);
	if (end == j->p)
		return -1;
	j->p = end;
	return 0;
}

static int jp_skip(struct jp *j);

/* The members of an object or the elements of an array, after the opener. */
static int jp_skip_container(struct jp *j, char close)
{
	if (++j->depth > 64)
		return -1;
	jp_ws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		char *k;
		jp_ws(j);
		if (close == '}') {
			if (*j->p != '"' || jp_string(j, &k))
				return -1;
			jp_ws(j);
			if (*j->p++ != ':')
				return -1;
		}
		if (jp_skip(j))
			return -1;
		jp_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return -1;
		j->depth--;
		return 0;
	}
}

static int jp_skip(struct jp *j)
{
	char *s;
	double d;

	jp_ws(j);
	switch (*j->p) {
	case '"': return jp_string(j, &s);
	case '{': j->p++; return jp_skip_container(j, '}');
	case '[': j->p++; return jp_skip_container(j, ']');
	case 't': return jp_literal(j, "true");
	case 'f': return jp_literal(j, "false");
	case 'n': return jp_literal(j, "null");
	default: return jp_number(j, &d);
	}
}

/* One value for a known key: strings are kept, null is NULL, the rest noted. */
struct jv {
	char *str;  /* a string value */
	int kind;   /* 's' string, 'n' null, 'b' bool, 'd' number, 'o' other */
	int truth;
	double num;
};

static int jp_value(struct jp *j, struct jv *v)
{
	jp_ws(j);
	memset(v, 0, sizeof(*v));
	switch (*j->p) {
	case '"': v->kind = 's'; return jp_string(j, &v->str);
	case 'n': v->kind = 'n'; return jp_literal(j, "null");
	case 't': v->kind = 'b'; v->truth = 1; return jp_literal(j, "true");
	case 'f': v->kind = 'b'; return jp_literal(j, "false");
	case '{': case '[': v->kind = 'o'; return jp_skip(j);
	default: v->kind = 'd'; return jp_number(j, &v->num);
	}
}

enum jkey { JK_KEY, JK_SUITE, JK_ITEM, JK_TEMPLATE, JK_FORMAT, JK_VARIANT, JK_RELATION,
	    JK_CATEGORY, JK_GROUP, JK_LABEL, JK_PROMPT, JK_IMAGE, JK_RESPONSE, JK_ANSWER,
	    JK_CORRECT, JK_MS, JK_ERROR, JK_OUTCOME, JK_RUN, JK_CACHED, JK_TOK_IN, JK_TOK_OUT,
	    JK_TOK_REASONING, JK_L2, JK_CUT_ANSWERED, JK_N };
static const char *const jkeys[JK_N] = {
	"key", "suite", "item", "template", "format", "variant", "relation", "category", "group",
	"label", "prompt", "image", "response", "answer", "correct", "ms", "error", "outcome", "run",
	"cached", "tokens_in", "tokens_out", "tokens_reasoning", "l2", "cut_answered",
};

/* strcmp() == 0 for the short keys, without a call per key. */
static inline int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/*
 * Parses one journal line (modified in place) into s.  -1 with *why: the
 * line is not JSON (*why NULL), or a field is wrong (*why says which).
 */
static int parse_line(char *line, struct sample *s, const char **why)
{
	struct jp j = { line, 0 };
	struct jv v[JK_N];
	const char *label, *answer;

	*why = NULL;
	memset(v, 0, sizeof(v));
	jp_ws(&j);
	if (*j.p != '{')
		return *j.p == '[' || *j.p == '"' || (*j.p >= '0' && *j.p <= '9') || *j.p == '-' ||
			       *j.p == 't' || *j.p == 'f' || *j.p == 'n'
			       ? (jp_skip(&j) || (jp_ws(&j), *j.p) ? -1 : (*why = "not a JSON object", -1))
			       : -1;
	j.p++;
	jp_ws(&j);
	if (*j.p == '}') {
		j.p++;
	} else {
		for (;;) {
			char *k;
			size_t i;
			struct jv tmp;

			jp_ws(&j);
			if (*j.p != '"' || jp_string(&j, &k))
				return -1;
			jp_ws(&j);
			if (*j.p++ != ':')
				return -1;
			for (i = 0; i < JK_N; i++)
				if (k[0] == jkeys[i][0] && same(k, jkeys[i]))
					break;
			if (jp_value(&j, i < JK_N ? &v[i] : &tmp))
				return -1;
			jp_ws(&j);
			if (*j.p == ',') {
				j.p++;
				continue;
			}
			if (*j.p++ != '}')
				return -1;
			break;
		}
	}
	jp_ws(&j);
	if (*j.p)
		return -1; /* something after the object */

#define STR(k) (v[k].kind == 's' ? v[k].str : NULL)
	if (parse_key(STR(JK_KEY), &s->key))
		return *why = "\"key\" must be 16 lower-case hex digits", -1;
	s->suite = STR(JK_SUITE);
	s->item = STR(JK_ITEM);
	s->tmpl = STR(JK_TEMPLATE);
	s->format = STR(JK_FORMAT);
	s->variant = STR(JK_VARIANT);
	if (!s->suite || !s->item || !s->tmpl || !s->format || !s->variant)
		return *why = "missing one of suite, item, template, format, variant", -1;
	s->relation = STR(JK_RELATION);
	s->category = STR(JK_CATEGORY);
	s->l2 = STR(JK_L2);
	s->group = STR(JK_GROUP);
	s->prompt = STR(JK_PROMPT);
	s->image = STR(JK_IMAGE);
	label = STR(JK_LABEL);
	if (!label || (s->label = answer_parse(label)) <= 0)
		return *why = "\"label\" must be yes, no or a letter", -1;
	s->error = STR(JK_ERROR);
	s->run = STR(JK_RUN);
	s->response = STR(JK_RESPONSE);
	s->answer = ANS_INVALID;
	s->correct = 0;
	s->ms = 0;
	s->outcome = SAMPLE_ANSWER;
	s->cached = v[JK_CACHED].kind == 'b' && v[JK_CACHED].truth;
	s->cut_answered = v[JK_CUT_ANSWERED].kind == 'b' && v[JK_CUT_ANSWERED].truth;
	s->tokens_in = v[JK_TOK_IN].kind == 'd' ? v[JK_TOK_IN].num : -1;
	s->tokens_out = v[JK_TOK_OUT].kind == 'd' ? v[JK_TOK_OUT].num : -1;
	s->tokens_reasoning = v[JK_TOK_REASONING].kind == 'd' ? v[JK_TOK_REASONING].num : -1;
	if (s->error)
		return 0;
	{
		const char *oc = STR(JK_OUTCOME);
		if (oc && !strcmp(oc, "cut_short"))
			s->outcome = SAMPLE_CUT_SHORT;
		else if (oc && !strcmp(oc, "refused"))
			s->outcome = SAMPLE_REFUSED;
		else if (oc)
			return *why = "\"outcome\" must be cut_short or refused", -1;
	}
	answer = STR(JK_ANSWER);
	if (!answer || (s->answer = answer_parse(answer)) < 0)
		return *why = "\"answer\" must be yes, no, a letter or invalid", -1;
	if (v[JK_CORRECT].kind != 'b')
		return *why = "\"correct\" must be true or false", -1;
	s->correct = v[JK_CORRECT].truth;
	if (s->correct != (s->answer == s->label))
		return *why = "\"correct\" disagrees with answer and label", -1;
	if (v[JK_MS].kind == 'd')
		s->ms = v[JK_MS].num;
#undef STR
	return 0;
}

static int scan(const char *path, int missing_ok, const char *run,
		int (*fn)(const struct sample *, void *), void *ctx,
		struct journal_scan_info *info, long *good_bytes, char *err)
{
	struct rawlines rl;
	struct rawline line;
	size_t lineno = 0;
	int r = 0, got = 0;
	char why_rd[160];

	memset(info, 0, sizeof(*info));
	if (good_bytes)
		*good_bytes = 0;
	/* Lines in place, a block at a time; a gzip'd journal is read, never appended to. */
	if (rawlines_open(&rl, path, JOURNAL_LINE_MAX))
		return (r = gzin_explain(path, 0, err)) ? r
		       : errno == ENOENT && missing_ok ? 0
		       : err_set(err, VSR_EDATA, "cannot open %s: %s", path, strerror(errno));
	if (good_bytes && rawlines_is_gzip(&rl))
		r = gzin_explain(path, 1, err);
	while (!r && (got = rawlines_next(&rl, &line)) > 0) {
		struct sample s;
		const char *why = NULL;

		lineno++;
		if (line.over) {
			/*
			 * Longer than any line the writer makes: counted and
			 * passed over, so one such line cannot make the whole
			 * directory unreadable.
			 */
			if (!line.complete) {
				info->torn = 1; /* over-long and torn: cut like any torn line */
				break;
			}
			if (!info->skipped++)
				info->first_skipped = lineno;
			if (good_bytes)
				*good_bytes = (long)line.end;
			continue;
		}
		if (!line.complete) {
			/* A crash tore the last line (zero-filled, maybe): it never happened. */
			info->torn = 1;
			break;
		}
		/* A NUL inside the line would hide the rest of it from the parser. */
		if (memchr(line.ptr, '\0', line.len)) {
			r = err_set(err, VSR_EDATA, "%s:%zu: a NUL byte in the line (not a text line)",
				    path, lineno);
			break;
		}
		if (good_bytes)
			*good_bytes = (long)line.end;
		if (line.len && line.ptr[line.len - 1] == '\r')
			line.ptr[--line.len] = '\0';
		if (line.len == 0)
			continue;
		memset(&s, 0, sizeof(s));
		s.line = lineno;
		if (parse_line(line.ptr, &s, &why)) {
			r = why ? err_set(err, VSR_EDATA, "%s:%zu: %s", path, lineno, why)
				: err_set(err, VSR_EDATA, "%s:%zu: not valid JSON", path, lineno);
			break;
		}
		info->read++;
		if (!s.run)
			info->untagged++;
		if (run && !s.run && info->untagged != info->read) {
			/* An older journal has no tags at all; one untagged line among
			 * tagged ones was put there by something else. */
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: a line without the run's hash among lines with it", path,
				    lineno);
			break;
		} else if (run && s.run && info->untagged) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: a line with a run hash in a journal whose lines have none",
				    path, lineno);
			break;
		} else if (run && s.run && strcmp(s.run, run)) {
			r = err_set(err, VSR_EDATA,
				    "%s:%zu: a line of another run (run %.20s; this run is %s)", path,
				    lineno, s.run, run);
			break;
		}
		r = fn ? fn(&s, ctx) : 0;
		if (r)
			break;
	}
	if (got < 0 && !r)
		r = err_set(err, VSR_EDATA, "cannot read %s: %s", path,
			    rawlines_strerror(&rl, why_rd, sizeof(why_rd)));
	rawlines_release(&rl);
	return r;
}

int journal_scan_ex(const char *path, int missing_ok, int (*fn)(const struct sample *, void *),
		    void *ctx, struct journal_scan_info *info, char *err)
{
	struct journal_scan_info tmp;

	return scan(path, missing_ok, NULL, fn, ctx, info ? info : &tmp, NULL, err);
}

int journal_scan_run(const char *path, int missing_ok, const char *run,
		     int (*fn)(const struct sample *, void *), void *ctx,
		     struct journal_scan_info *info, char *err)
{
	struct journal_scan_info tmp;

	return scan(path, missing_ok, run, fn, ctx, info ? info : &tmp, NULL, err);
}

int journal_scan(const char *path, int missing_ok, int (*fn)(const struct sample *, void *),
		 void *ctx, int *torn, char *err)
{
	struct journal_scan_info info;
	int r = scan(path, missing_ok, NULL, fn, ctx, &info, NULL, err);

	if (torn)
		*torn = info.torn;
	return r;
}

/* ---- the open journal ------------------------------------------------- */

static int load_one(const struct sample *s, void *ctx)
{
	struct journal *j = ctx;

	j->lines++;
	if (s->error)
		j->errors++;
	else {
		keyset_add(&j->done, s->key);
		keyset_add(&j->slots, journal_slot(s->suite, s->item, s->variant, s->tmpl));
		/* Paid by the earlier runs into the directory (the cache's were not): budgets count it. */
		j->paid += !s->cached && (s->tokens_in >= 0 || s->tokens_out >= 0);
		j->paid_in += s->cached || s->tokens_in < 0 ? 0 : s->tokens_in;
		j->paid_out += s->cached || s->tokens_out < 0 ? 0 : s->tokens_out;
	}
	return 0;
}

uint64_t journal_slot(const char *suite, const char *item, const char *variant, const char *tmpl)
{
	const char *part[] = { suite, item, variant, tmpl };
	uint64_t h = HASH_SEED;

	/* Each part with its terminating NUL: ("ab", "c") and ("a", "bc") differ. */
	for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		h = hash64(part[i] ? part[i] : "", strlen(part[i] ? part[i] : "") + 1, h);
	return h;
}

int journal_has_slot(const struct journal *j, uint64_t slot)
{
	return keyset_has(&j->slots, slot);
}

int journal_open(struct journal *j, const char *path, char *err)
{
	return journal_open_run(j, path, NULL, err);
}

int journal_open_run(struct journal *j, const char *path, const char *run, char *err)
{
	long good = 0;
	struct journal_scan_info info;
	int r;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	r = scan(path, 1, run, load_one, j, &info, &good, err);
	j->torn = info.torn;
	j->skipped = info.skipped;
	j->untagged = info.untagged;
	j->first_skipped = info.first_skipped;
	if (r) {
		keyset_release(&j->done);
		keyset_release(&j->slots);
		return r;
	}
	j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0) {
		keyset_release(&j->done);
		keyset_release(&j->slots);
		return err_set(err, VSR_EDATA, "cannot open %s for appending: %s", path,
			       strerror(errno));
	}
	if (j->torn && ftruncate(j->fd, (off_t)good) < 0) {
		int e = errno;
		close(j->fd);
		keyset_release(&j->done);
		keyset_release(&j->slots);
		return err_set(err, VSR_EDATA, "cannot cut the torn last line of %s: %s", path,
			       strerror(e));
	}
	j->path = xstrdup(path);
	pthread_mutex_init(&j->lock, NULL);
	return 0;
}

/*
 * Fault injection for the tests (SQLite-style): with VSRBENCH_FAULT_JOURNAL_BYTES=N
 * the journal behaves like a disk that fills up at N bytes: the write that
 * crosses N writes what fits and then fails with ENOSPC.
 */
static long long fault_limit(void)
{
	static long long limit = -2;

	if (limit == -2) {
		const char *v = getenv("VSRBENCH_FAULT_JOURNAL_BYTES");
		char *end;
		limit = v && *v ? strtoll(v, &end, 10) : -1;
		if (v && *v && *end)
			limit = -1;
	}
	return limit;
}

static ssize_t journal_write(int fd, const char *p, size_t n, off_t at)
{
	long long limit = fault_limit();

	if (limit >= 0 && (long long)at + (long long)n > limit) {
		size_t room = (long long)at < limit ? (size_t)(limit - (long long)at) : 0;
		if (room && write(fd, p, room) > 0)
			return (ssize_t)room;
		errno = ENOSPC;
		return -1;
	}
	return write(fd, p, n);
}

int journal_append(struct journal *j, const char *data, size_t n, char *err)
{
	size_t off = 0;
	off_t start;
	int r = 0;
	char *masked = NULL;

	if (redact_active() && n) {
		/* A reply may echo the key (issue 18, finding 6): masked before it is kept. */
		masked = xmalloc(n);
		memcpy(masked, data, n);
		redact_apply(masked, n);
		data = masked;
	}
	pthread_mutex_lock(&j->lock);
	start = lseek(j->fd, 0, SEEK_END);
	while (off < n) {
		ssize_t w = journal_write(j->fd, data + off, n - off, start + (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = err_set(err, VSR_EDATA, "cannot append to %s: %s", j->path,
				    w < 0 ? strerror(errno) : "short write");
			/* Leave no partial line behind: the journal ends on a whole line. */
			if (off && start >= 0 && ftruncate(j->fd, start) < 0)
				vsr_warn("%s: could not cut a partial line: %s", j->path,
					 strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	pthread_mutex_unlock(&j->lock);
	free(masked);
	return r;
}

int journal_has(const struct journal *j, uint64_t key)
{
	return keyset_has(&j->done, key);
}

int journal_close(struct journal *j, char *err)
{
	int r = 0;

	if (j->fd >= 0) {
		if (fsync(j->fd) < 0 && errno != EINVAL)
			r = err_set(err, VSR_EDATA, "cannot sync %s: %s", j->path, strerror(errno));
		if (close(j->fd) < 0 && !r)
			r = err_set(err, VSR_EDATA, "cannot close %s: %s", j->path, strerror(errno));
		pthread_mutex_destroy(&j->lock);
	}
	keyset_release(&j->done);
	keyset_release(&j->slots);
	free(j->path);
	j->path = NULL;
	j->fd = -1;
	return r;
}
