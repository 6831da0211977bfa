#include "journal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define JOURNAL_LINE_MAX (16u << 20)

/* ---- writing ---------------------------------------------------------- */

static void add_str_or_null(struct buf *out, const char *s)
{
	if (s)
		buf_add_json_str(out, s);
	else
		buf_adds(out, "null");
}

static void format_head(struct buf *out, const struct sample_meta *m)
{
	buf_addf(out, "{\"key\":\"%016" PRIx64 "\",\"suite\":", m->key);
	buf_add_json_str(out, m->suite);
	buf_adds(out, ",\"item\":");
	buf_add_json_str(out, m->item);
	buf_adds(out, ",\"template\":");
	buf_add_json_str(out, m->tmpl);
	buf_adds(out, ",\"format\":");
	buf_add_json_str(out, m->format);
	buf_adds(out, ",\"variant\":");
	buf_add_json_str(out, m->variant);
	buf_adds(out, ",\"relation\":");
	add_str_or_null(out, m->relation);
	buf_adds(out, ",\"category\":");
	add_str_or_null(out, m->category);
	buf_adds(out, ",\"group\":");
	add_str_or_null(out, m->group);
	buf_addf(out, ",\"label\":\"%s\",\"prompt\":", answer_name(m->label));
	buf_add_json_str(out, m->prompt);
	buf_adds(out, ",\"image\":");
	add_str_or_null(out, m->image);
}

void sample_format_ok(struct buf *out, const struct sample_meta *m, const char *response,
		      answer_t answer, double ms)
{
	format_head(out, m);
	buf_adds(out, ",\"response\":");
	buf_add_json_str(out, response ? response : "");
	buf_addf(out, ",\"answer\":\"%s\",\"correct\":%s,\"ms\":%.3f", answer_name(answer),
		 answer == m->label ? "true" : "false", ms);
	if (m->meta_json && *m->meta_json) {
		buf_adds(out, ",\"meta\":");
		buf_adds(out, m->meta_json);
	}
	buf_adds(out, "}\n");
}

void sample_format_error(struct buf *out, const struct sample_meta *m, const char *error,
			 int attempts)
{
	format_head(out, m);
	buf_adds(out, ",\"error\":");
	buf_add_json_str(out, error && *error ? error : "unknown error");
	buf_addf(out, ",\"attempts\":%d}\n", attempts);
}

/* ---- reading ---------------------------------------------------------- */

static const char *get_str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

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

static int parse_sample(const cJSON *o, struct sample *s, const char **why)
{
	const char *label, *answer;
	const cJSON *c;

	if (!cJSON_IsObject(o))
		return *why = "not a JSON object", -1;
	if (parse_key(get_str(o, "key"), &s->key))
		return *why = "\"key\" must be 16 lower-case hex digits", -1;
	s->suite = get_str(o, "suite");
	s->item = get_str(o, "item");
	s->tmpl = get_str(o, "template");
	s->format = get_str(o, "format");
	s->variant = get_str(o, "variant");
	if (!s->suite || !s->item || !s->tmpl || !s->format || !s->variant)
		return *why = "missing one of suite, item, template, format, variant", -1;
	s->relation = get_str(o, "relation");
	s->category = get_str(o, "category");
	s->group = get_str(o, "group");
	s->prompt = get_str(o, "prompt");
	s->image = get_str(o, "image");
	label = get_str(o, "label");
	if (!label || (s->label = answer_parse(label)) <= 0)
		return *why = "\"label\" must be yes, no or a letter", -1;
	s->error = get_str(o, "error");
	s->response = get_str(o, "response");
	s->answer = ANS_INVALID;
	s->correct = 0;
	s->ms = 0;
	if (s->error)
		return 0;
	answer = get_str(o, "answer");
	if (!answer || (s->answer = answer_parse(answer)) < 0)
		return *why = "\"answer\" must be yes, no, a letter or invalid", -1;
	c = cJSON_GetObjectItemCaseSensitive(o, "correct");
	if (!cJSON_IsBool(c))
		return *why = "\"correct\" must be true or false", -1;
	s->correct = cJSON_IsTrue(c);
	if (s->correct != (s->answer == s->label))
		return *why = "\"correct\" disagrees with answer and label", -1;
	c = cJSON_GetObjectItemCaseSensitive(o, "ms");
	if (cJSON_IsNumber(c))
		s->ms = c->valuedouble;
	return 0;
}

static int scan(const char *path, int missing_ok, int (*fn)(const struct sample *, void *),
		void *ctx, int *torn, long *good_bytes, char *err)
{
	FILE *fp = fopen(path, "rb");
	struct buf line = BUF_INIT;
	size_t lineno = 0;
	int r = 0, complete, got;

	if (torn)
		*torn = 0;
	if (good_bytes)
		*good_bytes = 0;
	if (!fp) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return err_set(err, VSR_EDATA, "cannot open %s: %s", path, strerror(errno));
	}
	line.max = JOURNAL_LINE_MAX;
	while ((got = buf_getline(&line, fp, &complete)) == 1) {
		struct sample s;
		const char *why = NULL;
		cJSON *o;

		lineno++;
		if (!complete) {
			/* A crash tore the last line: it never happened. */
			if (torn)
				*torn = 1;
			break;
		}
		if (good_bytes)
			*good_bytes = ftell(fp);
		if (line.len == 0)
			continue;
		o = cJSON_ParseWithLength(line.ptr, line.len);
		if (!o) {
			r = err_set(err, VSR_EDATA, "%s:%zu: not valid JSON", path, lineno);
			break;
		}
		memset(&s, 0, sizeof(s));
		s.line = lineno;
		if (parse_sample(o, &s, &why)) {
			cJSON_Delete(o);
			r = err_set(err, VSR_EDATA, "%s:%zu: %s", path, lineno, why);
			break;
		}
		r = fn ? fn(&s, ctx) : 0;
		cJSON_Delete(o);
		if (r)
			break;
	}
	if (got < 0)
		r = line.capped ? err_set(err, VSR_EDATA, "%s:%zu: line longer than %u bytes", path,
					  lineno + 1, JOURNAL_LINE_MAX)
				: err_set(err, VSR_EDATA, "cannot read %s: %s", path, strerror(errno));
	buf_release(&line);
	fclose(fp);
	return r;
}

int journal_scan(const char *path, int missing_ok, int (*fn)(const struct sample *, void *),
		 void *ctx, int *torn, char *err)
{
	return scan(path, missing_ok, fn, ctx, torn, NULL, err);
}

/* ---- the open journal ------------------------------------------------- */

static int load_one(const struct sample *s, void *ctx)
{
	struct journal *j = ctx;

	j->lines++;
	if (s->error)
		j->errors++;
	else
		keyset_add(&j->done, s->key);
	return 0;
}

int journal_open(struct journal *j, const char *path, char *err)
{
	long good = 0;
	int r;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	r = scan(path, 1, load_one, j, &j->torn, &good, err);
	if (r) {
		keyset_release(&j->done);
		return r;
	}
	j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0) {
		keyset_release(&j->done);
		return err_set(err, VSR_EDATA, "cannot open %s for appending: %s", path,
			       strerror(errno));
	}
	if (j->torn && ftruncate(j->fd, (off_t)good) < 0) {
		int e = errno;
		close(j->fd);
		keyset_release(&j->done);
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
	free(j->path);
	j->path = NULL;
	j->fd = -1;
	return r;
}
