/*
 * journal: RUN_DIR/samples.jsonl, the run's single source of truth.
 *
 * One JSON object per finished task, appended with one write(2) per batch
 * of complete lines, so `kill -9` loses at most the tasks in flight.  A last
 * line without its newline (torn by a crash) is ignored on load and cut off
 * before the next append; a malformed line anywhere else is an error naming
 * the file and line.  A task whose request failed is recorded with "error"
 * and is retried by the next run into the same directory: it is never an
 * answer.
 *
 * Line schema (keys in this order, all strings unless noted):
 *   key (16 hex digits), suite, item, template, format, variant,
 *   relation, category (or null), l2 (only when the item has one: MMBench's
 *   l2-category column), group (or null), label ("yes"/"no"/
 *   letter), prompt, image (or null), response (raw model text), answer (extracted: yes/no/letter/
 *   invalid), correct (bool), ms (number: model latency per task),
 *   optionally outcome ("cut_short": the reply was cut by the token limit and
 *   read invalid; "refused": a refusal or safety block -- neither is an answer,
 *   both are counted apart, out of every accuracy), cut_answered (true: the
 *   reply was cut by the token limit, yet an answer was read from it; it
 *   counts as that answer), reasoning_chars (number:
 *   the length of the stripped reasoning), reasoning (with --keep-reasoning:
 *   the text of the reasoning a server sent apart, whose length is
 *   meta.reasoning_chars, and of the stripped one), cached (true: the response cache answered, issue 16),
 *   tokens_in, tokens_out, tokens_reasoning (numbers: the usage the server
 *   reported, out including reasoning; each only when known), meta (object: what a remote model reported, e.g. model,
 *   usage, system_fingerprint, attempts; readers ignore it),
 *   run (the run's config_hash from run.json: the line belongs to that run)
 * or, for a failed task: the same up to image, then error (reason), attempts,
 * run.  Lines written before the run key existed have none: they are read
 * (and counted as untagged), a line naming another run is refused, and so
 * is a journal mixing lines with and without the key (resuming an older
 * journal keeps writing untagged lines: cmd_run).
 */
#ifndef VSR_JOURNAL_H
#define VSR_JOURNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../suites/item.h"
#include "../base/keyset.h"

/*
 * The longest journal line read, without its newline.  The writer never
 * writes a longer one (sample_format_*); the reader skips and counts one
 * written by something else (journal_scan_ex).
 */
#define JOURNAL_LINE_MAX (16u << 20)
/* The longest meta object kept (a bigger one is dropped, noted in meta). */
#define JOURNAL_META_MAX (1u << 20)
/* The longest prompt, as written in the line (the expander refuses a longer one). */
#define JOURNAL_PROMPT_MAX (4u << 20)
/* Each field of an error line that had to be cut to fit keeps this much. */
#define JOURNAL_FIELD_SQUEEZE 4096u

enum sample_outcome { SAMPLE_ANSWER = 0, SAMPLE_CUT_SHORT, SAMPLE_REFUSED };

/* One parsed journal line.  Strings are borrowed for the callback's duration. */
struct sample {
	uint64_t key;
	const char *suite, *item, *tmpl, *format, *variant;
	const char *relation, *category, *group; /* may be NULL */
	const char *l2;                          /* may be NULL (written only when set) */
	const char *prompt, *response, *image; /* may be NULL */
	answer_t label, answer;
	int correct;
	const char *error; /* non-NULL: the task failed, no answer */
	enum sample_outcome outcome; /* of an ok line: an answer, or cut short / refused */
	int cut_answered;  /* an answer read from a reply cut by the token limit */
	const char *run;   /* the run's config_hash, or NULL (an older line) */
	double ms;
	int cached;        /* the answer came from the response cache */
	/* Usage the server reported for this answer; -1: none. */
	double tokens_in, tokens_out, tokens_reasoning;
	size_t line;
};

/* The fields the writer needs to describe one task. */
struct sample_meta {
	uint64_t key;
	const char *suite, *item, *tmpl, *format, *variant;
	const char *relation, *category, *group, *prompt, *image;
	const char *l2;        /* NULL, or the item's l2-category: written as "l2" */
	answer_t label;
	const char *meta_json; /* NULL, or a JSON object: written as "meta" on ok lines */
	const char *run;       /* NULL, or the run's config_hash: written as "run" */
};

/*
 * Append one line to out (which must have no cap below JOURNAL_LINE_MAX
 * plus what it holds).  The line is at most JOURNAL_LINE_MAX bytes: a
 * response too long to fit is cut and meta says so ("response_truncated",
 * "response_bytes"); a meta over JOURNAL_META_MAX is dropped
 * ("meta_dropped_bytes"); bytes that are not UTF-8 are written as U+FFFD
 * ("invalid_utf8": their count); a task whose other fields alone do not fit
 * is written as an error line, its fields cut to JOURNAL_FIELD_SQUEEZE.
 */
void sample_format_ok(struct buf *out, const struct sample_meta *m, const char *response,
		      answer_t answer, double ms);
/* What an ok line may carry beside the answer. */
struct sample_extra {
	enum sample_outcome outcome;
	long reasoning_chars;  /* -1: not written */
	const char *reasoning; /* NULL: not written (borrowed) */
	int cached;            /* 1: "cached": true (from the response cache, not asked) */
	int usage;             /* 1: the tokens below are written (those >= 0) */
	long long tok_in, tok_out, tok_reasoning;
	int cut_answered;      /* 1: "cut_answered": true (cut by the token limit, an answer read) */
};
void sample_format_ok_ex(struct buf *out, const struct sample_meta *m, const char *response,
			 answer_t answer, double ms, const struct sample_extra *x);
void sample_format_error(struct buf *out, const struct sample_meta *m, const char *error,
			 int attempts);

struct journal {
	char *path;
	int fd;
	struct keyset done; /* keys with an answer */
	struct keyset slots; /* journal_slot() of those lines: which tasks they answer */
	size_t lines;       /* complete lines on disk */
	size_t errors;      /* error lines among them */
	int torn;           /* a torn last line was cut off */
	size_t skipped;     /* lines over JOURNAL_LINE_MAX passed over */
	size_t first_skipped; /* the first one's line number */
	size_t untagged;    /* lines without a run hash (an older journal) */
	/* The answers on disk that the servers were paid for (cached ones not),
	 * and the tokens they reported: what a budget counts before this run. */
	size_t paid;
	double paid_in, paid_out;
	pthread_mutex_t lock;
};

/*
 * Calls fn for every complete line of a journal file, in file order.  A
 * torn last line is skipped (*torn set when torn is non-NULL).  fn returns 0
 * to go on, else that value stops the scan and is returned.  A missing file
 * is VSR_EDATA unless missing_ok, then it is an empty journal.
 */
int journal_scan(const char *path, int missing_ok, int (*fn)(const struct sample *, void *),
		 void *ctx, int *torn, char *err);

/* What a scan passed over. */
struct journal_scan_info {
	int torn;             /* the last line was torn (and ignored) */
	size_t skipped;       /* lines longer than JOURNAL_LINE_MAX, skipped */
	size_t first_skipped; /* the line number of the first of them */
	size_t untagged;      /* lines without "run" (written by an older vsrbench) */
	size_t read;          /* lines read (checked against `run`) */
};

/*
 * journal_scan, also saying what it passed over (info may be NULL).  A line
 * longer than JOURNAL_LINE_MAX (never written by sample_format_*) is
 * skipped and counted, not an error: one cannot lock a run directory.
 */
int journal_scan_ex(const char *path, int missing_ok, int (*fn)(const struct sample *, void *),
		    void *ctx, struct journal_scan_info *info, char *err);
/*
 * The same, and a line whose "run" is not `run` (a config_hash; NULL: no
 * check) is VSR_EDATA naming FILE:LINE: it belongs to another run.
 */
int journal_scan_run(const char *path, int missing_ok, const char *run,
		     int (*fn)(const struct sample *, void *), void *ctx,
		     struct journal_scan_info *info, char *err);

/* Loads the keys of a journal (creating it if absent) and opens it to append. */
int journal_open(struct journal *j, const char *path, char *err);
/* journal_open, refusing lines of another run than `run` (journal_scan_run). */
int journal_open_run(struct journal *j, const char *path, const char *run, char *err);
/* Appends complete lines (each ending in '\n').  Thread-safe. */
int journal_append(struct journal *j, const char *data, size_t n, char *err);
int journal_has(const struct journal *j, uint64_t key);
/*
 * A task's place in a run: suite, item, variant and template, not its inputs
 * (prompt text, image bytes).  A key not in the journal whose slot is means
 * the journal answered that task about other inputs: the image changed.
 */
uint64_t journal_slot(const char *suite, const char *item, const char *variant, const char *tmpl);
int journal_has_slot(const struct journal *j, uint64_t slot);
/* fsyncs and closes; returns VSR_EDATA if the data could not be made durable. */
int journal_close(struct journal *j, char *err);

#endif
