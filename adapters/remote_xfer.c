/*
 * remote_xfer: one transfer slot of a loop.  Its easy handle is made once
 * and reused request after request (connections stay alive in the multi
 * handle); its body is the protocol's JSON with the image's base64 either
 * inside (a small body, given as POSTFIELDS) or streamed from the job by
 * on_read (a large one: no copy of the image).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote_loop.h"
#include "../base/util.h"

#define SMALL_BODY 60000 /* under libcurl's MAX_INITIAL_POST_SIZE (64 KB) */

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;

	if (buf_add(b, data, size * n))
		return 0; /* over RESP_MAX: curl fails the transfer with a write error */
	return size * n;
}

/* CURLOPT_READFUNCTION: the next bytes of the body, from its three parts. */
static size_t on_read(char *dst, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t room = size * n, done = 0, total = x->body.len + x->img_len;

	while (done < room && x->pos < total) {
		const char *src;
		size_t avail;
		if (x->pos < x->split) {
			src = x->body.ptr + x->pos;
			avail = x->split - x->pos;
		} else if (x->pos < x->split + x->img_len) {
			src = x->img + (x->pos - x->split);
			avail = x->split + x->img_len - x->pos;
		} else {
			src = x->body.ptr + (x->pos - x->img_len);
			avail = total - x->pos;
		}
		if (avail > room - done)
			avail = room - done;
		memcpy(dst + done, src, avail);
		done += avail;
		x->pos += avail;
	}
	return done;
}

/* CURLOPT_SEEKFUNCTION: curl resends a request on a reused connection that died. */
static int on_seek(void *ctx, curl_off_t off, int origin)
{
	struct xfer *x = ctx;

	if (origin != SEEK_SET || off < 0 || (size_t)off > x->body.len + x->img_len)
		return CURL_SEEKFUNC_CANTSEEK;
	x->pos = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

void xfer_common(const struct http_state *st, CURL *e)
{
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(st->connect_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "vsrbench/" VSR_VERSION);
	if (st->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, st->ca_file);
}

void xfer_verify(CURL *e, const struct endpoint *ep)
{
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, ep->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, ep->insecure ? 0L : 2L);
	/*
	 * A server on this machine is never asked for through a proxy: libcurl
	 * 7.x sends even 127.0.0.1 to $http_proxy unless NO_PROXY names it, and
	 * a proxy cannot reach the user's loopback (a corporate one answered
	 * 403 "denied destination", read as a bad key).  Others: the
	 * environment's proxy settings (NULL), as curl's own.
	 */
	curl_easy_setopt(e, CURLOPT_NOPROXY, ep->local ? "*" : NULL);
}

int xfer_init(struct loop *L, struct xfer *x)
{
	const struct http_state *st = L->st;

	x->easy = curl_easy_init();
	if (!x->easy)
		return -1;
	buf_init(&x->body, 0);
	buf_init(&x->resp, RESP_MAX);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, &x->resp);
	curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(x->easy, CURLOPT_READDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_SEEKFUNCTION, on_seek);
	curl_easy_setopt(x->easy, CURLOPT_SEEKDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, st->cfg.headers);
	xfer_common(st, x->easy);
	/* A request with an image is ~70 KB: one send for its body, not two. */
	curl_easy_setopt(x->easy, CURLOPT_UPLOAD_BUFFERSIZE, 128L * 1024);
	return 0;
}

int xfer_build(const struct http_state *st, struct xfer *x, const struct vsrbench_request *req,
	       const struct http_image *img)
{
	size_t split;

	buf_reset(&x->body);
	if (st->proto->build(&st->cfg, req, img, &x->body) || x->body.capped)
		return -1;
	split = *img->split;
	x->img = split == SIZE_MAX ? NULL : img->b64;
	x->img_len = split == SIZE_MAX ? 0 : img->b64_len;
	x->split = split == SIZE_MAX ? x->body.len : split;
	x->pos = 0;
	/*
	 * libcurl 7.x sends a body under 64 KB given as POSTFIELDS with the
	 * headers in one send(); a larger one goes in a send of its own
	 * anyway, and streaming it saves a copy.
	 */
	x->small = x->body.len + x->img_len < SMALL_BODY;
	if (x->small && x->img) {
		char *tail = xstrdup(x->body.ptr + x->split);
		buf_setlen(&x->body, x->split);
		buf_add(&x->body, x->img, x->img_len);
		buf_adds(&x->body, tail);
		free(tail);
		x->img = NULL;
		x->img_len = 0;
		x->split = x->body.len;
	}
	return 0;
}

void xfer_arm(struct xfer *x, const struct endpoint *e, long ms)
{
	x->errbuf[0] = '\0';
	buf_reset(&x->resp);
	curl_easy_setopt(x->easy, CURLOPT_URL, e->url);
	/* Large: streamed by on_read, the image copied once, into curl's buffer. */
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->small ? x->body.ptr : NULL);
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(x->body.len + x->img_len));
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, ms);
	xfer_verify(x->easy, e);
}

void xfer_release(struct xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	buf_release(&x->body);
	buf_release(&x->resp);
}
