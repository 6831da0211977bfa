/*
 * remote: opens the HTTP models and `-m exec` (see remote.h): the kind
 * table, the -M options, the API key, the endpoints and the fingerprint.
 * The requests themselves are remote_loop.c's.
 */
#include "remote.h"
#include "loader.h"

#ifdef __GLIBC__
#include <ctype.h>
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exec.h"
#include "remote_loop.h"
#include "remote_served.h"
#include "remote_msg.h"
#include "../base/redact.h"
#include "../base/suggest.h"
#include "../base/util.h"

static const struct http_proto *const protos[] = {
	&http_openai_proto, &http_ollama_proto, &http_anthropic_proto, &http_gemini_proto, NULL,
};

/* Options every HTTP kind takes; the first two lists change answers. */
static const char *const common_keys[] = {
	"base_url", "model", "system", "api_key_env", "timeout", "connect_timeout", "deadline",
	"retries", "backoff", "rpm", "tpm", "insecure_host", "ca_file", "give_up", "loops",
	"reasoning", "extra_body", "concurrency", "server_metrics", NULL,
};
static const char *const common_answer_keys[] = { "model", "system", "reasoning", "extra_body",
						  NULL };
/*
 * Options of how a reply travels, not of what it is: left out of the
 * model's config in run.json, so neither the configuration's hash nor the
 * fingerprint sees them, and a run stopped by a timeout, a rate limit or
 * a proxy may be resumed with a longer -M timeout, another -M rpm or
 * -M stream=on (the command line in run.json still shows them).
 */
static const char *const transport_keys[] = {
	"stream", "timeout", "connect_timeout", "deadline", "retries", "backoff", "rpm", "tpm",
	"give_up", "loops", "concurrency", "server_metrics", "insecure_host", "ca_file",
	"api_key_env", NULL,
};
/*
 * Request members a -M key may mean that are options of `vsrbench run`
 * (they set them for every kind): "-M max_tokens=512" is "--max-tokens 512",
 * not a typo of max_tokens_field.
 */
static const struct {
	const char *key, *option;
} run_options[] = {
	{ "max_tokens", "--max-tokens" },  { "max_completion_tokens", "--max-tokens" },
	{ "max_new_tokens", "--max-tokens" }, { "num_predict", "--max-tokens" },
	{ "maxOutputTokens", "--max-tokens" }, { "temperature", "--temperature" },
	{ "seed", "--seed" },
};
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

const char *remote_kind_name(size_t i)
{
	size_t n = 0;

	while (protos[n])
		n++;
	return i < n ? protos[i]->kind : i == n ? "exec" : NULL;
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
		for (size_t i = 0; i < sizeof(run_options) / sizeof(run_options[0]); i++)
			if (!strcmp(run_options[i].key, k))
				return err_set(err, VSR_EUSAGE,
					       "-m %s: -M %s is no option of the adapter: use %s %s (an option of "
					       "vsrbench run, for every model kind)", kind, k, run_options[i].option,
					       cJSON_GetStringValue(it) ? cJSON_GetStringValue(it) : "");
		for (size_t i = 0; a && a[i]; i++)
			buf_addf(&known, "%s%s", known.len ? ", " : "", a[i]);
		for (size_t i = 0; b && b[i]; i++)
			buf_addf(&known, "%s%s", known.len ? ", " : "", b[i]);
		{
			char hint[96];
			err_set(err, VSR_EUSAGE, "-m %s: unknown option -M %s%s (known: %s)", kind, k,
				suggest_hint(k, known.ptr, hint, sizeof(hint)), known.ptr);
		}
		buf_release(&known);
		return VSR_EUSAGE;
	}
	return 0;
}

/* --reasoning off|low|medium|high|N (-M reasoning). */
static int parse_reasoning(const char *v, struct http_reasoning *r, char *err)
{
	static const char *const names[] = { "off", "low", "medium", "high" };
	long n;

	r->level = REASONING_UNSET;
	if (!v)
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			r->level = (enum http_reasoning_level)(REASONING_OFF + i);
			return 0;
		}
	if (parse_long(v, 1, 1000000, &n))
		return err_set(err, VSR_EUSAGE,
			       "--reasoning %s: expected off, low, medium, high or a thinking budget in tokens (1..1000000)",
			       v);
	r->level = REASONING_BUDGET;
	r->budget = n;
	return 0;
}

/* A member name that would carry a credential (compared lower-cased). */
static int secret_name(const char *name)
{
	static const char *const exact[] = { "key", "token", "access_token", "auth_token",
					     "id_token", "refresh_token", "bearer", "cookie", NULL };
	static const char *const parts[] = { "api_key", "apikey", "api-key", "secret", "password",
					     "passwd", "authorization", "credential", "auth_token",
					     "session_token", "private_key", NULL };
	char low[128];

	snprintf(low, sizeof(low), "%s", name);
	str_lower(low);
	if (in_list(exact, low))
		return 1;
	for (size_t i = 0; parts[i]; i++)
		if (strstr(low, parts[i]))
			return 1;
	return 0;
}

/* The first member, at any depth, whose name carries a credential; NULL: none. */
static const char *find_secret(const cJSON *v)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, v) {
		const char *f;
		if (c->string && secret_name(c->string))
			return c->string;
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && (f = find_secret(c)))
			return f;
	}
	return NULL;
}

/*
 * -M extra_body=JSON: an object, with no credential in it (no member named
 * like one, not the key itself) and no member the protocol's body writes
 * (that one has its own vsrbench option); its members into c->extra.
 */
static int extra_body_init(struct http_state *st, const char *json, char *err)
{
	const struct http_proto *p = st->proto;
	cJSON *o = cJSON_Parse(json), *it;
	const char *bad;
	char *s = NULL;
	int r = 0;

	if (!cJSON_IsObject(o)) {
		r = err_set(err, VSR_EUSAGE,
			    "-M extra_body: expected a JSON object, e.g. -M 'extra_body={\"top_k\":20}'");
		goto out;
	}
	if ((bad = find_secret(o))) {
		r = err_set(err, VSR_EUSAGE,
			    "-M extra_body: member \"%s\" would carry a credential into run.json; keys are read "
			    "from the environment only (-M api_key_env=NAME)",
			    bad);
		goto out;
	}
	cJSON_ArrayForEach(it, o) {
		const char *const *lists[2] = { p->body_keys,
						st->cfg.reasoning.level ? p->reasoning_keys : NULL };
		for (size_t l = 0; l < 2; l++)
			for (const char *const *k = lists[l]; k && *k; k++) {
				size_t n = strcspn(*k, "=");
				if (strlen(it->string) == n && !strncmp(*k, it->string, n)) {
					r = err_set(err, VSR_EUSAGE,
						    "-M extra_body: \"%s\" is written by vsrbench itself (%s)",
						    it->string, (*k)[n] ? *k + n + 1 : "--reasoning");
					goto out;
				}
			}
	}
	if (o->child && (s = cJSON_PrintUnformatted(o))) {
		size_t len = strlen(s);
		st->cfg.extra = xstrdup(s + 1);
		st->cfg.extra[len - 2] = '\0'; /* without the braces */
	}
out:
	if (s)
		cJSON_free(s);
	cJSON_Delete(o);
	return r;
}

static int is_loopback(const char *host)
{
	return !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]") ||
	       !strcmp(host, "::1");
}

/*
 * A server on this machine: loopback, or the "any address" a server binds
 * to and prints (vLLM and SGLang: "Uvicorn running on http://0.0.0.0:8000"),
 * which Linux connects to locally.
 */
static int is_local(const char *host)
{
	return is_loopback(host) || !strcmp(host, "0.0.0.0") || !strcmp(host, "[::]");
}

/*
 * A path segment that looks like a credential: a provider's key prefix, or
 * 32 or more token bytes mixing letters and digits (model and deployment
 * names are words).  Why: a key pasted into base_url's path would be
 * stored in run.json and shown in every message naming the server.
 */
static int key_like_segment(const char *p, size_t n)
{
	static const char *const prefixes[] = { "sk-", "sk_", "AIza", "key-", "pk-", "rk-", "ghp_", NULL };
	size_t letters = 0, digits = 0, tok = 0;

	for (size_t i = 0; prefixes[i]; i++)
		if (n > strlen(prefixes[i]) + 8 && !strncmp(p, prefixes[i], strlen(prefixes[i])))
			return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		letters += isalpha(c) != 0;
		digits += isdigit(c) != 0;
		tok += isalnum(c) || c == '-' || c == '_';
	}
	return tok == n && n >= 32 && letters && digits;
}

static int key_like_path(const char *path)
{
	while (path && *path) {
		size_t n = strcspn(path, "/");
		if (n && key_like_segment(path, n))
			return 1;
		path += n + (path[n] == '/');
	}
	return 0;
}

/*
 * The part of base URL url (len bytes, no trailing '/') that is an API
 * path vsrbench appends itself or a path of the wrong API (a full endpoint
 * URL pasted from a server's docs: ".../v1/chat/completions" was sent to
 * ".../v1/chat/completions/chat/completions" and its 404 advised adding
 * "/v1"): its length, and in *why what it is; 0 when there is none.
 */
static size_t api_path_tail(const char *kind, const char *url, size_t len, const char **why)
{
	static const struct {
		const char *kind, *tail, *why;
	} tails[] = {
		{ "openai", "/chat/completions", "the path vsrbench adds itself" },
		{ "openai", "/completions", "another endpoint (vsrbench adds /chat/completions)" },
		{ "openai", "/responses", "another endpoint (vsrbench adds /chat/completions)" },
		{ "anthropic", "/messages", "the path vsrbench adds itself" },
		{ "ollama", "/api/chat", "the path vsrbench adds itself" },
		{ "ollama", "/api/generate", "another endpoint (vsrbench adds /api/chat)" },
		{ "ollama", "/v1/chat/completions",
		  "Ollama's OpenAI-compatible endpoint (-m ollama speaks its own API at the server's root; "
		  "-m openai speaks the other one at .../v1)" },
		{ "ollama", "/v1",
		  "the base of Ollama's OpenAI-compatible API (-m ollama speaks its own API at the server's "
		  "root; -m openai speaks the other one at .../v1)" },
		{ "gemini", "/models", "part of the path vsrbench adds itself (/models/MODEL:generateContent)" },
	};
	const char *m;

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t n = strlen(tails[i].tail);
		if (!strcmp(tails[i].kind, kind) && len > n && !strncasecmp(url + len - n, tails[i].tail, n)) {
			*why = tails[i].why;
			return n;
		}
	}
	/* Gemini: ".../v1beta/models/gemini-2.5-flash:generateContent" */
	if (!strcmp(kind, "gemini") && (m = strstr(url, "/models/")) && strchr(m, ':')) {
		*why = "the path vsrbench adds itself (/models/MODEL:generateContent; the model goes in -M model)";
		return (size_t)(url + len - m);
	}
	return 0;
}

/*
 * Why url, which libcurl does not parse, is no URL, when it is a common slip:
 * no scheme ("localhost:8000/v1": the fix, with http:// put first, when that
 * parses), or an IPv6 address without its brackets ("http://::1:8000/v1").
 * Otherwise an example.
 */
static void url_hint(struct buf *out, const char *url)
{
	const char *a = strstr(url, "://");

	if (!a) {
		struct buf fixed = BUF_INIT;
		CURLU *u = curl_url();
		/* HOST[:PORT] first: a host name or an IPv4 address, digits after the colon. */
		size_t h = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		size_t p = url[h] == ':' ? 1 + strspn(url + h + 1, "0123456789") : 0;
		const char *rest = url + h + p; /* nothing, or the path ("//": a scheme typed wrong) */

		buf_addf(&fixed, "http://%s", url);
		if (h && p != 1 && (!*rest || (rest[0] == '/' && rest[1] != '/')) && u &&
		    !curl_url_set(u, CURLUPART_URL, fixed.ptr, 0))
			buf_addf(out, "it names no scheme: -M base_url=%s (https:// for a hosted API)",
				 fixed.ptr);
		else
			buf_adds(out, "it names no scheme (e.g. http://127.0.0.1:8000/v1)");
		curl_url_cleanup(u);
		buf_release(&fixed);
		return;
	}
	a += 3;
	{
		size_t n = strcspn(a, "/?#"), colons = 0;
		for (size_t i = 0; i < n; i++)
			colons += a[i] == ':';
		if (colons >= 2 && a[0] != '[') {
			buf_adds(out, "an IPv6 address goes in brackets (e.g. http://[::1]:8000/v1)");
			return;
		}
	}
	buf_adds(out, "e.g. http://127.0.0.1:8000/v1");
}

/* Parses one base URL into an endpoint: http(s) only, no credentials, no query, no fragment. */
static int endpoint_init(struct http_state *st, struct endpoint *ep, const char *url,
			 const char *insecure_hosts, char *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *query = NULL, *frag = NULL, *path = NULL;
	struct buf b = BUF_INIT;
	size_t len = strlen(url);
	int r = 0;

	if (!u)
		return err_set(err, VSR_EUSAGE, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		url_hint(&b, url);
		r = err_set(err, VSR_EUSAGE, "-M base_url '%s' is not a URL: %s", url, b.ptr);
		goto out;
	}
	if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		r = err_set(err, VSR_EUSAGE, "-M base_url '%s': only http:// and https:// are supported", url);
		goto out;
	}
	{
		/* "http://host:/v1": libcurl takes the empty port as the scheme's own (80 or 443). */
		const char *a = strstr(url, "://");
		size_t n = a ? strcspn(a += 3, "/?#") : 0;
		if (n && a[n - 1] == ':') {
			r = err_set(err, VSR_EUSAGE,
				    "-M base_url '%s': the port after '%.*s' is missing (e.g. %.*s8000)", url,
				    (int)n, a, (int)(a - url + (ptrdiff_t)n), url);
			goto out;
		}
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
	if (!curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) && frag) {
		r = err_set(err, VSR_EUSAGE,
			    "-M base_url: a fragment (#...) is refused: it is never sent to the server, and would be stored in run.json");
		goto out;
	}
	/* Not shown: the URL is the secret here. */
	buf_add(&b, url, len);
	if ((redact_active() && redact_apply(b.ptr, b.len)) ||
	    (!curl_url_get(u, CURLUPART_PATH, &path, 0) && key_like_path(path))) {
		r = err_set(err, VSR_EUSAGE,
			    "-M base_url: it holds %s; keys are read from the environment only (-M api_key_env=NAME)",
			    strchr(b.ptr, '*') ? "(part of) the API key" : "what looks like a key");
		goto out;
	}
	buf_reset(&b);
	while (len && url[len - 1] == '/')
		len--;
	{
		const char *why;
		size_t tail = api_path_tail(st->proto->kind, url, len, &why);
		if (tail) {
			r = err_set(err, VSR_EUSAGE,
				    "-M base_url '%s' ends with %.*s, %s: use -M base_url=%.*s", url, (int)tail,
				    url + len - tail, why, (int)(len - tail), url);
			goto out;
		}
	}
	buf_add(&b, url, len);
	ep->shown = xstrdup(b.ptr);
	buf_add(&b, st->cfg.path.ptr, st->cfg.path.len);
	ep->url = buf_detach(&b, NULL);
	if (st->metrics) {
		/* Same scheme, host and port; the path of vLLM's, SGLang's and TGI's metrics. */
		char *m = NULL;
		if (!curl_url_set(u, CURLUPART_PATH, "/metrics", 0) && !curl_url_get(u, CURLUPART_URL, &m, 0))
			ep->metrics = xstrdup(m);
		curl_free(m);
	}
	ep->local = is_local(host);
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
			remote_warn(st->key, "TLS certificates of %s are NOT verified (-M insecure_host)",
				    host);
	}
	if (st->key && !strcmp(scheme, "http") && !is_loopback(host))
		remote_warn(st->key, "the API key from %s is sent unencrypted to %s (use https://)",
			    st->cfg.key_env, host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(query);
	curl_free(frag);
	curl_free(path);
	curl_url_cleanup(u);
	buf_release(&b);
	return r;
}

/* Every base URL of the comma-separated list (-M base_url or the protocol's default). */
static int endpoints_init(struct http_state *st, const char *list, char *err)
{
	const char *insecure = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(st->opts, "insecure_host"));
	size_t cap = 1;
	int r;

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
				return r;
			st->n_eps++;
		} else if (n) {
			return err_set(err, VSR_EUSAGE, "-M base_url: a URL is too long");
		}
		list += n + (list[n] == ',');
	}
	if (!st->n_eps)
		return err_set(err, VSR_EUSAGE, "-M base_url is empty");
	return 0;
}

static void http_close(void *state);

/*
 * The key from environment variable `name` into st->key; unset, empty or
 * blank: an error when `required` (-M api_key_env names it), else no key.
 * Blanks around it are dropped: a key read from a file keeps the file's
 * line end (`export K=$(cat key.txt)` drops "\n" but not a "\r"; `read`, a
 * .env or a YAML file may keep either), and a key ending in "\n" or "\r"
 * ends its header line early: the server reads the rest of the headers and
 * the body as garbage (a 400 naming no key, then "Received HTTP/0.9").  A
 * key has no blank, control or non-ASCII byte inside: that one is refused.
 */
static int read_key(struct http_state *st, const char *name, int required, char *err)
{
	static const char blanks[] = " \t\r\n";
	const char *k;
	size_t b = 0, e = 0;

	/*
	 * Not a variable's name ("-M api_key_env=sk-..." gives the key itself):
	 * refused without quoting it, which would put the key in a CI log.
	 */
	if (*name && (isdigit((unsigned char)*name) ||
		      name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")]))
		return err_set(err, VSR_EUSAGE,
			       "-M api_key_env=...: takes the name of an environment variable (letters, "
			       "digits and _, e.g. OPENAI_API_KEY) that holds the key, not the key itself "
			       "(the value given is not shown)");
	k = getenv(name);
	if (k) {
		b = strspn(k, blanks);
		e = strlen(k);
		while (e > b && strchr(blanks, k[e - 1]))
			e--;
	}
	if (e > b) {
		struct buf key = BUF_INIT;
		for (size_t i = b; i < e; i++)
			if ((unsigned char)k[i] <= ' ' || (unsigned char)k[i] >= 0x7f) {
				/* Not the key in the message: only where the bad byte is. */
				return err_set(err, VSR_EUSAGE,
					       "%s holds a byte 0x%02x at position %zu of %zu, inside the key (a blank, "
					       "a control or a non-ASCII byte, which no API key has): check how it was "
					       "exported (two keys in one variable? a quote pasted with it?)",
					       name, (unsigned char)k[i], i + 1, strlen(k));
			}
		buf_add(&key, k + b, e - b);
		st->key = buf_detach(&key, NULL);
		redact_add_secret(st->key); /* masked from here on in every file and stream */
		if (b || k[e]) {
			const char *what = memchr(k, '\r', b) || strchr(k + e, '\r') ? "a carriage return" :
					   memchr(k, '\n', b) || strchr(k + e, '\n') ? "a line end" : "blanks";
			remote_warn(st->key, "%s has %s %s the key (kept from the file it was read from?): "
				    "it is left out of what is sent", name, what,
				    b && k[e] ? "before and after" : b ? "before" : "after");
		}
		return 0;
	}
	if (!required)
		return 0;
	return err_set(err, VSR_EUSAGE, "-M api_key_env=%s: that environment variable is %s", name,
		       !*name ? "not named" : !k ? "not set" : !*k ? "empty" : "blank (white space only)");
}

/* The -M options as JSON text, without those named in skip (malloc'd). */
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

/*
 * -M model was not given: the one model the server lists becomes -M model,
 * in run.json's configuration and the fingerprint as if it had been (a
 * resume with or without it is the same run).  Several, none, or no
 * listing: the usage error names what the server said.
 */
static int take_served_model(struct http_state *st, const char *kind, char *err)
{
	char why[VSR_ERR_MAX / 2], *name = remote_served_only(st, kind, why, sizeof(why));

	if (!name)
		return err_set(err, VSR_EUSAGE, "-m %s needs -M model=NAME, the served model's name (%s)",
			       kind, why);
	cJSON_AddStringToObject(st->opts, "model", name);
	st->cfg.model = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st->opts, "model"));
	remote_warn(st->key, "no -M model: using '%s', the one model %s%s lists (-M model=%s "
		    "names it and skips this look-up)", name, st->eps[0].shown,
		    remote_served_path(kind), name);
	free(name);
	return 0;
}

int remote_open(const char *kind, const char *config_json, struct model *m, char *err)
{
	const struct http_proto *p = find_proto(kind);
	struct http_state *st;
	const char *default_url, *key_env, *v, *urls, *extra;
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
	st->conc_fixed = -1;
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "concurrency")))) {
		if (strcmp(v, "fixed") && strcmp(v, "adaptive")) {
			r = err_set(err, VSR_EUSAGE, "-M concurrency: expected fixed or adaptive, got '%.64s'", v);
			goto fail;
		}
		st->conc_fixed = !strcmp(v, "fixed");
	}
	/* The server's queue from its /metrics (remote_metrics.c): OpenAI-compatible servers only. */
	st->metrics = !strcmp(p->kind, "openai");
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "server_metrics")))) {
		if (strcmp(v, "auto") && strcmp(v, "off")) {
			r = err_set(err, VSR_EUSAGE, "-M server_metrics: expected auto or off, got '%.64s'", v);
			goto fail;
		}
		st->metrics = st->metrics && !strcmp(v, "auto");
	}
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "ca_file"))))
		st->ca_file = xstrdup(v);

	default_url = p->default_url;
	key_env = p->key_env;
	key_required = p->key_required;
	st->cfg.headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* curl would wait for a 100 Continue before sending a large body. */
	st->cfg.headers = curl_slist_append(st->cfg.headers, "Expect:");
	/*
	 * The key is read once: from -M api_key_env's variable (checked before
	 * setup, so that its error comes first), else from the variable setup()
	 * settles on (a preset's).  setup() never sees the key: it says which
	 * header carries it (cfg.auth), and the header is added here after.
	 */
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "api_key_env")))) {
		if ((r = read_key(st, v, 1, err)))
			goto fail;
		key_env = v;
	}
	urls = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "base_url"));
	if ((r = parse_reasoning(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "reasoning")),
				 &st->cfg.reasoning, err)))
		goto fail;
	extra = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "extra_body"));
	if (extra && (r = extra_body_init(st, extra, err)))
		goto fail;
	if (p->setup && (r = p->setup(&st->cfg, &default_url, &key_required, &key_env, err)))
		goto fail;
	st->cfg.key_env = key_env;
	if (!v && key_env && (r = read_key(st, key_env, 0, err)))
		goto fail;
	if (!urls && !default_url) {
		r = err_set(err, VSR_EUSAGE, "-m %s needs -M base_url=URL", kind);
		goto fail;
	}
	if (!urls && key_required && !st->key) {
		/* Not "export NAME=...": the message's redaction masks what follows "KEY=". */
		const char *set = key_env ? getenv(key_env) : NULL;
		r = err_set(err, VSR_EUSAGE,
			    "-m %s: no API key: %s is %s (export the key in it, or name another variable "
			    "with -M api_key_env=NAME)",
			    kind, key_env ? key_env : "the key's variable",
			    !set ? "not set" : *set ? "blank (white space only)" : "empty");
		goto fail;
	}
	if (st->key && strlen(st->key) >= 4 && extra && strstr(extra, st->key)) {
		r = err_set(err, VSR_EUSAGE,
			    "-M extra_body quotes the API key, which would then be stored in run.json; keys are "
			    "read from the environment only");
		goto fail;
	}
	if (st->key)
		http_add_auth(&st->cfg, st->key);
	if ((r = endpoints_init(st, urls ? urls : default_url, err)))
		goto fail;
	if (st->cfg.model_later && (r = take_served_model(st, kind, err)))
		goto fail;
	m->spec = xstrdup(kind);
	m->config_json = model_config_without(opts, transport_keys);
	m->fingerprint = make_fingerprint(st, kind);
	m->fingerprint_hash = hash64_str(m->fingerprint, HASH_SEED);
	m->served = remote_served(st, kind,
				  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st->opts, "model")),
				  &st->listed);
	m->run_loop = http_run;
	m->remote_state = st;
	m->remote_close = http_close;
	m->remote_name = p->kind;
	m->max_batch = 16;
	m->thread_safe = 1;
	return 0;
fail:
	/* A message that leaves; the text is copied before it is rewritten. */
	remote_msgf(err, VSR_ERR_MAX, st->key, "%s", err);
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
		free(st->eps[i].metrics);
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
	free(st->cfg.extra);
	free(st->ca_file);
	free(st->listed);
	cJSON_Delete(st->opts);
	pthread_mutex_destroy(&st->warn_mu);
	free(st);
	curl_global_cleanup();
}


int remote_check_generation(const struct model *m, long max_tokens, double *temperature,
			    int temperature_given, char *err)
{
	const struct http_state *st = m->remote_state;

	if (m->remote_close != http_close || !st->proto->check_gen)
		return 0;
	return st->proto->check_gen(&st->cfg, max_tokens, temperature, temperature_given, err);
}

long remote_default_max_tokens(const struct model *m)
{
	const struct http_state *st = m->remote_state;

	if (m->remote_close != http_close)
		return REMOTE_MAX_TOKENS_WORD;
	return REMOTE_MAX_TOKENS_CHAT + http_reasoning_budget(&st->cfg.reasoning);
}
