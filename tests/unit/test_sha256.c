/*
 * SHA-256 against the NIST examples (FIPS 180-4 example computations,
 * "SHA256.pdf" / "SHA2_Additional.pdf"), fed whole and in awkward pieces
 * so every path through the block buffer runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/sha256.h"

static void hex_of(const void *p, size_t n, size_t piece, char out[SHA256_HEX_LEN + 1])
{
	struct sha256 h;
	const unsigned char *c = p;

	sha256_init(&h);
	while (n) {
		size_t k = piece && piece < n ? piece : n;
		sha256_update(&h, c, k);
		c += k, n -= k;
	}
	sha256_final_hex(&h, out);
}

static void check(const char *msg, const char *want)
{
	static const size_t pieces[] = { 0, 1, 3, 55, 56, 63, 64, 65 };
	char got[SHA256_HEX_LEN + 1];

	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		hex_of(msg, strlen(msg), pieces[i], got);
		assert_string_equal(got, want);
	}
}

static void test_abc(void **state)
{
	(void)state;
	check("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_empty(void **state)
{
	(void)state;
	check("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_448_bits(void **state)
{
	(void)state;
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bits(void **state)
{
	(void)state;
	check("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
	      "lmnopqrsmnopqrstnopqrstu",
	      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_one_million_a(void **state)
{
	static char a[1000000];
	static const size_t pieces[] = { 0, 1, 4093, 64 * 1024 };
	char got[SHA256_HEX_LEN + 1];

	(void)state;
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		hex_of(a, sizeof(a), pieces[i], got);
		assert_string_equal(got,
				    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
}

/* Lengths 55, 56 and 64 put the padding at the block edges (NIST "SHA2_Additional"). */
static void test_padding_edges(void **state)
{
	char m[64];

	(void)state;
	memset(m, 0, sizeof(m));
	{
		char got[SHA256_HEX_LEN + 1];
		hex_of(m, 55, 0, got);
		assert_string_equal(got,
				    "02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7");
		hex_of(m, 56, 0, got);
		assert_string_equal(got,
				    "d4817aa5497628e7c77e6b606107042bbba3130888c5f47a375e6179be789fbb");
		hex_of(m, 57, 0, got);
		assert_string_equal(got,
				    "65a16cb7861335d5ace3c60718b5052e44660726da4cd13bb745381b235a1785");
		hex_of(m, 64, 0, got);
		assert_string_equal(got,
				    "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_448_bits),
		cmocka_unit_test(test_896_bits),
		cmocka_unit_test(test_one_million_a),
		cmocka_unit_test(test_padding_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
