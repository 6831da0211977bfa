/*
 * Yes and no twins: replies that differ only in the answer word must read
 * as opposites in every binary format (split out of test_extract.c, whose
 * tables are rows of single replies).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "extract_binary.h"

/*
 * Replies that differ only in the answer word, each side read by hand: the
 * first reads yes (or true), the second no (or false).  Version 2 read the
 * yes side of the boxed, JSON and emoji forms and lost the no side: "yes"
 * counts anywhere, "no" only before a clause end, and "}" or an emoji was
 * none, so "no" answers dropped out and the yes-rate rose (found by an
 * audit).  A form that reads for one word must read for the other.
 */
static const struct {
	const char *reads_yes, *reads_no;
} twins[] = {
	{ "Yes", "No" },
	{ "Yes.", "No." },
	{ "Yes, the cat is to the left of the dog.", "No, the cat is to the right of the dog." },
	{ "**Yes**", "**No**" },
	{ "\"Yes\"", "\"No\"" },
	{ "Yes. \xf0\x9f\x98\x8a", "No. \xf0\x9f\x98\x8a" },                   /* 😊 */
	{ "Yes \xf0\x9f\x91\x8d", "No \xf0\x9f\x91\x8e" },                     /* 👍 👎 */
	{ "Yes \xf0\x9f\x98\x8a", "No \xf0\x9f\x98\x8a" },                     /* 😊 */
	{ "Yes \xf0\x9f\x99\x82", "No \xf0\x9f\x99\x82" },                     /* 🙂 */
	{ "Yes \xe2\x9c\x94\xef\xb8\x8f", "No \xe2\x9c\x94\xef\xb8\x8f" },     /* ✔️ */
	{ "Yes \xe2\x86\x92 the cat is on the left.", "No \xe2\x86\x92 the cat is on the right." }, /* → */
	{ "\xc2\xabYes\xc2\xbb", "\xc2\xabNo\xc2\xbb" },                       /* « » */
	{ "\xe3\x80\x8cYes\xe3\x80\x8d", "\xe3\x80\x8cNo\xe3\x80\x8d" },       /* 「 」 */
	{ "\\boxed{Yes}", "\\boxed{No}" },
	{ "\\boxed{yes}", "\\boxed{no}" },
	{ "**Final Answer**\n\n\\boxed{Yes}", "**Final Answer**\n\n\\boxed{No}" },
	{ "The final answer is $\\boxed{Yes}$.", "The final answer is $\\boxed{No}$." },
	{ "\\boxed{\\text{Yes}}", "\\boxed{\\text{No}}" },
	{ "$\\boxed{\\text{Yes}}$", "$\\boxed{\\text{No}}$" },
	{ "\\boxed{\\textbf{Yes}}", "\\boxed{\\textbf{No}}" },
	{ "\\(\\boxed{Yes}\\)", "\\(\\boxed{No}\\)" },
	{ "$$\\boxed{\\text{Yes}}$$", "$$\\boxed{\\text{No}}$$" },
	{ "Answer: $\\text{Yes}$", "Answer: $\\text{No}$" },
	{ "The answer is $Yes$.", "The answer is $No$." },
	{ "<think>\nThe cat is left of the dog.\n</think>\n\n\\boxed{Yes}",
	  "<think>\nThe cat is right of the dog.\n</think>\n\n\\boxed{No}" },
	{ "{\"answer\": \"yes\"}", "{\"answer\": \"no\"}" },
	{ "{\"answer\":\"yes\"}", "{\"answer\":\"no\"}" },
	{ "{\"answer\": \"Yes\", \"reason\": \"the cat is on the left\"}",
	  "{\"answer\": \"No\", \"reason\": \"the cat is on the right\"}" },
	{ "```json\n{\"answer\": \"yes\"}\n```", "```json\n{\"answer\": \"no\"}\n```" },
	{ "Correct: yes", "Correct: no" },  /* "Correct:" labels the answer */
	{ "Correct: Yes. The cat is on the left.", "Correct: No. The cat is on the right." },
	{ "True.", "False." },
	{ "True", "False" },
	{ "Answer: true", "Answer: false" },
	{ "**True**", "**False**" },
	{ "True \xf0\x9f\x91\x8d", "False \xf0\x9f\x91\x8e" },                 /* 👍 👎 */
	{ "{\"answer\": \"true\"}", "{\"answer\": \"false\"}" },
	{ "{\"answer\": true}", "{\"answer\": false}" },
	/* Reasoning models box their answer, also to a true/false template (version 3 read neither). */
	{ "\\boxed{True}", "\\boxed{False}" },
	{ "\\boxed{\\text{True}}", "\\boxed{\\text{False}}" },
	{ "$\\boxed{\\textbf{True}}$", "$\\boxed{\\textbf{False}}$" },
	{ "**Final Answer**\n\n\\boxed{True}", "**Final Answer**\n\n\\boxed{False}" },
	{ "\\boxed{Correct}", "\\boxed{Incorrect}" },
	{ "\\boxed{\\text{Correct}}", "\\boxed{\\text{Incorrect}}" },
};

/* Not answers, by hand: "no" here is a number or a determiner. */
static const char *const no_answer[] = {
	"No. 5",
	"No. 5 is on the left.",
	"No 5 is on the left.",
	"\\boxed{No. 5}",
	"No \xe2\x91\xa0",                                                     /* ① */
	"no one",
	"I know.",
	"No doubt, the cat is on the left.",
	"There is no cat in the picture \xf0\x9f\x90\xb1",                     /* 🐱 */
	"No \xe2\x82\xac" "5 fee",                                             /* € */
	"no $5 fee",
};

/* Each twin, in every binary format: the yes side reads yes, the no side no. */
static void test_twins(void **state)
{
	size_t i, k, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		for (k = 0; k < sizeof(binary_formats) / sizeof(binary_formats[0]); k++) {
			const char *f = binary_formats[k];
			answer_t y = read_binary(twins[i].reads_yes, f), n = read_binary(twins[i].reads_no, f);

			if (y != ANS_YES || n != ANS_NO) {
				bad++;
				print_error("twin %zu as %s: \"%s\" reads %s (want yes), \"%s\" reads %s (want no)\n",
					    i, f, twins[i].reads_yes, answer_name(y), twins[i].reads_no,
					    answer_name(n));
			}
		}
	}
	for (i = 0; i < sizeof(no_answer) / sizeof(no_answer[0]); i++) {
		for (k = 0; k < sizeof(binary_formats) / sizeof(binary_formats[0]); k++) {
			answer_t got = read_binary(no_answer[i], binary_formats[k]);

			if (got != ANS_INVALID) {
				bad++;
				print_error("\"%s\" as %s reads %s (want invalid)\n", no_answer[i],
					    binary_formats[k], answer_name(got));
			}
		}
	}
	assert_int_equal(bad, 0);
}

static int setup(void **state)
{
	(void)state;
	return extract_start();
}

static int teardown(void **state)
{
	(void)state;
	extract_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twins),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
