/*
 * fuzz_journal: a samples.jsonl through journal_scan (the loader behind
 * resume, report, merge and score), then through journal_open, which loads
 * the keys and cuts a torn last line off before the next append; the
 * journal is a copy in the target's own folder, as a run directory's is.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../base/buf.h"
#include "../../harness/journal.h"
#include "../../base/util.h"
#include "fuzz.h"

static int on_sample(const struct sample *s, void *ctx)
{
	size_t *sum = ctx;

	*sum += strlen(s->suite) + strlen(s->item) + strlen(s->tmpl) + strlen(s->format) +
		strlen(s->variant) + (size_t)s->label + (size_t)s->answer;
	if (s->error)
		*sum += strlen(s->error);
	if (s->response)
		*sum += strlen(s->response);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	size_t sum = 0;
	int torn = 0;
	struct buf path = BUF_INIT;
	struct journal j;

	journal_scan(fuzz_path(0, data, size), 0, on_sample, &sum, &torn, err);

	buf_addf(&path, "%s/samples.jsonl", fuzz_dir());
	if (write_file_atomic(path.ptr, (const char *)data, size, err) == 0 &&
	    journal_open(&j, path.ptr, err) == 0) {
		static const char line[] = "{\"key\":\"00000000000000ff\",\"suite\":\"s\",\"item\":\"i\","
					   "\"template\":\"t\",\"format\":\"yesno\",\"variant\":\"base\","
					   "\"relation\":null,\"category\":null,\"group\":null,\"label\":\"yes\","
					   "\"prompt\":\"p\",\"image\":null,\"error\":\"e\",\"attempts\":1}\n";
		(void)journal_has(&j, 0xff);
		journal_append(&j, line, sizeof(line) - 1, err);
		journal_close(&j, err);
		/* The lines open() accepted, the torn one cut, plus the new one: all valid. */
		if (journal_scan(path.ptr, 0, NULL, NULL, NULL, err))
			abort();
	}
	unlink(path.ptr);
	buf_release(&path);
	return 0;
}
