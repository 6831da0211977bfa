/* rawlines: lines in place, how each ended, and the offset after it (the journal's reader). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/rawlines.h"
#include "scratch.h"

static void write_bytes(const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

/* The next line must be `want` (NULL: an over-long one), ending as said, at offset end. */
static void expect(struct rawlines *r, const char *want, size_t want_len, int complete, long long end)
{
	struct rawline l;

	assert_int_equal(rawlines_next(r, &l), 1);
	assert_int_equal(l.complete, complete);
	assert_int_equal(l.end, end);
	if (!want) {
		assert_int_equal(l.over, 1);
		assert_null(l.ptr);
		assert_int_equal(l.len, 0);
		return;
	}
	assert_int_equal(l.over, 0);
	assert_int_equal(l.len, want_len);
	assert_memory_equal(l.ptr, want, want_len);
	assert_int_equal(l.ptr[l.len], '\0');
}

static void expect_end(struct rawlines *r)
{
	struct rawline l;

	assert_int_equal(rawlines_next(r, &l), 0);
	assert_int_equal(rawlines_next(r, &l), 0);
}

static int open_scratch(struct rawlines *r, size_t max)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	rawlines_init(r, fd, max);
	return fd;
}

static void test_short_lines(void **state)
{
	/* Offsets by hand: "ab\n" ends at 3, "cd\r\n" at 7, "\n" at 8, "last" at 12. */
	static const char text[] = "ab\ncd\r\n\nlast";
	struct rawlines r;
	int fd;

	(void)state;
	write_bytes(text, sizeof(text) - 1);
	fd = open_scratch(&r, 10);
	expect(&r, "ab", 2, 1, 3);
	expect(&r, "cd\r", 3, 1, 7); /* '\r' is the caller's to drop */
	expect(&r, "", 0, 1, 8);
	expect(&r, "last", 4, 0, 12); /* no '\n': the file ended first */
	expect_end(&r);
	rawlines_release(&r);
	close(fd);
}

static void test_nul_kept_and_empty_file(void **state)
{
	struct rawlines r;
	int fd;

	(void)state;
	write_bytes("a\0b\n", 4);
	fd = open_scratch(&r, 10);
	expect(&r, "a\0b", 3, 1, 4);
	expect_end(&r);
	rawlines_release(&r);
	close(fd);

	write_bytes("", 0);
	fd = open_scratch(&r, 10);
	expect_end(&r);
	rawlines_release(&r);
	close(fd);
}

static void test_over_long(void **state)
{
	/* max 3: "abcd" (4) is over, "abc" is not; the torn last one is over too. */
	static const char text[] = "abcd\nabc\nxy\nabcdefgh";
	struct rawlines r;
	int fd;

	(void)state;
	write_bytes(text, sizeof(text) - 1);
	fd = open_scratch(&r, 3);
	expect(&r, NULL, 0, 1, 5);
	expect(&r, "abc", 3, 1, 9);
	expect(&r, "xy", 2, 1, 12);
	expect(&r, NULL, 0, 0, 20);
	expect_end(&r);
	rawlines_release(&r);
	close(fd);
}

static void test_lines_across_reads(void **state)
{
	/*
	 * Lines much longer than one read (64 KB): 300,000 'x', "z", 500,000
	 * 'y' (over a max of 400,000), "w".  Offsets: 300,001; 300,003;
	 * 800,004; 800,006.
	 */
	size_t n = 300000 + 1 + 2 + 500000 + 1 + 2;
	char *t = malloc(n), *p = t;
	struct rawlines r;
	int fd;

	(void)state;
	memset(p, 'x', 300000), p += 300000, *p++ = '\n';
	memcpy(p, "z\n", 2), p += 2;
	memset(p, 'y', 500000), p += 500000, *p++ = '\n';
	memcpy(p, "w\n", 2), p += 2;
	assert_int_equal((size_t)(p - t), n);
	write_bytes(t, n);
	fd = open_scratch(&r, 400000);
	expect(&r, t, 300000, 1, 300001);
	expect(&r, "z", 1, 1, 300003);
	expect(&r, NULL, 0, 1, 800004);
	expect(&r, "w", 1, 1, 800006);
	expect_end(&r);
	/* The buffer holds at most one line under max and a read: never the over-long one. */
	assert_true(r.cap < 400000 + 4 * 65536);
	rawlines_release(&r);
	close(fd);
	free(t);
}

static void test_read_error(void **state)
{
	struct rawlines r;
	struct rawline l;

	(void)state;
	rawlines_init(&r, -1, 10); /* not a descriptor: read() fails with EBADF */
	assert_int_equal(rawlines_next(&r, &l), -1);
	rawlines_release(&r);
}

/* gzip bytes of data (gzip's own format, as gzip -c writes it) appended to out. */
static size_t gzip_member(const char *data, unsigned char *out, size_t cap)
{
	unsigned char in[256];
	size_t len = strlen(data);
	z_stream zs;

	assert_true(len <= sizeof(in));
	memcpy(in, data, len);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return cap - zs.avail_out;
}

/*
 * rawlines_open inflates a gzip file, two members as one stream (as gzip -d
 * reads them), offsets counting the inflated bytes; cut short, it fails
 * saying so; a plain file is read as it is.
 */
static void test_gzip(void **state)
{
	unsigned char z[512];
	size_t n = 0;
	struct rawlines r;
	struct rawline l;
	char why[160];

	(void)state;
	n += gzip_member("one\ntwo\n", z + n, sizeof(z) - n);
	n += gzip_member("three", z + n, sizeof(z) - n);
	write_bytes((const char *)z, n);
	assert_int_equal(rawlines_open(&r, path, 100), 0);
	assert_int_equal(rawlines_is_gzip(&r), 1);
	expect(&r, "one", 3, 1, 4);
	expect(&r, "two", 3, 1, 8);
	expect(&r, "three", 5, 0, 13);
	expect_end(&r);
	rawlines_release(&r);

	write_bytes((const char *)z, n - 6); /* the last member's length and part of its CRC gone */
	assert_int_equal(rawlines_open(&r, path, 100), 0);
	expect(&r, "one", 3, 1, 4);
	expect(&r, "two", 3, 1, 8);
	while (rawlines_next(&r, &l) > 0)
		;
	assert_int_equal(rawlines_next(&r, &l), -1);
	assert_string_equal(rawlines_strerror(&r, why, sizeof(why)), "truncated gzip data");
	rawlines_release(&r);

	write_bytes("a\n", 2);
	assert_int_equal(rawlines_open(&r, path, 100), 0);
	assert_int_equal(rawlines_is_gzip(&r), 0);
	expect(&r, "a", 1, 1, 2);
	expect_end(&r);
	rawlines_release(&r);
	assert_int_equal(rawlines_open(&r, "/nonexistent/x", 100), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_short_lines, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_nul_kept_and_empty_file, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_over_long, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_lines_across_reads, scratch_setup, scratch_teardown),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test_setup_teardown(test_gzip, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
