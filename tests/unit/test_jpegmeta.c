/*
 * base/jpegmeta: the EXIF orientation read from JPEG bytes that may lie
 * (a table: the segments of a file, the orientation expected, worked out by
 * hand from the EXIF 2.32 layout: "Exif\0\0", a TIFF header II/MM, IFD0's
 * 12-byte entries, tag 0x0112 a SHORT), and the APP1/APP2 segments put into
 * an encoder's output after its SOI and JFIF APP0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jpegmeta.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* A TIFF header and IFD0 with one entry: orientation 6 (II), 8 (MM). */
#define II6 "49492a00 08000000 0100 1201 0300 01000000 0600 0000 00000000"
#define MM8 "4d4d002a 00000008 0001 0112 0003 00000001 0008 0000 00000000"

struct part {
	int marker; /* 0xE1 ...: a segment of that marker, its length added; 0: raw bytes */
	const char *hex;
};

static const struct {
	const char *name;
	int expect;
	int no_soi;
	struct part parts[4];
} cases[] = {
	{ "little-endian 6", 6, 0, { { 0xe1, "457869660000" II6 }, { 0, "ffda0002" } } },
	{ "big-endian 8", 8, 0, { { 0xe1, "457869660000" MM8 }, { 0, "ffda0002" } } },
	{ "after a JFIF APP0 and fill bytes", 8, 0,
	  { { 0xe0, "4a46494600010100000100010000" }, { 0, "ffff" }, { 0xe1, "457869660000" MM8 } } },
	{ "second entry", 3, 0,
	  { { 0xe1, "457869660000 49492a00 08000000 0200 0f01 0200 04000000 63616d00"
		    "1201 0300 01000000 0300 0000 00000000" } } },
	{ "XMP first, then EXIF", 6, 0,
	  { { 0xe1, "687474703a2f2f6e732e61646f62652e636f6d2f7861702f312e302f00 3c782f3e" },
	    { 0xe1, "457869660000" II6 } } },
	{ "the first EXIF decides", 6, 0,
	  { { 0xe1, "457869660000" II6 }, { 0xe1, "457869660000" MM8 } } },
	{ "no EXIF", 1, 0, { { 0xe0, "4a46494600010100000100010000" }, { 0, "ffda0002ffd9" } } },
	{ "not a JPEG", 1, 1, { { 0xe1, "457869660000" II6 } } },
	{ "EXIF after the scan", 1, 0, { { 0, "ffda0002" }, { 0xe1, "457869660000" II6 } } },
	{ "an APP1 not EXIF", 1, 0, { { 0xe1, "457869670000" II6 } } },
	{ "a LONG", 1, 0,
	  { { 0xe1, "457869660000 49492a00 08000000 0100 1201 0400 01000000 06000000 00000000" } } },
	{ "two values", 1, 0,
	  { { 0xe1, "457869660000 49492a00 08000000 0100 1201 0300 02000000 0600 0500 00000000" } } },
	{ "value 9", 1, 0,
	  { { 0xe1, "457869660000 49492a00 08000000 0100 1201 0300 01000000 0900 0000 00000000" } } },
	{ "value 0", 1, 0,
	  { { 0xe1, "457869660000 49492a00 08000000 0100 1201 0300 01000000 0000 0000 00000000" } } },
	{ "bad magic", 1, 0,
	  { { 0xe1, "457869660000 49492b00 08000000 0100 1201 0300 01000000 0600 0000" } } },
	{ "mixed byte order", 1, 0,
	  { { 0xe1, "457869660000 494d2a00 08000000 0100 1201 0300 01000000 0600 0000" } } },
	{ "IFD past the end", 1, 0,
	  { { 0xe1, "457869660000 49492a00 ff000000 0100 1201 0300 01000000 0600 0000" } } },
	{ "IFD at the last byte", 1, 0, { { 0xe1, "457869660000 49492a00 08000000 01" } } },
	{ "entries past the end", 1, 0,
	  { { 0xe1, "457869660000 49492a00 08000000 ff00 0f01 0200 04000000 63616d00 1201" } } },
	{ "TIFF header cut", 1, 0, { { 0xe1, "457869660000 49492a00" } } },
	/* The length says 0x00ff bytes; the file ends first. */
	{ "segment past the end", 1, 0, { { 0, "ffe100ff457869660000" II6 } } },
	{ "length 1", 1, 0, { { 0, "ffe10001" }, { 0xe1, "457869660000" II6 } } },
};

static size_t unhex(const char *s, unsigned char *out)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ')
			continue;
		unsigned hi = (unsigned)(s[0] <= '9' ? s[0] - '0' : s[0] - 'a' + 10);
		unsigned lo = (unsigned)(s[1] <= '9' ? s[1] - '0' : s[1] - 'a' + 10);
		out[n++] = (unsigned char)(hi << 4 | lo);
		s++;
	}
	return n;
}

/* SOI (unless no_soi), then parts[0..n) up to the first without hex. */
static size_t build(const struct part *parts, size_t np, int no_soi, unsigned char *out)
{
	size_t n = 0;

	if (!no_soi) {
		out[n++] = 0xff;
		out[n++] = 0xd8;
	}
	for (size_t i = 0; i < np && parts[i].hex; i++) {
		if (parts[i].marker) {
			size_t len = unhex(parts[i].hex, out + n + 4) + 2;
			out[n] = 0xff;
			out[n + 1] = (unsigned char)parts[i].marker;
			out[n + 2] = (unsigned char)(len >> 8);
			out[n + 3] = (unsigned char)len;
			n += len + 2;
		} else {
			n += unhex(parts[i].hex, out + n);
		}
	}
	return n;
}

static void test_orientation(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		unsigned char b[512];
		size_t n = build(cases[i].parts, N(cases[i].parts), cases[i].no_soi, b);
		int got = jpeg_exif_orientation(b, n);

		if (got != cases[i].expect)
			fail_msg("%s: orientation %d, expected %d", cases[i].name, got, cases[i].expect);
		/*
		 * The whole and every prefix, each in a buffer of its own size, are
		 * read without going past it (ASan builds), an orientation from 1 to 8.
		 */
		for (size_t k = 0; k <= n; k++) {
			unsigned char *p = malloc(k ? k : 1);
			int o;

			assert_non_null(p);
			memcpy(p, b, k);
			o = jpeg_exif_orientation(p, k);
			free(p);
			if (o < 1 || o > 8)
				fail_msg("%s, first %zu bytes: %d", cases[i].name, k, o);
		}
	}
}

static void test_copy_meta(void **state)
{
	static const struct part from[] = { { 0xe0, "4a46494600010100000100010000" },
					    { 0xe1, "457869660000" II6 },
					    { 0xed, "50686f746f73686f7020332e3000" },
					    { 0xe2, "4943435f50524f46494c4500 0101 00" } };
	static const struct part jfif[] = { { 0xe0, "4a46494600010100000100010000" },
					    { 0xdb, "00" },
					    { 0, "ffda0002ffd9" } };
	static const struct part adobe[] = { { 0xee, "41646f626500" }, { 0, "ffda0002ffd9" } };
	/* The encoder's SOI and APP0, the APP1 and APP2 of from, the rest of the encoder's. */
	static const struct part want_jfif[] = { { 0xe0, "4a46494600010100000100010000" },
						 { 0xe1, "457869660000" II6 },
						 { 0xe2, "4943435f50524f46494c4500 0101 00" },
						 { 0xdb, "00" } };
	static const struct part want_adobe[] = { { 0xe1, "457869660000" II6 },
						  { 0xe2, "4943435f50524f46494c4500 0101 00" },
						  { 0xee, "41646f626500" },
						  { 0, "ffda0002ffd9" } };
	unsigned char f[512], j[512], w[512];
	size_t fn = build(from, N(from), 0, f), jn, wn;
	struct buf out = BUF_INIT;

	(void)state;
	jn = build(jfif, N(jfif), 0, j);
	wn = build(want_jfif, N(want_jfif), 0, w);
	wn += unhex("ffda0002ffd9", w + wn);
	assert_int_equal(jpeg_copy_meta(f, fn, j, jn, &out), 0);
	assert_int_equal(out.len, wn);
	assert_memory_equal(out.ptr, w, wn);
	assert_int_equal(jpeg_exif_orientation((unsigned char *)out.ptr, out.len), 6);
	buf_release(&out);

	jn = build(adobe, N(adobe), 0, j);
	wn = build(want_adobe, N(want_adobe), 0, w);
	assert_int_equal(jpeg_copy_meta(f, fn, j, jn, &out), 0);
	assert_int_equal(out.len, wn);
	assert_memory_equal(out.ptr, w, wn);
	buf_release(&out);

	/* From a file with no metadata (or none at all): the encoder's bytes as they are. */
	assert_int_equal(jpeg_copy_meta(j, 1, j, jn, &out), 0);
	assert_int_equal(out.len, jn);
	assert_memory_equal(out.ptr, j, jn);
	buf_release(&out);
	/* Not a JPEG to put them into: refused, nothing appended. */
	assert_int_equal(jpeg_copy_meta(f, fn, j + 2, jn - 2, &out), -1);
	assert_int_equal(out.len, 0);
}

/* The tag set to 1 in place, little- and big-endian; none to set: -1, the bytes unchanged. */
static void test_reset(void **state)
{
	static const struct part le[] = { { 0xe1, "457869660000" II6 }, { 0, "ffda0002" } };
	static const struct part be[] = { { 0xe0, "4a46494600010100000100010000" },
					  { 0xe1, "457869660000" MM8 } };
	static const struct part none[] = { { 0xe1, "457869660000 49492a00 08000000 0100 0f01 0200 "
						    "04000000 63616d00 00000000" } };
	unsigned char b[512], c[512];
	size_t n;

	(void)state;
	n = build(le, N(le), 0, b);
	assert_int_equal(jpeg_reset_orientation(b, n), 0);
	assert_int_equal(jpeg_exif_orientation(b, n), 1);
	n = build(be, N(be), 0, b);
	memcpy(c, b, n);
	assert_int_equal(jpeg_reset_orientation(b, n), 0);
	assert_int_equal(jpeg_exif_orientation(b, n), 1);
	/* Only the value's two bytes changed. */
	for (size_t i = 0, diff = 0; i < n; i++) {
		diff += b[i] != c[i];
		assert_true(diff <= 1);
	}
	assert_int_equal(jpeg_reset_orientation(b, n), -1); /* 1 already */
	n = build(none, N(none), 0, b);
	memcpy(c, b, n);
	assert_int_equal(jpeg_reset_orientation(b, n), -1);
	assert_memory_equal(b, c, n);
}

/* A bare EXIF payload (a PNG's eXIf chunk), with or without JPEG's "Exif\0\0" before it. */
static void test_bare_exif(void **state)
{
	unsigned char b[64];
	size_t n;

	(void)state;
	n = unhex(II6, b);
	assert_int_equal(exif_orientation(b, n), 6);
	n = unhex("457869660000" MM8, b);
	assert_int_equal(exif_orientation(b, n), 8);
	n = unhex("4d4d002a", b);
	assert_int_equal(exif_orientation(b, n), 1);
	assert_int_equal(exif_orientation(b, 0), 1);
}

/*
 * The multi-picture index (APP2 "MPF\0", CIPA DC-007) taken out, every
 * other segment and the scan kept byte for byte, an ICC profile's APP2 too;
 * a file without one, or no JPEG, unchanged.
 */
static void test_drop_mpf(void **state)
{
	static const struct part mpo[] = { { 0xe1, "457869660000" II6 },
					   { 0xe2, "4d504600 4d4d002a 00000008" },
					   { 0xe2, "4943435f50524f46494c4500 0101 00" },
					   { 0, "ffda0002 1234 ffd9" } };
	static const struct part want[] = { { 0xe1, "457869660000" II6 },
					    { 0xe2, "4943435f50524f46494c4500 0101 00" },
					    { 0, "ffda0002 1234 ffd9" } };
	unsigned char b[512], w[512];
	size_t n = build(mpo, N(mpo), 0, b), wn = build(want, N(want), 0, w);

	(void)state;
	assert_int_equal(jpeg_drop_mpf(b, n), wn);
	assert_memory_equal(b, w, wn);
	assert_int_equal(jpeg_drop_mpf(w, wn), wn);
	n = build(mpo, N(mpo), 1, b);
	assert_int_equal(jpeg_drop_mpf(b, n), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_copy_meta),
		cmocka_unit_test(test_drop_mpf),
		cmocka_unit_test(test_bare_exif),
		cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
