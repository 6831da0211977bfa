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
 */
#ifndef VSR_PLUGIN_GUARD_H
#define VSR_PLUGIN_GUARD_H

/* Installs the handlers (once; from the main thread, before a plug-in is loaded). */
void plugin_guard_install(void);

/*
 * The calling thread's note, before plug-in code runs: the plug-in's path
 * (borrowed while prepared: copied), then each task of the call in flight
 * (copied; the first few are named, the rest counted).
 */
void plugin_guard_prepare(const char *path);
void plugin_guard_task(const char *id, const char *suite, const char *item);
/* Plug-in code runs from now in this thread: call names it ("answer_batch()"; static). */
void plugin_guard_enter(const char *call);
/* It returned (the note is kept for the next plugin_guard_enter). */
void plugin_guard_leave(void);

#endif
