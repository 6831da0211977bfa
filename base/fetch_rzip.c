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
#include <zlib.h>

#include "fetch.h"
#include "fetch_int.h"
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

/* The range header value for [off, off + len), or with suffix the last len bytes. */
static void range_text(int suffix, uint64_t off, uint64_t len, char *out, size_t n)
{
	if (suffix)
		snprintf(out, n, "-%" PRIu64, len);
	else
		snprintf(out, n, "%" PRIu64 "-%" PRIu64, off, off + len - 1);
}

/* Sets c up to fetch range of z's archive into x->out (reset to a cap of len). */
static void range_setup(struct rzip *z, CURL *c, struct range_xfer *x, struct buf *out,
			uint64_t len, const char *range, char *cerr)
{
	buf_release(out);
	buf_init(out, (size_t)len);
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->out = out;
	curl_easy_reset(c);
	cerr[0] = '\0';
	fetch_easy_defaults(c, z->url, cerr);
	curl_easy_setopt(c, CURLOPT_RANGE, range);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
}

/*
 * A finished range transfer checked: 0, or VSR_EDATA with err (*norange
 * set when the server ignored Range: the caller must stop at once).
 */
static int range_result(struct rzip *z, struct range_xfer *x, CURLcode rc, const char *cerr,
			int suffix, uint64_t off, uint64_t len, const char *range, uint64_t *total,
			int *norange, char *err)
{
	struct buf *out = x->out;
	CURL *c = x->c;
	long code = 0;

	z->requests++;
	z->received += (long long)out->len;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (x->whole || (rc == CURLE_OK && code == 200)) {
		curl_off_t cl = -1;
		char h[32];

		if (norange)
			*norange = 1;
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
	if (x->overrun)
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
	if (!x->have_cr)
		return err_set(err, VSR_EDATA, "--from-zip %s: a 206 answer without Content-Range",
			       z->safe_url);
	if (total)
		*total = x->total;
	if ((!suffix && (x->first != off || out->len != len)) ||
	    (suffix && (x->total < out->len || x->first != x->total - out->len)) ||
	    (z->size && x->total != z->size))
		return err_set(err, VSR_EDATA,
			       "--from-zip %s: the server answered the range %s with other bytes "
			       "(Content-Range bytes %" PRIu64 "-.../%" PRIu64 ", %zu bytes sent)",
			       z->safe_url, range, x->first, x->total, out->len);
	return 0;
}

/*
 * Bytes [off, off + len) of the archive into out (reset first), or, with
 * suffix set, its last len bytes (fewer when the archive is shorter);
 * *total gets the archive's size from Content-Range.  Uses z->f's handle.
 */
static int range_get(struct rzip *z, int suffix, uint64_t off, uint64_t len, struct buf *out,
		     uint64_t *total, char *err)
{
	CURL *c = z->f->curl;
	struct range_xfer x;
	char cerr[CURL_ERROR_SIZE], range[64];
	CURLcode rc;
	int r;

	range_text(suffix, off, len, range, sizeof(range));
	range_setup(z, c, &x, out, len, range, cerr);
	rc = curl_easy_perform(c);
	r = range_result(z, &x, rc, cerr, suffix, off, len, range, total, NULL, err);
	/* The error buffer lives on this stack frame: never leave it set. */
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	return r;
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
	z->cd_off = loc.cd_off;
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

/* Refuses a member that vsrbench will not read; 0 or VSR_EDATA. */
static int member_ok(const struct rzip *z, const struct rzip_member *m, uint64_t max_usize,
		     char *err)
{
	if (m->flags & 1)
		return err_set(err, VSR_EDATA, "%s: member %s is encrypted", z->safe_url, m->name);
	if (m->usize > max_usize || m->csize > max_usize + (max_usize >> 4) + 1024)
		return err_set(err, VSR_EDATA,
			       "%s: member %s: %" PRIu64 " bytes uncompressed, more than an image "
			       "may be (%" PRIu64 " MiB)",
			       z->safe_url, m->name, m->usize, max_usize >> 20);
	return 0;
}

/* The bytes asked for a member: its local header, a guess at its extra field, its data. */
static uint64_t member_want(const struct rzip *z, const struct rzip_member *m)
{
	uint64_t want = 30 + strlen(m->name) + RZIP_EXTRA_GUESS + m->csize;

	return want > z->size - m->lho ? z->size - m->lho : want;
}

/*
 * Member m's bytes from p (n bytes read at its local header): the rest
 * fetched when its extra field was longer than guessed, then written to
 * part (created or truncated; removed on failure).
 */
static int member_write(struct rzip *z, const struct rzip_member *m, const unsigned char *p,
			size_t n, const char *part, char *err)
{
	struct buf b = BUF_INIT, more = BUF_INIT;
	uint64_t data_off;
	int fd = -1, r = 0;

	if (zipdir_local_data(p, n, &data_off) || data_off > z->size - m->lho ||
	    m->csize > z->size - m->lho - data_off)
		return err_set(err, VSR_EDATA, "%s: member %s: bad local header", z->safe_url,
			       m->name);
	if (data_off + m->csize > n) {
		/* A longer extra field than guessed: the rest of the data. */
		uint64_t rest = data_off + m->csize - n;
		if ((r = range_get(z, 0, m->lho + n, rest, &more, NULL, err)))
			goto out;
		buf_add(&b, p, n);
		buf_add(&b, more.ptr, more.len);
		p = (const unsigned char *)b.ptr;
	}
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = err_set(err, VSR_EDATA, "cannot create %s: %s", part, strerror(errno));
		goto out;
	}
	r = unzip_data_to_fd(fd, p + data_off, (size_t)m->csize, m->method, m->crc, m->usize,
			     z->safe_url, m->name, err);
	if (close(fd) < 0 && !r)
		r = err_set(err, VSR_EDATA, "cannot write %s: %s", part, strerror(errno));
	if (r)
		unlink(part);
out:
	buf_release(&b);
	buf_release(&more);
	return r;
}

/* ------------------------------------------------------ many members */

/*
 * A group: members whose byte spans touch (or nearly: RZIP_GAP), fetched
 * with one Range request.  A member's span is its local header, the
 * guessed extra field and its data, cut at the next member's local header
 * (or the directory), so a group carries another member's bytes only when
 * that member lies between two asked for and is under RZIP_GAP.
 */
#define RZIP_GAP ((uint64_t)16 << 10)
#define RZIP_GROUP_MAX ((uint64_t)8 << 20)

struct rgroup {
	uint64_t off, len;
	size_t first, n; /* into the lho-sorted job order */
};

struct rslot {
	struct range_xfer x;
	struct buf body;
	struct rgroup *g;
	CURL *c;
	char cerr[CURL_ERROR_SIZE], range[64];
	int retried;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static const struct rzip *sort_z;
static const struct rzip_job *sort_jobs;

static int cmp_job_lho(const void *a, const void *b)
{
	uint64_t x = sort_z->m[sort_jobs[*(const size_t *)a].idx].lho;
	uint64_t y = sort_z->m[sort_jobs[*(const size_t *)b].idx].lho;

	return x < y ? -1 : x > y;
}

/* The first local header offset after lho (the directory's offset when none). */
static uint64_t next_lho(const uint64_t *lhos, size_t n, uint64_t lho, uint64_t end)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lhos[mid] <= lho)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && lhos[lo] < end ? lhos[lo] : end;
}

static void report(struct rzip_job *j, int status, rzip_done_fn done, void *ud)
{
	j->status = status;
	done(j, ud);
}

/* Writes each member of a fetched group and reports it. */
static void group_done(struct rzip *z, struct rzip_job *jobs, const size_t *order,
		       const struct rgroup *g, const struct buf *body, rzip_done_fn done, void *ud)
{
	for (size_t k = g->first; k < g->first + g->n; k++) {
		struct rzip_job *j = &jobs[order[k]];
		const struct rzip_member *m = &z->m[j->idx];
		uint64_t at = m->lho - g->off;

		report(j,
		       member_write(z, m, (const unsigned char *)body->ptr + at,
				    (size_t)(body->len - at), j->part, j->err),
		       done, ud);
	}
}

static int slot_start(struct rzip *z, CURLM *mh, struct rslot *t)
{
	range_text(0, t->g->off, t->g->len, t->range, sizeof(t->range));
	range_setup(z, t->c, &t->x, &t->body, t->g->len, t->range, t->cerr);
	curl_easy_setopt(t->c, CURLOPT_PRIVATE, t);
	return curl_multi_add_handle(mh, t->c) == CURLM_OK ? 0 : -1;
}

int rzip_extract_many(struct rzip *z, struct rzip_job *jobs, size_t n, int parallel,
		      uint64_t max_usize, rzip_done_fn done, void *ud, char *err)
{
	uint64_t *lhos = NULL, cd_end;
	size_t *order = NULL, ng = 0, next = 0, active = 0, todo = 0;
	struct rgroup *groups = NULL;
	struct rslot *slots = NULL;
	CURLM *mh = NULL;
	int r = 0, norange = 0;

	if (!n)
		return 0;
	if (parallel < 1)
		parallel = 1;
	/* Every member's local header offset, sorted: where each span must end. */
	lhos = xmalloc((z->n ? z->n : 1) * sizeof(*lhos));
	for (size_t i = 0; i < z->n; i++)
		lhos[i] = z->m[i].lho;
	qsort(lhos, z->n, sizeof(*lhos), cmp_u64);
	cd_end = z->cd_off ? z->cd_off : z->size;
	order = xmalloc(n * sizeof(*order));
	for (size_t i = 0; i < n; i++) {
		struct rzip_job *j = &jobs[i];
		j->err[0] = '\0';
		j->status = member_ok(z, &z->m[j->idx], max_usize, j->err);
		if (j->status) {
			report(j, j->status, done, ud);
		} else {
			j->status = -1; /* not reported yet */
			order[todo++] = i;
		}
	}
	sort_z = z;
	sort_jobs = jobs;
	qsort(order, todo, sizeof(*order), cmp_job_lho);
	groups = xcalloc(todo ? todo : 1, sizeof(*groups));
	for (size_t k = 0; k < todo; k++) {
		const struct rzip_member *m = &z->m[jobs[order[k]].idx];
		uint64_t end = m->lho + member_want(z, m), cut = next_lho(lhos, z->n, m->lho, cd_end);
		struct rgroup *g = ng ? &groups[ng - 1] : NULL;

		if (cut > m->lho && cut < end)
			end = cut;
		if (g && m->lho <= g->off + g->len + RZIP_GAP && end - g->off <= RZIP_GROUP_MAX) {
			if (end > g->off + g->len)
				g->len = end - g->off;
			g->n++;
			continue;
		}
		g = &groups[ng++];
		g->off = m->lho;
		g->len = end - m->lho;
		g->first = k;
		g->n = 1;
	}
	if (!(mh = curl_multi_init())) {
		r = err_set(err, VSR_EDATA, "cannot initialise libcurl");
		goto out;
	}
	curl_multi_setopt(mh, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)parallel);
	slots = xcalloc((size_t)parallel, sizeof(*slots));
	for (;;) {
		CURLMsg *msg;
		int running, left, freed;

		for (int s = 0; s < parallel && next < ng && !norange; s++) {
			struct rslot *t = &slots[s];
			if (t->g)
				continue;
			if (!t->c && !(t->c = curl_easy_init())) {
				r = err_set(err, VSR_EDATA, "cannot initialise libcurl");
				goto out;
			}
			t->g = &groups[next++];
			t->retried = 0;
			if (slot_start(z, mh, t)) {
				r = err_set(err, VSR_EDATA, "cannot start a range request");
				goto out;
			}
			active++;
		}
		if (!active)
			break;
		curl_multi_perform(mh, &running);
		freed = 0;
		while ((msg = curl_multi_info_read(mh, &left))) {
			struct rslot *t = NULL;
			char gerr[VSR_ERR_MAX];
			int gr;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
			curl_multi_remove_handle(mh, t->c);
			gr = range_result(z, &t->x, msg->data.result, t->cerr, 0, t->g->off, t->g->len,
					  t->range, NULL, &norange, gerr);
			if (gr && norange) {
				memcpy(err, gerr, VSR_ERR_MAX);
				r = VSR_EDATA;
				goto out;
			}
			if (gr && msg->data.result != CURLE_OK && !t->retried) {
				/* A broken connection: the group once more. */
				t->retried = 1;
				if (!slot_start(z, mh, t))
					continue;
			}
			if (gr) {
				for (size_t k = t->g->first; k < t->g->first + t->g->n; k++) {
					struct rzip_job *j = &jobs[order[k]];
					memcpy(j->err, gerr, VSR_ERR_MAX);
					report(j, gr, done, ud);
				}
			} else {
				group_done(z, jobs, order, t->g, &t->body, done, ud);
			}
			buf_release(&t->body);
			t->g = NULL;
			active--;
			freed = 1;
		}
		/* A freed slot takes the next group at once; otherwise wait for the sockets. */
		if (active && !(freed && next < ng))
			curl_multi_poll(mh, NULL, 0, 200, NULL);
	}
out:
	/* Stopped early: every member not reported yet fails with the batch's error. */
	for (size_t k = 0; k < todo; k++)
		if (jobs[order[k]].status < 0)
			jobs[order[k]].status = VSR_EDATA;
	for (int s = 0; slots && s < parallel; s++) {
		if (slots[s].c) {
			if (slots[s].g)
				curl_multi_remove_handle(mh, slots[s].c);
			curl_easy_cleanup(slots[s].c);
		}
		buf_release(&slots[s].body);
	}
	free(slots);
	if (mh)
		curl_multi_cleanup(mh);
	free(groups);
	free(order);
	free(lhos);
	return r;
}

/* ------------------------------------------------------ one member, streamed */

struct stream_xfer {
	struct range_xfer x; /* headers, status; x.out unused */
	z_stream zs;
	unsigned method;
	uLong crc;
	uint64_t got, total, max_usize;
	rzip_sink_fn sink;
	void *ud;
	int failed; /* the sink, the inflater or the size refused: err set */
	char *err;
	const char *what; /* "URL!MEMBER" for messages */
};

/* Passes n bytes of the member's uncompressed data to the sink. */
static int stream_out(struct stream_xfer *s, const unsigned char *p, size_t n)
{
	s->crc = crc32(s->crc, p, (uInt)n);
	s->total += n;
	if (s->total > s->max_usize) {
		err_set(s->err, VSR_EDATA, "%s: more than its %" PRIu64 " bytes", s->what,
			s->max_usize);
		return -1;
	}
	return s->sink(s->ud, (const char *)p, n, s->err) ? -1 : 0;
}

static size_t on_stream(char *p, size_t sz, size_t n, void *ud)
{
	struct stream_xfer *s = ud;
	size_t len = sz * n;
	long code = 0;

	curl_easy_getinfo(s->x.c, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200) {
		s->x.whole = 1;
		return 0;
	}
	if (code != 206)
		return len;
	s->got += len;
	if (s->method == 0) {
		if (stream_out(s, (const unsigned char *)p, len) < 0) {
			s->failed = 1;
			return 0;
		}
		return len;
	}
	s->zs.next_in = (Bytef *)p;
	s->zs.avail_in = (uInt)len;
	while (s->zs.avail_in) {
		unsigned char out[1 << 16];
		int zr;

		s->zs.next_out = out;
		s->zs.avail_out = sizeof(out);
		zr = inflate(&s->zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			err_set(s->err, VSR_EDATA, "%s: corrupt deflate data (%s)", s->what,
				s->zs.msg ? s->zs.msg : "?");
			s->failed = 1;
			return 0;
		}
		if (stream_out(s, out, sizeof(out) - s->zs.avail_out) < 0) {
			s->failed = 1;
			return 0;
		}
		if (zr == Z_STREAM_END || zr == Z_BUF_ERROR)
			break;
	}
	return len;
}

int rzip_stream(struct rzip *z, size_t i, uint64_t max_usize, rzip_sink_fn sink, void *ud,
		char *err)
{
	const struct rzip_member *m = &z->m[i];
	struct buf head = BUF_INIT, what = BUF_INIT, dummy = BUF_INIT;
	struct stream_xfer s;
	uint64_t data_off, hl;
	char cerr[CURL_ERROR_SIZE], range[64];
	CURLcode rc;
	int r;

	buf_addf(&what, "%s!%s", z->safe_url, m->name);
	if (m->flags & 1) {
		r = err_set(err, VSR_EDATA, "%s: encrypted", what.ptr);
		goto out;
	}
	if (m->method != 0 && m->method != 8) {
		r = err_set(err, VSR_EDATA, "%s: compression method %u (only stored and deflate "
			    "are supported)", what.ptr, m->method);
		goto out;
	}
	if (m->usize > max_usize) {
		r = err_set(err, VSR_EDATA, "%s: %" PRIu64 " bytes uncompressed, more than vsrbench "
			    "reads (%" PRIu64 " MiB)", what.ptr, m->usize, max_usize >> 20);
		goto out;
	}
	/* The local header (its name and extra field may differ from the directory's). */
	hl = 30 + strlen(m->name) + RZIP_EXTRA_GUESS;
	if (hl > z->size - m->lho)
		hl = z->size - m->lho;
	if ((r = range_get(z, 0, m->lho, hl, &head, NULL, err)))
		goto out;
	if (zipdir_local_data((const unsigned char *)head.ptr, head.len, &data_off) ||
	    data_off > z->size - m->lho || m->csize > z->size - m->lho - data_off) {
		r = err_set(err, VSR_EDATA, "%s: bad local header", what.ptr);
		goto out;
	}
	memset(&s, 0, sizeof(s));
	s.method = m->method;
	s.crc = crc32(0L, Z_NULL, 0);
	s.max_usize = m->usize;
	s.sink = sink;
	s.ud = ud;
	s.err = err;
	s.what = what.ptr;
	if (m->method == 8 && inflateInit2(&s.zs, -MAX_WBITS) != Z_OK) {
		r = err_set(err, VSR_EDATA, "%s: cannot start inflating", what.ptr);
		goto out;
	}
	if (m->csize) {
		range_text(0, m->lho + data_off, m->csize, range, sizeof(range));
		range_setup(z, z->f->curl, &s.x, &dummy, 1, range, cerr);
		curl_easy_setopt(z->f->curl, CURLOPT_WRITEFUNCTION, on_stream);
		curl_easy_setopt(z->f->curl, CURLOPT_WRITEDATA, &s);
		rc = curl_easy_perform(z->f->curl);
		curl_easy_setopt(z->f->curl, CURLOPT_ERRORBUFFER, NULL);
		if (s.failed) {
			r = VSR_EDATA;
		} else {
			/* range_result checks the status and Content-Range; the body went to the sink. */
			dummy.len = 0;
			r = range_result(z, &s.x, rc, cerr, 0, m->lho + data_off, 0, range, NULL, NULL,
					 err);
			z->received += (long long)s.got;
			if (!r && (s.x.first != m->lho + data_off || s.got != m->csize))
				r = err_set(err, VSR_EDATA, "%s: %" PRIu64 " of its %" PRIu64
					    " compressed bytes received", what.ptr, s.got, m->csize);
		}
	} else {
		r = 0;
	}
	if (m->method == 8)
		inflateEnd(&s.zs);
	if (!r && s.total != m->usize)
		r = err_set(err, VSR_EDATA, "%s: size check failed (%" PRIu64 " bytes, expected %"
			    PRIu64 ")", what.ptr, s.total, m->usize);
	if (!r && s.crc != m->crc)
		r = err_set(err, VSR_EDATA, "%s: CRC-32 check failed (the data hashes to %08lx, its "
			    "entry says %08lx)", what.ptr, (unsigned long)s.crc, (unsigned long)m->crc);
out:
	buf_release(&head);
	buf_release(&what);
	buf_release(&dummy);
	return r;
}
