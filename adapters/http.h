/*
 * http: what an HTTP protocol file (adapters/http_NAME.c) sees: its
 * configuration, the request's image, the JSON body writers, and the table
 * it fills.  A protocol file includes this header only; it is called
 * through its table (remote.c at open, remote_loop.c per request) and calls
 * down into remote_body.c, never into the loop.
 *
 * Adding a protocol: one file adapters/http_NAME.c defining a
 * `const struct http_proto http_NAME_proto`, and one entry in the kind
 * table of remote.c.
 */
#ifndef VSR_HTTP_H
#define VSR_HTTP_H

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../include/vsrbench_adapter.h"

struct task_result;

/* The image of a request, already encoded once per job (borrowed from the job). */
struct http_image {
	const char *b64; /* NULL: no image (blind) */
	size_t b64_len;
	const char *mime;
	/*
	 * NULL: jw_image writes the whole body.  Else it leaves the base64
	 * out and stores here the body offset where it belongs (SIZE_MAX when
	 * there is none): the loop streams it from the job without a copy.
	 */
	size_t *split;
};

/*
 * --reasoning off|low|medium|high|N (the -M option "reasoning"), parsed by
 * remote.c; each protocol maps it to its API's own control at setup.
 */
enum http_reasoning_level {
	REASONING_UNSET = 0, /* not given: nothing is sent */
	REASONING_OFF,
	REASONING_LOW,
	REASONING_MEDIUM,
	REASONING_HIGH,
	REASONING_BUDGET, /* N tokens */
};
struct http_reasoning {
	enum http_reasoning_level level;
	long budget; /* REASONING_BUDGET: N */
};
/* The effort of a level ("low", "medium", "high"), NULL for the others. */
const char *http_reasoning_effort(const struct http_reasoning *r);
/*
 * A thinking budget in tokens: N, or low 1024, medium 4096, high 16384 for
 * the levels (the APIs that take a budget only); 0 for off and unset.
 */
long http_reasoning_budget(const struct http_reasoning *r);

/* What a protocol reads at open and at each request (owned by remote.c). */
struct http_cfg {
	const cJSON *opts;        /* the -M options, all strings */
	const char *model;        /* -M model, NULL when not given */
	/*
	 * Set by setup: no -M model, and the server is one of the user's own
	 * that lists what it serves (Ollama; an OpenAI-compatible server at
	 * -M base_url or a local preset's URL, not OpenAI's or Azure's
	 * catalogue): remote_open takes the only model it lists.
	 */
	int model_later;
	const char *system;       /* -M system: a system prompt, or NULL */
	const char *key_env;      /* the variable of the API key (for messages) */
	/*
	 * The header that carries the key, up to the key ("x-api-key: "),
	 * set by setup(); NULL: the key is not sent.  Protocols never see the
	 * key itself: remote_open adds the header (http_add_auth).
	 */
	const char *auth;
	struct curl_slist *headers; /* setup() appends the protocol's own */
	struct buf path;          /* appended to every base URL by setup() */
	void *priv;               /* protocol state from setup(), freed with free() */
	struct http_reasoning reasoning; /* --reasoning, set before setup() */
	/*
	 * -M extra_body: the members of its object as JSON text ("\"a\":1"),
	 * merged into every body by jw_extra; NULL: none.  Checked before
	 * setup(): an object, no credentials, no key the body writes itself.
	 */
	char *extra;
	/*
	 * The image types the API takes (NULL-terminated, static), set by
	 * setup(); NULL: any.  An image of another type stops the run before
	 * it is sent.
	 */
	const char *const *mimes;
};

struct http_proto {
	const char *kind;        /* "openai" */
	const char *what;        /* one line for `vsrbench list models` */
	const char *default_url; /* when -M base_url is not given; NULL: required */
	const char *key_env;     /* default variable of the API key; NULL: none */
	int key_required;        /* with the default URL, a missing key is an error */
	const char *const *keys; /* protocol-specific -M keys (NULL-terminated) */
	/* Keys of `keys` that change answers (part of the fingerprint). */
	const char *const *answer_keys;
	/*
	 * The body's own top-level members, which -M extra_body may not set
	 * ("member=the vsrbench option that sets it"), and those written only
	 * with --reasoning (extra_body may set them when it is not given).
	 */
	const char *const *body_keys;
	const char *const *reasoning_keys;
	/*
	 * Checks the protocol's options, sets c->path and c->auth, appends its
	 * own headers to c->headers.  0 or VSR_EUSAGE with err.  May change
	 * *default_url, *key_required and *key_env (presets) before the key is
	 * read and the URLs are parsed.  Called once, before the key is read.
	 */
	int (*setup)(struct http_cfg *c, const char **default_url, int *key_required,
		     const char **key_env, char *err);
	/* The JSON body of one request (written with the jw_ functions). */
	int (*build)(const struct http_cfg *c, const struct vsrbench_request *req,
		     const struct http_image *img, struct buf *body);
	/*
	 * Reads a 2xx body: *text (malloc'd, may be "") and the journal meta
	 * (model, usage, ...) added to `meta`.  The provider's own stop reason
	 * goes in meta "finish_reason"; a reply cut by the token limit adds
	 * "cut_short": true, a refusal or a safety block "refused": true (the
	 * loop copies both to the task_result), both with the text there is,
	 * possibly "": an outcome, not an error.  Reasoning the server sends
	 * apart from the reply (OpenAI-compatible reasoning_content / reasoning,
	 * Anthropic thinking blocks, Gemini thought parts, Ollama
	 * message.thinking) is never part of *text: its length goes in meta
	 * "reasoning_chars" and its text in *reasoning (malloc'd, caller frees;
	 * left NULL when there is none: set exactly when reasoning_chars is).
	 * Non-zero with a reason in why when the body has the wrong shape
	 * (*text and *reasoning then hold nothing to free).
	 */
	int (*parse)(const struct http_cfg *c, const cJSON *body, char **text, char **reasoning,
		     cJSON *meta, char *why, size_t whylen);
	/*
	 * Optional: the common 2xx body read from its bytes, without a tree
	 * (a fast path: an instant server answers tens of thousands a second).
	 * 1 with *text, *meta_json (NULL: no meta; masked with key) and the
	 * usage in res, exactly what parse() and the loop's meta make of it;
	 * 0 when the body is not in the one shape it knows: parse() reads it.
	 */
	int (*parse_fast)(const char *body, size_t len, const char *key, char **text,
			  char **meta_json, struct task_result *res);
	/*
	 * Optional: checks the run's generation settings before any request
	 * (--max-tokens; --temperature, < 0 for "default", given or vsrbench's
	 * default); may set *temperature to -1 (not sent).  0 or VSR_EUSAGE.
	 */
	int (*check_gen)(const struct http_cfg *c, long max_tokens, double *temperature,
			 int temperature_given, char *err);
	/*
	 * Optional: a 2xx body that is a stream of server-sent events (asked
	 * for with -M stream=on, or sent by a gateway that streams every
	 * reply) made into the whole reply parse() reads: *out, caller
	 * deletes.  0; VSRBENCH_ERR_RETRY with why (a stream cut short, an
	 * event that is not JSON); SSE_FOREIGN (remote_sse.h) for events of
	 * another shape.  NULL: a stream is a body this protocol cannot read.
	 */
	int (*sse)(const char *body, size_t len, cJSON **out, char *why, size_t whylen);
};

extern const struct http_proto http_openai_proto, http_ollama_proto, http_anthropic_proto,
	http_gemini_proto;

/*
 * Whether name is one of -m openai's presets (-M preset=NAME: vllm, sglang,
 * llamacpp ...), compared in letters and digits only, case aside ("vLLM",
 * "llama.cpp"); *preset is then the preset's own name and *url its
 * default base URL (NULL: none, azure).
 */
int http_openai_preset(const char *name, const char **preset, const char **url);

/* ---- remote_body.c: what a request is made of --------------------------- */

/*
 * Request bodies are written straight into a buf (no tree to build and
 * print: this runs once per request).  A failed append sets bad; the
 * caller owns the buf.
 */
struct jw {
	struct buf *b;
	int bad;
};
void jw_raw(struct jw *w, const char *json); /* JSON text as is */
void jw_str(struct jw *w, const char *s);    /* a string literal; NULL: null */
void jw_num(struct jw *w, double v);
/* A key (JSON text such as ",\"model\":") and its value. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_knum(struct jw *w, const char *key, double v);
void jw_ku64(struct jw *w, const char *key, uint64_t v);
/* A compact copy of a parsed value (the journal's "meta"). */
void jw_cjson(struct jw *w, const cJSON *v);
/* The same as a malloc'd string (caller frees), or NULL when out of memory. */
char *json_compact(const cJSON *v);
/*
 * The image as a JSON string: "data:MIME;base64,..." when data_uri, else the
 * bare base64; with img->split set, the base64 is left out and its offset
 * stored there instead.
 */
void jw_image(struct jw *w, int data_uri, const struct http_image *img);
/* The image's MIME type, checked to be safe inside a JSON string (static or borrowed). */
const char *http_image_mime(const struct http_image *img);
/*
 * Opens the "messages" array of a chat body (OpenAI, Ollama), with the
 * system message first when there is one; the caller writes the user
 * message and closes the array.
 */
void jw_chat_messages(struct jw *w, const char *system);
/* The -M extra_body members, when there are any: ",MEMBERS" (before the body's last '}'). */
void jw_extra(struct jw *w, const struct http_cfg *c);
/* The value of -M key (a string borrowed from c->opts), or NULL. */
const char *http_opt(const struct http_cfg *c, const char *key);
/*
 * Appends the header c->auth + key to c->headers (nothing when c->auth is
 * NULL); the key is borrowed, and the one temporary copy is zeroed.
 */
void http_add_auth(struct http_cfg *c, const char *key);

#endif
