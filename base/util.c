#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "redact.h"
#include "util.h" /* after the system headers: it includes banned.h */

const char *vsr_progname = "vsrbench";

int err_set(char *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, VSR_ERR_MAX, fmt, ap);
		va_end(ap);
	}
	return code;
}

volatile int vsr_stderr_line_open;

/* A progress line is drawn without its newline: start below it. */
static void fresh_line(void)
{
	if (vsr_stderr_line_open) {
		vsr_stderr_line_open = 0;
		fputc('\n', stderr);
	}
}

int github_actions(void)
{
	const char *v = getenv("GITHUB_ACTIONS");

	return v && !strcmp(v, "true");
}

/*
 * A workflow command's escapes (the runner's own rule: '%' first, then CR
 * and LF; a property also ':' and ',', which would end it early).
 */
static void escape(struct buf *out, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': buf_adds(out, "%25"); break;
		case '\r': buf_adds(out, "%0D"); break;
		case '\n': buf_adds(out, "%0A"); break;
		case ':':
		case ',':
			if (property) {
				buf_addf(out, "%%%02X", (unsigned)*s);
				break;
			}
			/* fall through */
		default: buf_addch(out, *s);
		}
	}
}

/* "::KIND title=TITLE::TEXT", escaped and redacted, on fp. */
void gh_annotate(FILE *fp, const char *kind, const char *title, const char *text)
{
	struct buf line = BUF_INIT;

	buf_addf(&line, "::%s title=", kind);
	escape(&line, title, 1);
	buf_adds(&line, "::");
	escape(&line, text, 0);
	redact_apply(line.ptr, line.len);
	fprintf(fp, "%s\n", line.ptr);
	buf_release(&line);
}

/*
 * One message line.  Names in messages come from data files and servers: a
 * control character (an ANSI escape, a newline that would forge a second
 * line) is printed as \xNN, never sent to the terminal as it is.
 */
static void say(const char *kind, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT, shown = BUF_INIT;

	buf_vaddf(&b, fmt, ap);
	redact_apply(b.ptr, b.len); /* a server's words may quote the key */
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.ptr[i];
		if (c < 0x20 || c == 0x7f)
			buf_addf(&shown, "\\x%02x", c);
		else
			buf_addch(&shown, (char)c);
	}
	fresh_line();
	fprintf(stderr, "%s: %s: %s\n", vsr_progname, kind, shown.ptr);
	/*
	 * On GitHub Actions an error is also an annotation, so that the run's
	 * page says why a step failed, not only its exit code (docs/ci.md).
	 */
	if (!strcmp(kind, "error") && github_actions())
		gh_annotate(stderr, "error", "vsrbench", shown.ptr);
	buf_release(&b);
	buf_release(&shown);
}

void vsr_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", fmt, ap);
	va_end(ap);
}

void vsr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning", fmt, ap);
	va_end(ap);
}

/* A 64-bit multiply-mix hash over 8-byte words (fast on long image buffers). */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

uint64_t hash64(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = mix64(h ^ w) + 0x632be59bd9b4e019ULL;
		p += 8;
		n -= 8;
	}
	w = 0;
	if (n) /* p may be NULL for an empty input */
		memcpy(&w, p, n);
	h = mix64(h ^ w ^ ((uint64_t)n << 56));
	return h;
}

uint64_t hash64_str(const char *s, uint64_t seed)
{
	return hash64(s, s ? strlen(s) : 0, seed);
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int write_plain(const char *path, const char *tmp, const char *data, size_t n, char *err);

const char *sh_word(struct buf *tmp, const char *s)
{
	int plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		plain = isalnum((unsigned char)*p) || strchr("_./:=@%+,-", *p);
	buf_reset(tmp);
	if (plain) {
		buf_adds(tmp, s);
		return tmp->ptr;
	}
	buf_addch(tmp, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			buf_adds(tmp, "'\\''");
		else
			buf_addch(tmp, *p);
	}
	buf_addch(tmp, '\'');
	return tmp->ptr;
}

int term_redraws(int fd)
{
	const char *term = getenv("TERM");

	return isatty(fd) && term && *term && strcmp(term, "dumb") != 0;
}

int write_file_atomic(const char *path, const char *data, size_t n, char *err)
{
	char tmp[4096];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
		return err_set(err, 3, "%s: path too long", path);
	if (redact_active() && n) {
		/* Every file written whole goes through here: run.json, status.json, reports. */
		char *copy = xmalloc(n);
		int r;
		memcpy(copy, data, n);
		redact_apply(copy, n);
		r = write_plain(path, tmp, copy, n, err);
		free(copy);
		return r;
	}
	return write_plain(path, tmp, data, n, err);
}

static int write_plain(const char *path, const char *tmp, const char *data, size_t n, char *err)
{
	int fd;
	size_t off = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		/* The file asked for is named, not the temporary one beside it (the
		 * directory is what refused); write elsewhere is the way out. */
		int e = errno;
		return err_set(err, 3, "cannot write %s: %s%s", path, strerror(e),
			       e == EACCES || e == EROFS || e == EPERM
				       ? " (its directory is not writable here: give a path in one that is)"
				       : "");
	}
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			unlink(tmp);
			return err_set(err, 3, "cannot write %s: %s", path, strerror(e));
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 && errno != EINVAL) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return err_set(err, 3, "cannot write %s: %s", path, strerror(e));
	}
	if (close(fd) < 0) {
		int e = errno;
		unlink(tmp);
		return err_set(err, 3, "cannot write %s: %s", path, strerror(e));
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return err_set(err, 3, "cannot rename %s to %s: %s", tmp, path, strerror(e));
	}
	return 0;
}

int mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	struct stat st;

	if (n == 0 || n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -1;
	if (stat(tmp, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double cpu_seconds(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

double thread_cpu_seconds(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

double wall_seconds(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* $HOME/.cache/vsrbench into out; 0, or -1 without an absolute HOME. */
static int home_dir(char *out, size_t n)
{
	const char *home = getenv("HOME");

	if (!home || home[0] != '/')
		return -1;
	snprintf(out, n, "%s/.cache/vsrbench", home);
	return 0;
}

int vsr_default_dir(char *out, size_t n)
{
	const char *xdg = getenv("XDG_CACHE_HOME");

	if (xdg && xdg[0] == '/') { /* the XDG spec: a relative value is ignored */
		snprintf(out, n, "%s/vsrbench", xdg);
		return 0;
	}
	return home_dir(out, n);
}

/* Whether the folder path holds a sub-folder (a dataset: the cache is a file). */
static int has_subdir(const char *path)
{
	char sub[4200];
	struct stat st;
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			found = !stat(sub, &st) && S_ISDIR(st.st_mode);
		}
	if (d)
		closedir(d);
	return found;
}

const char *data_dir_resolve(const char *given)
{
	static char dflt[4096], home[4096];
	const char *env = getenv("VSRBENCH_DATA");

	if (given && *given)
		return given;
	if (env && *env)
		return env;
	if (vsr_default_dir(dflt, sizeof(dflt)))
		return NULL;
	/*
	 * Datasets pulled into ~/.cache/vsrbench before the data folder followed
	 * XDG_CACHE_HOME stay found there while the XDG folder holds none.
	 */
	if (!home_dir(home, sizeof(home)) && strcmp(home, dflt) && !has_subdir(dflt) &&
	    has_subdir(home))
		return home;
	return dflt;
}

int path_is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

int path_is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void str_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "%s: out of memory (%zu bytes)\n", vsr_progname, n);
		abort();
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", vsr_progname);
		abort();
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "%s: out of memory (%zu bytes)\n", vsr_progname, n);
		abort();
	}
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}
