/*
 * cache: answers already paid for, reused across run directories (issue 16).
 *
 * One SQLite file, DIR/responses.sqlite, DIR being --cache DIR or
 * $XDG_CACHE_HOME/vsrbench (else ~/.cache/vsrbench; with neither variable
 * set, no cache unless --cache DIR).  WAL mode and a busy
 * timeout, so the shards of one machine share it.  A row is one reply: its
 * raw text, the journal meta, the cut-short and refused flags and the token
 * usage the server reported, keyed by cache_key() of the request as it
 * leaves (model fingerprint, prompt, image digest, options in the order
 * shown, max_tokens, temperature, seed); never by suite, item or template,
 * so the same question asked by two suites is one row.  Only answers are
 * stored, never errors.
 *
 * Failure rule: the cache never fails a run.  A file that cannot be opened,
 * is not a database, is corrupt or stays locked gives one warning, and the
 * run goes on without the cache (cache_get misses, cache_put does nothing).
 * The cache subcommand (cache_stats, cache_prune, cache_clear) does report
 * its errors: there the cache is what was asked for.
 *
 * Thread-safety: one connection in SQLite's serialized mode; every call
 * may come from any thread.
 */
#ifndef VSR_CACHE_H
#define VSR_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"

enum cache_mode {
	CACHE_ON = 0,  /* read and write, deterministic requests only (the default) */
	CACHE_OFF,     /* not opened */
	CACHE_READ,    /* read, never write */
	CACHE_ALWAYS,  /* read and write, whatever the temperature */
};

#define CACHE_KEY_LEN 32
#define CACHE_FILE "responses.sqlite"

/* Everything of a request that can change its reply (all borrowed). */
struct cache_req {
	const char *fingerprint;    /* the model's fingerprint (model.h) */
	const char *served;         /* what the server says it serves (model.h); NULL: unknown */
	const char *prompt;
	uint64_t image_digest;      /* the variant's digest; ignored without image */
	int has_image;              /* 0: asked blind */
	const char *const *choices; /* as shown, option A first */
	size_t n_choices;
	int max_tokens;
	double temperature;         /* < 0: not sent */
	uint64_t seed;
};

/* A cached reply.  cache_get fills the malloc'd strings; cache_entry_release frees them. */
struct cache_entry {
	char *text;
	char *meta_json; /* NULL or a JSON object */
	char *reasoning; /* NULL, or the reasoning the server sent apart (task_result.reasoning) */
	int cut_short, refused;
	/* Usage the server reported with the original answer; -1: not reported. */
	long long tok_in, tok_out, tok_reasoning;
};

struct cache;

/* SHA-256 of the request's parts, each length-prefixed (so no two requests share a key). */
void cache_key(const struct cache_req *r, unsigned char key[CACHE_KEY_LEN]);

/*
 * dir, or the default directory (base/util.h vsr_default_dir: XDG_CACHE_HOME,
 * else HOME/.cache, + /vsrbench), into b: 0, or -1 (b untouched) when dir is
 * not given and there is no default.
 */
int cache_dir(struct buf *b, const char *dir);

/*
 * Opens (creating) the cache for a run.  NULL, after one warning on stderr,
 * when it cannot be used: the run goes on without it.  writes: 0 for
 * --cache read (the file is then opened read-only and never created).
 */
struct cache *cache_open(const char *dir, int writes);
void cache_close(struct cache *c);
/* 1: found (e filled), 0: not found or the cache is off after an error. */
int cache_get(struct cache *c, const unsigned char key[CACHE_KEY_LEN], struct cache_entry *e);
/* Stores a reply (borrowed); nothing with a read-only cache or after an error. */
void cache_put(struct cache *c, const unsigned char key[CACHE_KEY_LEN], const char *model,
	       const struct cache_entry *e);
void cache_entry_release(struct cache_entry *e);
/*
 * A reply that ended on its own (not cut short) is also filed under ANY, the
 * request's key made with max_tokens = CACHE_ANY_LIMIT, with the limit it was
 * asked under; cache_get_finished finds it for any limit at least that one.
 */
#define CACHE_ANY_LIMIT (-1)
/* cache_key's KEY, and the same request's key with any limit (ANY), hashing it once. */
void cache_keys(const struct cache_req *r, unsigned char key[CACHE_KEY_LEN],
		unsigned char any[CACHE_KEY_LEN]);
int cache_get_finished(struct cache *c, const unsigned char any[CACHE_KEY_LEN], int max_tokens,
		       struct cache_entry *e);
void cache_put_finished(struct cache *c, const unsigned char any[CACHE_KEY_LEN],
			const unsigned char exact[CACHE_KEY_LEN], int max_tokens);

/* ---- for `vsrbench cache` (errors reported: VSR_EDATA with err) ------------ */

struct cache_model_count {
	char *model; /* malloc'd */
	long long rows;
};
struct cache_stats {
	char *path;                  /* malloc'd */
	long long rows, bytes;       /* bytes: the file and its WAL */
	long long oldest, newest;    /* unix seconds of the rows' creation; 0 without rows */
	long long tok_in, tok_out;   /* usage stored with the rows */
	struct cache_model_count *models;
	size_t n_models;
	int missing;                 /* no cache file yet */
};
int cache_stats_read(const char *dir, struct cache_stats *st, char *err);
void cache_stats_release(struct cache_stats *st);
/* Deletes rows created more than older_than seconds ago (< 0: every row); *deleted. */
int cache_delete_older(const char *dir, double older_than, long long *deleted, char *err);

#endif
