/*
 * plugin_guard: a plug-in that dies in its own code ends the run with a
 * message and exit 4 (a model failure, DESIGN.md), not with a bare 139.
 *
 * An in-process plug-in (builtin:NAME, lib:PATH.so) runs in vsrbench's own
 * process: its segfault or abort() used to kill vsrbench with no word of
 * which task it was answering, and its exit(1) made vsrbench exit 1, which
 * means "a gate failed".  While a thread runs plug-in code (between
 * plugin_guard_enter and plugin_guard_leave):
 *
 *  - a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) writes one
 *    line to stderr, "vsrbench: error: plug-in PATH crashed (SIGSEGV ...) in
 *    answer_batch() with task ID (suite S, item I) in flight; ...", and
 *    ends the process with _exit(4).  With VSRBENCH_PLUGIN_CORE=1 in the
 *    environment the signal is raised again after the line instead, with
 *    its default action (a core dump where the system keeps them; the exit
 *    status is then the signal's, 139 or 134);
 *  - exit() (or quick_exit()) writes the line "... called exit() in ..."
 *    and ends the process with _exit(4).
 *
 * The journal on disk is whole: lines are appended per batch with write(2),
 * so a resume finds every task answered before.  The line is prepared
 * before each call in a buffer of the thread's own (the handler only copies
 * it out with write(2): async-signal-safe).  Outside plug-in code the
 * handlers hand the signal to what was there before (the default action,
 * or a sanitizer's).  The handler runs on an alternate stack of the thread,
 * so a plug-in's stack overflow is named too.
 *
 * A task that crashes the plug-in every time would stop every resume at
 * the same place.  So the handlers also append the ids of the tasks in
 * flight, one per line, to the run's crashed.txt (plugin_guard_crash_file),
 * and the next run into the directory reads it (plugin_guard_crashed_read):
 * a task in flight at one crash is asked alone (the batch it crashed in
 * held it and innocent ones), a task in flight at two crashes is not asked
 * again but journaled as failed, so the run finishes; deleting the file
 * asks it again (the scheduler, harness/scheduler.c).
 */
#ifndef VSR_PLUGIN_GUARD_H
#define VSR_PLUGIN_GUARD_H

#include "../base/keyset.h"

/* Installs the handlers (once; from the main thread, before a plug-in is loaded). */
void plugin_guard_install(void);

/*
 * The calling thread's note, before plug-in code runs: the plug-in's path
 * (borrowed while prepared: copied), then each task of the call in flight
 * (copied; the first few are named, the rest counted).
 */
void plugin_guard_prepare(const char *path);
void plugin_guard_task(const char *id, const char *suite, const char *item);
/*
 * The file the handlers append the ids of the tasks in flight to (copied;
 * NULL or too long: none).  Set before plug-in code runs.
 */
void plugin_guard_crash_file(const char *path);
/*
 * Reads such a file into counts (task key -> crashes it was in flight at).
 * A missing file is none; 0, or VSR_EDATA with err naming the file and line
 * of a line that is not a task id.
 */
int plugin_guard_crashed_read(const char *path, struct u64map *counts, char *err);
/* Plug-in code runs from now in this thread: call names it ("answer_batch()"; static). */
void plugin_guard_enter(const char *call);
/* It returned (the note is kept for the next plugin_guard_enter). */
void plugin_guard_leave(void);

#endif
