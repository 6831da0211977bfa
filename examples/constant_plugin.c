/* A vsrbench plug-in: every yes/no question gets -M answer=yes|no (default yes), letters A.
 * cc -I include -shared -fPIC -o constant.so examples/constant_plugin.c (source tree), or:
 * cc $(pkg-config --cflags vsrbench-adapter) -shared -fPIC -o constant.so constant_plugin.c
 * vsrbench run -m lib:./constant.so -M answer=no */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vsrbench_adapter.h"
#include "vsrbench_adapter_options.h"

static int c_open(const char *config_json, void **state, char *err, size_t errlen)
{
	static const char *const known[] = { "answer", NULL };
	char answer[8];
	int r;
	if (vsrbench_opt_check_known(config_json, known, err, errlen))
		return 1; /* err: unknown option "colour" */
	if ((r = vsrbench_opt_get(config_json, "answer", answer, sizeof(answer))) == VSRBENCH_OPT_ABSENT)
		strcpy(answer, "yes"); /* the default */
	if (r < 0 || (strcmp(answer, "yes") && strcmp(answer, "no"))) {
		snprintf(err, errlen, "-M answer= takes yes or no");
		return 1;
	}
	*state = strdup(answer); /* freed in c_close */
	return *state ? 0 : 1;
}

static int c_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	for (size_t i = 0; i < n; i++) { /* out of memory: VSRBENCH_ERR_RETRY, asked again later */
		resp[i]->text = strdup(req[i]->n_choices ? "A" : (const char *)state);
		resp[i]->status = resp[i]->text ? VSRBENCH_OK : VSRBENCH_ERR_RETRY;
	}
	return 0;
}

static void c_free(void *state, struct vsrbench_response *resp) { (void)state; free(resp->text); }
static void c_close(void *state) { free(state); }

static const struct vsrbench_adapter table = {
	.abi_major = VSRBENCH_ABI_MAJOR, .abi_minor = VSRBENCH_ABI_MINOR, .struct_size = sizeof table,
	.name = "constant-example", .version = "1", .max_batch = 16, .thread_safe = 1,
	.open = c_open, .answer_batch = c_answer, .free_response = c_free, .close = c_close,
};
const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	return host_abi_major == VSRBENCH_ABI_MAJOR ? &table : NULL;
}
