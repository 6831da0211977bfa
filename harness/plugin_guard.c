/*
 * plugin_guard: a message and exit 4 when a plug-in crashes or calls exit()
 * (plugin_guard.h).
 */
#include "plugin_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/util.h"

#define WHO_MAX 600
#define TASKS_MAX 1024
#define TASKS_NAMED 4
#define IDS_MAX 512        /* ids of tasks in flight kept for crashed.txt */
#define CRASH_PATH_MAX 4096
#define ALT_STACK_BYTES (64 * 1024)

/* One per thread, filled before plug-in code runs; the handlers only read it. */
struct note {
	volatile sig_atomic_t armed;
	const char *volatile call; /* a string literal */
	char who[WHO_MAX];
	char tasks[TASKS_MAX];     /* "ID (suite S, item I), ..." */
	size_t named, more;        /* tasks named in tasks[], and those only counted */
	char more_text[40];        /* " and N more" (snprintf is not for a signal handler) */
	char ids[IDS_MAX * 17];    /* "ID\n" for each task in flight (crashed.txt's lines) */
	size_t ids_len;
	void *alt_stack;           /* this thread's alternate signal stack, ours; or NULL */
	int alt_tried;
};

static _Thread_local struct note note;

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction previous[N_FATAL];
static int keep_signal;            /* VSRBENCH_PLUGIN_CORE=1 */
static atomic_int armed_threads;   /* threads in plug-in code now */
static pthread_key_t alt_key;
static int installed;
static pthread_t main_thread;      /* the one that installed: its alternate stack is static */
static char main_alt_stack[ALT_STACK_BYTES];
static char crash_path[CRASH_PATH_MAX]; /* "": no crashed.txt */
/*
 * "plug-in PATH" of the plug-ins loaded, for an exit() from a thread that
 * is in no call (one the plug-in started: its note is empty).  Written by
 * the main thread only (plugin_guard_prepare there: loading, closing).
 */
static char loaded_who[WHO_MAX];

/* ---- what the handlers write (async-signal-safe) ------------------------ */

static void say(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* The ids of the tasks in flight, appended to crashed.txt (open(2) and write(2) only). */
static void record_tasks(void)
{
	int fd;
	const char *p = note.ids;
	size_t n = note.ids_len;

	if (!crash_path[0] || !n)
		return;
	fd = open(crash_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

static const char *signal_words(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV, a segmentation fault: a bad pointer or a stack overflow";
	case SIGBUS: return "SIGBUS, a bus error";
	case SIGILL: return "SIGILL, an illegal instruction";
	case SIGFPE: return "SIGFPE, an arithmetic error such as an integer division by zero";
	case SIGABRT: return "SIGABRT: it called abort(), or an assertion failed";
	default: return "a fatal signal";
	}
}

/* "plug-in PATH <what> (<why>) in CALL with TASKS in flight"; why may be NULL. */
static void say_where(const char *what, const char *why)
{
	if (vsr_stderr_line_open)
		say("\n"); /* after the progress line a terminal shows */
	say("vsrbench: error: ");
	say(note.who);
	say(what);
	if (why) {
		say(" (");
		say(why);
		say(")");
	}
	say(" in ");
	say(note.call ? note.call : "plug-in code");
	if (note.named) {
		say(note.named + note.more == 1 ? " with task " : " with tasks ");
		say(note.tasks);
		if (note.more)
			say(note.more_text);
		say(" in flight");
	}
}

static int index_of(int sig)
{
	for (size_t i = 0; i < N_FATAL; i++)
		if (fatal_signals[i] == sig)
			return (int)i;
	return -1;
}

/*
 * Gives the signal to the action that was there before ours (or the
 * default): a fault comes again when the instruction is retried on return,
 * a signal that was sent (abort()'s raise, kill) is sent again.
 */
static void pass_on(int sig, const siginfo_t *info, const struct sigaction *to)
{
	sigaction(sig, to, NULL);
	if (!info || info->si_code <= 0)
		raise(sig); /* blocked in this handler: delivered when it returns */
}

static void on_fatal(int sig, siginfo_t *info, void *ctx)
{
	int i = index_of(sig);
	struct sigaction dfl;

	(void)ctx;
	if (!note.armed) {
		if (atomic_load(&armed_threads) > 0) {
			if (vsr_stderr_line_open)
				say("\n");
			say("vsrbench: error: ");
			say(signal_words(sig));
			say(", outside the plug-in's calls while one was in flight (in a thread of the plug-in's own?)\n");
		}
		if (i >= 0)
			pass_on(sig, info, &previous[i]);
		return;
	}
	note.armed = 0;
	record_tasks();
	say_where(" crashed", signal_words(sig));
	if (keep_signal) {
		say("; raising it again for a core dump (VSRBENCH_PLUGIN_CORE=1)\n");
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		pass_on(sig, info, &dfl);
		return;
	}
	if (note.named && crash_path[0])
		say("; the journal keeps every task answered before, a resume asks these again, each "
		    "alone, and journals a task in flight at two crashes as failed (crashed.txt)");
	else if (note.named)
		say("; the journal keeps every task answered before, a resume asks these again");
	say(" (VSRBENCH_PLUGIN_CORE=1 keeps the signal, for a core dump)\n");
	_exit(VSR_EMODEL);
}

/*
 * exit() from a thread that is in no plug-in call and is not the main
 * thread, once a plug-in is loaded: vsrbench's own code never calls exit()
 * (main returns), so it is a thread the plug-in started (a loader, a
 * watchdog, a library's error path).  Its status (exit(1): "a gate
 * failed") would say something else than a model failure.
 */
static void on_exit_elsewhere(void)
{
	if (vsr_stderr_line_open)
		say("\n");
	say("vsrbench: error: ");
	say(loaded_who);
	say(": exit() was called in a thread that is in none of its calls (one it started itself?);"
	    " a plug-in must not end the process: it says what failed through its return values"
	    " (open() non-zero with a message, a response's VSRBENCH_ERR_FATAL and error;"
	    " include/vsrbench_adapter.h); the journal keeps every task answered before, a resume"
	    " asks the others\n");
	_exit(VSR_EMODEL);
}

/* exit() or quick_exit() from plug-in code: the status would say something else (1: a gate failed). */
static void on_exit_call(void)
{
	if (!note.armed) {
		if (installed && loaded_who[0] && !pthread_equal(pthread_self(), main_thread)) {
			fflush(stdout);
			on_exit_elsewhere();
		}
		return;
	}
	note.armed = 0;
	record_tasks();
	fflush(stdout);
	say_where(" called exit()", NULL);
	say("; a plug-in must not end the process: it says what failed through its return values"
	    " (open() non-zero with a message, a response's VSRBENCH_ERR_FATAL and error;"
	    " include/vsrbench_adapter.h)\n");
	_exit(VSR_EMODEL);
}

/* ---- installing, preparing -------------------------------------------- */

static void alt_stack_free(void *p)
{
	stack_t ss, cur;

	memset(&ss, 0, sizeof(ss));
	ss.ss_flags = SS_DISABLE;
	if (!sigaltstack(NULL, &cur) && cur.ss_sp == p)
		sigaltstack(&ss, NULL);
	free(p);
}

static void install_once(void)
{
	const char *core = getenv("VSRBENCH_PLUGIN_CORE");
	struct sigaction sa;

	keep_signal = core && !strcmp(core, "1");
	main_thread = pthread_self();
	pthread_key_create(&alt_key, alt_stack_free);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &previous[i]);
	atexit(on_exit_call);
	at_quick_exit(on_exit_call);
	installed = 1;
}

void plugin_guard_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install_once);
}

/* This thread's alternate stack, unless it has one (a sanitizer's): a stack overflow can be named. */
static void alt_stack_once(void)
{
	stack_t ss, cur;

	if (!installed) /* no handler to run on it (a test's model without a plug-in) */
		return;
	note.alt_tried = 1;
	if (sigaltstack(NULL, &cur) || !(cur.ss_flags & SS_DISABLE))
		return;
	memset(&ss, 0, sizeof(ss));
	ss.ss_size = ALT_STACK_BYTES;
	if (pthread_equal(pthread_self(), main_thread)) {
		ss.ss_sp = main_alt_stack; /* lives as long as the process: nothing to free */
		sigaltstack(&ss, NULL);
		return;
	}
	if (!(note.alt_stack = malloc(ALT_STACK_BYTES)))
		return;
	ss.ss_sp = note.alt_stack;
	if (sigaltstack(&ss, NULL)) {
		free(note.alt_stack);
		note.alt_stack = NULL;
		return;
	}
	pthread_setspecific(alt_key, note.alt_stack); /* freed when the thread ends */
}

void plugin_guard_prepare(const char *path)
{
	plugin_guard_leave();
	snprintf(note.who, sizeof(note.who), "plug-in %s", path);
	if (installed && pthread_equal(pthread_self(), main_thread) && !strstr(loaded_who, path)) {
		size_t len = strlen(loaded_who);
		/* a judge's plug-in too: "plug-in A or B" */
		snprintf(loaded_who + len, sizeof(loaded_who) - len, "%s%s", len ? " or " : "plug-in ",
			 path);
	}
	note.tasks[0] = '\0';
	note.more_text[0] = '\0';
	note.named = note.more = 0;
	note.ids_len = 0;
}

void plugin_guard_crash_file(const char *path)
{
	char cwd[CRASH_PATH_MAX];
	int n;

	crash_path[0] = '\0';
	if (!path)
		return;
	/* Absolute: a plug-in may change the working directory. */
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		n = snprintf(crash_path, sizeof(crash_path), "%s", path);
	else
		n = snprintf(crash_path, sizeof(crash_path), "%s/%s", cwd, path);
	if (n < 0 || (size_t)n >= sizeof(crash_path))
		crash_path[0] = '\0'; /* too long: no crashed.txt, rather than another file */
}

int plugin_guard_crashed_read(const char *path, struct u64map *counts, char *err)
{
	FILE *f = fopen(path, "r");
	char line[64];
	size_t lineno = 0;
	int r = 0;

	if (!f)
		return errno == ENOENT ? 0 : err_set(err, VSR_EDATA, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *end;
		uint64_t key, n = 0;
		lineno++;
		if (!strchr(line, '\n') && feof(f))
			break; /* torn by a crash while it was written: that crash's tasks */
		line[strcspn(line, "\n")] = '\0';
		key = strtoull(line, &end, 16);
		if (strlen(line) != 16 || *end) {
			r = err_set(err, VSR_EDATA, "%s:%zu: expected a task id (16 hex digits), got '%.40s' "
				    "(the file lists the tasks in flight when the plug-in crashed: delete it "
				    "to ask them all again)", path, lineno, line);
			break;
		}
		u64map_get(counts, key, &n);
		u64map_put(counts, key, n + 1);
	}
	fclose(f);
	return r;
}

void plugin_guard_task(const char *id, const char *suite, const char *item)
{
	size_t len = strlen(note.tasks);

	if (note.ids_len + 17 <= sizeof(note.ids) && strlen(id) == 16) {
		memcpy(note.ids + note.ids_len, id, 16);
		note.ids[note.ids_len + 16] = '\n';
		note.ids_len += 17;
	}
	if (note.named < TASKS_NAMED) {
		snprintf(note.tasks + len, sizeof(note.tasks) - len, "%s%s (suite %.60s, item %.100s)",
			 note.named ? ", " : "", id, suite, item);
		note.named++;
		return;
	}
	note.more++;
	snprintf(note.more_text, sizeof(note.more_text), " and %zu more", note.more);
}

void plugin_guard_enter(const char *call)
{
	if (!note.alt_tried)
		alt_stack_once();
	note.call = call;
	atomic_fetch_add(&armed_threads, 1);
	note.armed = 1;
}

void plugin_guard_leave(void)
{
	if (!note.armed)
		return;
	note.armed = 0;
	atomic_fetch_sub(&armed_threads, 1);
}
