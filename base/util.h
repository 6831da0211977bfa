/*
 * Small shared helpers: error messages, exit codes, hashing, checked number
 * parsing, atomic file writes, CPU clocks.
 */
#ifndef VSR_UTIL_H
#define VSR_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "banned.h" /* last: see banned.h */
#include "banned.h" /* last: see banned.h */

/* Exit codes (DESIGN.md). Functions that fail return one of these. */
enum {
	VSR_OK = 0,
	VSR_EGATE = 1,   /* a gate or threshold failed */
	VSR_EUSAGE = 2,  /* usage or configuration error */
	VSR_EDATA = 3,   /* bad or missing data */
	VSR_EMODEL = 4,  /* model unreachable or failing */
	VSR_EINTR = 5,   /* interrupted, resumable */
};

#define VSR_ERR_MAX 512
/* Every fallible function takes `char *err` of VSR_ERR_MAX bytes. */
int err_set(char *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

extern const char *vsr_progname;
/* Set while a progress line is drawn on a terminal without its newline. */
extern volatile int vsr_stderr_line_open;
void vsr_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vsr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Non-zero when fd is a terminal that a line can be redrawn on ("\r\033[K"):
 * a tty whose TERM is set and not "dumb" (a dumb terminal, an editor's
 * shell buffer or a CI runner's pseudo-terminal, shows the escape as text).
 */
int term_redraws(int fd);
/*
 * s as one word of a shell command, for a command a message suggests (a
 * path with a space, "-o 'cand run'"): s itself when every byte is safe,
 * else in single quotes (a quote as '\''). Resets tmp; returns tmp->ptr,
 * valid until tmp changes.
 */
const char *sh_word(struct buf *tmp, const char *s);

/* 64-bit hashing (not cryptographic; stable across runs and machines). */
#define HASH_SEED 0x9e3779b97f4a7c15ULL
uint64_t hash64(const void *data, size_t n, uint64_t seed);
uint64_t hash64_str(const char *s, uint64_t seed);

/* Strict number parsing: the whole string must be a number in range. */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double *out);

/*
 * Writes `data` to `path` atomically: PATH.tmp.PID, fsync, rename.
 * Returns 0 or fills err and returns VSR_EDATA; no partial file remains.
 */
int write_file_atomic(const char *path, const char *data, size_t n, char *err);

/* mkdir -p; returns 0 or -1 with errno. */
int mkdir_p(const char *path);

double cpu_seconds(void);        /* process CPU time, user + system */
double thread_cpu_seconds(void); /* this thread's CPU time */
double wall_seconds(void);       /* monotonic */

/*
 * The folder vsrbench keeps its datasets and its response cache in by
 * default, into out[0..n): $XDG_CACHE_HOME/vsrbench when XDG_CACHE_HOME is
 * absolute (the XDG spec ignores a relative one), else
 * $HOME/.cache/vsrbench with an absolute HOME.  0, or -1 when neither is
 * set (env -i, some CI containers): then there is no default, and no
 * folder is made up in the working directory.
 */
int vsr_default_dir(char *out, size_t n);

/*
 * The dataset root: `given` (--data) if set, else $VSRBENCH_DATA, else
 * vsr_default_dir's folder (static storage), else NULL: the caller asks for
 * --data.  A ~/.cache/vsrbench holding datasets (sub-folders) is kept
 * while $XDG_CACHE_HOME/vsrbench holds none (data pulled before the
 * default followed XDG_CACHE_HOME).
 */
const char *data_dir_resolve(const char *given);

/* Why data_dir_resolve gave NULL, for an error that asks for --data. */
#define VSR_NO_DEFAULT_DIR "neither XDG_CACHE_HOME nor HOME is set, so there is no default folder"

/* Whether p names a directory, or a regular file (symbolic links followed). */
int path_is_dir(const char *p);
int path_is_file(const char *p);

/* The value of a hexadecimal digit (either case), or -1. */
int hex_digit(int c);
/* Lower-cases ASCII in place. */
void str_lower(char *s);
char *xstrdup(const char *s); /* aborts on OOM: only for small strings */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);

/* Non-zero when GITHUB_ACTIONS is "true". */
int github_actions(void);
/* "::KIND title=TITLE::TEXT" on fp: a GitHub workflow command, escaped and redacted. */
void gh_annotate(FILE *fp, const char *kind, const char *title, const char *text);

#endif
