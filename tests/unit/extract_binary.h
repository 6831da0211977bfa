/*
 * What test_extract.c and test_extract_twins.c share: the four binary
 * formats, a reply read as one of them, and the extractor's start.
 * Static: each test program includes it once.
 */
#ifndef VSR_TEST_EXTRACT_BINARY_H
#define VSR_TEST_EXTRACT_BINARY_H

#include <stdio.h>
#include <string.h>

#include "harness/extract.h"
#include "suites/item.h"
#include "base/util.h"

static const char *const binary_formats[] = { "yesno", "truefalse", "letter-yes-no", "letter-no-yes" };
static const char *const opt_yes_no[] = { "yes", "no" };
static const answer_t ans_yes_no[] = { ANS_YES, ANS_NO };
static const char *const opt_no_yes[] = { "no", "yes" };
static const answer_t ans_no_yes[] = { ANS_NO, ANS_YES };

/* A reply read as binary format f: yesno and truefalse free, or yes/no as lettered options. */
static answer_t read_binary(const char *reply, const char *f)
{
	if (!strcmp(f, "letter-yes-no"))
		return extract_answer(reply, opt_yes_no, ans_yes_no, 2);
	if (!strcmp(f, "letter-no-yes"))
		return extract_answer(reply, opt_no_yes, ans_no_yes, 2);
	return extract_answer(reply, NULL, NULL, 0);
}

/* extract_init for a cmocka group set-up: -1 (said on stderr) when it fails. */
static int extract_start(void)
{
	char err[VSR_ERR_MAX];

	if (extract_init(err)) {
		fprintf(stderr, "extract_init: %s\n", err);
		return -1;
	}
	return 0;
}

#endif
