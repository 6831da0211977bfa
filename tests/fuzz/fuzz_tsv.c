/*
 * fuzz_tsv: the streaming TSV reader MMBench's files go through (quotes,
 * "" escapes, CRLF, blank lines, capped fields, located-only fields), then
 * tsv_seek back to the rows found and read them again: a row must read the
 * same the second time (mmbench's next() relies on it).
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/util.h"
#include "../../suites/tsv.h"
#include "fuzz.h"

#define NF 6
#define N_ROWS 32

struct row {
	off_t off;
	size_t line, n_fields;
	size_t len[NF];
	uint64_t hash;
};

static uint64_t row_hash(const struct tsv_field *f, size_t n)
{
	uint64_t h = HASH_SEED;

	for (size_t k = 0; k < n; k++) {
		h = hash64(f[k].head, f[k].head_len, h);
		if (f[k].text)
			h = hash64(f[k].text->ptr, f[k].text->len, h);
	}
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct tsv t;
	struct tsv_field f[NF];
	struct buf text[NF];
	struct row rows[N_ROWS];
	size_t n_rows = 0;
	int r;

	if (tsv_open(&t, fuzz_path(0, data, size), err))
		abort();
	memset(f, 0, sizeof(f));
	for (size_t k = 0; k < NF; k++) {
		/* Field 1 is only located; field 2 has a small cap. */
		buf_init(&text[k], k == 2 ? 8 : 4096);
		f[k].text = k == 1 ? NULL : &text[k];
	}
	for (;;) {
		struct row rw;
		size_t nf;

		r = tsv_row(&t, f, NF, &nf, &rw.off, &rw.line, err);
		if (r != 1)
			break;
		rw.n_fields = nf;
		for (size_t k = 0; k < NF; k++)
			rw.len[k] = k < nf ? f[k].len : 0;
		rw.hash = row_hash(f, nf < NF ? nf : NF);
		if (n_rows < N_ROWS)
			rows[n_rows++] = rw;
	}
	for (size_t i = n_rows; i-- > 0;) {
		struct row rw;
		size_t nf;

		if (tsv_seek(&t, rows[i].off, rows[i].line, err))
			abort();
		r = tsv_row(&t, f, NF, &nf, &rw.off, &rw.line, err);
		/* A row that read once reads the same again. */
		if (r != 1 || nf != rows[i].n_fields || rw.off != rows[i].off ||
		    rw.line != rows[i].line || row_hash(f, nf < NF ? nf : NF) != rows[i].hash)
			abort();
		for (size_t k = 0; k < NF && k < nf; k++)
			if (f[k].len != rows[i].len[k])
				abort();
	}
	for (size_t k = 0; k < NF; k++)
		buf_release(&text[k]);
	tsv_close(&t);
	return 0;
}
