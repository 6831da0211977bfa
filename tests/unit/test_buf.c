/* The growable buffer: invariants, caps, escaping, line reading. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base64.h"
#include "base/buf.h"

static void test_init_is_empty_string(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	buf_release(&b);
	assert_string_equal(b.ptr, "");
}

static void test_append_and_printf(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_adds(&b, "left"), 0);
	assert_int_equal(buf_addch(&b, ' '), 0);
	assert_int_equal(buf_addf(&b, "%s %d", "of", 42), 0);
	assert_string_equal(b.ptr, "left of 42");
	assert_int_equal(b.len, 10);
	/* Growth across many reallocations keeps the contents. */
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%03d", i % 1000);
	assert_int_equal(b.len, 10 + 3000);
	assert_memory_equal(b.ptr + 10, "000001002", 9);
	assert_int_equal(b.ptr[b.len], '\0');
	buf_release(&b);
}

static void test_cap_is_an_error_and_keeps_contents(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	b.max = 8;
	assert_int_equal(buf_adds(&b, "12345678"), 0);
	assert_int_equal(buf_adds(&b, "9"), -1);
	assert_true(b.capped);
	assert_string_equal(b.ptr, "12345678");
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "%s", "123456789"), -1);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	buf_release(&b);
}

static void test_json_escape(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_add_json_str(&b, "a\"b\\c\nd\te\x01 caf\xc3\xa9");
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\nd\\te\\u0001 caf\xc3\xa9\"");
	buf_reset(&b);
	buf_add_json_str(&b, NULL);
	assert_string_equal(b.ptr, "null");
	buf_release(&b);
}

/*
 * Bytes that are not UTF-8 (issue 18, item 10) become U+FFFD (EF BF BD), one
 * per byte, counted; well-formed sequences of 2, 3 and 4 bytes stay.  The
 * cases are RFC 3629's: a lone continuation byte, a truncated sequence, an
 * overlong form (C0 AF), a surrogate (ED A0 80), a code point past U+10FFFF
 * (F4 90 80 80), FF.
 */
static void test_json_utf8(void **state)
{
	static const char in[] = "ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80|\x80|\xe2\x82|"
				 "\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xff";
	static const char want[] = "\"ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80|\xef\xbf\xbd|"
				   "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
				   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
				   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\"";
	struct buf b = BUF_INIT;
	size_t replaced = 0;

	(void)state;
	assert_int_equal(buf_add_json_strn(&b, in, sizeof(in) - 1, &replaced), 0);
	assert_string_equal(b.ptr, want);
	assert_int_equal(replaced, 1 + 2 + 2 + 3 + 4 + 1);
	/* A NUL inside the given length is data, escaped. */
	buf_reset(&b);
	assert_int_equal(buf_add_json_strn(&b, "a\0b", 3, NULL), 0);
	assert_string_equal(b.ptr, "\"a\\u0000b\"");
	buf_release(&b);
}

/* The longest prefix whose JSON fits: "\n" costs 2, "\x01" 6, "é" 2, a bad byte 3. */
static void test_json_fit(void **state)
{
	(void)state;
	assert_int_equal(buf_json_str_fit("abc", 3, 10), 3);
	assert_int_equal(buf_json_str_fit("abc", 3, 2), 2);
	assert_int_equal(buf_json_str_fit("a\nb", 3, 2), 1);
	assert_int_equal(buf_json_str_fit("a\nb", 3, 3), 2);
	assert_int_equal(buf_json_str_fit("\x01\x01", 2, 11), 1);
	assert_int_equal(buf_json_str_fit("\x01\x01", 2, 12), 2);
	assert_int_equal(buf_json_str_fit("\xc3\xa9\xc3\xa9", 4, 3), 2); /* never half an e-acute */
	assert_int_equal(buf_json_str_fit("\xff\xff", 2, 5), 1);
	assert_int_equal(buf_json_str_fit("\xff\xff", 2, 6), 2);
}

static void test_xml_escape(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_add_xml_str(&b, "<script>alert('x' & \"y\")</script>");
	assert_string_equal(b.ptr,
			    "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
	buf_release(&b);
}

/*
 * One Markdown code span, CommonMark's rules (spec 0.30, "Code spans"): the
 * fence is one backtick longer than the longest run inside; a space pads
 * both ends when the text begins or ends with a backtick, or with a space at
 * both ends; nothing is escaped but '|' in a table cell (GFM tables).
 */
static void test_md_code(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		int cell;
		const char *want;
	} cases[] = {
		{ "builtin:geometry", 0, 0, "`builtin:geometry`" },
		{ "exec \"python3 '/tmp/o<r>&c.py' --x=a|b\"", 0, 0,
		  "`exec \"python3 '/tmp/o<r>&c.py' --x=a|b\"`" },
		{ "a|b\\c", 0, 1, "`a\\|b\\c`" },
		{ "x `y` z", 0, 0, "``x `y` z``" },
		{ "a``b```c", 0, 0, "````a``b```c````" },
		{ "`start", 0, 0, "`` `start ``" },
		{ "end`", 0, 0, "`` end` ``" },
		{ " both ", 0, 0, "`  both  `" },
		{ "  ", 0, 0, "`  `" },
		{ " left", 0, 0, "` left`" },
		{ "", 0, 0, "` `" },
		{ "two\nlines\tand a tab", 0, 0, "`two lines and a tab`" },
		{ "ab\xc3\xa9" "cd", 3, 0, "`ab…`" }, /* not cut inside the two bytes of the e acute */
		{ "0123456789abcdef", 12, 0, "`0123456789ab…`" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(buf_add_md_code(&b, cases[i].in, cases[i].max, cases[i].cell), 0);
		assert_string_equal(b.ptr, cases[i].want);
		buf_release(&b);
	}
}

static void test_getline(void **state)
{
	char path[] = "/tmp/vsr-test-buf-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w+");
	struct buf b = BUF_INIT;
	int complete;

	(void)state;
	fputs("first\r\nsecond\n", fp);
	for (int i = 0; i < 10000; i++)
		fputc('x', fp);
	fputs("\nlast-without-newline", fp);
	rewind(fp);
	assert_int_equal(buf_getline(&b, fp, &complete), 1);
	assert_string_equal(b.ptr, "first");
	assert_int_equal(buf_getline(&b, fp, &complete), 1);
	assert_string_equal(b.ptr, "second");
	b.max = 100;
	/* Too long: an error, and the rest of that line is skipped. */
	assert_int_equal(buf_getline(&b, fp, &complete), -1);
	assert_true(b.capped);
	assert_int_equal(buf_getline(&b, fp, &complete), 1);
	assert_string_equal(b.ptr, "last-without-newline");
	assert_int_equal(complete, 0);
	assert_int_equal(buf_getline(&b, fp, &complete), 0);
	fclose(fp);
	unlink(path);
	buf_release(&b);
}

static void test_detach(void **state)
{
	struct buf b = BUF_INIT;
	size_t n;
	char *s;

	(void)state;
	s = buf_detach(&b, &n);
	assert_string_equal(s, "");
	assert_int_equal(n, 0);
	free(s);
	buf_adds(&b, "abc");
	s = buf_detach(&b, &n);
	assert_string_equal(s, "abc");
	assert_int_equal(n, 3);
	assert_string_equal(b.ptr, "");
	free(s);
}

/* A file of n bytes whose byte i is i*7 mod 251 (so no two runs look alike). */
static char *make_file(size_t n)
{
	char *path = strdup("/tmp/vsr-test-buf.XXXXXX");
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "wb");

	for (size_t i = 0; i < n; i++)
		fputc((int)(i * 7 % 251), fp);
	fclose(fp);
	return path;
}

static void check_pattern(const struct buf *b, size_t n)
{
	assert_int_equal(b->len, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)b->ptr[i] != i * 7 % 251)
			fail_msg("byte %zu differs", i);
	assert_int_equal(b->ptr[n], '\0');
}

static void test_read_file(void **state)
{
	/* Sizes around the 64 KB read step, 0, and one well past it. */
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 300001 };
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char *path = make_file(sizes[k]);
		buf_reset(&b);
		assert_int_equal(buf_read_file(&b, path), 0);
		check_pattern(&b, sizes[k]);
		/* Exactly at the cap is fine; one byte over is EFBIG. */
		buf_release(&b);
		b.max = sizes[k];
		assert_int_equal(buf_read_file(&b, path), 0);
		check_pattern(&b, sizes[k]);
		assert_false(b.capped);
		buf_release(&b);
		if (sizes[k] > 1) { /* max 0 means no cap */
			b.max = sizes[k] - 1;
			errno = 0;
			assert_int_equal(buf_read_file(&b, path), -1);
			assert_int_equal(errno, EFBIG);
			buf_release(&b);
		}
		b.max = 0;
		unlink(path);
		free(path);
	}
	/* Appends to what is there; a missing file is -1 with ENOENT. */
	buf_adds(&b, "x");
	errno = 0;
	assert_int_equal(buf_read_file(&b, "/nonexistent/vsr-test"), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(b.ptr, "x");
	/* A file whose size stat() does not know. */
	assert_int_equal(buf_read_file(&b, "/proc/self/status"), 0);
	assert_non_null(strstr(b.ptr, "\nPid:"));
	buf_release(&b);
}

static void test_numbers(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_add_u64(&b, 0);
	buf_addch(&b, ' ');
	buf_add_u64(&b, UINT64_MAX);
	assert_string_equal(b.ptr, "0 18446744073709551615");
	buf_reset(&b);
	/* Integers exactly; others in the shortest of 15/17 digits that reads back. */
	buf_add_json_num(&b, 0);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, -0.0);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 101);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, -42);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 9007199254740992.0);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 0.7);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 0.1 + 0.2);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 1e300);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 0.0 / 0.0);
	buf_addch(&b, ' ');
	buf_add_json_num(&b, 1.0 / 0.0);
	assert_string_equal(b.ptr, "0 0 101 -42 9007199254740992 0.7 0.30000000000000004 1e+300 null null");
	buf_release(&b);
}

/*
 * A NUL byte inside a line (issue 18, finding 4): the whole line is read,
 * NUL included, reported as -2, and the next line is its own (fgets and
 * strlen used to join them: 3 lines read as 2).
 */
static void test_getline_nul(void **state)
{
	char path[] = "/tmp/vsr-test-buf-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w+");
	struct buf b = BUF_INIT;
	int complete;

	(void)state;
	fwrite("a\0b\nc\nd\0", 1, 8, fp);
	rewind(fp);
	assert_int_equal(buf_getline(&b, fp, &complete), -2);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "a\0b", 3);
	assert_int_equal(complete, 1);
	assert_int_equal(buf_getline(&b, fp, &complete), 1);
	assert_string_equal(b.ptr, "c");
	/* The last line, NUL and no newline: still -2, and marked incomplete. */
	assert_int_equal(buf_getline(&b, fp, &complete), -2);
	assert_int_equal(b.len, 2);
	assert_int_equal(complete, 0);
	assert_int_equal(buf_getline(&b, fp, &complete), 0);
	fclose(fp);
	unlink(path);
	buf_release(&b);
}

/* RFC 4648's vectors, every byte value (python3 base64.b64encode(bytes(range(256)))), a round trip. */
static void test_base64(void **state)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char all[] =
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BB"
		"QkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKD"
		"hIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TF"
		"xsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";
	unsigned char bytes[256], big[3001], back[3001 / 3 * 4 + 3];
	struct buf b = BUF_INIT;
	size_t n;
	uint32_t x = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		buf_reset(&b);
		assert_int_equal(buf_add_base64(&b, (const unsigned char *)vec[i][0], strlen(vec[i][0])), 0);
		assert_string_equal(b.ptr, vec[i][1]);
	}
	for (int i = 0; i < 256; i++)
		bytes[i] = (unsigned char)i;
	buf_reset(&b);
	assert_int_equal(buf_add_base64(&b, bytes, sizeof(bytes)), 0);
	assert_string_equal(b.ptr, all);
	for (size_t i = 0; i < sizeof(big); i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (unsigned char)(x >> 16);
	}
	for (size_t len = 0; len <= sizeof(big); len = len == 40 ? sizeof(big) - 3 : len + 1) {
		buf_reset(&b);
		assert_int_equal(buf_add_base64(&b, big, len), 0);
		assert_int_equal(b.len, (len + 2) / 3 * 4);
		assert_int_equal(b64_decode(b.ptr, b.len, back, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(back, big, len);
	}
	buf_release(&b);
}

/*
 * The escaper against a byte-at-a-time one written here from RFC 8259 and
 * RFC 3629 (two-byte escapes for " \ \n \r \t, \u00XX for other controls,
 * U+FFFD for a byte that starts no well-formed UTF-8 character), on strings
 * that put each kind of byte at every offset of an eight-byte word, and
 * buf_json_str_fit against the length of that writing.
 */
static size_t ref_utf8(const unsigned char *p, size_t n)
{
	size_t k = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;

	if (p[0] < 0x80)
		return 1;
	if (!k || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return k;
}

/* Writes s escaped into out (no quotes); returns the length; *cost[i] the length after i bytes. */
static size_t ref_escape(const unsigned char *s, size_t n, char *out, size_t *after)
{
	size_t o = 0, i = 0;

	after[0] = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t k = ref_utf8(s + i, n - i);
		if (c == '"' || c == '\\')
			o += (size_t)sprintf(out + o, "\\%c", c);
		else if (c == '\n' || c == '\r' || c == '\t')
			o += (size_t)sprintf(out + o, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20)
			o += (size_t)sprintf(out + o, "\\u%04x", c);
		else if (!k)
			o += (size_t)sprintf(out + o, "\xef\xbf\xbd");
		else {
			memcpy(out + o, s + i, k);
			o += k;
		}
		for (size_t j = 1; j < (k ? k : 1); j++)
			after[i + j] = (size_t)-1; /* inside a character: no cut here */
		i += k ? k : 1;
		after[i] = o;
	}
	return o;
}

static void test_json_escape_words(void **state)
{
	static const char *const kinds[] = { "\"", "\\", "\n", "\x01", "\x1f", "\xc3\xa9",
					     "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff", "\xc3", "\x7f" };
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t at = 0; at < 19; at++) {
			unsigned char in[40];
			char want[300];
			size_t n = 0, after[41], len, replaced = 0;

			for (size_t i = 0; i < at; i++)
				in[n++] = (unsigned char)('a' + i % 26);
			memcpy(in + n, kinds[k], strlen(kinds[k]));
			n += strlen(kinds[k]);
			for (size_t i = 0; i < 9; i++)
				in[n++] = (unsigned char)('A' + i);
			len = ref_escape(in, n, want, after);
			want[len] = '\0';
			buf_reset(&b);
			assert_int_equal(buf_add_json_strn(&b, (const char *)in, n, &replaced), 0);
			assert_int_equal(b.len, len + 2);
			assert_memory_equal(b.ptr + 1, want, len);
			for (size_t budget = 0; budget <= len; budget++) {
				size_t fit = 0;
				for (size_t i = 0; i <= n; i++)
					if (after[i] != (size_t)-1 && after[i] <= budget)
						fit = i;
				assert_int_equal(buf_json_str_fit((const char *)in, n, budget), fit);
			}
		}
	buf_release(&b);
}

/* buf_add_ms writes what printf's "%.3f" writes (the C library is the reference), ties too. */
static void test_ms(void **state)
{
	static const double fixed[] = { 0, 0.0004, 0.0005, 0.0015, 0.0025, 1.2345, 2.5, 999.9995,
					 1234.5675, 0.1 + 0.2, 1e-9, 17.0, 123456789.0625, 1e11 - 0.5,
					 1e12, -1.0, -0.0 };
	struct buf b = BUF_INIT;
	uint64_t x = 88172645463325252ULL;
	char want[64];

	(void)state;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 200000; i++) {
		double v;
		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			v = fixed[i];
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* A spread of magnitudes, and many values a thousandth and a half from a step. */
			v = (double)(x >> 11) / 9007199254740992.0 * (double)(1ULL << (x % 34));
			if (i % 3 == 0)
				v = ((double)(x % 100000000) + 0.5) / 1000.0;
		}
		buf_reset(&b);
		assert_int_equal(buf_add_ms(&b, v), 0);
		snprintf(want, sizeof(want), "%.3f", v);
		assert_string_equal(b.ptr, want);
	}
	buf_release(&b);
}

/*
 * utf8_cut_len never ends inside a character: "a\xc3\xa9\xe2\x82\xacz" is
 * a, e-acute (2 bytes), the euro sign (3 bytes), z; the cuts allowed are
 * after 1, 3, 6 and 7 bytes (counted by hand from the encodings).
 */
static void test_utf8_cut_len(void **state)
{
	static const char s[] = "a\xc3\xa9\xe2\x82\xacz";
	static const size_t want[] = { 0, 1, 1, 3, 3, 3, 6, 7, 7 };

	(void)state;
	for (size_t max = 0; max <= 8; max++)
		assert_int_equal(utf8_cut_len(s, 7, max), want[max]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_empty_string),
		cmocka_unit_test(test_utf8_cut_len),
		cmocka_unit_test(test_append_and_printf),
		cmocka_unit_test(test_cap_is_an_error_and_keeps_contents),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_md_code),
		cmocka_unit_test(test_getline),
		cmocka_unit_test(test_getline_nul),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_json_fit),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_json_escape_words),
		cmocka_unit_test(test_ms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
