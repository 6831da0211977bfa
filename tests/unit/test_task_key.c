/*
 * The stable task key (harness/task.c, DESIGN.md): journals from earlier
 * runs are resumed and merged by it, so its value must not change by
 * accident.  The constants below were computed apart from this code, by
 * tests/unit/task_key_ref.py (a Python re-implementation of hash64 and
 * task_key from their description); run it to see them.  And the key must
 * change when any of its inputs does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "harness/task.h"

#define PROMPT "The cat is left of the dog. Is this statement correct? Answer yes or no."

static void test_hash64_vectors(void **state)
{
	(void)state;
	/* python3 tests/unit/task_key_ref.py: 0, 7, 8 and 9 bytes (no, part, one, one+part word). */
	assert_true(hash64("", 0, HASH_SEED) == 0x4e17cf67001b3979ULL);
	assert_true(hash64("abcdefg", 7, HASH_SEED) == 0x5394c3d3c53d6788ULL);
	assert_true(hash64("abcdefgh", 8, HASH_SEED) == 0xea0e85746c054a51ULL);
	assert_true(hash64("abcdefghi", 9, HASH_SEED) == 0x8c9b77d212690a7cULL);
	/* A NULL string hashes as the empty one. */
	assert_true(hash64_str(NULL, HASH_SEED) == hash64_str("", HASH_SEED));
}

static void test_stable(void **state)
{
	uint64_t k1, k2;

	(void)state;
	/* python3 tests/unit/task_key_ref.py: key1 and key2. */
	k1 = task_key("vsr-zeroshot-test", "L00001", "base", "yn01", PROMPT, 0x0123456789abcdefULL,
		      0xfedcba9876543210ULL, 32, 0.0, 0);
	if (k1 != 0xd2544be7af8aa129ULL)
		fail_msg("key1 %016" PRIx64 ", want d2544be7af8aa129", k1);
	/* Negative max_tokens (sign-extended), a non-zero temperature, an empty prompt. */
	k2 = task_key("mmbench-spatial", "1000241", "hflip+rot1", "mc01", "", 0, 0, -1, 0.7, 12345);
	if (k2 != 0x198e7a52062fca49ULL)
		fail_msg("key2 %016" PRIx64 ", want 198e7a52062fca49", k2);
	/* And the same inputs give the same key. */
	assert_true(task_key("vsr-zeroshot-test", "L00001", "base", "yn01", PROMPT,
			     0x0123456789abcdefULL, 0xfedcba9876543210ULL, 32, 0.0, 0) == k1);
}

/* Each input on its own changes the key; so does moving text between fields. */
static void test_differs(void **state)
{
#define BASE "s", "i", "base", "yn01", PROMPT, 1, 2, 32, 0.0, 3
	uint64_t k[16];
	size_t n = 0;

	(void)state;
	k[n++] = task_key(BASE);
	k[n++] = task_key("t", "i", "base", "yn01", PROMPT, 1, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "j", "base", "yn01", PROMPT, 1, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "i", "hflip", "yn01", PROMPT, 1, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "i", "base", "yn02", PROMPT, 1, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT " ", 1, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT, 9, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT, 1, 9, 32, 0.0, 3);
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT, 1, 2, 33, 0.0, 3);
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT, 1, 2, 32, 0.5, 3);
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT, 1, 2, 32, -0.0, 3); /* other bits */
	k[n++] = task_key("s", "i", "base", "yn01", PROMPT, 1, 2, 32, 0.0, 4);
	/* "s"+"i" vs "si"+"": the length of each field is part of the hash. */
	k[n++] = task_key("si", "", "base", "yn01", PROMPT, 1, 2, 32, 0.0, 3);
	k[n++] = task_key("s", "ibase", "", "yn01", PROMPT, 1, 2, 32, 0.0, 3);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (k[a] == k[b])
				fail_msg("keys %zu and %zu are equal (%016" PRIx64 ")", a, b, k[a]);
#undef BASE
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash64_vectors),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_differs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
