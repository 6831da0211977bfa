/*
 * rundir: the run directory, its one owner.
 *
 *   RUN_DIR/run.json       the configuration: model, suites and their digests,
 *                          templates, generation, seed, config_hash
 *                          (rundir_prepare_run, rundir_write_run, rundir_load_run)
 *   RUN_DIR/status.json    whether the run went through all its items, per
 *                          suite counts (rundir_write_status; what merge checks)
 *   RUN_DIR/samples.jsonl  the journal (journal.h reads and appends it;
 *                          rundir_journal_* writes a whole one at once)
 *   RUN_DIR/judge.jsonl    the judge model's journal, same line format (harness/judge.h)
 *   RUN_DIR/report.json report.md report.html junit.xml compare.md compare.json
 *                          the reports (reports/ writes them)
 *   RUN_DIR/.lock          held (flock) by the one process writing the directory
 *
 * Nobody else builds these paths or reads run.json and status.json: they ask
 * rundir_path for a path and the functions below for the documents.  Every
 * document is written atomically (write_file_atomic: temporary name, fsync,
 * rename), so a reader never sees half of one.  Functions that fail fill
 * err (VSR_ERR_MAX bytes) and return a VSR_E* code.
 */
#ifndef VSR_RUNDIR_H
#define VSR_RUNDIR_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"

/* The most bytes of run.json or status.json read: they are small, a bigger one is not ours. */
#define RUNDIR_JSON_MAX ((size_t)16 << 20)

/* The files of a run directory. */
enum rundir_file {
	RUNDIR_RUN_JSON,
	RUNDIR_STATUS_JSON,
	RUNDIR_SAMPLES,
	RUNDIR_LOCK,
	RUNDIR_REPORT_JSON,
	RUNDIR_REPORT_MD,
	RUNDIR_REPORT_HTML,
	RUNDIR_JUNIT,
	RUNDIR_COMPARE_MD,
	RUNDIR_COMPARE_JSON,
	RUNDIR_JUDGE, /* judge.jsonl: the judge model's journal (harness/judge.h) */
	RUNDIR_CRASHED, /* crashed.txt: tasks in flight when a plug-in crashed (plugin_guard.h) */
};

/* The file's name in the directory: "run.json", "samples.jsonl" ... (static). */
const char *rundir_file_name(enum rundir_file f);
/* Sets out (reset first) to DIR/NAME and returns out->ptr. */
const char *rundir_path(struct buf *out, const char *dir, enum rundir_file f);

/*
 * Where a run goes without -o: "runs/LABEL-YYYYmmdd-HHMMSS" (UTC) in out
 * (appended).  rundir_make_unique then appends "-2", "-3" ... while a file
 * of that name exists.
 */
void rundir_default_path(struct buf *out, const char *label);
void rundir_make_unique(struct buf *out);

/*
 * Takes DIR/.lock (flock, not blocking): one writer per directory.  *fd is
 * the lock, released by rundir_unlock (or when the process ends); -1 on
 * failure.  VSR_EUSAGE when another process holds it or it cannot be made.
 * Taken, it removes the NAME.tmp.PID files that writers killed before their
 * rename left (NAME a run-directory file, PID a process that is gone).
 */
int rundir_lock(const char *dir, int *fd, char *err);
/* Releases a lock rundir_lock took; nothing when *fd is -1.  Sets *fd to -1. */
void rundir_unlock(int *fd);

/*
 * Reads and parses DIR/run.json or DIR/status.json (at most RUNDIR_JSON_MAX
 * bytes) into *out (caller frees with cJSON_Delete).  VSR_EDATA when the
 * file cannot be read ("PATH: REASON"; for status.json the reason adds that
 * the run did not finish) or is not valid JSON ("PATH: not valid JSON").
 */
int rundir_read_json(const char *dir, enum rundir_file f, cJSON **out, char *err);
/* run.json parsed, or NULL when the directory has none or it is not JSON (caller frees). */
cJSON *rundir_load_run(const char *dir);
/* Writes o (borrowed), indented, to DIR/run.json or DIR/status.json atomically. */
int rundir_write_json(const char *dir, enum rundir_file f, const cJSON *o, char *err);

/*
 * run.json for a run's configuration cfg (borrowed; the fields that stay the
 * same when the run is resumed).  rundir_write_run adds to cfg: config_hash
 * (a hash of cfg as given), harness_version, created, schema, the shard when
 * shard_count > 1 and the command line argv[0..argc), and writes it.
 * rundir_prepare_run does that in a directory without run.json; in one with
 * it, it checks instead that the existing run.json has the same config_hash
 * and shard (VSR_EUSAGE naming the directory when not, VSR_EDATA when it is
 * not a vsrbench run.json), and leaves cfg as it was.
 */
int rundir_write_run(const char *dir, cJSON *cfg, long shard_index, long shard_count, int argc,
		     char **argv, char *err);
/*
 * The first difference between two runs' run.json (both borrowed), as a
 * resume refused words it: "suites[0].options.seed was 1, now 5"; the
 * stamped fields (created, command, shard ...) are not compared.  Appended
 * to out.
 */
void rundir_config_difference(const cJSON *was, const cJSON *now, struct buf *out);
int rundir_prepare_run(const char *dir, cJSON *cfg, long shard_index, long shard_count, int argc,
		       char **argv, char *err);

/*
 * run.json's "judge" (harness/judge.h): the judge's fingerprint hash, when
 * run names one (1, *fp set; else 0).  rundir_set_judge puts `judge` (taken)
 * into DIR/run.json, in place of an earlier one; it is not part of the
 * config_hash, so a run can be judged, or judged again, after the fact.
 */
int rundir_judge_fp(const cJSON *run, uint64_t *fp);
int rundir_set_judge(const char *dir, cJSON *judge, char *err);

/* status.json: how far a run went, per suite (borrowed by rundir_write_status). */
struct rundir_suite_count {
	const char *name;
	size_t items_total;    /* items the suite has (after -n) */
	size_t items_in_shard; /* of them, this shard's */
};
struct rundir_status {
	int complete; /* went through every item (not interrupted) */
	long shard_index, shard_count;
	const struct rundir_suite_count *suites;
	size_t n_suites;
	size_t tasks_done_now, tasks_done_before, errors_now;
	/* Issue 16: answers from the response cache, the usage reported and
	 * its cost in USD (each written only when above 0: nothing new for a run
	 * without them), why the run stopped early (NULL, or "budget").
	 * tokens_reasoning < 0: no answer reported it (left out). */
	size_t cached_now;
	long long tokens_in, tokens_out, tokens_reasoning;
	double cost_usd;
	/* Why the run stopped before its end: NULL (it did not, or it is still
	 * going), "budget", "interrupted" (a signal) or "error" (a fatal stop). */
	const char *stopped_by;
	/* The base-variant tasks the run is set to ask (items after -n x the
	 * templates each suite gets, less those found not to apply); 0: not
	 * known (a shard's items are known only once read).  Written when above 0. */
	size_t tasks_planned;
	/*
	 * Wall-clock seconds of the request phase (asking the model), summed
	 * over the run's invocations (a resume adds its own): what junit.xml
	 * gives as the run's time.  Written when above 0 (`score` asks nothing).
	 */
	double request_seconds;
	/* A served model's requests allowed in flight (issue 16); conc_mode NULL: none. */
	const char *conc_mode; /* "adaptive" or "fixed" */
	long conc_last, conc_min, conc_median, conc_max;
	int conc_queue;        /* it read the server's queue: "server_queue": true */
};
/*
 * Adds (or replaces) "concurrency": {mode, min, median, max[, server_queue]} in DIR/run.json
 * after a run: how many requests the server took, for next time.  Not part
 * of the configuration (the config hash is unchanged).
 */
int rundir_note_concurrency(const char *dir, const struct rundir_status *st, char *err);
/*
 * A run directory that rundir_prepare_run refused (another configuration,
 * other weights, another shard) but whose journal holds no answer, only
 * failed tasks or nothing (a first run that stopped on a wrong option):
 * its files (run.json, status.json, the journals, the reports) are moved to
 * a new DIR/failed-CONFIG_HASH/ (named in kept) and 1 is returned, so the
 * run starts over in DIR and nothing is lost.  0 when the journal holds an
 * answer (nothing moved: the refusal stands); *failed is the number of
 * failed tasks seen.  A VSR_E* code when the journal or a file cannot be
 * read or moved.
 */
int rundir_set_aside(const char *dir, size_t *failed, struct buf *kept, char *err);
int rundir_write_status(const char *dir, const struct rundir_status *st, char *err);

/*
 * How far a run went, as status.json says (read by rundir_read_progress):
 * what the reports mark a partial run with.  known is 0 when the directory
 * has no status.json or it is not valid JSON (a directory of an older
 * vsrbench): then nothing is said either way.
 */
struct rundir_progress {
	int known;
	int complete;          /* "complete": true */
	size_t tasks_planned;  /* 0: not known */
	char stopped_by[16];   /* "" when status.json names no reason */
	double request_seconds; /* status.json's; 0: not recorded (an older vsrbench, `score`) */
};
void rundir_read_progress(const char *dir, struct rundir_progress *p);

/*
 * A journal written whole (score): the caller formats complete lines into
 * j->out and calls rundir_journal_flush after each, which writes them to
 * DIR/samples.jsonl.tmp.PID in big pieces; rundir_journal_finish writes the
 * rest, fsyncs and closes it; rundir_journal_commit renames it to
 * DIR/samples.jsonl.  Until then no journal is under the final name.
 * rundir_journal_release closes and removes a temporary file that was not
 * committed and frees the rest: call it in every case, also after a failure.
 * j starts as RUNDIR_JOURNAL_INIT.
 */
struct rundir_journal {
	struct buf out;  /* complete lines not written yet (at most 64 MiB) */
	int fd;          /* -1 once closed */
	int made;        /* the temporary file exists */
	struct buf tmp, final;
};
#define RUNDIR_JOURNAL_INIT { BUF_INIT, -1, 0, BUF_INIT, BUF_INIT }
/* Creates the temporary file; the directory must exist.  VSR_EDATA when it cannot. */
int rundir_journal_create(struct rundir_journal *j, const char *dir, char *err);
/* Writes j->out to the file once it holds 1 MiB or more.  VSR_EDATA when it cannot. */
int rundir_journal_flush(struct rundir_journal *j, char *err);
int rundir_journal_finish(struct rundir_journal *j, char *err);
int rundir_journal_commit(struct rundir_journal *j, char *err);
void rundir_journal_release(struct rundir_journal *j);

#endif
