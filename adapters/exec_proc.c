/*
 * exec_proc: the children of -m exec as processes (exec_int.h): the
 * command's words, starting a child (again, after a death), ending it with
 * its process group, and the files the command names, for the fingerprint.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "exec_int.h"
#include "model_files.h"
#include "../base/util.h"

extern char **environ;

/* ---- command words ---------------------------------------------------- */

int exec_split_words(const char *s, char ***out, char *err)
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

void exec_free_words(char **words)
{
	for (size_t i = 0; words && words[i]; i++)
		free(words[i]);
	free(words);
}

/*
 * The child's environment: ours, plus PYTHONUNBUFFERED=1 unless it is set
 * (to anything: the user's choice wins).  Python buffers stdout in blocks
 * when it is a pipe, so a model that prints its replies without flush
 * would answer nothing until its buffer fills or it exits: the run would
 * wait -M timeout.  The array is the caller's (free it, not its strings).
 */
static char **child_environ(void)
{
	static char unbuffered[] = "PYTHONUNBUFFERED=1";
	size_t n = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	memcpy(env, environ, n * sizeof(*env));
	if (!getenv("PYTHONUNBUFFERED"))
		env[n] = unbuffered;
	return env;
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

int exec_spawn_child(struct exec_state *st, struct child *c, char *err)
{
	int in[2], out[2], e;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char **envp;

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
	envp = child_environ();
	e = posix_spawnp(&c->pid, st->argv[0], &fa, &at, st->argv, envp);
	free(envp);
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
	c->starts++;
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

void exec_reap_child(struct child *c, double grace)
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

/* ---- the files the command names -------------------------------------- */

/*
 * Whether a file the command names is one the model is made of: a program
 * (any execute bit: a binary, a script with #!, the interpreter named by
 * its path), code, or configuration, by its name's ending.  Not the other
 * files a command names, which a child may write (a log it appends to, a
 * pid file): their digest would change at every start, and every resume
 * would be refused as another model.
 */
static int model_file_kind(const char *path, const struct stat *sb)
{
	static const char *const ends[] = {
		/* code */ ".py", ".pyc", ".sh", ".bash", ".pl", ".pm", ".rb", ".js", ".mjs", ".cjs",
		".lua", ".r", ".jl", ".php", ".tcl", ".jar", ".so",
		/* configuration */ ".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".conf",
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (sb->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))
		return 1;
	if (!dot || (slash && dot < slash))
		return 0;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (!strcasecmp(dot, ends[i]))
			return 1;
	return 0;
}

/* Adds word (or the PATH of -opt=PATH) to files when it names one of the model's files. */
static void add_file(cJSON *files, const char *word)
{
	char digest[MODEL_DIGEST_MAX];
	const char *eq = strchr(word, '=');
	struct stat sb;

	if (!stat(word, &sb) && S_ISREG(sb.st_mode) && model_file_kind(word, &sb) &&
	    !cJSON_GetObjectItemCaseSensitive(files, word) && !model_file_digest(word, digest)) {
		cJSON_AddStringToObject(files, word, digest);
		return;
	}
	if (eq && eq[1] && word[0] == '-')
		add_file(files, eq + 1);
}

void exec_cmd_files(const char *cmd, struct buf *fp, char **files_json)
{
	char **words = NULL, err[VSR_ERR_MAX];
	cJSON *files = cJSON_CreateObject();

	/* -M shell=1: the shell's words too (its operators name no file). */
	if (!exec_split_words(cmd, &words, err))
		for (size_t i = 0; words[i]; i++)
			add_file(files, words[i]);
	exec_free_words(words);
	if (cJSON_GetArraySize(files)) {
		char *s = cJSON_PrintUnformatted(files);
		buf_adds(fp, " files=");
		buf_adds(fp, s);
		*files_json = xstrdup(s);
		cJSON_free(s);
	}
	cJSON_Delete(files);
}
