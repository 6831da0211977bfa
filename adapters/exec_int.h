/*
 * exec_int: what exec.c (the protocol and the loop) and exec_proc.c (the
 * command's words, starting, restarting and ending the children) share.
 * Internal to -m exec; exec.h is the adapter's interface.
 */
#ifndef VSR_EXEC_INT_H
#define VSR_EXEC_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "../base/buf.h"

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
	unsigned long starts; /* times it was started (a restart replaces the process) */
	int quiet_deaths;     /* deaths in a row with no response between them */
	int solo;             /* it holds a task sent alone (asked again after a death) */
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

/*
 * Splits cmd like a shell without expansion (blanks separate, '…' and "…"
 * quote, \ escapes) into a NULL-terminated array (caller frees each word
 * and the array).  0, or VSR_EUSAGE with a message in err.
 */
int exec_split_words(const char *cmd, char ***out, char *err);
void exec_free_words(char **words);

/*
 * Starts st->argv as child c: pipes for its stdin and stdout (non-blocking
 * on our side), its own process group, and the environment of vsrbench with
 * PYTHONUNBUFFERED=1 added unless it is set.  0, or VSR_EUSAGE with a
 * message in err.
 */
int exec_spawn_child(struct exec_state *st, struct child *c, char *err);
/* Closes its stdin, gives it `grace` seconds to exit, then kills it and its group. */
void exec_reap_child(struct child *c, double grace);

/*
 * The model's files for the fingerprint: each word of cmd (also the PATH of
 * a word -opt=PATH) that names an existing regular file (relative to the
 * working directory) that is executable or, by its name, code or
 * configuration (.py, .so, .yaml ...; not a log or pid file the child may
 * write), with its content digest (adapters/model_files.h).  Appends " files={...}" to fp
 * and sets *files_json (caller frees) when there is one, else leaves both.
 */
void exec_cmd_files(const char *cmd, struct buf *fp, char **files_json);

#endif
