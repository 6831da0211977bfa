/*
 * fuzz_score: `vsrbench score` end to end on one input file, as a user runs
 * it on results from elsewhere: format detection, an MME answered list
 * (the input is named position.txt), a SEED-Bench result file (JSON lines,
 * trailing commas), or a journal whose replies are re-read; then the run
 * directory and every report written from what was scored.
 */
#include <stdio.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../cli/cmd.h"
#include "../../base/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct buf in = BUF_INIT, run = BUF_INIT, nodata = BUF_INIT;

	buf_addf(&in, "%s/position.txt", fuzz_dir());
	buf_addf(&run, "%s/run", fuzz_dir());
	buf_addf(&nodata, "%s/no-data", fuzz_dir());
	if (!write_file_atomic(in.ptr, (const char *)data, size, err)) {
		char a0[] = "score", a1[] = "-q", a2[] = "-o", a4[] = "--data";
		char *argv[] = { a0, a1, a2, run.ptr, a4, nodata.ptr, in.ptr, NULL };
		(void)cmd_score(7, argv);
		fflush(stdout);
	}
	fuzz_rm_rf(run.ptr);
	buf_release(&in);
	buf_release(&run);
	buf_release(&nodata);
	return 0;
}
