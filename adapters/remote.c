/*
 * remote: the HTTP models' shared machinery.  A loop thread runs one libcurl
 * multi handle for its share of the requests, like curl's own parallel mode
 * (src/tool_operate.c) but on the socket interface, so that a round costs
 * what happened in it and not the number of connections: epoll_wait ->
 * curl_multi_socket_action on the ready sockets (and on curl's timer) ->
 * drain curl_multi_info_read, each easy handle mapped back to its task with
 * CURLOPT_PRIVATE, a per-transfer CURLOPT_ERRORBUFFER, retries re-queued
 * with a not-before time.
 *
 * Why each rule (the peers' failure modes, issue 4):
 *  - a failed request is an error with its reason, never an answer;
 *  - Retry-After (seconds or HTTP-date), retry-after-ms and
 *    x-ratelimit-reset-* are waited for, never less; the pause applies to
 *    the whole endpoint, since its next requests would be refused too;
 *  - connection errors, timeouts, 408, 409, 429 and 5xx are retried with
 *    exponential backoff and jitter; other 4xx are not (the body is shown
 *    once); 401/403 stop the run: no later request can succeed;
 *  - an endpoint that stops answering is taken out of rotation for a
 *    growing while (a circuit breaker) and its tasks go to the others;
 *    rate-limit waits and a broken endpoint do not use up a task's retries;
 *  - -j requests in flight per endpoint, connections kept alive.
 */
#include "remote.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../base/util.h"
#include "../base/mime.h"

#define RESP_MAX (16u << 20)     /* a chat completion is small; cap hostile bodies */
#define SMALL_BODY 60000         /* under libcurl's MAX_INITIAL_POST_SIZE (64 KB) */
#define EXCERPT 300              /* bytes of an error body in a message */
#define BREAKER_AFTER 3          /* consecutive transport failures before a pause */
#define BREAKER_MAX_S 30.0
#define RL_MAX_WAITS 100         /* 429s a task may wait through (besides the deadline) */
#define MAX_SERVER_WAIT_S 3600.0 /* a longer Retry-After is treated as this */

static const struct http_proto *const protos[] = {
	&http_openai_proto, &http_ollama_proto, &http_anthropic_proto, &http_gemini_proto, NULL,
};

/* Options every HTTP kind takes; the first two lists change answers. */
static const char *const common_keys[] = {
	"base_url", "model", "system", "api_key_env", "timeout", "connect_timeout", "deadline",
	"retries", "backoff", "rpm", "tpm", "insecure_host", "ca_file", "give_up", "loops", NULL,
};
static const char *const common_answer_keys[] = { "model", "system", NULL };
/* -M keys that would put a secret on the command line and into run.json. */
static const char *const secret_keys[] = {
	"api_key", "apikey", "key", "token", "access_token", "auth_token", "authorization",
	"password", "secret", "bearer", NULL,
};

static const struct http_proto *find_proto(const char *kind)
{
	for (size_t i = 0; protos[i]; i++)
		if (!strcmp(protos[i]->kind, kind))
			return protos[i];
	return NULL;
}

int remote_kind_known(const char *spec)
{
	return find_proto(spec) || !strcmp(spec, "exec");
}

void remote_list(FILE *fp)
{
	fprintf(fp, "served models (-M options: docs/models.md):\n");
	for (size_t i = 0; protos[i]; i++)
		fprintf(fp, "  %-10s %s\n", protos[i]->kind, protos[i]->what);
	fprintf(fp, "  %-10s %s\n", "exec",
		"a child process: one JSON request per line on stdin, one response per line on stdout");
}

/* ====================================================================== */
/* Small shared helpers                                                     */

static char *find_nocase(char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncasecmp(s, w, n))
			return s;
	return NULL;
}

static int token_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
	       c == '=';
}

/*
 * In place and length-preserving (the caller's buffer size is unknown):
 * the key itself, and whatever follows a credential marker, become '*'.
 */
void remote_redact(char *s, const char *key)
{
	static const char *const marks[] = {
		"bearer ", "x-api-key:", "x-goog-api-key:", "api-key:", "authorization:",
		"key=", "api_key=", "token=", NULL,
	};
	size_t klen = key ? strlen(key) : 0;

	if (klen >= 4)
		for (char *p = strstr(s, key); p; p = strstr(p + klen, key))
			memset(p, '*', klen);
	for (size_t m = 0; marks[m]; m++) {
		size_t ml = strlen(marks[m]);
		for (char *p = s; (p = find_nocase(p, marks[m])); ) {
			p += ml;
			while (*p == ' ' || *p == '"' || *p == '\'')
				p++;
			if (!strncasecmp(p, "bearer ", 7))
				continue; /* "Authorization: Bearer x": the next mark does it */
			while (*p && token_char((unsigned char)*p))
				*p++ = '*';
		}
	}
}

/* ====================================================================== */
/* Jobs                                                                     */

static void rjob_free(struct rjob *rj)
{
	if (rj->live) {
		if (rj->prev)
			rj->prev->next = rj->next;
		else
			*rj->live = rj->next;
		if (rj->next)
			rj->next->prev = rj->prev;
	}
	image_release(&rj->img);
	buf_release(&rj->own_b64);
	buf_release(&rj->alt_b64);
	free(rj->res);
	free(rj->priv);
	free(rj);
}

static void rjob_abandon(struct rjob *rj)
{
	if (rj->res)
		for (size_t k = 0; k < rj->job->n_tasks; k++) {
			free(rj->res[k].text);
			free(rj->res[k].meta_json);
		}
	job_free(rj->job);
	rjob_free(rj);
}

void rjob_abandon_all(struct rjob **live)
{
	while (*live)
		rjob_abandon(*live);
}

int rjob_request_image(struct rjob *rj, const struct vsrbench_request *req, const char **b64,
		       size_t *b64_len, const char **mime)
{
	*b64 = NULL;
	*b64_len = 0;
	*mime = NULL;
	if (!req->image)
		return 0; /* blind */
	if (rj->img.b64 && req->image == (const unsigned char *)rj->img.b64) {
		/* The dataset's own base64 text, passed on untouched. */
		*b64 = rj->img.b64;
		*b64_len = rj->img.b64_len;
		*mime = rj->img.mime;
		return 0;
	}
	if (req->image == rj->img.bytes) {
		if (!rj->b64) {
			if (buf_add_base64(&rj->own_b64, rj->img.bytes, rj->img.len))
				return -1;
			rj->b64 = rj->own_b64.ptr;
			rj->b64_len = rj->own_b64.len;
		}
		*b64 = rj->b64;
		*b64_len = rj->b64_len;
		*mime = rj->mime;
		return 0;
	}
	/* A variant of the image (hflip): its own encoding, made once. */
	if (!rj->alt_b64.len && buf_add_base64(&rj->alt_b64, req->image, req->image_len))
		return -1;
	*b64 = rj->alt_b64.ptr;
	*b64_len = rj->alt_b64.len;
	*mime = req->image_mime ? req->image_mime : image_sniff_mime(req->image, req->image_len);
	return 0;
}

int rjob_take(struct sched *s, int block, int want_b64, struct rjob **live, struct rjob **out,
	      struct sched_batch *b)
{
	struct job *j = sched_take(s, block);
	struct rjob *rj;
	int r;

	*out = NULL;
	if (!j)
		return 0;
	rj = xcalloc(1, sizeof(*rj));
	rj->job = j;
	rj->own_b64 = (struct buf)BUF_INIT;
	rj->img.want_b64 = want_b64;
	if ((r = sched_load_image(s, j, &rj->img, b))) {
		rjob_abandon(rj);
		return r;
	}
	if (rj->img.bytes) {
		rj->mime = image_sniff_mime(rj->img.bytes, rj->img.len);
		if (!strncmp(rj->mime, "application/", 12) && rj->img.mime)
			rj->mime = rj->img.mime; /* unknown magic: trust the suite */
		if (want_b64) {
			if (buf_add_base64(&rj->own_b64, rj->img.bytes, rj->img.len)) {
				rjob_abandon(rj);
				sched_fail(s, VSR_EDATA, "out of memory encoding an image");
				return VSR_EDATA;
			}
			rj->b64 = rj->own_b64.ptr;
			rj->b64_len = rj->own_b64.len;
		}
	} else if (rj->img.b64) {
		rj->mime = rj->img.mime;
		rj->b64 = rj->img.b64;
		rj->b64_len = rj->img.b64_len;
	}
	rj->res = xcalloc(j->n_tasks, sizeof(*rj->res));
	rj->left = j->n_tasks;
	rj->live = live;
	rj->next = *live;
	if (*live)
		(*live)->prev = rj;
	*live = rj;
	*out = rj;
	return 0;
}

void rjob_task_done(struct sched *s, struct rjob *rj, struct sched_batch *b)
{
	if (--rj->left)
		return;
	sched_complete(s, rj->job, rj->res, b); /* frees the texts and the job */
	rj->job = NULL;
	rjob_free(rj);
}

/* ====================================================================== */
/* Body building                                                            */

void jw_raw(struct jw *w, const char *json)
{
	if (buf_adds(w->b, json))
		w->bad = 1;
}

void jw_str(struct jw *w, const char *s)
{
	if (buf_add_json_str(w->b, s))
		w->bad = 1;
}

void jw_num(struct jw *w, double v)
{
	if (buf_add_json_num(w->b, v))
		w->bad = 1;
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_raw(w, key);
	jw_str(w, s);
}

void jw_knum(struct jw *w, const char *key, double v)
{
	jw_raw(w, key);
	jw_num(w, v);
}

void jw_ku64(struct jw *w, const char *key, uint64_t v)
{
	jw_raw(w, key);
	if (buf_add_u64(w->b, v))
		w->bad = 1;
}

/* A MIME type from a suite goes inside a JSON string unescaped: check it. */
const char *http_image_mime(const struct http_image *img)
{
	if (!img->mime)
		return "image/png";
	for (const char *p = img->mime; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/+.-", *p))
			return "application/octet-stream";
	return img->mime;
}

void jw_image(struct jw *w, int data_uri, const struct http_image *img)
{
	struct buf *b = w->b;
	int r = buf_grow(b, (img->split ? 0 : img->b64_len) + 64) || buf_addch(b, '"');

	if (data_uri)
		r = r || buf_adds(b, "data:") || buf_adds(b, http_image_mime(img)) ||
		    buf_adds(b, ";base64,");
	if (img->split)
		*img->split = b->len; /* the loop streams the base64 from the job */
	else
		r = r || buf_add(b, img->b64, img->b64_len);
	if (r || buf_addch(b, '"'))
		w->bad = 1;
}

char *json_compact(const cJSON *v)
{
	struct buf b = BUF_INIT;
	struct jw w = { &b, 0 };

	jw_cjson(&w, v);
	if (w.bad) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

void jw_chat_messages(struct jw *w, const char *system)
{
	jw_raw(w, "\"messages\":[");
	if (system) {
		jw_raw(w, "{\"role\":\"system\",\"content\":");
		jw_str(w, system);
		jw_raw(w, "},");
	}
}

void jw_cjson(struct jw *w, const cJSON *v)
{
	const cJSON *c;
	int first = 1;

	if (cJSON_IsString(v)) {
		jw_str(w, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		jw_num(w, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		jw_raw(w, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		int obj = cJSON_IsObject(v);
		jw_raw(w, obj ? "{" : "[");
		cJSON_ArrayForEach(c, v) {
			if (!first)
				jw_raw(w, ",");
			first = 0;
			if (obj) {
				jw_str(w, c->string ? c->string : "");
				jw_raw(w, ":");
			}
			jw_cjson(w, c);
		}
		jw_raw(w, obj ? "}" : "]");
	} else {
		jw_raw(w, "null");
	}
}

const char *http_opt(const struct http_cfg *c, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c->opts, key));
}

/* ====================================================================== */
/* State                                                                    */

struct endpoint {
	char *url;        /* base URL + protocol path */
	char *shown;      /* the base URL, for messages */
	int insecure;     /* TLS verification off (-M insecure_host) */
};

/* What one loop knows of an endpoint (each loop thread has its own view). */
struct epstate {
	size_t in_flight;
	int fails;        /* consecutive transport failures, breaker closed */
	int trips;        /* breaker openings since the last response; 0: closed */
	int answered;     /* has ever sent an HTTP response */
	double opened_at;   /* when the breaker last opened */
	double down_until;  /* open until then, then one probe at a time */
	double pause_until; /* rate limit */
	double down_since;  /* start of the current failure streak */
};

struct http_state {
	const struct http_proto *proto;
	struct http_cfg cfg;
	cJSON *opts;
	char *key;
	struct endpoint *eps;
	size_t n_eps;
	double timeout, connect_timeout, deadline, backoff, give_up;
	long retries; /* -1: the run's --retries */
	double rpm, tpm;
	char *ca_file;
	unsigned char shown[600]; /* HTTP statuses whose body was shown */
	int shown_rl;
	size_t loops;            /* -M loops; 0: by -j */
	pthread_mutex_t warn_mu; /* shown, shown_rl: loops share them */
};

/* One task on its way: several attempts, maybe on several endpoints. */
struct rtask {
	struct rjob *rj;
	size_t k;
	int attempts;    /* attempts that count against --retries */
	int waits;       /* rate-limit waits */
	int sent;
	int last_ep;     /* endpoint of the last failure, -1 */
	double first;    /* first send: the deadline counts from here */
	double not_before;
	double ms;
	double est_tokens;
	char why[256];   /* the last failure */
	struct rtask *next;
};

struct xfer {
	CURL *easy;
	struct rtask *t;
	size_t ep;
	struct buf body, resp;
	/* The body sent: body[0..split) + img[0..img_len) + body[split..); pos: sent so far. */
	const char *img;
	size_t img_len, split, pos;
	int small;
	char errbuf[CURL_ERROR_SIZE];
	double t0;
	struct xfer *next_free;
};

struct loop {
	struct http_state *st;
	struct sched *s;
	CURLM *multi;
	struct xfer *xf, *free_xf;
	size_t n_xf, in_flight, per_ep;
	struct rtask *ready, *ready_tail, *waiting;
	size_t active;     /* tasks taken and not final */
	long retries;
	uint64_t rng;
	double rpm_tokens, tpm_tokens, rate_t;
	struct sched_batch batch;
	struct rjob *live; /* jobs in progress */
	struct epstate *es; /* this loop's view of st->eps */
	int epfd;           /* the sockets curl asked us to watch */
	unsigned char *fdst; /* by fd: FD_ bits (on_socket) */
	size_t n_fdst;
	double timer_at;    /* curl's timeout, absolute; < 0: none */
	double rpm, tpm;    /* this loop's share of -M rpm, tpm */
	int rc;
};

static double rnd(struct loop *L)
{
	L->rng ^= L->rng << 13;
	L->rng ^= L->rng >> 7;
	L->rng ^= L->rng << 17;
	return (double)(L->rng >> 11) / 9007199254740992.0;
}

/* ====================================================================== */
/* Options                                                                  */

static int in_list(const char *const *l, const char *k)
{
	for (; l && *l; l++)
		if (!strcmp(*l, k))
			return 1;
	return 0;
}

static int opt_num(const cJSON *opts, const char *key, double lo, double hi, double *out,
		   char *err)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, key));

	if (!v)
		return 0;
	if (parse_double(v, out) || *out < lo || *out > hi)
		return err_set(err, VSR_EUSAGE, "-M %s=%s: expected a number from %g to %g", key, v,
			       lo, hi);
	return 0;
}

/* Refuses secrets in -M and keys nobody reads; names the known ones. */
static int check_keys(const char *kind, const cJSON *opts, const char *const *a,
		      const char *const *b, char *err)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, opts) {
		struct buf known = BUF_INIT;
		const char *k = it->string;
		char low[64];

		snprintf(low, sizeof(low), "%s", k);
		str_lower(low);
		if (in_list(secret_keys, low) || strstr(low, "secret") || strstr(low, "password") ||
		    (strstr(low, "key") && strcmp(low, "api_key_env")))
			return err_set(err, VSR_EUSAGE,
				       "-M %s=...: keys are read from the environment only, never from the "
				       "command line (export the key and name its variable with -M api_key_env=NAME)",
				       k);
		if (in_list(a, k) || in_list(b, k))
			continue;
		for (size_t i = 0; a && a[i]; i++)
			buf_addf(&known, "%s%s", known.len ? ", " : "", a[i]);
		for (size_t i = 0; b && b[i]; i++)
			buf_addf(&known, "%s%s", known.len ? ", " : "", b[i]);
		err_set(err, VSR_EUSAGE, "-m %s: unknown option -M %s (known: %s)", kind, k, known.ptr);
		buf_release(&known);
		return VSR_EUSAGE;
	}
	return 0;
}

static int is_loopback(const char *host)
{
	return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]") ||
	       !strcmp(host, "::1");
}

/* Parses one base URL into an endpoint: http(s) only, no credentials, no query. */
static int endpoint_init(struct http_state *st, struct endpoint *ep, const char *url,
			 const char *insecure_hosts, char *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *query = NULL;
	struct buf b = BUF_INIT;
	size_t len = strlen(url);
	int r = 0;

	if (!u)
		return err_set(err, VSR_EUSAGE, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		r = err_set(err, VSR_EUSAGE, "-M base_url '%s' is not a URL (e.g. http://127.0.0.1:8000/v1)",
			    url);
		goto out;
	}
	if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		r = err_set(err, VSR_EUSAGE, "-M base_url '%s': only http:// and https:// are supported", url);
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_USER, &user, 0) && user) {
		r = err_set(err, VSR_EUSAGE,
			    "-M base_url: credentials in the URL are refused (they would be stored in run.json); "
			    "use an environment variable and -M api_key_env=NAME");
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_QUERY, &query, 0) && query) {
		r = err_set(err, VSR_EUSAGE,
			    "-M base_url '%s': no query string please (api versions: -M api_version=V; keys: the environment)",
			    url);
		goto out;
	}
	while (len && url[len - 1] == '/')
		len--;
	buf_add(&b, url, len);
	ep->shown = xstrdup(b.ptr);
	buf_add(&b, st->cfg.path.ptr, st->cfg.path.len);
	ep->url = buf_detach(&b, NULL);
	if (insecure_hosts) {
		const char *p = insecure_hosts;
		size_t hl = strlen(host);
		while (*p) {
			size_t n = strcspn(p, ",");
			if (n == hl && !strncasecmp(p, host, n))
				ep->insecure = 1;
			p += n + (p[n] == ',');
		}
		if (ep->insecure && !strcmp(scheme, "https"))
			vsr_warn("TLS certificates of %s are NOT verified (-M insecure_host)", host);
	}
	if (st->key && !strcmp(scheme, "http") && !is_loopback(host))
		vsr_warn("the API key from %s is sent unencrypted to %s (use https://)", st->cfg.key_env,
			 host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(query);
	curl_url_cleanup(u);
	buf_release(&b);
	return r;
}

static void http_close(void *state);
static int http_run(void *state, struct sched *s);

/* "KIND/1 k=v ..." over the answer-changing options, sorted by key; never the key. */
static char *make_fingerprint(const struct http_state *st, const char *kind)
{
	struct buf fp = BUF_INIT;
	const char *names[64];
	size_t n = 0;
	const cJSON *it;

	cJSON_ArrayForEach(it, st->opts)
		if (n < 64 && (in_list(common_answer_keys, it->string) ||
			       in_list(st->proto->answer_keys, it->string)))
			names[n++] = it->string;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	buf_addf(&fp, "%s/1 urls=", kind);
	for (size_t i = 0; i < st->n_eps; i++)
		buf_addf(&fp, "%s%s", i ? "," : "", st->eps[i].url);
	for (size_t i = 0; i < n; i++) {
		buf_addf(&fp, " %s=", names[i]);
		buf_add_json_str(&fp, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st->opts, names[i])));
	}
	return buf_detach(&fp, NULL);
}

int remote_open(const char *kind, const char *config_json, struct model *m, char *err)
{
	const struct http_proto *p = find_proto(kind);
	struct http_state *st;
	const char *default_url, *key_env, *v, *urls;
	int key_required, r;
	double d;
	cJSON *opts = cJSON_Parse(config_json ? config_json : "{}");
	const cJSON *it;

	if (!cJSON_IsObject(opts)) {
		cJSON_Delete(opts);
		return err_set(err, VSR_EUSAGE, "-m %s: the -M options are not a JSON object", kind);
	}
	cJSON_ArrayForEach(it, opts)
		if (!cJSON_IsString(it)) {
			cJSON_Delete(opts);
			return err_set(err, VSR_EUSAGE, "-m %s: option %s is not a string", kind, it->string);
		}
	if (!p) {
		r = exec_open(config_json, opts, m, err);
		cJSON_Delete(opts);
		return r;
	}
	if ((r = check_keys(kind, opts, common_keys, p->keys, err))) {
		cJSON_Delete(opts);
		return r;
	}
#ifdef __GLIBC__
	/*
	 * libcurl allocates a transfer's upload buffer (128 KB here) when a
	 * body is sent and frees it when the transfer ends.  With glibc's
	 * defaults each one is a fresh mmap or a heap trim (madvise), so every
	 * request page-faults its buffer in again: measured, that doubled
	 * libcurl's CPU per 68 KB request (bench/http.sh, "libcurl floor").
	 * Fixed thresholds keep such blocks in the heap for reuse.
	 */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		cJSON_Delete(opts);
		return err_set(err, VSR_EUSAGE, "cannot initialise libcurl");
	}
	st = xcalloc(1, sizeof(*st));
	pthread_mutex_init(&st->warn_mu, NULL);
	st->proto = p;
	st->opts = opts;
	st->cfg.opts = opts;
	st->cfg.path = (struct buf)BUF_INIT;
	st->cfg.model = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "model"));
	st->cfg.system = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "system"));
	st->timeout = 120;
	st->connect_timeout = 10;
	st->deadline = 900;
	st->backoff = 0.5;
	st->give_up = 300;
	st->retries = -1;
	if ((r = opt_num(opts, "timeout", 0.001, 86400, &st->timeout, err)) ||
	    (r = opt_num(opts, "connect_timeout", 0.001, 3600, &st->connect_timeout, err)) ||
	    (r = opt_num(opts, "deadline", 0.001, 864000, &st->deadline, err)) ||
	    (r = opt_num(opts, "backoff", 0, 600, &st->backoff, err)) ||
	    (r = opt_num(opts, "give_up", 0.001, 864000, &st->give_up, err)) ||
	    (r = opt_num(opts, "rpm", 0.001, 1e9, &st->rpm, err)) ||
	    (r = opt_num(opts, "tpm", 1, 1e12, &st->tpm, err)))
		goto fail;
	d = -1;
	if ((r = opt_num(opts, "retries", 0, 100, &d, err)))
		goto fail;
	if (d >= 0)
		st->retries = (long)d;
	d = 0;
	if ((r = opt_num(opts, "loops", 1, 64, &d, err)))
		goto fail;
	st->loops = (size_t)d;
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "ca_file"))))
		st->ca_file = xstrdup(v);

	default_url = p->default_url;
	key_env = p->key_env;
	key_required = p->key_required;
	st->cfg.headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* curl would wait for a 100 Continue before sending a large body. */
	st->cfg.headers = curl_slist_append(st->cfg.headers, "Expect:");
	/* The key first (setup builds the auth header from it), then setup. */
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "api_key_env")))) {
		const char *k = getenv(v);
		if (!*v || !k || !*k) {
			r = err_set(err, VSR_EUSAGE, "-M api_key_env=%s: that environment variable is %s", v,
				    !*v ? "not named" : !k ? "not set" : "empty");
			goto fail;
		}
		key_env = v;
	}
	urls = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "base_url"));
	if (p->setup && (r = p->setup(&st->cfg, &default_url, &key_required, &key_env, err)))
		goto fail;
	st->cfg.key_env = key_env;
	if (key_env && getenv(key_env) && *getenv(key_env))
		st->key = xstrdup(getenv(key_env));
	if (!urls && !default_url) {
		r = err_set(err, VSR_EUSAGE, "-m %s needs -M base_url=URL", kind);
		goto fail;
	}
	if (!urls && key_required && !st->key) {
		r = err_set(err, VSR_EUSAGE,
			    "-m %s: no API key: export %s=... (or name another variable with -M api_key_env=NAME)",
			    kind, key_env ? key_env : "the key");
		goto fail;
	}
	st->cfg.key = st->key;
	/* setup() may have asked for the key: run it again now that it is known. */
	if (st->key && p->setup) {
		curl_slist_free_all(st->cfg.headers);
		st->cfg.headers = curl_slist_append(NULL, "Content-Type: application/json");
		st->cfg.headers = curl_slist_append(st->cfg.headers, "Expect:");
		buf_reset(&st->cfg.path);
		free(st->cfg.priv);
		st->cfg.priv = NULL;
		if ((r = p->setup(&st->cfg, &default_url, &key_required, &key_env, err)))
			goto fail;
	}
	{
		const char *list = urls ? urls : default_url;
		const char *insecure = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(opts, "insecure_host"));
		size_t cap = 1;
		for (const char *q = list; *q; q++)
			cap += *q == ',';
		st->eps = xcalloc(cap, sizeof(*st->eps));
		while (*list) {
			size_t n = strcspn(list, ",");
			char one[2048];
			if (n && n < sizeof(one)) {
				memcpy(one, list, n);
				one[n] = '\0';
				if ((r = endpoint_init(st, &st->eps[st->n_eps], one, insecure, err)))
					goto fail;
				st->n_eps++;
			} else if (n) {
				r = err_set(err, VSR_EUSAGE, "-M base_url: a URL is too long");
				goto fail;
			}
			list += n + (list[n] == ',');
		}
		if (!st->n_eps) {
			r = err_set(err, VSR_EUSAGE, "-M base_url is empty");
			goto fail;
		}
	}
	m->spec = xstrdup(kind);
	m->config_json = xstrdup(config_json ? config_json : "{}");
	m->fingerprint = make_fingerprint(st, kind);
	m->fingerprint_hash = hash64_str(m->fingerprint, HASH_SEED);
	m->run_loop = http_run;
	m->remote_state = st;
	m->remote_close = http_close;
	m->remote_name = p->kind;
	m->max_batch = 16;
	m->thread_safe = 1;
	return 0;
fail:
	remote_redact(err, st->key);
	http_close(st);
	return r;
}

static void http_close(void *state)
{
	struct http_state *st = state;

	if (!st)
		return;
	for (size_t i = 0; i < st->n_eps; i++) {
		free(st->eps[i].url);
		free(st->eps[i].shown);
	}
	free(st->eps);
	if (st->key) {
		/* Not a guarantee (copies live in curl's buffers), but no lingering plain copy of ours. */
		volatile char *p = st->key;
		while (*p)
			*p++ = '\0';
		free(st->key);
	}
	curl_slist_free_all(st->cfg.headers);
	buf_release(&st->cfg.path);
	free(st->cfg.priv);
	free(st->ca_file);
	cJSON_Delete(st->opts);
	pthread_mutex_destroy(&st->warn_mu);
	free(st);
	curl_global_cleanup();
}

/* ====================================================================== */
/* The loop                                                                 */

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

static void ready_push(struct loop *L, struct rtask *t)
{
	t->next = NULL;
	if (L->ready_tail)
		L->ready_tail->next = t;
	else
		L->ready = t;
	L->ready_tail = t;
}

static void ready_push_front(struct loop *L, struct rtask *t)
{
	t->next = L->ready;
	L->ready = t;
	if (!L->ready_tail)
		L->ready_tail = t;
}

static struct rtask *ready_pop(struct loop *L)
{
	struct rtask *t = L->ready;

	if (t) {
		L->ready = t->next;
		if (!L->ready)
			L->ready_tail = NULL;
	}
	return t;
}

/* A task is final: its result is filled; the job completes after its last. */
static void task_final(struct loop *L, struct rtask *t)
{
	struct rjob *rj = t->rj;

	rj->res[t->k].ms = t->ms;
	rj->res[t->k].attempts = t->sent;
	L->active--;
	/* After the job's last task this frees the rtask array, t included. */
	rjob_task_done(L->s, rj, &L->batch);
}

static void task_error(struct loop *L, struct rtask *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void task_error(struct loop *L, struct rtask *t, const char *fmt, ...)
{
	struct task_result *res = &t->rj->res[t->k];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	remote_redact(res->error, L->st->key);
	res->ok = 0;
	task_final(L, t);
}

/* Estimated tokens of a request, for -M tpm (corrected by "usage" afterwards). */
static double estimate_tokens(const struct vsrbench_request *req)
{
	return (double)strlen(req->prompt) / 4.0 + (req->image ? 800.0 : 0.0) + req->max_tokens;
}

static void rate_refill(struct loop *L, double now)
{
	double dt = now - L->rate_t;
	L->rate_t = now;
	if (L->rpm > 0) {
		double cap = L->rpm / 60.0 > 1 ? L->rpm / 60.0 : 1;
		L->rpm_tokens += dt * L->rpm / 60.0;
		if (L->rpm_tokens > cap)
			L->rpm_tokens = cap;
	}
	if (L->tpm > 0) {
		double cap = L->tpm / 60.0;
		L->tpm_tokens += dt * L->tpm / 60.0;
		if (L->tpm_tokens > cap)
			L->tpm_tokens = cap;
	}
}

/* Seconds until -M rpm / tpm allow the next request (0: now). */
static double rate_wait(const struct loop *L)
{
	double w = 0;

	if (L->rpm > 0 && L->rpm_tokens < 1)
		w = (1 - L->rpm_tokens) * 60.0 / L->rpm;
	/* tpm is a debt: send while the balance is positive, pay after. */
	if (L->tpm > 0 && L->tpm_tokens < 0) {
		double w2 = -L->tpm_tokens * 60.0 / L->tpm;
		if (w2 > w)
			w = w2;
	}
	return w;
}

/*
 * The endpoint for a task: usable (not paused, breaker closed or half open
 * with nothing in flight), a free slot, the fewest requests in flight, not
 * the one that just failed it when another will do.  -1: none now.
 */
static int pick_endpoint(struct loop *L, const struct rtask *t, double now)
{
	const struct http_state *st = L->st;
	int best = -1;

	for (size_t i = 0; i < st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		if (e->in_flight >= L->per_ep || e->pause_until > now || e->down_until > now)
			continue;
		if (e->trips && e->in_flight)
			continue; /* half open: one probe at a time */
		if (best < 0 || (best == t->last_ep && (int)i != t->last_ep) ||
		    ((int)i != t->last_ep && e->in_flight < L->es[best].in_flight))
			best = (int)i;
	}
	return best;
}

/* When the next endpoint becomes usable, if none is now. */
static double endpoints_next(const struct loop *L, double now)
{
	double t = now + 1;

	for (size_t i = 0; i < L->st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		double u = e->pause_until > e->down_until ? e->pause_until : e->down_until;
		if (u > now && u < t)
			t = u;
	}
	return t;
}

static int start(struct loop *L, struct rtask *t, size_t ep, double now)
{
	struct http_state *st = L->st;
	struct xfer *x = L->free_xf;
	struct endpoint *e = &st->eps[ep];
	struct rjob *rj = t->rj;
	struct vsrbench_request req;
	size_t split = SIZE_MAX;
	struct http_image img = { NULL, 0, NULL, &split };
	char id[17];
	double left;
	long ms;

	sched_request(L->s, rj->job, t->k, &rj->img, id, &req);
	if (rjob_request_image(rj, &req, &img.b64, &img.b64_len, &img.mime)) {
		task_error(L, t, "%s", "out of memory encoding an image");
		return 0;
	}
	buf_reset(&x->body);
	if (st->proto->build(&st->cfg, &req, &img, &x->body) || x->body.capped) {
		task_error(L, t, "%s", "cannot build the request body (out of memory?)");
		return 0;
	}
	x->img = split == SIZE_MAX ? NULL : img.b64;
	x->img_len = split == SIZE_MAX ? 0 : img.b64_len;
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
	if (!t->first)
		t->first = now;
	left = t->first + st->deadline - now;
	ms = (long)(1000 * (st->timeout < left ? st->timeout : left));
	if (ms < 1)
		ms = 1;
	L->free_xf = x->next_free;
	x->next_free = NULL;
	x->t = t;
	x->ep = ep;
	x->t0 = now;
	x->errbuf[0] = '\0';
	buf_reset(&x->resp);
	curl_easy_setopt(x->easy, CURLOPT_URL, e->url);
	/* Large: streamed by on_read, the image copied once, into curl's buffer. */
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->small ? x->body.ptr : NULL);
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(x->body.len + x->img_len));
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, e->insecure ? 0L : 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, e->insecure ? 0L : 2L);
	if (curl_multi_add_handle(L->multi, x->easy)) {
		x->next_free = L->free_xf;
		L->free_xf = x;
		task_error(L, t, "%s", "libcurl refused the transfer");
		return 0;
	}
	if (L->tpm > 0) {
		t->est_tokens = estimate_tokens(&req);
		L->tpm_tokens -= t->est_tokens;
	}
	if (L->rpm > 0)
		L->rpm_tokens -= 1;
	L->es[ep].in_flight++;
	L->in_flight++;
	t->sent++;
	return 0;
}

/* Starts what may start now; returns when the next attempt is possible. */
static double dispatch(struct loop *L, double now)
{
	double next = now + 1;

	rate_refill(L, now);
	while (L->ready && L->free_xf) {
		double w = rate_wait(L);
		int ep;
		if (w > 0) {
			next = now + w;
			break;
		}
		ep = pick_endpoint(L, L->ready, now);
		if (ep < 0) {
			next = endpoints_next(L, now);
			break;
		}
		start(L, ready_pop(L), (size_t)ep, now);
	}
	return next;
}

/* Parses an OpenAI-style duration: "1s", "6m0s", "20ms", "1h2m", or plain seconds. */
static double parse_duration(const char *s)
{
	double total = 0;
	char *end;

	if (!s || !*s)
		return -1;
	while (*s) {
		double v = strtod(s, &end);
		if (end == s)
			return -1;
		s = end;
		if (!*s)
			return total + v;
		if (!strncmp(s, "ms", 2)) {
			total += v / 1000;
			s += 2;
		} else if (*s == 's') {
			total += v;
			s++;
		} else if (*s == 'm') {
			total += v * 60;
			s++;
		} else if (*s == 'h') {
			total += v * 3600;
			s++;
		} else {
			return -1;
		}
	}
	return total;
}

static const char *header(CURL *e, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
		return h->value;
	return NULL;
}

/* What the server asks us to wait (Retry-After, retry-after-ms, x-ratelimit-reset-*), or 0. */
static double server_wait(CURL *e, long status)
{
	curl_off_t ra = 0;
	double w = 0, v;
	const char *h;

	/* curl parses both forms of Retry-After: delta-seconds and an HTTP-date. */
	if (!curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) && ra > 0)
		w = (double)ra;
	if ((h = header(e, "retry-after-ms")) && (v = strtod(h, NULL)) > 0 && v / 1000 > w)
		w = v / 1000;
	if (status == 429 && w <= 0) {
		const char *rem_r = header(e, "x-ratelimit-remaining-requests");
		const char *rem_t = header(e, "x-ratelimit-remaining-tokens");
		/* The limit that ran out, else the later of the two resets. */
		double rr = parse_duration(header(e, "x-ratelimit-reset-requests"));
		double rt = parse_duration(header(e, "x-ratelimit-reset-tokens"));
		if (rem_r && !strcmp(rem_r, "0") && rr > 0)
			w = rr;
		else if (rem_t && !strcmp(rem_t, "0") && rt > 0)
			w = rt;
		else
			w = rr > rt ? rr : rt;
	}
	return w > MAX_SERVER_WAIT_S ? MAX_SERVER_WAIT_S : w;
}

/* After a success: pause the endpoint when a limit is used up until it resets. */
static void note_limits(struct loop *L, struct epstate *ep, CURL *e, double now)
{
	static const char *const which[][2] = {
		{ "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests" },
		{ "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens" },
	};

	(void)L;
	for (size_t i = 0; i < 2; i++) {
		const char *rem = header(e, which[i][0]);
		double w;
		if (rem && !strcmp(rem, "0") && (w = parse_duration(header(e, which[i][1]))) > 0) {
			if (w > MAX_SERVER_WAIT_S)
				w = MAX_SERVER_WAIT_S;
			if (now + w > ep->pause_until)
				ep->pause_until = now + w;
		}
	}
}

/* A readable excerpt of an error body: its message when it is JSON. */
static void body_excerpt(const struct buf *b, char *out, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(b->ptr, b->len);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message"));
	size_t i;

	if (!msg)
		msg = cJSON_GetStringValue(e);
	if (!msg)
		msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message"));
	if (!msg)
		msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "detail"));
	if (msg)
		snprintf(out, n, "%s", msg);
	else if (!b->len)
		snprintf(out, n, "(empty body)");
	else
		snprintf(out, n, "%.*s", (int)(b->len < EXCERPT ? b->len : EXCERPT), b->ptr);
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
	if (!msg && b->len > EXCERPT && i + 4 < n)
		snprintf(out + i, n - i, "...");
	cJSON_Delete(j);
}

/* Exposed for the fuzz target (tests/fuzz/http_body.h). */
void remote_body_excerpt(const struct buf *b, char *out, size_t n)
{
	body_excerpt(b, out, n);
}

/* Sums what a "usage" object reports, for -M tpm. */
static double usage_tokens(const cJSON *meta)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(meta, "usage");
	static const char *const total[] = { "total_tokens", "totalTokenCount", NULL };
	static const char *const parts[] = { "input_tokens", "output_tokens", "prompt_eval_count",
					     "eval_count", NULL };
	double sum = 0;

	for (size_t i = 0; total[i]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(u, total[i]);
		if (cJSON_IsNumber(n))
			return n->valuedouble;
	}
	for (size_t i = 0; parts[i]; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(u, parts[i]);
		if (cJSON_IsNumber(n))
			sum += n->valuedouble;
	}
	return sum > 0 ? sum : -1;
}

/* A transfer failed in a way worth another attempt. */
static void retry_later(struct loop *L, struct rtask *t, double now, double wait, int counts,
			const char *why)
{
	struct http_state *st = L->st;
	double delay;

	snprintf(t->why, sizeof(t->why), "%s", why);
	remote_redact(t->why, st->key);
	if (counts && ++t->attempts > L->retries) {
		task_error(L, t, "gave up after %d attempt%s: %s", t->sent, t->sent == 1 ? "" : "s",
			   t->why);
		return;
	}
	if (!counts && ++t->waits > RL_MAX_WAITS) {
		task_error(L, t, "rate limited %d times in a row: %s", t->waits - 1, t->why);
		return;
	}
	if (wait > 0) {
		/* Never less than the server asked; a little more so clients spread. */
		delay = wait + rnd(L) * (wait * 0.1 < 1 ? wait * 0.1 : 1);
	} else {
		int n = t->attempts + t->waits;
		delay = st->backoff * pow(2, n > 1 ? n - 1 : 0);
		if (delay > 60)
			delay = 60;
		delay *= 0.5 + 0.5 * rnd(L);
	}
	if (now + delay > t->first + st->deadline) {
		task_error(L, t, "deadline of %gs passed after %d attempt%s: %s", st->deadline, t->sent,
			   t->sent == 1 ? "" : "s", t->why);
		return;
	}
	t->not_before = now + delay;
	t->next = L->waiting;
	L->waiting = t;
}

/* Transport errors worth retrying (the server or network may recover). */
static int transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
	case CURLE_QUIC_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/*
 * A transport failure of a request sent at t0.  Closed breaker: the third in
 * a row opens it.  Open or half open: a failed probe opens it again for
 * twice as long; requests already in flight when it opened change nothing
 * (a burst of timeouts is one outage, not sixteen).
 */
static void endpoint_failed(struct loop *L, struct epstate *ep, double t0, double now)
{
	double d;

	if (!ep->fails && !ep->trips)
		ep->down_since = now;
	if (ep->trips && t0 < ep->opened_at)
		return;
	if (!ep->trips && ++ep->fails < BREAKER_AFTER)
		return;
	ep->trips++;
	ep->fails = 0;
	ep->opened_at = now;
	d = 0.5 * pow(2, ep->trips < 8 ? ep->trips - 1 : 7);
	ep->down_until = now + (d > BREAKER_MAX_S ? BREAKER_MAX_S : d) * (0.75 + 0.25 * rnd(L));
}

/*
 * Every endpoint is failing: at the start (none ever answered) this is a
 * configuration error, later an outage of more than -M give_up seconds.
 */
static int all_down(const struct loop *L, double now)
{
	const struct http_state *st = L->st;

	for (size_t i = 0; i < st->n_eps; i++) {
		const struct epstate *e = &L->es[i];
		if (!e->trips)
			return 0;
		if (e->answered && now - e->down_since < st->give_up)
			return 0;
	}
	return 1;
}

static void finish(struct loop *L, struct xfer *x, CURLcode rc, double now)
{
	struct http_state *st = L->st;
	struct rtask *t = x->t;
	struct endpoint *ep = &st->eps[x->ep];
	struct epstate *es = &L->es[x->ep];
	struct task_result *res = &t->rj->res[t->k];
	long status = 0;
	char why[512], ex[EXCERPT + 8];

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(L->multi, x->easy);
	es->in_flight--;
	L->in_flight--;
	x->next_free = L->free_xf;
	L->free_xf = x;
	x->t = NULL;
	t->ms += (now - x->t0) * 1000.0;
	if (L->tpm > 0)
		L->tpm_tokens += t->est_tokens; /* re-debited below from "usage" when known */

	if (rc != CURLE_OK) {
		const char *what = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
		if (rc == CURLE_WRITE_ERROR && x->resp.capped) {
			snprintf(why, sizeof(why), "%s: the response is larger than %u MiB", ep->shown,
				 RESP_MAX >> 20);
			task_error(L, t, "%s", why);
			return;
		}
		snprintf(why, sizeof(why), "%s: %s", ep->shown, what);
		if (!transient_curl(rc)) {
			/* TLS verification, bad URL ...: no request can succeed. */
			remote_redact(why, st->key);
			sched_fail(L->s, VSR_EMODEL, why);
			return;
		}
		if (rc != CURLE_PARTIAL_FILE && rc != CURLE_BAD_CONTENT_ENCODING) {
			endpoint_failed(L, es, x->t0, now);
			if (all_down(L, now)) {
				char msg[VSR_ERR_MAX];
				snprintf(msg, sizeof(msg), "%s %.400s (-m %s; is the server running?)",
					 L->es[0].answered || st->n_eps > 1 ? "no server answered:" :
					 "cannot reach the server:", why, st->proto->kind);
				remote_redact(msg, st->key);
				sched_fail(L->s, VSR_EMODEL, msg);
				return;
			}
		}
		t->last_ep = (int)x->ep;
		/* Another endpoint can take it at once; the breaker paces this one. */
		retry_later(L, t, now, 0, 1, why);
		return;
	}
	es->fails = 0;
	es->trips = 0;
	es->answered = 1;
	es->down_until = 0;
	if (status >= 200 && status < 300) {
		cJSON *body = cJSON_ParseWithLength(x->resp.ptr, x->resp.len);
		cJSON *meta;
		char *text = NULL, pwhy[256] = "";
		int pr;

		note_limits(L, es, x->easy, now);
		if (!body) {
			body_excerpt(&x->resp, ex, sizeof(ex));
			snprintf(why, sizeof(why), "HTTP %ld with a body that is not JSON: %s", status, ex);
			retry_later(L, t, now, 0, 1, why);
			return;
		}
		meta = cJSON_CreateObject();
		pr = st->proto->parse(&st->cfg, body, &text, meta, pwhy, sizeof(pwhy));
		cJSON_Delete(body);
		if (pr != VSRBENCH_OK) {
			free(text);
			cJSON_Delete(meta);
			snprintf(why, sizeof(why), "unexpected %s response: %s", st->proto->kind, pwhy);
			if (pr == VSRBENCH_ERR_RETRY)
				retry_later(L, t, now, 0, 1, why);
			else
				task_error(L, t, "%s", why);
			return;
		}
		if (L->tpm > 0) {
			double used = usage_tokens(meta);
			L->tpm_tokens -= used > 0 ? used : t->est_tokens;
		}
		if (t->sent > 1)
			cJSON_AddNumberToObject(meta, "attempts", t->sent);
		if (meta->child)
			res->meta_json = json_compact(meta);
		cJSON_Delete(meta);
		res->ok = 1;
		res->text = text;
		task_final(L, t);
		return;
	}
	if (L->tpm > 0)
		L->tpm_tokens -= t->est_tokens;
	body_excerpt(&x->resp, ex, sizeof(ex));
	snprintf(why, sizeof(why), "HTTP %ld from %s: %s", status, ep->shown, ex);
	remote_redact(why, st->key);
	if (status == 429 || status == 408 || status == 409 || status >= 500) {
		double w = server_wait(x->easy, status);
		if (status == 429) {
			if (w <= 0)
				w = st->backoff * pow(2, t->waits < 8 ? t->waits : 8);
			if (now + w > es->pause_until)
				es->pause_until = now + w;
			pthread_mutex_lock(&st->warn_mu);
			if (!st->shown_rl++)
				vsr_warn("rate limited by %s (HTTP 429); waiting %.3gs as asked, then retrying",
					 ep->shown, w);
			pthread_mutex_unlock(&st->warn_mu);
		}
		t->last_ep = (int)x->ep;
		retry_later(L, t, now, w, status != 429, why);
		return;
	}
	if (status == 401 || status == 403) {
		char msg[VSR_ERR_MAX];
		snprintf(msg, sizeof(msg), "%.400s (check %s%s)", why,
			 st->cfg.key_env ? st->cfg.key_env : "the API key",
			 st->key ? "" : ", which is not set");
		remote_redact(msg, st->key);
		sched_fail(L->s, VSR_EMODEL, msg);
		return;
	}
	/* Another 4xx: this request is wrong; show the first body of each status. */
	pthread_mutex_lock(&st->warn_mu);
	if (status > 0 && status < 600 && !st->shown[status]) {
		st->shown[status] = 1;
		vsr_warn("%s (not retried; later HTTP %ld errors are only in the journal)", why, status);
	}
	pthread_mutex_unlock(&st->warn_mu);
	task_error(L, t, "%s", why);
}

/* The tasks of a newly taken job join the ready queue. */
static void add_job(struct loop *L, struct rjob *rj)
{
	struct rtask *ts = xcalloc(rj->job->n_tasks, sizeof(*ts));

	rj->priv = ts; /* freed with the job */
	for (size_t k = 0; k < rj->job->n_tasks; k++) {
		ts[k].rj = rj;
		ts[k].k = k;
		ts[k].last_ep = -1;
		ready_push(L, &ts[k]);
	}
	L->active += rj->job->n_tasks;
}

/*
 * The epoll set follows what curl wants of each socket, with one saving:
 * curl drops a connection's socket from its watch list after every
 * response and asks for it again with the next request on that
 * connection, which would cost an EPOLL_CTL_DEL and an EPOLL_CTL_ADD per
 * request.  A socket this loop opened (on_open) stays in the set while
 * idle instead; an event on it while idle takes it out then (the server
 * closed the connection), and its close (on_close) forgets it, since
 * closing removes it from the set and its number can come back.  Sockets
 * opened elsewhere (the resolver's) are added and removed eagerly.
 */
enum { FD_IN = 1, FD_OUT = 2, FD_SET = 4, FD_IDLE = 8, FD_OURS = 16 };

static unsigned char *fd_state(struct loop *L, curl_socket_t fd)
{
	size_t i = (size_t)fd;

	if (i >= L->n_fdst) {
		size_t n = L->n_fdst ? L->n_fdst : 64;
		while (n <= i)
			n *= 2;
		L->fdst = xrealloc(L->fdst, n);
		memset(L->fdst + L->n_fdst, 0, n - L->n_fdst);
		L->n_fdst = n;
	}
	return &L->fdst[i];
}

static void fd_unwatch(struct loop *L, curl_socket_t fd, unsigned char *st)
{
	if (*st & FD_SET)
		epoll_ctl(L->epfd, EPOLL_CTL_DEL, fd, NULL);
	*st &= FD_OURS;
}

/* CURLOPT_OPENSOCKETFUNCTION */
static curl_socket_t on_open(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct loop *L = userp;
	curl_socket_t fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);

	(void)purpose;
	if (fd != CURL_SOCKET_BAD && fd >= 0)
		*fd_state(L, fd) = FD_OURS;
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

/* CURLOPT_CLOSESOCKETFUNCTION */
static int on_close(void *userp, curl_socket_t fd)
{
	struct loop *L = userp;

	if (fd >= 0)
		*fd_state(L, fd) = 0; /* close() takes it out of the epoll set */
	return close(fd);
}

/* CURLMOPT_SOCKETFUNCTION: what curl wants to know of a socket. */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct loop *L = userp;
	unsigned char *st, want;
	struct epoll_event ev;

	(void)e;
	(void)socketp;
	if (fd < 0)
		return 0;
	st = fd_state(L, fd);
	if (what == CURL_POLL_REMOVE) {
		if ((*st & (FD_OURS | FD_SET)) == (FD_OURS | FD_SET))
			*st |= FD_IDLE;
		else
			fd_unwatch(L, fd, st);
		return 0;
	}
	want = (what & CURL_POLL_IN ? FD_IN : 0) | (what & CURL_POLL_OUT ? FD_OUT : 0);
	/* Only for our own sockets: the state of another may be stale. */
	if ((*st & (FD_OURS | FD_SET)) == (FD_OURS | FD_SET) && (*st & (FD_IN | FD_OUT)) == want) {
		*st &= (unsigned char)~FD_IDLE;
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = (want & FD_IN ? EPOLLIN : 0u) | (want & FD_OUT ? EPOLLOUT : 0u);
	ev.data.fd = fd;
	if (epoll_ctl(L->epfd, *st & FD_SET ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev)) {
		/* Out of step with the kernel (a socket closed behind our back): redo. */
		if (epoll_ctl(L->epfd, EPOLL_CTL_MOD, fd, &ev) && errno == ENOENT)
			epoll_ctl(L->epfd, EPOLL_CTL_ADD, fd, &ev);
	}
	*st = (unsigned char)((*st & FD_OURS) | FD_SET | want);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: when curl wants to be called without socket activity. */
static int on_timer(CURLM *m, long ms, void *userp)
{
	struct loop *L = userp;

	(void)m;
	L->timer_at = ms < 0 ? -1 : wall_seconds() + (double)ms / 1000.0;
	return 0;
}

/* Runs curl's timer when it is due; the transfers just added start so. */
static void run_timer(struct loop *L, double now)
{
	int running;

	if (L->timer_at >= 0 && L->timer_at <= now) {
		L->timer_at = -1;
		curl_multi_socket_action(L->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
}

/* One loop: its own multi handle, its share of the connections. */
static int loop_run(struct loop *L)
{
	struct http_state *st = L->st;
	int no_more = 0, r = 0;
	long idle_ms = 1;

	L->timer_at = -1;
	L->epfd = epoll_create1(EPOLL_CLOEXEC);
	L->multi = L->epfd >= 0 ? curl_multi_init() : NULL;
	if (!L->multi) {
		if (L->epfd >= 0)
			close(L->epfd);
		sched_fail(L->s, VSR_EMODEL, "cannot create a libcurl multi handle");
		return VSR_EMODEL;
	}
	curl_multi_setopt(L->multi, CURLMOPT_MAXCONNECTS, (long)(L->n_xf + st->n_eps));
	curl_multi_setopt(L->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(L->multi, CURLMOPT_SOCKETDATA, L);
	curl_multi_setopt(L->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(L->multi, CURLMOPT_TIMERDATA, L);
	L->xf = xcalloc(L->n_xf, sizeof(*L->xf));
	for (size_t i = 0; i < L->n_xf; i++) {
		struct xfer *x = &L->xf[i];
		x->easy = curl_easy_init();
		if (!x->easy) {
			sched_fail(L->s, VSR_EMODEL, "cannot create a libcurl handle");
			r = VSR_EMODEL;
			goto out;
		}
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
		curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, on_open);
		curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, L);
		curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close);
		curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETDATA, L);
		curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, st->cfg.headers);
		curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(st->connect_timeout * 1000));
		curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "vsrbench/" VSR_VERSION);
		/* A request with an image is ~70 KB: one send for its body, not two. */
		curl_easy_setopt(x->easy, CURLOPT_UPLOAD_BUFFERSIZE, 128L * 1024);
		if (st->ca_file)
			curl_easy_setopt(x->easy, CURLOPT_CAINFO, st->ca_file);
		x->next_free = L->free_xf;
		L->free_xf = x;
	}

	for (;;) {
		double now = wall_seconds(), next;
		long timeout;
		int running, took = 0;
		CURLMsg *msg;

		if (sched_stopping(L->s))
			break;
		/* Retries whose time has come go first. */
		for (struct rtask **pp = &L->waiting; *pp;) {
			struct rtask *t = *pp;
			if (t->not_before <= now) {
				*pp = t->next;
				ready_push_front(L, t);
			} else {
				pp = &t->next;
			}
		}
		/* Keep up to -j tasks per endpoint taken: a few more than in flight. */
		while (!no_more && L->active < L->n_xf + L->per_ep) {
			struct rjob *rj;
			int block = L->active == 0;
			if ((r = rjob_take(L->s, block, 1, &L->live, &rj, &L->batch)))
				goto out;
			if (!rj) {
				if (block)
					no_more = 1;
				break;
			}
			took = 1;
			add_job(L, rj);
		}
		if (no_more && !L->active)
			break;
		next = dispatch(L, now);
		run_timer(L, now);
		if (L->timer_at >= 0 && L->timer_at < next)
			next = L->timer_at;
		for (struct rtask *t = L->waiting; t; t = t->next)
			if (t->not_before < next)
				next = t->not_before;
		timeout = (long)ceil((next - now) * 1000);
		if (!no_more && L->active < L->n_xf + L->per_ep) {
			/* Starved: look at the job queue again soon (it cannot wake us). */
			idle_ms = took ? 1 : (idle_ms < 64 ? idle_ms * 2 : 64);
			if (timeout > idle_ms)
				timeout = idle_ms;
		}
		if (timeout > 100)
			timeout = 100; /* notice a Ctrl-C */
		if (timeout < 0)
			timeout = 0;
		{
			struct epoll_event ev[64];
			int n = epoll_wait(L->epfd, ev, 64, (int)timeout);
			for (int i = 0; i < n; i++) {
				unsigned char *fst = fd_state(L, ev[i].data.fd);
				int flags;
				if (*fst & FD_IDLE) {
					/* Not curl's now: an idle connection closed by the server. */
					fd_unwatch(L, ev[i].data.fd, fst);
					continue;
				}
				flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
					    (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
					    (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
				curl_multi_socket_action(L->multi, ev[i].data.fd, flags, &running);
			}
		}
		now = wall_seconds();
		run_timer(L, now);
		while ((msg = curl_multi_info_read(L->multi, &running))) {
			struct xfer *x = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			finish(L, x, msg->data.result, now);
		}
		if (L->batch.lines.len && (r = sched_flush(L->s, &L->batch)))
			goto out;
	}
out:
	/* Stopping: abandon what is in flight (not journaled, so redone on resume). */
	for (size_t i = 0; i < L->n_xf; i++) {
		if (L->xf[i].t)
			curl_multi_remove_handle(L->multi, L->xf[i].easy);
		if (L->xf[i].easy)
			curl_easy_cleanup(L->xf[i].easy);
		buf_release(&L->xf[i].body);
		buf_release(&L->xf[i].resp);
	}
	sched_flush(L->s, &L->batch);
	sched_batch_release(&L->batch);
	rjob_abandon_all(&L->live);
	free(L->xf);
	curl_multi_cleanup(L->multi);
	close(L->epfd);
	free(L->fdst);
	return r;
}

static void *loop_thread(void *arg)
{
	struct loop *L = arg;

	L->rc = loop_run(L);
	return NULL;
}

/*
 * The model's run_loop.  One loop thread drives thousands of requests per
 * second; a server that answers instantly is kept busy by several (each
 * with its own connections, breaker view and share of -M rpm/tpm: they
 * share nothing, so nothing is locked), -M loops=N, by default one per 32
 * requests in flight, at most one per CPU.
 */
static int http_run(void *state, struct sched *s)
{
	struct http_state *st = state;
	const struct sched_config *sc = sched_get_config(s);
	size_t per_ep = sc->workers ? sc->workers : 16, n = st->loops, started = 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct loop *Ls;
	pthread_t *th;
	int r = 0;

	if (!n) {
		n = per_ep * st->n_eps / 32;
		if (cpus > 0 && n > (size_t)cpus)
			n = (size_t)cpus;
		if (n > 8)
			n = 8;
	}
	if (n > per_ep)
		n = per_ep;
	if (n < 1)
		n = 1;
	Ls = xcalloc(n, sizeof(*Ls));
	th = xcalloc(n, sizeof(*th));
	for (size_t i = 0; i < n; i++) {
		struct loop *L = &Ls[i];
		L->st = st;
		L->s = s;
		L->per_ep = per_ep / n + (i < per_ep % n);
		L->n_xf = L->per_ep * st->n_eps;
		L->es = xcalloc(st->n_eps, sizeof(*L->es));
		L->rpm = st->rpm / (double)n;
		L->tpm = st->tpm / (double)n;
		L->retries = st->retries >= 0 ? st->retries : sc->retries;
		L->rng = ((uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(wall_seconds() * 1e9)) +
			 i * 0x632be59bd9b4e019ULL;
		if (!L->rng)
			L->rng = 1;
		L->batch = (struct sched_batch)SCHED_BATCH_INIT;
		L->batch.lines.max = 256u << 20;
		L->rate_t = wall_seconds();
		L->rpm_tokens = 1;
	}
	for (; started < n; started++)
		if (pthread_create(&th[started], NULL, loop_thread, &Ls[started]))
			break; /* fewer loops: the others' tasks wait in the queue */
	Ls[0].rc = loop_run(&Ls[0]);
	for (size_t i = 1; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < n; i++) {
		if (!r)
			r = Ls[i].rc;
		free(Ls[i].es);
	}
	free(Ls);
	free(th);
	return r;
}
