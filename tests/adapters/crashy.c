/*
 * A test plug-in that dies in its own code, as a buggy one does:
 *   how=segv|abort|exit|stack|fpe   the death: a NULL write, abort(),
 *                                   exit(1), endless recursion, SIGFPE
 *   prompt=TEXT                     ... while answering the request whose
 *                                   prompt is TEXT (answer_batch())
 *   where=open|close                ... in open() or close() instead
 *   where=thread                    ... in a thread of its own, started by
 *                                   answer_batch() at that prompt and
 *                                   joined (the call is in flight)
 * Every other request is answered "Yes.".  max_batch is 1, so a call holds
 * one task: the test knows which one the message must name; CRASHY_BATCH=N
 * in the environment makes it N (a crash then holds the call's others too).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"

struct state {
	char how[16], prompt[512], where[16];
};

/* Recursion the compiler cannot turn into a loop: the stack runs out. */
static int deeper(volatile char *up)
{
	volatile char frame[1024];

	frame[0] = up ? up[0] : 1;
	return deeper(frame) + frame[1];
}

static void die(const char *how)
{
	if (!strcmp(how, "segv")) {
		volatile int *p = NULL;
		*p = 1;
	} else if (!strcmp(how, "abort")) {
		abort();
	} else if (!strcmp(how, "exit")) {
		exit(1);
	} else if (!strcmp(how, "stack")) {
		deeper(NULL);
	} else if (!strcmp(how, "fpe")) {
		raise(SIGFPE);
	}
}

static void *die_in_thread(void *how)
{
	die(how);
	return NULL;
}

static int c_open(const char *config_json, void **out, char *err, size_t errlen)
{
	static const char *const known[] = { "how", "prompt", "where", NULL };
	struct state *st;

	if (vsrbench_opt_check_known(config_json, known, err, errlen))
		return 1;
	st = calloc(1, sizeof(*st));
	if (vsrbench_opt_get(config_json, "how", st->how, sizeof(st->how)) != VSRBENCH_OPT_FOUND)
		snprintf(st->how, sizeof(st->how), "segv");
	vsrbench_opt_get(config_json, "prompt", st->prompt, sizeof(st->prompt));
	vsrbench_opt_get(config_json, "where", st->where, sizeof(st->where));
	if (!strcmp(st->where, "open"))
		die(st->how);
	*out = st;
	return 0;
}

static int c_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	struct state *st = state;

	for (size_t i = 0; i < n; i++) {
		if (!st->where[0] && !strcmp(req[i]->prompt, st->prompt))
			die(st->how);
		if (!strcmp(st->where, "thread") && !strcmp(req[i]->prompt, st->prompt)) {
			pthread_t t;
			if (!pthread_create(&t, NULL, die_in_thread, st->how))
				pthread_join(t, NULL);
		}
		resp[i]->text = strdup("Yes.");
		resp[i]->status = VSRBENCH_OK;
	}
	return 0;
}

static void c_free(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
}

static void c_close(void *state)
{
	struct state *st = state;

	if (!strcmp(st->where, "close"))
		die(st->how);
	free(st);
}

static struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR, sizeof(struct vsrbench_adapter), "crashy", 1, 1,
	c_open, c_answer, c_free, c_close, "test",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	const char *b = getenv("CRASHY_BATCH");

	(void)host_abi_major;
	if (b && strtoul(b, NULL, 10) > 0)
		table.max_batch = strtoul(b, NULL, 10);
	return &table;
}
