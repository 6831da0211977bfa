/*
 * fuzz_exec: the stdout of an exec child, split into lines as exec.c's
 * read loop does, each through exec_reply_parse (the parsing half of
 * on_line), then what on_line does with a reply: copy the text, keep the
 * meta JSON, or format the error into the 256-byte slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/exec.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *all = fuzz_strndup(data, size), *p = all, *end = all + size;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		struct exec_reply rep;
		char error[256];

		if (nl)
			*nl = '\0';
		switch (exec_reply_parse(p, &rep)) {
		case EXEC_REPLY_OK:
			if (rep.text && !rep.error) {
				free(strdup(rep.text));
			} else {
				snprintf(error, sizeof(error), "%s%s",
					 rep.error ? "" : "response has neither \"text\" nor \"error\"",
					 rep.error ? rep.error : "");
			}
			if (rep.meta_json && !*rep.meta_json)
				abort(); /* a printed object is never empty */
			if (rep.id)
				(void)strlen(rep.id);
			exec_reply_release(&rep);
			break;
		case EXEC_REPLY_NOISE:
		case EXEC_REPLY_BAD:
			snprintf(error, sizeof(error), "%.120s", rep.line);
			break;
		default:
			break;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	free(all);
	return 0;
}
