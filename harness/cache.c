/*
 * cache: the response cache in SQLite (cache.h says what and why).
 */
#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../base/sha256.h"
#include "../base/util.h" /* last: it includes banned.h */

/* How long a statement waits for another process's write lock. */
#define CACHE_BUSY_MS 10000

#define FLAG_CUT_SHORT 1
#define FLAG_REFUSED 2

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS responses("
	" key BLOB PRIMARY KEY, model TEXT NOT NULL, text TEXT NOT NULL, meta TEXT,"
	" flags INTEGER NOT NULL, tok_in INTEGER, tok_out INTEGER, tok_reasoning INTEGER,"
	" created INTEGER NOT NULL, reasoning TEXT) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS responses_created ON responses(created);"
	/*
	 * Replies that ended on their own (not cut short by the token limit):
	 * key is the request's key with any limit, exact its row in responses,
	 * max_tokens the smallest limit it was asked under.  A deterministic
	 * reply that ended within a limit is the reply under any larger one, so
	 * a run with a raised --max-tokens sends only what was cut short.
	 */
	"CREATE TABLE IF NOT EXISTS finished("
	" key BLOB PRIMARY KEY, exact BLOB NOT NULL, max_tokens INTEGER NOT NULL) WITHOUT ROWID;";

struct cache {
	sqlite3 *db;
	sqlite3_stmt *get, *put, *get_fin, *put_fin;
	pthread_mutex_t mu; /* one statement sequence (bind, step, reset) at a time */
	char *path;
	int off;            /* set after an error: the rest of the run goes without */
};

/* ---- the key ------------------------------------------------------------ */

static void key_part(struct sha256 *h, char tag, const void *p, size_t n)
{
	unsigned char head[9];
	uint64_t len = n;

	head[0] = (unsigned char)tag;
	for (int i = 0; i < 8; i++)
		head[1 + i] = (unsigned char)(len >> (8 * i));
	sha256_update(h, head, sizeof(head));
	if (n)
		sha256_update(h, p, n);
}

static void key_str(struct sha256 *h, char tag, const char *s)
{
	key_part(h, tag, s ? s : "", s ? strlen(s) + 1 : 0); /* NULL and "" differ */
}

/* Every part of the key but the generation settings. */
static void key_request(struct sha256 *h, const struct cache_req *r)
{
	char num[64];

	sha256_init(h);
	key_str(h, 'V', "vsrbench-cache-1");
	key_str(h, 'F', r->fingerprint);
	/* Only when known: keys made before the server was asked stay valid for the name alone. */
	if (r->served)
		key_str(h, 'S', r->served);
	key_str(h, 'P', r->prompt);
	if (r->has_image) {
		snprintf(num, sizeof(num), "%016llx", (unsigned long long)r->image_digest);
		key_str(h, 'I', num);
	} else {
		key_str(h, 'I', NULL);
	}
	snprintf(num, sizeof(num), "%zu", r->n_choices);
	key_str(h, 'N', num);
	for (size_t i = 0; i < r->n_choices; i++)
		key_str(h, 'C', r->choices[i]);
}

static void key_settings(struct sha256 *h, const struct cache_req *r, int max_tokens,
			 unsigned char key[CACHE_KEY_LEN])
{
	char num[64];

	snprintf(num, sizeof(num), "%d %.17g %llu", max_tokens,
		 r->temperature < 0 ? -1.0 : r->temperature, (unsigned long long)r->seed);
	key_str(h, 'G', num);
	sha256_final(h, key);
}

void cache_key(const struct cache_req *r, unsigned char key[CACHE_KEY_LEN])
{
	struct sha256 h;

	key_request(&h, r);
	key_settings(&h, r, r->max_tokens, key);
}

void cache_keys(const struct cache_req *r, unsigned char key[CACHE_KEY_LEN],
		unsigned char any[CACHE_KEY_LEN])
{
	struct sha256 h, h2;

	key_request(&h, r);
	h2 = h; /* the prompt and the rest hashed once for both keys */
	key_settings(&h, r, r->max_tokens, key);
	key_settings(&h2, r, CACHE_ANY_LIMIT, any);
}

int cache_dir(struct buf *b, const char *dir)
{
	char d[4096];

	if (dir && *dir)
		buf_adds(b, dir);
	else if (!vsr_default_dir(d, sizeof(d)))
		buf_adds(b, d);
	else
		return -1;
	return 0;
}

/* ---- for a run: warn once, go on without ----------------------------------- */

static void cache_off_locked(struct cache *c, const char *what)
{
	if (c->off)
		return;
	c->off = 1;
	vsr_warn("response cache %s: %s (%s); going on without the cache", c->path, what,
		 sqlite3_errmsg(c->db));
}

static void cache_free(struct cache *c)
{
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	sqlite3_finalize(c->get_fin);
	sqlite3_finalize(c->put_fin);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->mu);
	free(c->path);
	free(c);
}

/* Whether the responses table is there with its reasoning column. */
static int has_reasoning(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int ok = !sqlite3_prepare_v2(db, "SELECT reasoning FROM responses LIMIT 0", -1, &st, NULL);

	sqlite3_finalize(st);
	return ok;
}

struct cache *cache_open(const char *dir, int writes)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	struct buf d = BUF_INIT, p = BUF_INIT, q = BUF_INIT, qf = BUF_INIT;
	const char *rcol;
	int have;
	int flags = SQLITE_OPEN_FULLMUTEX | (writes ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
						   : SQLITE_OPEN_READONLY);
	struct stat sb;
	int rc;

	pthread_mutex_init(&c->mu, NULL);
	if (cache_dir(&d, dir)) {
		vsr_warn("response cache: off: " VSR_NO_DEFAULT_DIR " (--cache DIR names one)");
		goto fail;
	}
	buf_addf(&p, "%s/" CACHE_FILE, d.ptr);
	c->path = buf_detach(&p, NULL);
	if (!writes && stat(c->path, &sb)) {
		vsr_warn("response cache %s: none yet (--cache read); going on without it", c->path);
		goto fail;
	}
	if (writes && mkdir_p(d.ptr) < 0) {
		vsr_warn("response cache: cannot create %s: %s; going on without the cache", d.ptr,
			 strerror(errno));
		goto fail;
	}
	if ((rc = sqlite3_open_v2(c->path, &c->db, flags, NULL)) != SQLITE_OK) {
		cache_off_locked(c, "cannot open it");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	/* WAL: readers and one writer at a time, across the shards' processes. */
	if (writes && (sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) ||
		       sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) ||
		       sqlite3_exec(c->db, schema, NULL, NULL, NULL))) {
		cache_off_locked(c, "cannot use it");
		goto fail;
	}
	/*
	 * The reasoning a server sent apart from the reply, a column since the
	 * cache's first release: a cache written before it gains it (or, opened
	 * read-only, is read without it).
	 */
	if (!(have = has_reasoning(c->db)) && writes) {
		/* (another process may have added it first: then the ALTER fails, the column is there) */
		sqlite3_exec(c->db, "ALTER TABLE responses ADD COLUMN reasoning TEXT", NULL, NULL, NULL);
		if (!(have = has_reasoning(c->db))) {
			cache_off_locked(c, "cannot use it");
			goto fail;
		}
	}
	rcol = have ? "reasoning" : "NULL";
	buf_addf(&q, "SELECT text, meta, flags, tok_in, tok_out, tok_reasoning, %s FROM responses "
		     "WHERE key = ?1", rcol);
	buf_addf(&qf, "SELECT r.text, r.meta, r.flags, r.tok_in, r.tok_out, r.tok_reasoning, %s%s "
		      "FROM finished f JOIN responses r ON r.key = f.exact "
		      "WHERE f.key = ?1 AND f.max_tokens <= ?2", *rcol == 'r' ? "r." : "", rcol);
	if (sqlite3_prepare_v2(c->db, q.ptr, -1, &c->get, NULL) ||
	    /* A read-only cache written before the table existed has none: no fallback. */
	    (sqlite3_prepare_v2(c->db, qf.ptr, -1, &c->get_fin, NULL) && writes) ||
	    (writes && sqlite3_prepare_v2(c->db,
					  "INSERT OR REPLACE INTO responses(key, model, text, meta, flags, "
					  "tok_in, tok_out, tok_reasoning, created, reasoning) VALUES "
					  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &c->put, NULL)) ||
	    (writes && sqlite3_prepare_v2(c->db,
					  "INSERT INTO finished(key, exact, max_tokens) VALUES (?1, ?2, ?3) "
					  "ON CONFLICT(key) DO UPDATE SET exact = excluded.exact, "
					  "max_tokens = excluded.max_tokens "
					  "WHERE excluded.max_tokens <= finished.max_tokens",
					  -1, &c->put_fin, NULL))) {
		cache_off_locked(c, "cannot read it");
		goto fail;
	}
	buf_release(&d);
	buf_release(&q);
	buf_release(&qf);
	return c;
fail:
	buf_release(&d);
	buf_release(&q);
	buf_release(&qf);
	cache_free(c);
	return NULL;
}

void cache_close(struct cache *c)
{
	if (c)
		cache_free(c);
}

static long long col_tokens(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* One row of responses (text, meta, flags, tokens) from statement st, bound by the caller. */
static int row_get(struct cache *c, sqlite3_stmt *st, struct cache_entry *e)
{
	int rc, hit = 0;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		const unsigned char *m = sqlite3_column_text(st, 1);
		int flags = sqlite3_column_int(st, 2);
		e->text = xstrdup(t ? (const char *)t : "");
		e->meta_json = m ? xstrdup((const char *)m) : NULL;
		e->cut_short = !!(flags & FLAG_CUT_SHORT);
		e->refused = !!(flags & FLAG_REFUSED);
		e->tok_in = col_tokens(st, 3);
		e->tok_out = col_tokens(st, 4);
		e->tok_reasoning = col_tokens(st, 5);
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			e->reasoning = xstrdup((const char *)sqlite3_column_text(st, 6));
		hit = 1;
	} else if (rc != SQLITE_DONE) {
		cache_off_locked(c, "cannot read it");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return hit;
}

int cache_get(struct cache *c, const unsigned char key[CACHE_KEY_LEN], struct cache_entry *e)
{
	int hit = 0;

	memset(e, 0, sizeof(*e));
	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (!c->off) {
		sqlite3_bind_blob(c->get, 1, key, CACHE_KEY_LEN, SQLITE_STATIC);
		hit = row_get(c, c->get, e);
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

int cache_get_finished(struct cache *c, const unsigned char any[CACHE_KEY_LEN], int max_tokens,
		       struct cache_entry *e)
{
	int hit = 0;

	memset(e, 0, sizeof(*e));
	if (!c || !c->get_fin)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (!c->off) {
		sqlite3_bind_blob(c->get_fin, 1, any, CACHE_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(c->get_fin, 2, max_tokens);
		hit = row_get(c, c->get_fin, e);
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void cache_put_finished(struct cache *c, const unsigned char any[CACHE_KEY_LEN],
			const unsigned char exact[CACHE_KEY_LEN], int max_tokens)
{
	if (!c || !c->put_fin)
		return;
	pthread_mutex_lock(&c->mu);
	if (!c->off) {
		sqlite3_bind_blob(c->put_fin, 1, any, CACHE_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(c->put_fin, 2, exact, CACHE_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(c->put_fin, 3, max_tokens);
		if (sqlite3_step(c->put_fin) != SQLITE_DONE)
			cache_off_locked(c, "cannot write it");
		sqlite3_reset(c->put_fin);
		sqlite3_clear_bindings(c->put_fin);
	}
	pthread_mutex_unlock(&c->mu);
}

static void bind_tokens(sqlite3_stmt *st, int i, long long v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

void cache_put(struct cache *c, const unsigned char key[CACHE_KEY_LEN], const char *model,
	       const struct cache_entry *e)
{
	int rc;

	if (!c || !c->put)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->off)
		goto out;
	sqlite3_bind_blob(c->put, 1, key, CACHE_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_text(c->put, 2, model ? model : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(c->put, 3, e->text ? e->text : "", -1, SQLITE_STATIC);
	if (e->meta_json)
		sqlite3_bind_text(c->put, 4, e->meta_json, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(c->put, 4);
	sqlite3_bind_int(c->put, 5, (e->cut_short ? FLAG_CUT_SHORT : 0) |
				    (e->refused ? FLAG_REFUSED : 0));
	bind_tokens(c->put, 6, e->tok_in);
	bind_tokens(c->put, 7, e->tok_out);
	bind_tokens(c->put, 8, e->tok_reasoning);
	sqlite3_bind_int64(c->put, 9, (sqlite3_int64)time(NULL));
	if (e->reasoning)
		sqlite3_bind_text(c->put, 10, e->reasoning, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(c->put, 10);
	rc = sqlite3_step(c->put);
	if (rc != SQLITE_DONE)
		cache_off_locked(c, "cannot write it");
	sqlite3_reset(c->put);
	sqlite3_clear_bindings(c->put);
out:
	pthread_mutex_unlock(&c->mu);
}

void cache_entry_release(struct cache_entry *e)
{
	free(e->text);
	free(e->meta_json);
	free(e->reasoning);
	e->text = e->meta_json = e->reasoning = NULL;
}

/* ---- for `vsrbench cache` ------------------------------------------------ */

static int admin_open(const char *dir, sqlite3 **db, struct buf *path, int *missing, char *err)
{
	struct buf d = BUF_INIT;
	struct stat sb;

	*db = NULL;
	if (cache_dir(&d, dir)) {
		buf_release(&d);
		return err_set(err, VSR_EUSAGE, "no response cache: " VSR_NO_DEFAULT_DIR
			       " (--cache DIR names one)");
	}
	buf_addf(path, "%s/" CACHE_FILE, d.ptr);
	buf_release(&d);
	if (stat(path->ptr, &sb)) {
		*missing = 1;
		return 0;
	}
	if (sqlite3_open_v2(path->ptr, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return err_set(err, VSR_EDATA, "cannot open the cache %s: %s", path->ptr,
			       *db ? sqlite3_errmsg(*db) : "out of memory");
	sqlite3_busy_timeout(*db, CACHE_BUSY_MS);
	if (sqlite3_exec(*db, schema, NULL, NULL, NULL))
		return err_set(err, VSR_EDATA, "cannot use the cache %s: %s", path->ptr,
			       sqlite3_errmsg(*db));
	return 0;
}

static long long file_size(const char *path, const char *suffix)
{
	struct buf p = BUF_INIT;
	struct stat sb;
	long long n;

	buf_addf(&p, "%s%s", path, suffix);
	n = stat(p.ptr, &sb) ? 0 : (long long)sb.st_size;
	buf_release(&p);
	return n;
}

int cache_stats_read(const char *dir, struct cache_stats *st, char *err)
{
	struct buf path = BUF_INIT;
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	r = admin_open(dir, &db, &path, &st->missing, err);
	st->path = buf_detach(&path, NULL);
	if (r || st->missing)
		goto out;
	st->bytes = file_size(st->path, "") + file_size(st->path, "-wal");
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*), coalesce(min(created),0), coalesce(max(created),0),"
			       " coalesce(sum(tok_in),0), coalesce(sum(tok_out),0) FROM responses",
			       -1, &q, NULL) || sqlite3_step(q) != SQLITE_ROW)
		goto bad;
	st->rows = sqlite3_column_int64(q, 0);
	st->oldest = sqlite3_column_int64(q, 1);
	st->newest = sqlite3_column_int64(q, 2);
	st->tok_in = sqlite3_column_int64(q, 3);
	st->tok_out = sqlite3_column_int64(q, 4);
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT model, count(*) FROM responses GROUP BY model ORDER BY 2 DESC, 1",
			       -1, &q, NULL))
		goto bad;
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(q, 0);
		st->models = xrealloc(st->models, (st->n_models + 1) * sizeof(*st->models));
		st->models[st->n_models].model = xstrdup(m ? (const char *)m : "");
		st->models[st->n_models++].rows = sqlite3_column_int64(q, 1);
	}
	if (r != SQLITE_DONE)
		goto bad;
	r = 0;
	goto out;
bad:
	r = err_set(err, VSR_EDATA, "cannot read the cache %s: %s", st->path, sqlite3_errmsg(db));
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return r;
}

void cache_stats_release(struct cache_stats *st)
{
	for (size_t i = 0; i < st->n_models; i++)
		free(st->models[i].model);
	free(st->models);
	free(st->path);
	memset(st, 0, sizeof(*st));
}

int cache_delete_older(const char *dir, double older_than, long long *deleted, char *err)
{
	struct buf path = BUF_INIT;
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	int missing = 0, r;

	*deleted = 0;
	if ((r = admin_open(dir, &db, &path, &missing, err)) || missing)
		goto out;
	if (sqlite3_prepare_v2(db, "DELETE FROM responses WHERE ?1 < 0 OR created < ?2", -1, &q,
			       NULL)) {
		r = err_set(err, VSR_EDATA, "cannot change the cache %s: %s", path.ptr,
			    sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_double(q, 1, older_than);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)((double)time(NULL) - older_than));
	if (sqlite3_step(q) != SQLITE_DONE) {
		r = err_set(err, VSR_EDATA, "cannot change the cache %s: %s", path.ptr,
			    sqlite3_errmsg(db));
		goto out;
	}
	*deleted = sqlite3_changes64(db);
	sqlite3_finalize(q);
	q = NULL;
	if (*deleted && sqlite3_exec(db, "DELETE FROM finished WHERE exact NOT IN "
					 "(SELECT key FROM responses)", NULL, NULL, NULL)) {
		r = err_set(err, VSR_EDATA, "cannot change the cache %s: %s", path.ptr,
			    sqlite3_errmsg(db));
		goto out;
	}
	/* Give the space back (and fold the WAL in): a pruned cache should shrink. */
	if (*deleted && (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) ||
			 sqlite3_exec(db, "VACUUM", NULL, NULL, NULL)))
		vsr_warn("cache %s: rows deleted, but the file was not compacted: %s", path.ptr,
			 sqlite3_errmsg(db));
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	buf_release(&path);
	return r;
}
