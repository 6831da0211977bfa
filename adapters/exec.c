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
 *      "refusal":true (a refusal or safety block): counted apart, not answers;
 *      and "reasoning":"…", a thinking model's thought kept apart from text
 *
 * Requests are pipelined (up to -j per child, answered in any order, matched
 * by id), so a child may batch what it has read.  The command is split into
 * words and started without a shell unless -M shell=1 (exec_proc.c).  A
 * malformed response or no progress for -M timeout seconds stops the run
 * with exit 4 (the tasks in flight are redone by the next run): an error,
 * never a hang.  Its death starts it again and names the tasks it held
 * (child_died: the task it dies on becomes a task error, so the run
 * finishes); a death by the signal that is stopping the run is that stop.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err_first.h"
#include "loader.h"
#include "exec.h"
#include "exec_int.h"
#include "http.h"
#include "rjob.h"
#include "../base/mime.h"
#include "../base/suggest.h"
#include "../base/util.h"

struct etask {
	struct rtask base; /* job, index, place in the ready queue */
	int attempts;
	int child;        /* -1: not sent */
	int deaths;       /* deaths of a child that held it */
	int alone;        /* held at a death: sent alone to a child, to find the culprit */
	double t0;
	unsigned long long seq; /* when it was sent, in sending order */
	char id[17];
};

/* Deaths of one child in a row, with no response between, that stop the run. */
#define EXEC_QUIET_DEATHS 3

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

static void exec_close(void *state)
{
	struct exec_state *st = state;

	if (!st)
		return;
	for (size_t i = 0; st->kids && i < st->procs; i++) {
		exec_reap_child(&st->kids[i], 5);
		buf_release(&st->kids[i].wbuf);
		buf_release(&st->kids[i].rbuf);
	}
	free(st->kids);
	exec_free_words(st->argv);
	free(st->shown);
	if (st->tmpdir)
		rmdir(st->tmpdir);
	free(st->tmpdir);
	free(st);
}

static int exec_run(void *state, struct sched *s);

static const char *const exec_transport_keys[] = { "timeout", "retries", "procs", NULL };

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
	} else if ((r = exec_split_words(cmd, &st->argv, err))) {
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
		if ((r = exec_spawn_child(st, &st->kids[i], err)))
			goto fail;
	buf_addf(&fp, "exec/1 cmd=");
	buf_add_json_str(&fp, cmd);
	buf_addf(&fp, " shell=%d image=%s", shell, st->image_path ? "path" : "base64");
	/* The script's bytes: an edited model is another model (new task and cache keys). */
	exec_cmd_files(cmd, &fp, &m->files_json);
	m->spec = xstrdup("exec");
	(void)config_json; /* the same options, parsed: opts */
	/* Not in run.json's config: a resume may wait longer, retry more, run more children. */
	m->config_json = model_config_without(opts, exec_transport_keys);
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
	unsigned long long seq; /* tasks sent */
	size_t lines;           /* lines read from the children, any */
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
	t->seq = L->seq++;
	t->attempts++;
	for (size_t i = 0; i < L->per_child; i++)
		if (!L->sent[ci * L->per_child + i]) {
			L->sent[ci * L->per_child + i] = t;
			break;
		}
	c->outstanding++;
}

/*
 * How child c ended, for messages ("exited with status 1", "was killed by
 * signal 11", "closed its stdout"); *stop_signal: by SIGINT, SIGTERM or SIGHUP.
 */
static void child_end(struct child *c, char *how, size_t n, int *stop_signal)
{
	int status = 0;
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
	*stop_signal = 0;
	if (w == -2 || (c->pid > 0 && w == c->pid)) {
		c->pid = 0;
		if (WIFEXITED(status)) {
			snprintf(how, n, "exited with status %d", WEXITSTATUS(status));
		} else if (WIFSIGNALED(status)) {
			snprintf(how, n, "was killed by signal %d", WTERMSIG(status));
			*stop_signal = WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM ||
				       WTERMSIG(status) == SIGHUP;
		} else {
			snprintf(how, n, "stopped");
		}
	} else {
		snprintf(how, n, "closed its stdout");
	}
}

/*
 * The tasks child ci holds, in the order they were sent, into held[] (room
 * for per_child); their slots are emptied.  Returns how many.
 */
static size_t take_held(struct eloop *L, size_t ci, struct etask **held)
{
	size_t n = 0;

	for (size_t i = 0; i < L->per_child; i++) {
		struct etask **slot = &L->sent[ci * L->per_child + i], *t = *slot;
		size_t j = n;
		if (!t)
			continue;
		n++;
		for (; j > 0 && held[j - 1]->seq > t->seq; j--)
			held[j] = held[j - 1];
		held[j] = t;
		*slot = NULL;
	}
	return n;
}

/* "tasks ID (suite S, item I), ..." for a message: the first few of held[0..n). */
static void name_tasks(struct buf *b, struct etask *const *held, size_t n)
{
	const size_t shown = 4;

	buf_addf(b, "%s ", n == 1 ? "task" : "tasks");
	for (size_t i = 0; i < n && i < shown; i++) {
		const struct job *j = held[i]->base.rj->job;
		buf_addf(b, "%s%s (suite %s, item %.60s)", i ? ", " : "", held[i]->id, j->suite->name,
			 j->item.id);
	}
	if (n > shown)
		buf_addf(b, " and %zu more", n - shown);
}

/*
 * Child ci died (or closed its stdout).  A death by the signal that stops
 * the run is that stop.  Otherwise the child is started again and the run
 * goes on: a task it held when it died alone, or at its second death, is
 * journaled as an error (a child that always dies on one item would
 * otherwise stop every resume at the same place); the others are asked
 * again, one at a time, so the next death names its task.  A child that
 * dies EXEC_QUIET_DEATHS times with no response between stops the run
 * (exit 4; what it held is redone by the next run).
 */
static void child_died(struct eloop *L, size_t ci)
{
	struct child *c = &L->st->kids[ci];
	struct etask **held = xcalloc(L->per_child, sizeof(*held));
	struct buf msg = BUF_INIT;
	char how[64], err[VSR_ERR_MAX];
	int stop_signal;
	size_t n, errors = 0;

	child_end(c, how, sizeof(how), &stop_signal);
	c->dead = 1;
	/*
	 * Killed by a signal that stops a run: Ctrl-C reaches the whole process
	 * group and Slurm signals every process of a job, the child's death may
	 * come first and ours be on its way.  When it comes within a second,
	 * this is that interruption (exit 5, resumable), not a model failure.
	 */
	if (stop_signal) {
		double until = wall_seconds() + 1;
		while (!sched_stopping(L->r.s) && wall_seconds() < until) {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (sched_stopping(L->r.s))
			goto out;
	}
	n = take_held(L, ci, held);
	/* The stop says why before the tasks: a long list is cut at VSR_ERR_MAX. */
	buf_addf(&msg, "exec child '%.150s' %s", L->st->shown, how);
	if (++c->quiet_deaths >= EXEC_QUIET_DEATHS)
		buf_addf(&msg, " (%d deaths in a row without a response)", c->quiet_deaths);
	if (n) {
		buf_addf(&msg, " with %zu request%s outstanding (", n, n == 1 ? "" : "s");
		name_tasks(&msg, held, n);
		buf_addch(&msg, ')');
	} else {
		buf_adds(&msg, " before the run ended");
	}
	if (c->quiet_deaths >= EXEC_QUIET_DEATHS) {
		sched_fail(L->r.s, VSR_EMODEL, msg.ptr);
		goto out;
	}
	c->outstanding = 0;
	c->solo = 0;
	/* Last sent first onto the front of the queue: they go again in their order. */
	for (size_t i = n; i-- > 0;) {
		struct etask *t = held[i];
		if (++t->deaths >= 2 || n == 1) {
			struct task_result *res = &t->base.rj->res[t->base.k];
			snprintf(res->error, sizeof(res->error),
				 "the model process died while answering it (%s; %s)",
				 t->deaths >= 2 ? "twice" : "it was the only request outstanding", how);
			res->ms += (wall_seconds() - t->t0) * 1000.0;
			errors++;
			etask_final(L, t); /* may free its job */
		} else {
			t->alone = 1;
			t->child = -1;
			rloop_push_front(&L->r, &t->base);
		}
	}
	if (errors == n && n)
		buf_addf(&msg, "; journaled as %s", n == 1 ? "an error" : "errors");
	else if (errors)
		buf_addf(&msg, "; %zu journaled as errors (they were outstanding at its death before), the others asked again one at a time",
			 errors);
	else if (n)
		buf_adds(&msg, "; asking them again one at a time");
	buf_adds(&msg, "; starting it again");
	vsr_warn("%s", msg.ptr);
	exec_reap_child(c, 0);
	buf_release(&c->wbuf);
	buf_release(&c->rbuf);
	c->woff = 0;
	if (exec_spawn_child(L->st, c, err))
		sched_fail(L->r.s, VSR_EMODEL, err);
	else
		c->dead = 0;
out:
	buf_release(&msg);
	free(held);
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
	const char *end = NULL;

	memset(rep, 0, sizeof(*rep));
	while (*line == ' ' || *line == '\t')
		line++;
	rep->line = line;
	if (!*line)
		return EXEC_REPLY_BLANK;
	if (*line != '{')
		return EXEC_REPLY_NOISE;
	rep->root = cJSON_ParseWithOpts(line, &end, 0);
	if (!rep->root || !cJSON_IsObject(rep->root)) {
		/* Ran out of text: the start of an object printed over several lines. */
		rep->cut = !rep->root && end && !end[strspn(end, " \t\r\n")];
		cJSON_Delete(rep->root);
		rep->root = NULL;
		return EXEC_REPLY_BAD;
	}
	rep->id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep->root, "id"));
	rep->text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep->root, "text"));
	rep->error = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep->root, "error"));
	if (rep->error && !*rep->error)
		rep->error = NULL; /* "error": "" is no error (a child that always writes the field) */
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

/* Why a response without "error" has no answer: its "text" is missing or not a string. */
static void no_text_reason(const cJSON *root, char *out, size_t outlen)
{
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "text");
	const char *kind = cJSON_IsNull(text) ? "null"
			   : cJSON_IsNumber(text) ? "a number"
			   : cJSON_IsBool(text) ? "a boolean"
			   : cJSON_IsArray(text) ? "an array"
			   : "an object";

	if (!text && cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "error")))
		snprintf(out, outlen, "response's \"error\" is empty, and it has no \"text\"");
	else if (!text)
		snprintf(out, outlen, "response has neither \"text\" nor \"error\"");
	else
		snprintf(out, outlen, "response's \"text\" is %s, not a string (an answer is "
			 "\"text\": \"...\"; a failure says \"error\": \"why\")", kind);
}

/* One response line from child ci. */
static void on_line(struct eloop *L, size_t ci, char *line, double now)
{
	struct child *c = &L->st->kids[ci];
	struct exec_reply rep;
	struct etask *t = NULL;
	const char *thought;
	size_t slot = 0;

	L->lines++;
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
		child_protocol_error(L, rep.cut ? "a response line is not valid JSON (the start of an object "
						  "printed over several lines? one response per line: "
						  "json.dumps(reply) without indent)"
						: "a response line is not valid JSON", rep.line);
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
	c->quiet_deaths = 0;
	if (t->alone)
		c->solo = 0; /* answered (or failed in its own words): not the culprit */
	t->base.rj->res[t->base.k].ms += (now - t->t0) * 1000.0;
	if (rep.text && !rep.error) {
		struct task_result *res = &t->base.rj->res[t->base.k];
		res->ok = 1;
		res->text = xstrdup(rep.text);
		res->meta_json = rep.meta_json;
		rep.meta_json = NULL;
		exec_reply_outcome(&rep, res);
		/* A thought the child kept apart: never read for the answer (--keep-reasoning journals it). */
		if ((thought = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep.root, "reasoning"))) &&
		    *thought)
			res->reasoning = xstrdup(thought);
		etask_final(L, t);
	} else if (rep.error && rep.retry && t->attempts <= L->r.retries) {
		t->child = -1;
		rloop_push(&L->r, &t->base);
	} else {
		struct task_result *res = &t->base.rj->res[t->base.k];
		char who[160];
		if (rep.error)
			snprintf(res->error, sizeof(res->error), "%s", rep.error);
		else
			no_text_reason(rep.root, res->error, sizeof(res->error));
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
		child_died(L, ci);
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
		/*
		 * Least-loaded child first.  A task held by a child that died goes
		 * alone to a child with nothing outstanding, which gets nothing
		 * else until it answers (send_task: base first).
		 */
		while (L.r.ready) {
			struct etask *t = (struct etask *)L.r.ready;
			size_t best = st->procs;
			for (size_t i = 0; i < st->procs; i++) {
				const struct child *c = &st->kids[i];
				if (c->dead || c->solo || c->outstanding >= L.per_child ||
				    (t->alone && c->outstanding))
					continue;
				if (best == st->procs || c->outstanding < st->kids[best].outstanding)
					best = i;
			}
			if (best == st->procs)
				break;
			rloop_pop(&L.r);
			st->kids[best].solo = t->alone;
			send_task(&L, t, best, now);
		}
		for (size_t i = 0; i < st->procs; i++) {
			struct child *c = &st->kids[i];
			if (c->wbuf.len > c->woff && c->in >= 0)
				write_child(c);
			if (c->outstanding && now - c->last_progress > st->timeout) {
				char msg[VSR_ERR_MAX];
				/* Not a line from any child yet: likely held in its stdout buffer. */
				snprintf(msg, sizeof(msg),
					 "exec child '%.200s' answered nothing for %gs (-M timeout) with %zu requests outstanding%s",
					 st->shown, st->timeout, c->outstanding,
					 L.lines ? "" : "; it has written no line at all: is its stdout buffered? "
					 "flush after each line, e.g. print(..., flush=True) or python3 -u");
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
				unsigned long starts = c->starts;
				c->reaped = 1;
				read_child(&L, i, now); /* its last lines, then EOF (and a restart) or not */
				if (c->starts == starts && !c->dead && !sched_stopping(s))
					child_died(&L, i);
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
		exec_reap_child(&st->kids[i], sched_stopping(s) ? 1 : 10);
	free(L.sent);
	free(pfd);
	return r;
}
