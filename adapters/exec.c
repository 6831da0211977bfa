/*
 * -m exec -M cmd='python3 my_model.py': a model in a child process.
 *
 * The child reads one JSON request per line on stdin and writes one JSON
 * response per line on stdout (the ABI's request and response as JSON;
 * docs/models.md has the schema and a Hugging Face example):
 *
 *   -> {"id":"…","prompt":"…","image":"<base64>","image_mime":"image/png",
 *       "choices":["yes","no"],"max_tokens":32,"temperature":0,"seed":1}
 *   <- {"id":"…","text":"Yes"}   or   {"id":"…","error":"why","retry":true}
 *      a text reply may add "finish_reason":"length" (cut by max_tokens) or
 *      "refusal":true (a refusal or safety block): counted apart, not answers
 *
 * Requests are pipelined (up to -j per child, answered in any order, matched
 * by id), so a child may batch what it has read.  The command is split into
 * words and started without a shell unless -M shell=1.  Its death, a
 * malformed response or no progress for -M timeout seconds stops the run
 * with exit 4 (the tasks in flight are redone by the next run): an error,
 * never a hang; a death by the signal that is stopping the run is that stop.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err_first.h"
#include "exec.h"
#include "http.h"
#include "rjob.h"
#include "../base/mime.h"
#include "../base/suggest.h"
#include "../base/util.h"

extern char **environ;

#define LINE_MAX_BYTES (64u << 20)
#define MAX_PROCS 64

struct child {
	pid_t pid;
	int in, out;          /* our ends: its stdin, its stdout */
	struct buf wbuf;      /* request lines not yet written */
	size_t woff;
	struct buf rbuf;      /* bytes read, not yet a full line */
	size_t outstanding;
	double last_progress; /* last response (or first request) */
	int dead;
	pid_t pgid;           /* its own process group (its children too); 0: none */
	int reaped, status;   /* waited for during the run (reaped), and how it ended */
};

struct exec_state {
	char **argv;
	char *shown;      /* the command, for messages */
	int image_path;   /* send images as files instead of base64 */
	size_t procs;
	double timeout;
	long retries;
	char *tmpdir;     /* for -M image=path */
	struct child *kids;
};

struct etask {
	struct rtask base; /* job, index, place in the ready queue */
	int attempts;
	int child;        /* -1: not sent */
	double t0;
	char id[17];
};

struct ejob {
	char *path;       /* the image file (-M image=path), or NULL */
	char *alt_path;   /* the mirrored image's file, once a task sends it */
	struct etask tasks[];
};

/* Removes a job's image files (-M image=path), once its tasks are final or abandoned. */
static void ejob_unlink(struct ejob *ej)
{
	char **p[] = { &ej->path, &ej->alt_path };

	for (size_t i = 0; i < 2; i++)
		if (*p[i]) {
			unlink(*p[i]);
			free(*p[i]);
			*p[i] = NULL;
		}
}

/* ---- command words ---------------------------------------------------- */

/* Splits like a shell without expansion: blanks separate, '…' and "…" quote, \ escapes. */
static int split_words(const char *s, char ***out, char *err)
{
	char **v = NULL;
	size_t n = 0;
	struct buf w = BUF_INIT;

	for (;;) {
		int in_word = 0;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		buf_reset(&w);
		while (*s && !isspace((unsigned char)*s)) {
			in_word = 1;
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');
				if (!e)
					goto unterminated;
				buf_add(&w, s + 1, (size_t)(e - s - 1));
				s = e + 1;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					buf_addch(&w, *s++);
				}
				if (!*s)
					goto unterminated;
				s++;
			} else if (*s == '\\' && s[1]) {
				buf_addch(&w, s[1]);
				s += 2;
			} else {
				buf_addch(&w, *s++);
			}
		}
		if (in_word) {
			v = xrealloc(v, (n + 2) * sizeof(*v));
			v[n++] = buf_detach(&w, NULL);
			v[n] = NULL;
		}
	}
	buf_release(&w);
	if (!n) {
		free(v);
		return err_set(err, VSR_EUSAGE, "-m exec: -M cmd is empty");
	}
	*out = v;
	return 0;
unterminated:
	buf_release(&w);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return err_set(err, VSR_EUSAGE, "-M cmd: unterminated quote");
}

/* ---- children --------------------------------------------------------- */

/* pipe2() is not POSIX; children are only spawned from the opening thread. */
static int pipe_cloexec(int fd[2])
{
	if (pipe(fd) < 0)
		return -1;
	fcntl(fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(fd[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int spawn_child(struct exec_state *st, struct child *c, char *err)
{
	int in[2], out[2], e;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;

	/* CLOEXEC: a second child must not hold the first one's stdin open. */
	if (pipe_cloexec(in) < 0)
		return err_set(err, VSR_EUSAGE, "-m exec: pipe: %s", strerror(errno));
	if (pipe_cloexec(out) < 0) {
		close(in[0]);
		close(in[1]);
		return err_set(err, VSR_EUSAGE, "-m exec: pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	/*
	 * Its own process group (issue 18, finding 9): whatever it starts can
	 * be ended with it when the run ends, instead of outliving vsrbench
	 * and holding a GPU.  Ctrl-C then reaches vsrbench only, which ends
	 * the children itself.
	 */
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	e = posix_spawnp(&c->pid, st->argv[0], &fa, &at, st->argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (e) {
		close(in[1]);
		close(out[0]);
		return err_set(err, VSR_EUSAGE, "-m exec: cannot start '%s': %s", st->argv[0],
			       strerror(e));
	}
	c->in = in[1];
	c->out = out[0];
	c->pgid = c->pid;
	c->reaped = 0;
	fcntl(c->in, F_SETFL, fcntl(c->in, F_GETFL) | O_NONBLOCK);
	fcntl(c->out, F_SETFL, fcntl(c->out, F_GETFL) | O_NONBLOCK);
	buf_init(&c->wbuf, 0);
	buf_init(&c->rbuf, LINE_MAX_BYTES);
	return 0;
}

/*
 * Ends what is left of a child's process group (its own children, which
 * may hold its pipes open): SIGTERM, up to a second, then SIGKILL.
 */
static void end_group(struct child *c)
{
	double until = wall_seconds() + 1;

	if (c->pgid <= 0)
		return;
	if (kill(-c->pgid, SIGTERM) == 0) {
		while (kill(-c->pgid, 0) == 0 && wall_seconds() < until) {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
		kill(-c->pgid, SIGKILL);
	}
	c->pgid = 0;
}

/* Closes its stdin, gives it `grace` seconds to exit, then kills it and its group. */
static void reap_child(struct child *c, double grace)
{
	double until = wall_seconds() + grace;
	int status;

	if (c->in >= 0)
		close(c->in);
	c->in = -1;
	if (c->out >= 0)
		close(c->out);
	c->out = -1;
	if (c->pid <= 0) {
		end_group(c);
		return;
	}
	while (waitpid(c->pid, &status, WNOHANG) == 0) {
		struct timespec ts = { 0, 10 * 1000000L };
		if (wall_seconds() > until) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &status, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	c->pid = 0;
	end_group(c);
}

static void exec_close(void *state)
{
	struct exec_state *st = state;

	if (!st)
		return;
	for (size_t i = 0; st->kids && i < st->procs; i++) {
		reap_child(&st->kids[i], 5);
		buf_release(&st->kids[i].wbuf);
		buf_release(&st->kids[i].rbuf);
	}
	free(st->kids);
	for (size_t i = 0; st->argv && st->argv[i]; i++)
		free(st->argv[i]);
	free(st->argv);
	free(st->shown);
	if (st->tmpdir)
		rmdir(st->tmpdir);
	free(st->tmpdir);
	free(st);
}

static int exec_run(void *state, struct sched *s);

int exec_open(const char *config_json, const cJSON *opts, struct model *m, char *err)
{
	struct exec_state *st = xcalloc(1, sizeof(*st));
	const cJSON *it;
	const char *cmd = NULL, *v;
	int shell = 0, r = 0;
	struct buf fp = BUF_INIT;

	st->procs = 1;
	st->timeout = 600;
	st->retries = -1;
	cJSON_ArrayForEach(it, opts) {
		const char *k = it->string;
		long n;
		v = it->valuestring;
		if (!strcmp(k, "cmd")) {
			cmd = v;
		} else if (!strcmp(k, "shell")) {
			if (strcmp(v, "0") && strcmp(v, "1"))
				r = err_set(err, VSR_EUSAGE, "-M shell=%s: expected 0 or 1", v);
			shell = v[0] == '1';
		} else if (!strcmp(k, "image")) {
			if (strcmp(v, "base64") && strcmp(v, "path"))
				r = err_set(err, VSR_EUSAGE, "-M image=%s: expected base64 or path", v);
			st->image_path = !strcmp(v, "path");
		} else if (!strcmp(k, "procs")) {
			if (parse_long(v, 1, MAX_PROCS, &n))
				r = err_set(err, VSR_EUSAGE, "-M procs=%s: expected 1..%d", v, MAX_PROCS);
			st->procs = (size_t)n;
		} else if (!strcmp(k, "timeout")) {
			if (parse_double(v, &st->timeout) || st->timeout <= 0)
				r = err_set(err, VSR_EUSAGE, "-M timeout=%s: expected seconds > 0", v);
		} else if (!strcmp(k, "retries")) {
			if (parse_long(v, 0, 100, &st->retries))
				r = err_set(err, VSR_EUSAGE, "-M retries=%s: expected 0..100", v);
		} else {
			static const char known[] = "cmd, shell, image, procs, timeout, retries";
			char hint[96];
			r = err_set(err, VSR_EUSAGE, "-m exec: unknown option -M %s%s (known: %s)", k,
				    suggest_hint(k, known, hint, sizeof(hint)), known);
		}
		if (r)
			goto fail;
	}
	if (!cmd) {
		r = err_set(err, VSR_EUSAGE, "-m exec needs -M cmd='PROGRAM ARGS...' (see docs/models.md)");
		goto fail;
	}
	if (shell) {
		st->argv = xcalloc(4, sizeof(*st->argv));
		st->argv[0] = xstrdup("/bin/sh");
		st->argv[1] = xstrdup("-c");
		st->argv[2] = xstrdup(cmd);
	} else if ((r = split_words(cmd, &st->argv, err))) {
		goto fail;
	}
	st->shown = xstrdup(cmd);
	if (st->image_path) {
		const char *tmp = getenv("TMPDIR");
		struct buf t = BUF_INIT;
		buf_addf(&t, "%s/vsrbench-exec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(t.ptr)) {
			r = err_set(err, VSR_EUSAGE, "-M image=path: cannot create %s: %s", t.ptr,
				    strerror(errno));
			buf_release(&t);
			goto fail;
		}
		st->tmpdir = buf_detach(&t, NULL);
	}
	st->kids = xcalloc(st->procs, sizeof(*st->kids));
	for (size_t i = 0; i < st->procs; i++)
		st->kids[i].in = st->kids[i].out = -1;
	for (size_t i = 0; i < st->procs; i++)
		if ((r = spawn_child(st, &st->kids[i], err)))
			goto fail;
	buf_addf(&fp, "exec/1 cmd=");
	buf_add_json_str(&fp, cmd);
	buf_addf(&fp, " shell=%d image=%s", shell, st->image_path ? "path" : "base64");
	m->spec = xstrdup("exec");
	m->config_json = xstrdup(config_json ? config_json : "{}");
	m->fingerprint = buf_detach(&fp, NULL);
	m->fingerprint_hash = hash64_str(m->fingerprint, HASH_SEED);
	m->run_loop = exec_run;
	m->remote_state = st;
	m->remote_close = exec_close;
	m->remote_name = "exec";
	m->max_batch = 1;
	m->thread_safe = 1;
	return 0;
fail:
	exec_close(st);
	return r;
}

/* ---- the loop --------------------------------------------------------- */

struct eloop {
	struct rloop r;       /* scheduler, jobs, ready queue, journal lines */
	struct exec_state *st;
	struct etask **sent;  /* per child, up to per_child slots */
	size_t per_child;
	int warned_noise;
};

static void etask_final(struct eloop *L, struct etask *t)
{
	struct rjob *rj = t->base.rj;

	rj->res[t->base.k].attempts = t->attempts;
	if (rj->left == 1)
		ejob_unlink(rj->priv);
	rloop_task_done(&L->r, &t->base); /* may free t */
}

static const char *ext_of(const char *mime)
{
	if (!strcmp(mime, "image/jpeg"))
		return "jpg";
	if (!strcmp(mime, "image/png"))
		return "png";
	if (!strcmp(mime, "image/gif"))
		return "gif";
	if (!strcmp(mime, "image/webp"))
		return "webp";
	return "img";
}

static int add_job(struct eloop *L, struct rjob *rj)
{
	size_t n = rj->job->n_tasks;
	struct ejob *ej = xcalloc(1, sizeof(*ej) + n * sizeof(struct etask));

	rj->priv = ej;
	if (L->st->image_path && rj->img.bytes) {
		struct buf p = BUF_INIT;
		char err[VSR_ERR_MAX];
		buf_addf(&p, "%s/%016llx.%s", L->st->tmpdir, (unsigned long long)rj->job->tasks[0].key,
			 ext_of(rj->mime));
		if (write_file_atomic(p.ptr, (const char *)rj->img.bytes, rj->img.len, err)) {
			buf_release(&p);
			sched_fail(L->r.s, VSR_EDATA, err);
			return VSR_EDATA;
		}
		ej->path = buf_detach(&p, NULL);
	}
	for (size_t k = 0; k < n; k++) {
		ej->tasks[k].base.rj = rj;
		ej->tasks[k].base.k = k;
		ej->tasks[k].child = -1;
		rloop_push(&L->r, &ej->tasks[k].base);
	}
	L->r.active += n;
	return 0;
}

/* The job's mirrored image as a file of its own (-M image=path); a failure stops the run. */
static void write_alt_image(struct eloop *L, struct rjob *rj, const struct vsrbench_request *req,
			    const char *mime)
{
	struct ejob *ej = rj->priv;
	struct buf p = BUF_INIT;
	char err[VSR_ERR_MAX];

	buf_addf(&p, "%s/%016llx-hflip.%s", L->st->tmpdir, (unsigned long long)rj->job->tasks[0].key,
		 ext_of(mime));
	if (write_file_atomic(p.ptr, (const char *)req->image, req->image_len, err))
		sched_fail(L->r.s, VSR_EDATA, err);
	else
		ej->alt_path = buf_detach(&p, NULL);
	buf_release(&p);
}

/* The request line of a task, appended to the child's write buffer. */
static void send_task(struct eloop *L, struct etask *t, size_t ci, double now)
{
	struct child *c = &L->st->kids[ci];
	struct rjob *rj = t->base.rj;
	struct ejob *ej = rj->priv;
	struct vsrbench_request req;
	struct buf *w = &c->wbuf;

	sched_request(L->r.s, rj->job, t->base.k, &rj->img, t->id, &req);
	buf_adds(w, "{\"id\":");
	buf_add_json_str(w, t->id);
	buf_adds(w, ",\"prompt\":");
	buf_add_json_str(w, req.prompt);
	if (req.image) {
		const char *b64 = NULL, *mime = rj->mime;
		size_t b64_len = 0;
		/* With -M image=path every image is a file: the mirrored one its own, made once. */
		if (ej->path && req.image != rj->img.bytes) {
			mime = req.image_mime ? req.image_mime : image_sniff_mime(req.image, req.image_len);
			if (!ej->alt_path)
				write_alt_image(L, rj, &req, mime);
		}
		if (ej->path && (req.image == rj->img.bytes || ej->alt_path)) {
			buf_adds(w, ",\"image_path\":");
			buf_add_json_str(w, req.image == rj->img.bytes ? ej->path : ej->alt_path);
		} else if (!rjob_request_image(rj, &req, &b64, &b64_len, &mime) && b64) {
			buf_adds(w, ",\"image\":\"");
			buf_add(w, b64, b64_len);
			buf_addch(w, '"');
		}
		buf_adds(w, ",\"image_mime\":");
		buf_add_json_str(w, mime);
	}
	if (req.n_choices) {
		buf_adds(w, ",\"choices\":[");
		for (size_t i = 0; i < req.n_choices; i++) {
			if (i)
				buf_addch(w, ',');
			buf_add_json_str(w, req.choices[i]);
		}
		buf_addch(w, ']');
	}
	buf_addf(w, ",\"max_tokens\":%d,\"temperature\":%.17g,\"seed\":%llu}\n", req.max_tokens,
		 req.temperature, (unsigned long long)req.seed);
	if (!c->outstanding)
		c->last_progress = now;
	t->child = (int)ci;
	t->t0 = now;
	t->attempts++;
	for (size_t i = 0; i < L->per_child; i++)
		if (!L->sent[ci * L->per_child + i]) {
			L->sent[ci * L->per_child + i] = t;
			break;
		}
	c->outstanding++;
}

static void child_died(struct eloop *L, struct child *c, const char *what)
{
	char msg[VSR_ERR_MAX];
	int status = 0, stop_signal = 0;
	double until = wall_seconds() + 1;

	pid_t w = 0;

	/* It closed its stdout: give it a moment to exit and say how. */
	while (c->pid > 0 && (w = waitpid(c->pid, &status, WNOHANG)) == 0 && wall_seconds() < until) {
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (c->reaped) { /* noticed by its pid: a grandchild may hold its stdout open */
		status = c->status;
		c->reaped = 0;
		w = -2;
	}
	if (w == -2 || (c->pid > 0 && w == c->pid)) {
		c->pid = 0;
		if (WIFEXITED(status)) {
			snprintf(msg, sizeof(msg), "exec child '%.200s' exited with status %d %s", L->st->shown,
				 WEXITSTATUS(status), what);
		} else if (WIFSIGNALED(status)) {
			snprintf(msg, sizeof(msg), "exec child '%.200s' was killed by signal %d %s",
				 L->st->shown, WTERMSIG(status), what);
			stop_signal = WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM ||
				      WTERMSIG(status) == SIGHUP;
		} else {
			snprintf(msg, sizeof(msg), "exec child '%.200s' stopped %s", L->st->shown, what);
		}
	} else {
		snprintf(msg, sizeof(msg), "exec child '%.200s' closed its stdout %s", L->st->shown, what);
	}
	c->dead = 1;
	/*
	 * Killed by a signal that stops a run: Ctrl-C reaches the whole process
	 * group and Slurm signals every process of a job, the child's death may
	 * come first and ours be on its way.  When it comes within a second,
	 * this is that interruption (exit 5, resumable), not a model failure.
	 */
	if (stop_signal) {
		until = wall_seconds() + 1;
		while (!sched_stopping(L->r.s) && wall_seconds() < until) {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (sched_stopping(L->r.s))
			return;
	}
	sched_fail(L->r.s, VSR_EMODEL, msg);
}

static void child_protocol_error(struct eloop *L, const char *why, const char *line)
{
	char msg[VSR_ERR_MAX];

	snprintf(msg, sizeof(msg), "exec child '%.100s': %s: %.120s", L->st->shown, why, line);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	sched_fail(L->r.s, VSR_EMODEL, msg);
}

/*
 * Parses one response line (exposed for the fuzz target; see exec.h).
 * Leading blanks are skipped; rep->line points at what is left.
 */
int exec_reply_parse(char *line, struct exec_reply *rep)
{
	const cJSON *meta;

	memset(rep, 0, sizeof(*rep));
	while (*line == ' ' || *line == '\t')
		line++;
	rep->line = line;
	if (!*line)
		return EXEC_REPLY_BLANK;
	if (*line != '{')
		return EXEC_REPLY_NOISE;
	rep->root = cJSON_Parse(line);
	if (!rep->root || !cJSON_IsObject(rep->root)) {
		cJSON_Delete(rep->root);
		rep->root = NULL;
		return EXEC_REPLY_BAD;
	}
	rep->id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep->root, "id"));
	rep->text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep->root, "text"));
	rep->error = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep->root, "error"));
	rep->retry = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rep->root, "retry"));
	meta = cJSON_GetObjectItemCaseSensitive(rep->root, "meta");
	if (rep->text && !rep->error && cJSON_IsObject(meta))
		rep->meta_json = json_compact(meta);
	return EXEC_REPLY_OK;
}

/* "finish_reason": "length" in obj (the reply or its meta). */
static int finished_by_length(const cJSON *obj)
{
	const char *fin = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "finish_reason"));

	return fin && !strcmp(fin, "length");
}

/* obj says "name": true. */
static int flag(const cJSON *obj, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

/*
 * A child marks its reply cut by the token limit or a refusal the way the
 * HTTP adapters do, at the top level or in "meta": "cut_short": true or
 * "finish_reason": "length"; "refused": true or "refusal": true.
 */
static void exec_reply_outcome(const struct exec_reply *rep, struct task_result *res)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(rep->root, "meta");

	res->cut_short = flag(rep->root, "cut_short") || flag(meta, "cut_short") ||
			 finished_by_length(rep->root) || finished_by_length(meta);
	res->refused = flag(rep->root, "refused") || flag(meta, "refused") ||
		       flag(rep->root, "refusal") || flag(meta, "refusal");
}

void exec_reply_release(struct exec_reply *rep)
{
	cJSON_Delete(rep->root);
	free(rep->meta_json);
	memset(rep, 0, sizeof(*rep));
}

/* One response line from child ci. */
static void on_line(struct eloop *L, size_t ci, char *line, double now)
{
	struct child *c = &L->st->kids[ci];
	struct exec_reply rep;
	struct etask *t = NULL;
	size_t slot = 0;

	switch (exec_reply_parse(line, &rep)) {
	case EXEC_REPLY_BLANK:
		return;
	case EXEC_REPLY_NOISE:
		/* A print() to stdout in the model code: tolerated, not an answer. */
		if (!L->warned_noise++)
			vsr_warn("exec child wrote a line that is not JSON (ignored; print logs to stderr): %.100s",
				 rep.line);
		return;
	case EXEC_REPLY_BAD:
		child_protocol_error(L, "a response line is not valid JSON", rep.line);
		return;
	}
	for (size_t i = 0; rep.id && i < L->per_child; i++) {
		struct etask *u = L->sent[ci * L->per_child + i];
		if (u && !strcmp(u->id, rep.id)) {
			t = u;
			slot = ci * L->per_child + i;
			break;
		}
	}
	if (!t) {
		const char *why = rep.id ? "a response for an id it was not asked (or twice)"
					 : "a response without \"id\"", *shown = rep.line;
		exec_reply_release(&rep);
		child_protocol_error(L, why, shown);
		return;
	}
	L->sent[slot] = NULL;
	c->outstanding--;
	c->last_progress = now;
	t->base.rj->res[t->base.k].ms += (now - t->t0) * 1000.0;
	if (rep.text && !rep.error) {
		struct task_result *res = &t->base.rj->res[t->base.k];
		res->ok = 1;
		res->text = xstrdup(rep.text);
		res->meta_json = rep.meta_json;
		rep.meta_json = NULL;
		exec_reply_outcome(&rep, res);
		etask_final(L, t);
	} else if (rep.error && rep.retry && t->attempts <= L->r.retries) {
		t->child = -1;
		rloop_push(&L->r, &t->base);
	} else {
		struct task_result *res = &t->base.rj->res[t->base.k];
		char who[160];
		snprintf(res->error, sizeof(res->error), "%s%s",
			 rep.error ? "" : "response has neither \"text\" nor \"error\"",
			 rep.error ? rep.error : "");
		snprintf(who, sizeof(who), "exec child '%.100s'", L->st->shown);
		err_first_show(who, res->error, 0); /* the reason on stderr, not only in the journal */
		etask_final(L, t);
	}
	exec_reply_release(&rep);
}

static void read_child(struct eloop *L, size_t ci, double now)
{
	struct child *c = &L->st->kids[ci];
	char chunk[65536];
	int eof = 0;

	for (;;) {
		ssize_t n = read(c->out, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			eof = 1;
			break;
		}
		if (buf_add(&c->rbuf, chunk, (size_t)n)) {
			child_protocol_error(L, "a response line is longer than 64 MiB", "");
			return;
		}
	}
	/* Its last words first: a reply or an error line before it exits. */
	if (eof && c->rbuf.len && c->rbuf.ptr[c->rbuf.len - 1] != '\n')
		buf_addch(&c->rbuf, '\n');
	{
		size_t start = 0;
		char *nl;
		while (!sched_stopping(L->r.s) &&
		       (nl = memchr(c->rbuf.ptr + start, '\n', c->rbuf.len - start))) {
			*nl = '\0';
			on_line(L, ci, c->rbuf.ptr + start, now);
			start = (size_t)(nl - c->rbuf.ptr) + 1;
		}
		memmove(c->rbuf.ptr, c->rbuf.ptr + start, c->rbuf.len - start);
		buf_setlen(&c->rbuf, c->rbuf.len - start);
	}
	if (eof && !sched_stopping(L->r.s))
		child_died(L, c, c->outstanding ? "with requests outstanding" : "before the run ended");
}

static void write_child(struct child *c)
{
	while (c->woff < c->wbuf.len) {
		ssize_t n = write(c->in, c->wbuf.ptr + c->woff, c->wbuf.len - c->woff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			/*
			 * EPIPE: it closed its stdin or died.  Its last lines may
			 * still be in the pipe (an error message, say): the read
			 * side reports the death after reading them.
			 */
			close(c->in);
			c->in = -1;
			break;
		}
		c->woff += (size_t)n;
	}
	buf_reset(&c->wbuf);
	c->woff = 0;
}

static int exec_run(void *state, struct sched *s)
{
	struct exec_state *st = state;
	const struct sched_config *sc = sched_get_config(s);
	struct eloop L;
	struct pollfd *pfd = xcalloc(2 * st->procs, sizeof(*pfd));
	int no_more = 0, r = 0;
	long idle_ms = 1;
	sigset_t pipe_set;

	/* A dead child's pipe gives EPIPE, not a process-killing SIGPIPE. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	memset(&L, 0, sizeof(L));
	rloop_init(&L.r, s, st->retries);
	L.st = st;
	L.per_child = sc->workers ? sc->workers : 1;
	L.sent = xcalloc(st->procs * L.per_child, sizeof(*L.sent));

	for (;;) {
		double now = wall_seconds();
		size_t cap = st->procs * L.per_child, np = 0;
		long timeout = 100;
		int took = 0;

		if (sched_stopping(s))
			break;
		while (!no_more && L.r.active < cap + L.per_child) {
			struct rjob *rj;
			if ((r = rloop_take(&L.r, L.r.active == 0, !st->image_path, &rj)))
				goto out;
			if (!rj) {
				if (L.r.active == 0)
					no_more = 1;
				break;
			}
			took = 1;
			if ((r = add_job(&L, rj)))
				goto out;
		}
		if (no_more && !L.r.active)
			break;
		/* Least-loaded child first. */
		while (L.r.ready) {
			size_t best = 0;
			for (size_t i = 1; i < st->procs; i++)
				if (st->kids[i].outstanding < st->kids[best].outstanding)
					best = i;
			if (st->kids[best].outstanding >= L.per_child)
				break;
			send_task(&L, (struct etask *)rloop_pop(&L.r), best, now); /* base first */
		}
		for (size_t i = 0; i < st->procs; i++) {
			struct child *c = &st->kids[i];
			if (c->wbuf.len > c->woff && c->in >= 0)
				write_child(c);
			if (c->outstanding && now - c->last_progress > st->timeout) {
				char msg[VSR_ERR_MAX];
				snprintf(msg, sizeof(msg),
					 "exec child '%.200s' answered nothing for %gs (-M timeout) with %zu requests outstanding",
					 st->shown, st->timeout, c->outstanding);
				sched_fail(s, VSR_EMODEL, msg);
			}
		}
		if (sched_stopping(s))
			break;
		for (size_t i = 0; i < st->procs; i++) {
			pfd[np].fd = st->kids[i].out;
			pfd[np++].events = POLLIN;
			pfd[np].fd = st->kids[i].wbuf.len > st->kids[i].woff && st->kids[i].in >= 0
					     ? st->kids[i].in : -1;
			pfd[np++].events = POLLOUT;
		}
		if (!no_more && L.r.active < cap + L.per_child) {
			idle_ms = took ? 1 : (idle_ms < 64 ? idle_ms * 2 : 64);
			timeout = idle_ms;
		}
		if (poll(pfd, np, (int)timeout) < 0 && errno != EINTR) {
			r = VSR_EMODEL;
			sched_fail(s, r, "poll failed");
			goto out;
		}
		now = wall_seconds();
		for (size_t i = 0; i < st->procs && !sched_stopping(s); i++) {
			struct child *c = &st->kids[i];
			if (pfd[2 * i].revents & (POLLIN | POLLHUP | POLLERR))
				read_child(&L, i, now);
			/*
			 * Its exit, noticed by its pid: a grandchild that holds its
			 * stdout open must not keep us waiting -M timeout for an EOF.
			 */
			if (!sched_stopping(s) && !c->dead && c->pid > 0 &&
			    waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
				c->reaped = 1;
				read_child(&L, i, now); /* its last lines, then EOF or not */
				if (!c->dead && !sched_stopping(s))
					child_died(&L, c, c->outstanding ? "with requests outstanding" :
									   "before the run ended");
			}
			if ((pfd[2 * i + 1].revents & (POLLOUT | POLLERR | POLLHUP)) && st->kids[i].in >= 0)
				write_child(&st->kids[i]);
		}
		if ((r = rloop_flush(&L.r)))
			goto out;
	}
out:
	/* Image files of abandoned jobs. */
	for (struct rjob *rj = L.r.live; rj; rj = rj->next) {
		if (rj->priv)
			ejob_unlink(rj->priv);
	}
	rloop_release(&L.r);
	/* The children see EOF on stdin and should exit; a stopping run does not wait long. */
	for (size_t i = 0; i < st->procs; i++)
		reap_child(&st->kids[i], sched_stopping(s) ? 1 : 10);
	free(L.sent);
	free(pfd);
	return r;
}
