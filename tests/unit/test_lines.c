/* The line reader: plain and gzip'd files, CRLF, a BOM, a NUL byte, the cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/lines.h"
#include "base/util.h"
#include "scratch.h"

static void put(const char *data, size_t n, int gz)
{
	if (gz) {
		gzFile g = gzopen(path, "wb");
		assert_non_null(g);
		assert_int_equal(gzwrite(g, data, (unsigned)n), (int)n);
		gzclose(g);
	} else {
		FILE *fp = fopen(path, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(data, 1, n, fp), n);
		fclose(fp);
	}
}

/* Reads every line into out, joined by '|'; returns the last lines_next. */
static int read_all(size_t max, char *out, size_t outlen, char *err)
{
	struct lines l;
	int r;

	struct buf all = BUF_INIT;

	assert_int_equal(lines_open(&l, path, max, err), 0);
	while ((r = lines_next(&l, err)) == 1)
		buf_addf(&all, "%s%s", l.lineno > 1 ? "|" : "", l.line.ptr);
	lines_close(&l);
	assert_true(all.len < outlen);
	memcpy(out, all.ptr, all.len + 1);
	buf_release(&all);
	return r;
}

static void check(const char *data, size_t n, const char *want, int want_r, const char *want_err)
{
	for (int gz = 0; gz < 2; gz++) {
		char out[256], err[VSR_ERR_MAX] = "";
		put(data, n, gz);
		assert_int_equal(read_all(1024, out, sizeof(out), err), want_r);
		assert_string_equal(out, want);
		if (want_err)
			assert_non_null(strstr(err, want_err));
	}
}

static void test_plain_and_crlf(void **state)
{
	(void)state;
	check("a\nbb\r\n\nccc", 10, "a|bb||ccc", 0, NULL);
	check("", 0, "", 0, NULL);
	check("\n", 1, "", 0, NULL); /* one empty line */
}

static void test_bom(void **state)
{
	(void)state;
	/* Dropped at the start of the file only. */
	check("\xef\xbb\xbfq1\n\xef\xbb\xbfq2\n", 12, "q1|\xef\xbb\xbfq2", 0, NULL);
}

static void test_nul(void **state)
{
	(void)state;
	/* Line 2 holds a NUL at column 3: an error naming it, line 3 never read
	 * as part of line 2. */
	check("one\ntw\0o\nthree\n", 16, "one", VSR_EDATA, ":2: a NUL byte at column 3");
}

static void test_cap(void **state)
{
	char big[3000], out[256], err[VSR_ERR_MAX] = "";

	(void)state;
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	put(big, sizeof(big), 0);
	assert_int_equal(read_all(1024, out, sizeof(out), err), VSR_EDATA);
	assert_non_null(strstr(err, ":1: line longer than 1024 bytes"));
}

static void test_long_file(void **state)
{
	/* Lines across the 64 KB read buffer's edges keep their bytes. */
	static char data[200000];
	struct lines l;
	char err[VSR_ERR_MAX];
	size_t n = 0, lines = 0;

	(void)state;
	while (n + 50 < sizeof(data)) {
		int len = 1 + (int)(lines * 7 % 40);
		memset(data + n, 'a' + (int)(lines % 26), (size_t)len);
		n += (size_t)len;
		data[n++] = '\n';
		lines++;
	}
	put(data, n, 1);
	assert_int_equal(lines_open(&l, path, 1024, err), 0);
	for (size_t i = 0; i < lines; i++) {
		size_t len = 1 + i * 7 % 40;
		assert_int_equal(lines_next(&l, err), 1);
		assert_int_equal(l.line.len, len);
		assert_int_equal(l.line.ptr[0], 'a' + (int)(i % 26));
		assert_int_equal(l.line.ptr[len - 1], 'a' + (int)(i % 26));
		assert_int_equal(l.lineno, i + 1);
	}
	assert_int_equal(lines_next(&l, err), 0);
	lines_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_and_crlf, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_bom, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_nul, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_cap, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_long_file, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
