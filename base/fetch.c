/*
 * fetch: downloads and zip members written by the .part / hash / rename
 * protocol described in fetch.h.
 */
/* syncfs */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fetch.h"
#include "fetch_int.h"
#include "util.h"

/* ------------------------------------------------------------------ digests */

int file_digest(const char *path, struct file_digest *d, char *err)
{
	unsigned char chunk[1 << 16];
	struct sha256 s;
	struct md5 m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		return err_set(err, VSR_EDATA, "cannot read %s: %s", path, strerror(errno));
	}
	sha256_init(&s);
	md5_init(&m);
	d->size = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return err_set(err, VSR_EDATA, "cannot read %s: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		sha256_update(&s, chunk, (size_t)n);
		md5_update(&m, chunk, (size_t)n);
		d->size += n;
	}
	close(fd);
	sha256_final_hex(&s, d->sha256);
	md5_final_hex(&m, d->md5);
	return 0;
}

static int all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return s[n] == '\0';
}

int digest_pin_valid(const char *pin)
{
	if (!pin)
		return 0;
	if (!strncmp(pin, "sha256:", 7))
		return all_hex(pin + 7, SHA256_HEX_LEN);
	if (!strncmp(pin, "md5:", 4))
		return all_hex(pin + 4, MD5_HEX_LEN);
	return !strcmp(pin, DIGEST_UNPINNED);
}

int digest_pin_is_pinned(const char *pin)
{
	return digest_pin_valid(pin) && strcmp(pin, DIGEST_UNPINNED) != 0;
}

int digest_check(const char *pin, const struct file_digest *d, const char **algo,
		 const char **expected, const char **actual)
{
	const char *want, *got, *name;

	if (!digest_pin_is_pinned(pin))
		return 0;
	if (!strncmp(pin, "sha256:", 7))
		name = "sha256", want = pin + 7, got = d->sha256;
	else
		name = "md5", want = pin + 4, got = d->md5;
	if (algo)
		*algo = name;
	if (expected)
		*expected = want;
	if (actual)
		*actual = got;
	return strcasecmp(want, got) ? -1 : 1;
}

/* -------------------------------------------------------- commit (.part) */

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	/* Some file systems cannot fsync a directory: that is not a failure. */
	if (r < 0 && (errno == EINVAL || errno == EBADF))
		r = 0;
	close(fd);
	return r;
}

void fetch_easy_defaults(CURL *c, const char *url, char *cerr)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vsrbench/" VSR_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled server: under 1 byte/s for a minute ends the transfer (resumable). */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
}

void fetch_dir_of(const char *path, struct buf *out)
{
	const char *slash = strrchr(path, '/');

	buf_reset(out);
	if (!slash)
		buf_adds(out, ".");
	else if (slash == path)
		buf_adds(out, "/");
	else
		buf_add(out, path, (size_t)(slash - path));
}

static int commit_sync(const char *part, const char *dest, long long size, const char *pin,
		       struct file_digest *d, int *mismatch, int sync, char *err)
{
	const char *algo = "sha256", *want = NULL, *got = NULL;
	struct buf dir = BUF_INIT;
	int r = file_digest(part, d, err), c;

	*mismatch = 0;
	if (r < 0)
		return err_set(err, VSR_EDATA, "%s: the partial download %s vanished", dest, part);
	if (r)
		return r;
	c = digest_check(pin, d, &algo, &want, &got);
	if (c < 0 || (size >= 0 && d->size != size)) {
		unlink(part);
		*mismatch = 1;
		if (c < 0 && size >= 0 && d->size != size)
			return err_set(err, VSR_EDATA,
				       "%s: %s mismatch: expected %s, actual %s (%lld bytes, expected "
				       "%lld); the download was discarded",
				       dest, algo, want, got, d->size, size);
		if (c < 0)
			return err_set(err, VSR_EDATA,
				       "%s: %s mismatch: expected %s, actual %s; the download was "
				       "discarded",
				       dest, algo, want, got);
		return err_set(err, VSR_EDATA,
			       "%s: size mismatch: expected %lld bytes, actual %lld (sha256 %s); the "
			       "download was discarded",
			       dest, size, d->size, d->sha256);
	}
	if (sync && fsync_path(part, O_RDONLY) < 0)
		return err_set(err, VSR_EDATA, "cannot sync %s: %s", part, strerror(errno));
	if (rename(part, dest) < 0)
		return err_set(err, VSR_EDATA, "cannot rename %s to %s: %s", part, dest,
			       strerror(errno));
	if (!sync)
		return 0;
	fetch_dir_of(dest, &dir);
	r = fsync_path(dir.ptr, O_RDONLY | O_DIRECTORY);
	if (r < 0)
		r = err_set(err, VSR_EDATA, "cannot sync folder %s: %s", dir.ptr, strerror(errno));
	buf_release(&dir);
	return r;
}

static int commit(const char *part, const char *dest, long long size, const char *pin,
		  struct file_digest *d, int *mismatch, char *err)
{
	return commit_sync(part, dest, size, pin, d, mismatch, 1, err);
}

int fetch_commit_unsynced(const char *part, const char *dest, long long size,
			  struct file_digest *d, char *err)
{
	int mismatch;

	return commit_sync(part, dest, size, DIGEST_UNPINNED, d, &mismatch, 0, err);
}

int fetch_sync(const char *dir, char *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return err_set(err, VSR_EDATA, "cannot open folder %s: %s", dir, strerror(errno));
	r = syncfs(fd);
	close(fd);
	if (r < 0)
		return err_set(err, VSR_EDATA, "cannot sync folder %s: %s", dir, strerror(errno));
	return 0;
}

int fetch_commit(const char *part, const char *dest, const char *label, long long size,
		 const char *pin, struct file_digest *d, char *err)
{
	int mismatch;

	(void)label;
	return commit(part, dest, size, pin, d, &mismatch, err);
}

void url_redact(const char *url, struct buf *out)
{
	const char *scheme = strstr(url, "://");
	const char *host, *end, *at = NULL;

	buf_reset(out);
	if (!scheme) {
		buf_adds(out, url);
		return;
	}
	host = scheme + 3;
	end = host + strcspn(host, "/?#");
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	buf_add(out, url, (size_t)(host - url));
	buf_adds(out, at ? at + 1 : host);
}

/* ------------------------------------------------------------- downloads */

int fetch_init(struct fetch *f, char *err)
{
	memset(f, 0, sizeof(*f));
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return err_set(err, VSR_EDATA, "cannot initialise libcurl");
	f->curl = curl_easy_init();
	if (!f->curl) {
		curl_global_cleanup();
		return err_set(err, VSR_EDATA, "cannot initialise libcurl");
	}
	f->progress = term_redraws(STDERR_FILENO);
	f->resume = 1;
	return 0;
}

void fetch_release(struct fetch *f)
{
	if (f->curl) {
		curl_easy_cleanup(f->curl);
		curl_global_cleanup();
	}
	f->curl = NULL;
}

struct xfer {
	CURL *c;
	int fd;
	int write_errno;
	long long off; /* bytes already in the .part when this transfer began */
	long long got; /* bytes written by this transfer */
	long long size_hint;
	const char *label;
	int progress;
	double start, last;
	int drawn;
};

static size_t on_write(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = sz * n, done = 0;
	long code = 0;

	curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200 && code != 206)
		return len; /* an error page is not data; the status is reported after */
	while (done < len) {
		ssize_t w = write(x->fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			x->write_errno = w < 0 ? errno : EIO;
			return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
		}
		done += (size_t)w;
	}
	x->got += (long long)len;
	return len;
}

static void human(double bytes, char *out, size_t n)
{
	if (bytes >= 1e9)
		snprintf(out, n, "%.2f GB", bytes / 1e9);
	else if (bytes >= 1e6)
		snprintf(out, n, "%.1f MB", bytes / 1e6);
	else
		snprintf(out, n, "%.0f kB", bytes / 1e3);
}

static void draw(struct xfer *x, long long now_bytes, long long total, int final)
{
	char a[32], b[32], rate[32];
	double t = wall_seconds(), el = t - x->start;
	int pct = total > 0 ? (int)(100.0 * (double)now_bytes / (double)total) : 0;
	char bar[21];
	const char *name = x->label, *dots = "";

	if (!final && x->drawn && t - x->last < 0.1)
		return;
	x->last = t;
	x->drawn = 1;
	for (int i = 0; i < 20; i++)
		bar[i] = total > 0 && i < pct / 5 ? '#' : total > 0 ? '.' : ' ';
	bar[20] = '\0';
	human((double)now_bytes, a, sizeof(a));
	human((double)total, b, sizeof(b));
	human(el > 0 ? (double)(now_bytes - x->off) / el : 0.0, rate, sizeof(rate));
	/* Long paths keep their end: the file name says more than the folder. */
	if (strlen(name) > 40)
		name += strlen(name) - 37, dots = "...";
	if (total > 0)
		fprintf(stderr, "\r\033[K%s%-*s [%s] %3d%% %s / %s  %s/s", dots, 40 - (int)strlen(dots),
			name, bar, pct, a, b, rate);
	else
		fprintf(stderr, "\r\033[K%s%-*s %s  %s/s", dots, 40 - (int)strlen(dots), name, a,
			rate);
	fflush(stderr);
}

/*
 * Without a terminal (a CI log): one plain line every FETCH_LINE_INTERVAL
 * seconds while a file is coming, as the image routes print theirs, so a
 * long download is not a silent step (nothing for one that takes less).
 */
#define FETCH_LINE_INTERVAL 5.0
static void plain_line(struct xfer *x, long long now_bytes, long long total)
{
	char a[32], b[32], rate[32];
	double t = wall_seconds(), el = t - x->start;

	if (t - x->last < FETCH_LINE_INTERVAL)
		return;
	x->last = t;
	human((double)now_bytes, a, sizeof(a));
	human(el > 0 ? (double)(now_bytes - x->off) / el : 0.0, rate, sizeof(rate));
	if (total > 0) {
		human((double)total, b, sizeof(b));
		fprintf(stderr, "%s: %s of %s (%d%%), %s/s\n", x->label, a, b,
			(int)(100.0 * (double)now_bytes / (double)total), rate);
	} else {
		fprintf(stderr, "%s: %s, %s/s\n", x->label, a, rate);
	}
	fflush(stderr);
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = ud;
	long long total = dltotal > 0 ? x->off + (long long)dltotal : x->size_hint;

	(void)ultotal;
	(void)ulnow;
	if (x->progress)
		draw(x, x->off + (long long)dlnow, total, 0);
	else
		plain_line(x, x->off + (long long)dlnow, total);
	return 0;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_size;
}

/* Removes an empty .part so an error leaves nothing behind. */
static void drop_if_empty(const char *part)
{
	if (file_size(part) == 0)
		unlink(part);
}

int fetch_file(struct fetch *f, const char *url, const char *dest, const char *label,
	       long long size, const char *pin, struct file_digest *d, char *err)
{
	CURL *c = f->curl;
	char cerr[CURL_ERROR_SIZE];
	struct buf part = BUF_INIT, safe = BUF_INIT, dir = BUF_INIT;
	int resumed_once = 0, restarted_once = 0, r = 0, resume = f->resume, mismatch;

	f->received = 0;
	f->requests = f->restarted = 0;
	url_redact(url, &safe);
	buf_addf(&part, "%s.part", dest);
	fetch_dir_of(dest, &dir);
	if (mkdir_p(dir.ptr) < 0) {
		r = err_set(err, VSR_EDATA, "cannot create folder %s: %s", dir.ptr, strerror(errno));
		goto out;
	}
again:
	f->resumed_from = 0;
	for (;;) {
		struct xfer x;
		long long off = file_size(part.ptr);
		long code = 0;
		CURLcode rc;

		if (off < 0)
			off = 0;
		if (off > 0 && (!resume || (size >= 0 && off > size))) {
			unlink(part.ptr);
			off = 0;
		}
		if (size >= 0 && off == size && off > 0) {
			/* An earlier run received every byte; it only missed the check. */
			f->resumed_from = off;
			break;
		}
		memset(&x, 0, sizeof(x));
		x.c = c;
		x.off = off;
		x.size_hint = size;
		x.label = label;
		x.progress = f->progress;
		x.start = x.last = wall_seconds();
		x.fd = open(part.ptr, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (x.fd < 0) {
			r = err_set(err, VSR_EDATA, "cannot create %s: %s", part.ptr, strerror(errno));
			goto out;
		}
		/* Two pulls appending to one .part would interleave their bytes. */
		if (flock(x.fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
			close(x.fd);
			r = err_set(err, VSR_EDATA, "%s: another process is downloading it (%s is locked)",
				    label, part.ptr);
			goto out;
		}
		curl_easy_reset(c);
		cerr[0] = '\0';
		fetch_easy_defaults(c, url, cerr);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)off);
		rc = curl_easy_perform(c);
		f->requests++;
		f->received += x.got;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (x.progress && x.drawn)
			fprintf(stderr, "\r\033[K");
		if (close(x.fd) < 0 && !x.write_errno)
			x.write_errno = errno;
		if (x.write_errno) {
			r = err_set(err, VSR_EDATA, "cannot write %s: %s", part.ptr,
				    strerror(x.write_errno));
			goto out;
		}
		if (off > 0 && !restarted_once &&
		    (rc == CURLE_RANGE_ERROR || (rc == CURLE_OK && code == 416))) {
			/* The server ignores ranges, or the .part does not fit the file
			 * any more: the bytes we have are useless, start over once. */
			vsr_warn("%s: %s cannot resume at byte %lld (%s); downloading it again from "
				 "the start",
				 label, safe.ptr, off,
				 rc == CURLE_RANGE_ERROR ? "the server ignores ranges" : "HTTP 416");
			unlink(part.ptr);
			restarted_once = 1;
			f->restarted = 1;
			continue;
		}
		if (rc == CURLE_OK && code != 200 && code != 206) {
			drop_if_empty(part.ptr);
			r = err_set(err, VSR_EDATA, "%s: HTTP %ld for %s", label, code, safe.ptr);
			goto out;
		}
		if (rc != CURLE_OK) {
			if (x.got > 0 && !resumed_once && resume) {
				/* Bytes arrived before the break: one immediate resume. */
				resumed_once = 1;
				continue;
			}
			if (!resume)
				unlink(part.ptr); /* it would not be resumed: keep nothing */
			drop_if_empty(part.ptr);
			off = file_size(part.ptr);
			if (off > 0)
				r = err_set(err, VSR_EDATA,
					    "%s: download from %s failed: %s; %lld bytes kept in %s, "
					    "run the command again to resume",
					    label, safe.ptr, cerr[0] ? cerr : curl_easy_strerror(rc),
					    off, part.ptr);
			else
				r = err_set(err, VSR_EDATA, "%s: download from %s failed: %s", label,
					    safe.ptr, cerr[0] ? cerr : curl_easy_strerror(rc));
			goto out;
		}
		if (off > 0)
			f->resumed_from = off;
		break;
	}
	if (f->check) {
		char why[VSR_ERR_MAX];
		if (f->check(part.ptr, why)) {
			unlink(part.ptr);
			r = err_set(err, VSR_EDATA,
				    "%s: what %s sent is not the file expected (%s); it was discarded",
				    label, safe.ptr, why);
			goto out;
		}
	}
	r = commit(part.ptr, dest, size, pin, d, &mismatch, err);
	if (r && mismatch && f->resumed_from > 0) {
		/* The bytes kept from an earlier run may belong to another version
		 * of the file (or be damaged): discarded already, fetch it whole once. */
		vsr_warn("%s: the resumed download failed its check (%s); downloading it again from "
			 "the start",
			 label, err);
		resume = 0;
		f->restarted = 1;
		goto again;
	}
out:
	/* The error buffer lives on this stack frame: never leave it set. */
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	buf_release(&part);
	buf_release(&safe);
	buf_release(&dir);
	return r;
}

/* ------------------------------------------------------ many downloads */

struct mxfer {
	struct xfer x;
	struct fetch_job *job;
	char part[4096];
	char cerr[CURL_ERROR_SIZE];
	int resumed_once, restarted_once;
};

/* Opens job's .part and adds a transfer for it; 0, or fills job->err. */
static int many_start(CURLM *m, struct mxfer *t)
{
	struct fetch_job *j = t->job;
	long long off = file_size(t->part);
	CURL *c;

	if (off < 0)
		off = 0;
	memset(&t->x, 0, sizeof(t->x));
	t->x.off = off;
	t->x.size_hint = -1;
	t->x.label = j->label;
	t->x.fd = open(t->part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (t->x.fd < 0)
		return err_set(j->err, VSR_EDATA, "cannot create %s: %s", t->part, strerror(errno));
	if (flock(t->x.fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		close(t->x.fd);
		return err_set(j->err, VSR_EDATA, "%s: another process is downloading it (%s is locked)",
			       j->label, t->part);
	}
	c = t->x.c = curl_easy_init();
	if (!c) {
		close(t->x.fd);
		return err_set(j->err, VSR_EDATA, "cannot initialise libcurl");
	}
	t->cerr[0] = '\0';
	fetch_easy_defaults(c, j->url, t->cerr);
	curl_easy_setopt(c, CURLOPT_PRIVATE, t);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &t->x);
	curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)off);
	if (curl_multi_add_handle(m, c) != CURLM_OK) {
		curl_easy_cleanup(c);
		close(t->x.fd);
		return err_set(j->err, VSR_EDATA, "cannot start the download of %s", j->label);
	}
	return 0;
}

/*
 * A transfer ended: 1 when it was started again (resume or restart),
 * 0 when the job is finished (status and err set).
 */
static int many_done(CURLM *m, struct mxfer *t, CURLcode rc, fetch_check_fn check, void *ud)
{
	struct fetch_job *j = t->job;
	struct buf safe = BUF_INIT;
	long code = 0;
	int mismatch, r = 0;

	curl_easy_getinfo(t->x.c, CURLINFO_RESPONSE_CODE, &code);
	curl_multi_remove_handle(m, t->x.c);
	curl_easy_cleanup(t->x.c);
	t->x.c = NULL;
	j->received += t->x.got;
	if (close(t->x.fd) < 0 && !t->x.write_errno)
		t->x.write_errno = errno;
	url_redact(j->url, &safe);
	if (t->x.write_errno) {
		r = err_set(j->err, VSR_EDATA, "cannot write %s: %s", t->part,
			    strerror(t->x.write_errno));
		goto out;
	}
	if (t->x.off > 0 && !t->restarted_once &&
	    (rc == CURLE_RANGE_ERROR || (rc == CURLE_OK && code == 416))) {
		unlink(t->part);
		t->restarted_once = 1;
		goto again;
	}
	if (rc == CURLE_OK && code != 200 && code != 206) {
		drop_if_empty(t->part);
		r = err_set(j->err, VSR_EDATA, "%s: HTTP %ld for %s", j->label, code, safe.ptr);
		goto out;
	}
	if (rc != CURLE_OK) {
		if (t->x.got > 0 && !t->resumed_once) {
			t->resumed_once = 1;
			goto again;
		}
		drop_if_empty(t->part);
		r = err_set(j->err, VSR_EDATA, "%s: download from %s failed: %s%s", j->label, safe.ptr,
			    t->cerr[0] ? t->cerr : curl_easy_strerror(rc),
			    file_size(t->part) > 0 ? " (the partial file is kept: run again to resume)"
						   : "");
		goto out;
	}
	if (t->x.off > 0)
		j->resumed_from = t->x.off;
	if (check && (r = check(t->part, ud, j->err))) {
		unlink(t->part);
		if (j->resumed_from > 0 && !t->restarted_once) {
			/* The kept bytes may be the damaged part: fetch it whole once. */
			t->restarted_once = 1;
			j->resumed_from = 0;
			r = 0;
			goto again;
		}
		goto out;
	}
	/* Without an fsync each: the caller syncs the batch once (fetch.h). */
	r = commit_sync(t->part, j->dest, -1, DIGEST_UNPINNED, &j->d, &mismatch, 0, j->err);
out:
	j->status = r;
	buf_release(&safe);
	return 0;
again:
	buf_release(&safe);
	if ((r = many_start(m, t))) {
		j->status = r;
		return 0;
	}
	return 1;
}

static void many_progress(const char *what, size_t done, size_t n, size_t failed,
			  long long bytes, double start, int tty, int final)
{
	char b[32], rate[32];
	double el = wall_seconds() - start;

	human((double)bytes, b, sizeof(b));
	human(el > 0 ? (double)bytes / el : 0.0, rate, sizeof(rate));
	if (tty)
		fprintf(stderr, "\r\033[K%s: %zu/%zu files, %s, %s/s%s%s", what, done, n, b, rate,
			failed ? ", failures: " : "", failed ? "see below" : "");
	else
		fprintf(stderr, "%s: %zu/%zu files, %s, %s/s, %zu failed\n", what, done, n, b, rate,
			failed);
	if (tty && final)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

size_t fetch_many(struct fetch_job *jobs, size_t n, int parallel, fetch_check_fn check, void *ud,
		  const char *what)
{
	CURLM *m;
	struct mxfer *slots;
	size_t next = 0, active = 0, done = 0, failed = 0;
	long long bytes = 0;
	double start = wall_seconds(), last = start;
	int tty = term_redraws(STDERR_FILENO);

	if (parallel < 1)
		parallel = 1;
	if (!n)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(m = curl_multi_init())) {
		for (size_t i = 0; i < n; i++)
			jobs[i].status = err_set(jobs[i].err, VSR_EDATA, "cannot initialise libcurl");
		return n;
	}
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)parallel);
	slots = xcalloc((size_t)parallel, sizeof(*slots));
	for (;;) {
		CURLMsg *msg;
		int running, left, freed;

		/* Fill free slots. */
		for (int s = 0; s < parallel && next < n; s++) {
			struct mxfer *t = &slots[s];
			struct buf dir = BUF_INIT;

			if (t->job)
				continue;
			memset(t, 0, sizeof(*t));
			t->job = &jobs[next++];
			t->job->status = 0;
			t->job->err[0] = '\0';
			t->job->resumed_from = t->job->received = 0;
			snprintf(t->part, sizeof(t->part), "%s.part", t->job->dest);
			fetch_dir_of(t->job->dest, &dir);
			if (mkdir_p(dir.ptr) < 0)
				t->job->status = err_set(t->job->err, VSR_EDATA,
							 "cannot create folder %s: %s", dir.ptr,
							 strerror(errno));
			buf_release(&dir);
			if (!t->job->status)
				t->job->status = many_start(m, t);
			if (t->job->status) {
				done++;
				failed++;
				t->job = NULL;
				s--; /* this slot is free again */
				continue;
			}
			active++;
		}
		if (!active)
			break;
		curl_multi_perform(m, &running);
		freed = 0;
		while ((msg = curl_multi_info_read(m, &left))) {
			struct mxfer *t = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
			if (many_done(m, t, msg->data.result, check, ud))
				continue;
			bytes += t->job->received;
			done++;
			failed += t->job->status != 0;
			t->job = NULL;
			active--;
			freed = 1;
		}
		if (wall_seconds() - last >= (tty ? 0.2 : 5.0)) {
			last = wall_seconds();
			many_progress(what, done, n, failed, bytes, start, tty, 0);
		}
		/* A freed slot takes the next file at once; otherwise wait for the sockets. */
		if (active && !(freed && next < n))
			curl_multi_poll(m, NULL, 0, 200, NULL);
	}
	many_progress(what, done, n, failed, bytes, start, tty, 1);
	free(slots);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	return failed;
}
