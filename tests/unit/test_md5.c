/* MD5 against the test suite of RFC 1321 (appendix A.5), whole and in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/md5.h"

static void test_rfc1321_suite(void **state)
{
	static const char *const v[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234567890123456"
		  "7890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	static const size_t pieces[] = { 0, 1, 7, 56, 64 };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t j = 0; j < sizeof(pieces) / sizeof(pieces[0]); j++) {
			const char *p = v[i][0];
			size_t n = strlen(p);
			char got[MD5_HEX_LEN + 1];
			struct md5 h;

			md5_init(&h);
			while (n) {
				size_t k = pieces[j] && pieces[j] < n ? pieces[j] : n;
				md5_update(&h, p, k);
				p += k, n -= k;
			}
			md5_final_hex(&h, got);
			assert_string_equal(got, v[i][1]);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1321_suite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
