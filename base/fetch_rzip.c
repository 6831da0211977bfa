/*
 * fetch_rzip: a zip archive read over HTTP(S) with Range requests
 * (declared in fetch.h): the directory, then only the members asked for.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fetch.h"
#include "util.h"
#include "zipdir.h"

/* COCO's train2017.zip has a ~13 MB directory; a cap keeps a hostile one from eating memory. */
#define RZIP_CD_MAX ((uint64_t)256 << 20)
/* Bytes fetched beyond a member's local header name, hoping to cover its extra field. */
#define RZIP_EXTRA_GUESS 256

struct range_xfer {
	CURL *c;
	struct buf *out;
	int whole;     /* the server answered 200: the whole body, not the range */
	int overrun;   /* more bytes than asked for */
	uint64_t first, total; /* from Content-Range: bytes FIRST-LAST/TOTAL */
	int have_cr;
};

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct range_xfer *x = ud;
	size_t len = sz * n;
	char line[256];
	unsigned long long a, b, t;

	if (len < sizeof(line)) {
		memcpy(line, p, len);
		line[len] = '\0';
		if (!strncasecmp(line, "content-range:", 14) &&
		    sscanf(line + 14, " bytes %llu-%llu/%llu", &a, &b, &t) == 3) {
			x->first = a;
			x->total = t;
			x->have_cr = 1;
		}
	}
	return len;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct range_xfer *x = ud;
	size_t len = sz * n;
	long code = 0;

	curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200) {
		x->whole = 1;
		return 0; /* never read a whole archive by accident: abort now */
	}
	if (code != 206)
		return len; /* an error page is not data; the status is reported after */
	if (buf_add(x->out, p, len) < 0) {
		x->overrun = 1;
		return 0;
	}
	return len;
}

static void human_size(double bytes, char *out, size_t n)
{
	if (bytes >= 1e9)
		snprintf(out, n, "%.1f GB", bytes / 1e9);
	else if (bytes >= 1e6)
		snprintf(out, n, "%.1f MB", bytes / 1e6);
	else
		snprintf(out, n, "%.0f bytes", bytes);
}

/*
 * Bytes [off, off + len) of the archive into out (reset first), or, with
 * suffix set, its last len bytes (fewer when the archive is shorter);
 * *total gets the archive's size from Content-Range.
 */
static int range_get(struct rzip *z, int suffix, uint64_t off, uint64_t len, struct buf *out,
		     uint64_t *total, char *err)
{
	CURL *c = z->f->curl;
	struct range_xfer x;
	char cerr[CURL_ERROR_SIZE], range[64];
	long code = 0;
	CURLcode rc;

	buf_release(out);
	buf_init(out, (size_t)len);
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.out = out;
	if (suffix)
		snprintf(range, sizeof(range), "-%" PRIu64, len);
	else
		snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, off, off + len - 1);
	curl_easy_reset(c);
	cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, z->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vsrbench/" VSR_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_RANGE, range);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	rc = curl_easy_perform(c);
	z->requests++;
	z->received += (long long)out->len;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (x.whole || (rc == CURLE_OK && code == 200)) {
		curl_off_t cl = -1;
		char h[32];

		curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		if (cl >= 0) {
			human_size((double)cl, h, sizeof(h));
			return err_set(err, VSR_EDATA,
				       "--from-zip %s: the server does not answer HTTP Range requests "
				       "(it sent the whole archive, %s): download the zip (%s) and "
				       "pass its PATH to --from-zip",
				       z->safe_url, h, h);
		}
		return err_set(err, VSR_EDATA,
			       "--from-zip %s: the server does not answer HTTP Range requests (it "
			       "sent the whole archive, of unknown size): download the zip and pass "
			       "its PATH to --from-zip",
			       z->safe_url);
	}
	if (x.overrun)
		return err_set(err, VSR_EDATA,
			       "--from-zip %s: the server sent more than the %" PRIu64
			       " bytes asked for (range %s)",
			       z->safe_url, len, range);
	if (rc != CURLE_OK)
		return err_set(err, VSR_EDATA, "--from-zip %s: %s", z->safe_url,
			       cerr[0] ? cerr : curl_easy_strerror(rc));
	if (code != 206)
		return err_set(err, VSR_EDATA, "--from-zip %s: HTTP %ld for the range %s", z->safe_url,
			       code, range);
	if (!x.have_cr)
		return err_set(err, VSR_EDATA, "--from-zip %s: a 206 answer without Content-Range",
			       z->safe_url);
	if (total)
		*total = x.total;
	if ((!suffix && (x.first != off || out->len != len)) ||
	    (suffix && (x.total < out->len || x.first != x.total - out->len)) ||
	    (z->size && x.total != z->size))
		return err_set(err, VSR_EDATA,
			       "--from-zip %s: the server answered the range %s with other bytes "
			       "(Content-Range bytes %" PRIu64 "-.../%" PRIu64 ", %zu bytes sent)",
			       z->safe_url, range, x.first, x.total, out->len);
	return 0;
}

struct collect {
	struct rzip *z;
	size_t cap;
};

static int collect_member(const struct zipdir_entry *e, void *ctx)
{
	struct collect *col = ctx;
	struct rzip *z = col->z;
	struct rzip_member *m;

	if (z->n == col->cap) {
		col->cap = col->cap ? 2 * col->cap : 256;
		z->m = xrealloc(z->m, col->cap * sizeof(*z->m));
	}
	m = &z->m[z->n++];
	m->name = xmalloc(e->name_len + 1);
	memcpy(m->name, e->name, e->name_len);
	m->name[e->name_len] = '\0';
	m->flags = e->flags;
	m->method = e->method;
	m->crc = e->crc;
	m->csize = e->csize;
	m->usize = e->usize;
	m->lho = e->lho;
	return 0;
}

int rzip_open(struct rzip *z, struct fetch *f, const char *url, char *err)
{
	struct buf tail = BUF_INIT, cd = BUF_INIT, safe = BUF_INIT;
	struct zipdir_loc loc;
	struct collect col = { z, 0 };
	char zerr[256];
	uint64_t size = 0, tail_off;
	const unsigned char *cdp;
	int r;

	memset(z, 0, sizeof(*z));
	z->f = f;
	z->url = xstrdup(url);
	url_redact(url, &safe);
	z->safe_url = buf_detach(&safe, NULL);
	if ((r = range_get(z, 1, 0, ZIPDIR_TAIL_MAX, &tail, &size, err)))
		goto out;
	z->size = size;
	tail_off = size - tail.len;
	r = zipdir_tail((const unsigned char *)tail.ptr, tail.len, size, &loc, zerr, sizeof(zerr));
	if (r == ZIPDIR_NEED_EOCD64) {
		if ((r = range_get(z, 0, loc.eocd64_off, ZIPDIR_EOCD64_LEN, &cd, NULL, err)))
			goto out;
		r = zipdir_eocd64((const unsigned char *)cd.ptr, cd.len, size, &loc, zerr,
				  sizeof(zerr));
	}
	if (r) {
		r = err_set(err, VSR_EDATA, "--from-zip %s: %s", z->safe_url, zerr);
		goto out;
	}
	if (loc.cd_size > RZIP_CD_MAX) {
		r = err_set(err, VSR_EDATA,
			    "--from-zip %s: a central directory of %" PRIu64
			    " bytes, more than vsrbench reads (256 MiB)",
			    z->safe_url, loc.cd_size);
		goto out;
	}
	if (loc.cd_off >= tail_off) {
		/* A small archive: the directory came with the tail. */
		cdp = (const unsigned char *)tail.ptr + (loc.cd_off - tail_off);
	} else if (loc.cd_size) {
		if ((r = range_get(z, 0, loc.cd_off, loc.cd_size, &cd, NULL, err)))
			goto out;
		cdp = (const unsigned char *)cd.ptr;
	} else {
		cdp = (const unsigned char *)tail.ptr;
	}
	if (zipdir_parse(cdp, (size_t)loc.cd_size, &loc, size, collect_member, &col, zerr,
			 sizeof(zerr)))
		r = err_set(err, VSR_EDATA, "--from-zip %s: %s", z->safe_url, zerr);
out:
	buf_release(&tail);
	buf_release(&cd);
	return r;
}

void rzip_close(struct rzip *z)
{
	for (size_t i = 0; i < z->n; i++)
		free(z->m[i].name);
	free(z->m);
	free(z->url);
	free(z->safe_url);
	memset(z, 0, sizeof(*z));
}

int rzip_extract(struct rzip *z, size_t i, const char *part, uint64_t max_usize, char *err)
{
	const struct rzip_member *m = &z->m[i];
	struct buf b = BUF_INIT, more = BUF_INIT;
	uint64_t want, data_off;
	int fd = -1, r = 0;

	if (m->flags & 1)
		return err_set(err, VSR_EDATA, "%s: member %s is encrypted", z->safe_url, m->name);
	if (m->usize > max_usize || m->csize > max_usize + (max_usize >> 4) + 1024)
		return err_set(err, VSR_EDATA,
			       "%s: member %s: %" PRIu64 " bytes uncompressed, more than an image "
			       "may be (%" PRIu64 " MiB)",
			       z->safe_url, m->name, m->usize, max_usize >> 20);
	/* The local header's name and extra field need not match the directory's: read it. */
	want = 30 + strlen(m->name) + RZIP_EXTRA_GUESS + m->csize;
	if (want > z->size - m->lho)
		want = z->size - m->lho;
	if ((r = range_get(z, 0, m->lho, want, &b, NULL, err)))
		goto out;
	if (zipdir_local_data((const unsigned char *)b.ptr, b.len, &data_off) ||
	    data_off > z->size - m->lho || m->csize > z->size - m->lho - data_off) {
		r = err_set(err, VSR_EDATA, "%s: member %s: bad local header", z->safe_url,
			    m->name);
		goto out;
	}
	if (data_off + m->csize > b.len) {
		/* A longer extra field than guessed: the rest of the data. */
		uint64_t rest = data_off + m->csize - b.len;
		if ((r = range_get(z, 0, m->lho + b.len, rest, &more, NULL, err)))
			goto out;
		b.max = 0; /* the cap was the first request's */
		buf_add(&b, more.ptr, more.len);
	}
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = err_set(err, VSR_EDATA, "cannot create %s: %s", part, strerror(errno));
		goto out;
	}
	r = unzip_data_to_fd(fd, (const unsigned char *)b.ptr + data_off, (size_t)m->csize,
			     m->method, m->crc, m->usize, z->safe_url, m->name, err);
	if (close(fd) < 0 && !r)
		r = err_set(err, VSR_EDATA, "cannot write %s: %s", part, strerror(errno));
	if (r)
		unlink(part);
out:
	buf_release(&b);
	buf_release(&more);
	return r;
}
