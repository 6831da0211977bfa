/*
 * remote: models behind a server (HTTP) or in a child process (exec).
 *
 *   -m openai      POST {base_url}/chat/completions  (vLLM, SGLang, llama.cpp, LM Studio,
 *                  Ollama's /v1, OpenAI, Azure OpenAI ...)
 *   -m ollama      POST {base_url}/api/chat            (Ollama's native API)
 *   -m anthropic   POST {base_url}/messages            (Anthropic Messages API)
 *   -m gemini      POST {base_url}/models/M:generateContent  (Google Gemini API)
 *   -m exec        a child process speaking JSON lines on stdin/stdout
 *
 * A remote model has no worker threads: model->run_loop is one thread that
 * drives every request (remote.c: one libcurl multi loop for all HTTP kinds;
 * exec.c: a poll() loop over the children's pipes) through the scheduler's
 * worker calls (harness/scheduler.h), so journal, counters and failure rules
 * are the scheduler's.  docs/models.md documents every -M option.
 *
 * Secrets: an API key is read from the environment only (OPENAI_API_KEY,
 * ANTHROPIC_API_KEY, GEMINI_API_KEY or -M api_key_env=NAME), lives in the
 * request headers in memory, and is never part of the fingerprint, the
 * config JSON, a journal line or a message (every error text is passed
 * through remote_redact).  -M api_key=... is refused.
 *
 * Adding a protocol: one file adapters/http_NAME.c defining a
 * `const struct http_proto http_NAME_proto`, and one entry in the kind
 * table of remote.c.
 */
#ifndef VSR_REMOTE_H
#define VSR_REMOTE_H

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../suites/item.h"
#include "../harness/scheduler.h"
#include "loader.h"

/* Is spec one of the remote kinds above? */
int remote_kind_known(const char *spec);

/*
 * Opens a remote model: parses the -M options (config_json, borrowed),
 * reads the key from the environment and fills m: spec, config_json,
 * fingerprint (+ hash; kind, model, base URLs, answer-changing options,
 * never the key), run_loop, remote_state, remote_close, max_batch,
 * thread_safe.  Returns 0 or VSR_EUSAGE with a one-line message.
 */
int remote_open(const char *kind, const char *config_json, struct model *m, char *err);
/* Lines for `vsrbench list models`. */
void remote_list(FILE *fp);

/* ---- shared by remote.c, exec.c and the protocol files ---------------- */

/* Replaces the key (when non-NULL) and credential-looking tokens in s. */
void remote_redact(char *s, const char *key);

/*
 * A one-line excerpt of an HTTP error body (its "error.message" when it is
 * JSON) into out[0..n).  Exposed for the fuzz target.
 */
void remote_body_excerpt(const struct buf *b, char *out, size_t n);


/*
 * A job of the scheduler on its way through a remote loop: the item's image
 * (loaded once), its base64 text when the protocol needs one, and the
 * results of its tasks until the last one is final.
 */
struct rjob {
	struct job *job;
	struct image img;
	const char *mime;  /* sniffed; NULL without an image */
	const char *b64;   /* base64 of the image, when asked for (own_b64) */
	size_t b64_len;
	struct buf own_b64;
	struct buf alt_b64; /* base64 of the job's mirrored image, when a task asks for it */
	struct task_result *res;
	size_t left;       /* tasks not final yet */
	void *priv;        /* the loop's per-task state; freed with the job */
	struct rjob *prev, *next, **live; /* the loop's list of jobs in progress */
};

/*
 * Takes the next job (sched_take with `block`), loads its image and, when
 * want_b64, encodes it, and links it into *live.  Returns 0 with *out set
 * (NULL: no job now, or no more when block), or the error code after the
 * run has been failed.
 */
int rjob_take(struct sched *s, int block, int want_b64, struct rjob **live, struct rjob **out,
	      struct sched_batch *b);
/*
 * The image a task's request carries (sched_request picks the variant):
 * none for a blind task (*b64 NULL), the job's own, or the mirrored copy,
 * each encoded once per job.  0, or -1 when out of memory.
 */
int rjob_request_image(struct rjob *rj, const struct vsrbench_request *req, const char **b64,
		       size_t *b64_len, const char **mime);

/*
 * One more task of rj is final (its result filled); after the last, the job
 * is completed (journal lines into b) and freed, priv included.
 */
void rjob_task_done(struct sched *s, struct rjob *rj, struct sched_batch *b);
/* Frees every job still in *live (a stop or a failure): none is journaled. */
void rjob_abandon_all(struct rjob **live);

/* ---- HTTP protocols ----------------------------------------------------- */

/* The image of a request, already encoded once per job. */
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

/* What a protocol reads at open and at each request (owned by remote.c). */
struct http_cfg {
	const cJSON *opts;        /* the -M options, all strings */
	const char *model;        /* -M model, NULL when not given */
	const char *system;       /* -M system: a system prompt, or NULL */
	const char *key;          /* the API key, or NULL; only for headers */
	const char *key_env;      /* the variable it came from (for messages) */
	struct curl_slist *headers; /* protocol setup appends its own (auth) */
	struct buf path;          /* appended to every base URL by setup() */
	void *priv;               /* protocol state from setup(), freed with free() */
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
	 * Checks the protocol's options, sets c->path, appends auth headers
	 * (from c->key, when set) to c->headers.  0 or VSR_EUSAGE with err.
	 * May change *default_url (presets) before the URLs are parsed.
	 */
	int (*setup)(struct http_cfg *c, const char **default_url, int *key_required,
		     const char **key_env, char *err);
	/* The JSON body of one request (written with the jw_ functions). */
	int (*build)(const struct http_cfg *c, const struct vsrbench_request *req,
		     const struct http_image *img, struct buf *body);
	/*
	 * Reads a 2xx body: *text (malloc'd, may be "") and the journal meta
	 * (model, usage, ...) added to `meta`.  Non-zero with a reason in why
	 * when the body has the wrong shape.
	 */
	int (*parse)(const struct http_cfg *c, const cJSON *body, char **text, cJSON *meta,
		     char *why, size_t whylen);
};

/*
 * Request bodies are written straight into a buf (no tree to build and
 * print: this runs once per request).  A failed append sets bad.
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
/* The same as a malloc'd string, or NULL when out of memory. */
char *json_compact(const cJSON *v);
/*
 * The image as a JSON string: "data:MIME;base64,..." when data_uri, else the
 * bare base64; with img->split set, the base64 is left out and its offset
 * stored there instead.
 */
void jw_image(struct jw *w, int data_uri, const struct http_image *img);
/* The image's MIME type, checked to be safe inside a JSON string. */
const char *http_image_mime(const struct http_image *img);
/*
 * Opens the "messages" array of a chat body (OpenAI, Ollama), with the
 * system message first when there is one; the caller writes the user
 * message and closes the array.
 */
void jw_chat_messages(struct jw *w, const char *system);
/* The value of -M key (a string), or NULL. */
const char *http_opt(const struct http_cfg *c, const char *key);

extern const struct http_proto http_openai_proto, http_ollama_proto, http_anthropic_proto,
	http_gemini_proto;

/* ---- exec ------------------------------------------------------------- */

int exec_open(const char *config_json, const cJSON *opts, struct model *m, char *err);

/*
 * One line a child wrote on stdout, parsed (exposed for the fuzz target).
 * EXEC_REPLY_BLANK: nothing but blanks; EXEC_REPLY_NOISE: not starting with
 * '{' (a stray print); EXEC_REPLY_BAD: not a JSON object; EXEC_REPLY_OK:
 * id, text, error (each NULL when absent or not a string), retry, and
 * meta_json (the "meta" object printed, only with a text and no error) are
 * set.  rep->line is the line after its leading blanks.  Strings are
 * borrowed from rep->root; exec_reply_release frees everything.
 */
enum { EXEC_REPLY_OK, EXEC_REPLY_BLANK, EXEC_REPLY_NOISE, EXEC_REPLY_BAD };
struct exec_reply {
	const char *line;
	cJSON *root;
	const char *id, *text, *error;
	int retry;
	char *meta_json; /* malloc'd */
};
int exec_reply_parse(char *line, struct exec_reply *rep);
void exec_reply_release(struct exec_reply *rep);

#endif
