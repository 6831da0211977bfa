/*
 * abi_host: a minimal host for tests/e2e/abi_compat.sh, built there with cc
 * against the ABI 2.2 copy of vsrbench_adapter.h (`const char *hint`
 * appended to vsrbench_request, `double confidence` to vsrbench_response),
 * so that it is a host NEWER than plug-ins built against include/ as it is
 * (2.1) or against the 2.0 copy.
 *
 *   abi_host PLUGIN.so N CONFIG_JSON
 *
 * Loads the plug-in as adapters/loader.c does (dlopen RTLD_NOW|RTLD_LOCAL,
 * the entry function, major version, table size and functions, open()),
 * asks N questions in batches of the plug-in's max_batch, and prints one
 * line per question:
 *
 *     K <TAB> ID <TAB> PROMPT <TAB> STATUS <TAB> CONFIDENCE <TAB> TEXT
 *       <TAB> PROMPT_TOKENS <TAB> COMPLETION_TOKENS <TAB> REASONING_TOKENS
 *
 * (the usage fields as the plug-in left them; this host reads them whatever
 * the plug-in's abi_minor, to show what a 2.0 plug-in leaves there: 0).
 *
 * Question K: id K in 16 hex digits, prompt "Is the red circle left of the
 * blue square? Question K.", hint "hint-K"; odd K are letter questions
 * with the options "no", "yes".  As vsrbench does, every request and
 * response is zeroed and stamped with the host's struct_size, and each
 * response's status is VSRBENCH_ERR_FATAL before the call.  Each struct is
 * its own allocation of exactly the host's size, so AddressSanitizer sees
 * a plug-in touching past one.  Exit 0, or 1 with a message on stderr.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"

/* Built against the 2.2 copy, or not at all: the test is about these fields. */
_Static_assert(VSRBENCH_ABI_MAJOR == 2 && VSRBENCH_ABI_MINOR == 2, "needs the ABI 2.2 header copy");
_Static_assert(offsetof(struct vsrbench_request, hint) >=
		       offsetof(struct vsrbench_request, seed) + sizeof(uint64_t),
	       "hint is appended after the 2.0 fields");
_Static_assert(offsetof(struct vsrbench_response, prompt_tokens) >=
		       offsetof(struct vsrbench_response, error) + 256,
	       "the usage fields are appended after the 2.0 fields");
_Static_assert(offsetof(struct vsrbench_response, confidence) >=
		       offsetof(struct vsrbench_response, reasoning_tokens) + sizeof(int64_t),
	       "confidence is appended after the 2.1 fields");

static const char *const options[] = { "no", "yes" };

static int die(const char *what, const char *why)
{
	fprintf(stderr, "abi_host: %s: %s\n", what, why);
	return 1;
}

static void print_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' ? ' ' : *s);
}

int main(int argc, char **argv)
{
	vsrbench_adapter_entry_fn entry;
	const struct vsrbench_adapter *a;
	struct vsrbench_request **req = NULL;
	struct vsrbench_response **resp = NULL;
	char (*ids)[17] = NULL, (*prompts)[96] = NULL, (*hints)[32] = NULL, err[256] = "";
	void *dl, *state = NULL;
	long n;
	int rc = 1;

	if (argc != 4 || (n = strtol(argv[2], NULL, 10)) <= 0 || n > 10000)
		return die("usage", "abi_host PLUGIN.so N CONFIG_JSON");
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return die(argv[1], dlerror());
	*(void **)&entry = dlsym(dl, VSRBENCH_ENTRY_SYMBOL);
	if (!entry) {
		dlclose(dl);
		return die(argv[1], "no " VSRBENCH_ENTRY_SYMBOL);
	}
	a = entry(VSRBENCH_ABI_MAJOR);
	if (!a || a->abi_major != VSRBENCH_ABI_MAJOR ||
	    a->struct_size < offsetof(struct vsrbench_adapter, version) + sizeof(a->version) ||
	    !a->open || !a->answer_batch || !a->free_response || !a->close || !a->max_batch) {
		dlclose(dl);
		return die(argv[1], "not an ABI 2 adapter");
	}
	if (a->open(argv[3], &state, err, sizeof(err))) {
		dlclose(dl);
		return die(argv[1], err);
	}
	req = calloc((size_t)n, sizeof(*req));
	resp = calloc((size_t)n, sizeof(*resp));
	ids = calloc((size_t)n, sizeof(*ids));
	prompts = calloc((size_t)n, sizeof(*prompts));
	hints = calloc((size_t)n, sizeof(*hints));
	if (!req || !resp || !ids || !prompts || !hints)
		goto out;
	for (long k = 0; k < n; k++) {
		struct vsrbench_request *q = calloc(1, sizeof(*q));
		struct vsrbench_response *r = calloc(1, sizeof(*r));

		req[k] = q;
		resp[k] = r;
		if (!q || !r)
			goto out;
		snprintf(ids[k], sizeof(ids[k]), "%016lx", (unsigned long)k);
		snprintf(prompts[k], sizeof(prompts[k]),
			 "Is the red circle left of the blue square? Question %ld.", k);
		snprintf(hints[k], sizeof(hints[k]), "hint-%ld", k);
		q->struct_size = sizeof(*q);
		q->id = ids[k];
		q->prompt = prompts[k];
		if (k % 2) {
			q->choices = options;
			q->n_choices = 2;
		}
		q->max_tokens = 32;
		q->seed = 1;
		q->hint = hints[k];
		r->struct_size = sizeof(*r);
		r->status = VSRBENCH_ERR_FATAL;
	}
	for (long off = 0; off < n; off += (long)a->max_batch) {
		size_t m = (size_t)(n - off) < a->max_batch ? (size_t)(n - off) : a->max_batch;

		if (a->answer_batch(state, (const struct vsrbench_request *const *)req + off,
				    resp + off, m)) {
			die(argv[1], "answer_batch failed the whole batch");
			goto out;
		}
	}
	for (long k = 0; k < n; k++) {
		printf("%ld\t%s\t%s\t%d\t%g\t", k, ids[k], prompts[k], resp[k]->status,
		       resp[k]->confidence);
		print_field(resp[k]->status == VSRBENCH_OK ? resp[k]->text : resp[k]->error);
		printf("\t%lld\t%lld\t%lld\n", (long long)resp[k]->prompt_tokens,
		       (long long)resp[k]->completion_tokens, (long long)resp[k]->reasoning_tokens);
		a->free_response(state, resp[k]);
	}
	rc = fflush(stdout) ? die("stdout", "write failure") : 0;
out:
	for (long k = 0; req && resp && k < n; k++) {
		free(req[k]);
		free(resp[k]);
	}
	free(req);
	free(resp);
	free(ids);
	free(prompts);
	free(hints);
	a->close(state);
	dlclose(dl);
	return rc;
}
