/*
 * A test plug-in for multiple-choice suites.  It answers with the letter of
 * the option whose text starts with "ok" (so it is right in every rotation
 * of a question whose correct option is "ok..."), except when the first
 * option starts with "trap": then it answers "A", the trap.  It refuses
 * (VSRBENCH_ERR_FATAL) a request without a PNG or JPEG image or without
 * options, so a test also checks that images and options arrive.
 * -M none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"

static int p_open(const char *config_json, void **out, char *err, size_t errlen)
{
	(void)config_json;
	(void)err;
	(void)errlen;
	*out = NULL;
	return 0;
}

static int image_ok(const struct vsrbench_request *q)
{
	if (!q->image || q->image_len < 8)
		return 0;
	return !memcmp(q->image, "\x89PNG\r\n\x1a\n", 8) || (q->image[0] == 0xff && q->image[1] == 0xd8);
}

static int p_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct vsrbench_request *q = req[i];
		char letter = 'Z';

		if (!image_ok(q) || !q->n_choices) {
			resp[i]->status = VSRBENCH_ERR_FATAL;
			snprintf(resp[i]->error, sizeof(resp[i]->error), "%s",
				 q->n_choices ? "no PNG/JPEG image" : "no options");
			continue;
		}
		if (!strncmp(q->choices[0], "trap", 4)) {
			letter = 'A';
		} else {
			for (size_t k = 0; k < q->n_choices && k < 26; k++)
				if (!strncmp(q->choices[k], "ok", 2)) {
					letter = (char)('A' + k);
					break;
				}
		}
		resp[i]->text = malloc(2);
		resp[i]->text[0] = letter;
		resp[i]->text[1] = '\0';
		resp[i]->status = VSRBENCH_OK;
	}
	return 0;
}

static void p_free(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
	resp->text = NULL;
}

static void p_close(void *state)
{
	(void)state;
}

static const struct vsrbench_adapter adapter = {
	.abi_major = VSRBENCH_ABI_MAJOR,
	.abi_minor = VSRBENCH_ABI_MINOR,
	.struct_size = sizeof(struct vsrbench_adapter),
	.name = "mcq_pick",
	.max_batch = 4,
	.thread_safe = 1,
	.open = p_open,
	.answer_batch = p_answer,
	.free_response = p_free,
	.close = p_close,
	.version = "1",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major);
const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	return host_abi_major == VSRBENCH_ABI_MAJOR ? &adapter : NULL;
}
