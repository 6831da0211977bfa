/*
 * Unit tests for harness/extract.c: a table of model replies with the answer
 * each must give, the MME LaVIN replies checked against a simple independent
 * rule, and the table again from four threads at once.
 *
 * A new tricky reply is a new row in `cases`, not a new function.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "harness/extract.h"
#include "base/util.h"

/* Which options a row is asked with. */
enum opts {
	YN,   /* yes/no or true/false question: no options */
	AB,   /* A. yes  B. no */
	BA,   /* A. no   B. yes */
	MCQ4, /* A. left B. right C. above D. below, answers are the letters */
};

struct tcase {
	const char *text;
	enum opts opts;
	answer_t want;
};

#define INV ANS_INVALID
#define YES ANS_YES
#define NO ANS_NO
#define L(k) ANS_LETTER(k)

static const struct tcase cases[] = {
	/* plain yes / no */
	{ "Yes", YN, YES },
	{ "yes.", YN, YES },
	{ "**Yes**", YN, YES },
	{ "YES!", YN, YES },
	{ "Yes, the cat is left of the dog.", YN, YES },
	{ "  no  ", YN, NO },
	{ "No, it is not.", YN, NO },
	{ "\n\nYes.\n", YN, YES },
	{ "(yes)", YN, YES },
	{ "\"No\"", YN, NO },
	{ "\xE2\x80\x9CNo.\xE2\x80\x9D", YN, NO },
	{ "Yes\n\nExplanation: the mug stands on the left half of the desk, next to the lamp.", YN, YES },
	{ "yes, the cricket bat is raised above the player's head in the photo.", YN, YES },
	{ "no, the boat is not in front of the lighthouse. the lighthouse is closer", YN, NO },
	{ "Nope.", YN, NO },
	{ "Yep, that's how they are placed.", YN, YES },
	{ "No. The umbrella is below the bench, not above it.", YN, NO },
	/* true / false and correct / incorrect */
	{ "True", YN, YES },
	{ "false.", YN, NO },
	{ "It's true.", YN, YES },
	{ "It\xE2\x80\x99s true.", YN, YES },
	{ "Not true.", YN, NO },
	{ "That is not correct.", YN, NO },
	{ "Incorrect.", YN, NO },
	{ "Correct.", YN, YES },
	{ "That's correct, the kite flies above the tree line.", YN, YES },
	{ "The statement is false.", YN, NO },
	{ "This statement is true: the laptop rests on the table.", YN, YES },
	{ "The claim is accurate.", YN, YES },
	{ "The description is inaccurate.", YN, NO },
	{ "It is not the case that the bottle is inside the fridge.", YN, NO },
	{ "Absolutely not.", YN, NO },
	{ "Definitely yes.", YN, YES },
	{ "Probably not true; the bowl seems to be in front of the vase.", YN, NO },
	/* answer markers */
	{ "Answer: yes", YN, YES },
	{ "The answer is no.", YN, NO },
	{ "The answer is: Yes", YN, YES },
	{ "Final answer: **No**", YN, NO },
	{ "<answer>yes</answer>", YN, YES },
	{ "A: no", YN, NO },
	{ "Looking at the picture, the bicycle leans against the wall.\n\nAnswer: Yes", YN, YES },
	{ "Based on the image, the dog is not to the left of the cat, so the answer is no.", YN, NO },
	{ "I think yes, because the lamp is clearly above the desk.", YN, YES },
	{ "The car is parked with no driver inside, so no.", YN, NO },
	{ "Is the cat left of the dog? Yes or no? No.", YN, NO },
	{ "Is it true or false? True.", YN, YES },
	{ "Yes, although I'm not completely sure.", YN, YES },
	/* hedges, contradictions and non-answers */
	{ "", YN, INV },
	{ "   \n ", YN, INV },
	{ "I cannot tell from this image.", YN, INV },
	{ "It is unclear whether the cup is behind the plate.", YN, INV },
	{ "I'm not sure.", YN, INV },
	{ "I\xE2\x80\x99m not sure, but maybe yes.", YN, INV },
	{ "The cat is sitting on a mat next to the window.", YN, INV },
	{ "Yes or no?", YN, INV },
	{ "Yes/No", YN, INV },
	{ "I cannot say yes or no based on this picture.", YN, INV },
	{ "Yes and no.", YN, INV },
	{ "True or false: true.", YN, INV },
	{ "True or not? It is hard to say.", YN, INV },
	{ "There is no way to tell from the image.", YN, INV },
	{ "No idea.", YN, INV },
	{ "No one could tell from this angle.", YN, INV },
	{ "There is no dog in the picture.", YN, INV },
	{ "No doubt about it, the cat is on the left.", YN, INV },
	{ "As an AI, I can't see images.", YN, INV },
	{ "Sorry, I can't help with that.", YN, INV },
	{ "The image does not provide enough information to answer.", YN, INV },
	{ "It depends on where you stand.", YN, INV },
	{ "Based on the image, it is not possible to definitively determine if the cup is on the left.", YN, INV },
	{ "The statement is true, but the other one is false.", YN, INV },
	{ "Eyes wide open, the owl knows everything.", YN, INV },
	{ "I can't be certain, but yes.", YN, INV },
	{ "In the image, the cat is not left of the dog.", YN, INV },

	/* letters, A = yes, B = no */
	{ "A", AB, YES },
	{ "B.", AB, NO },
	{ "(B)", AB, NO },
	{ "Answer: A", AB, YES },
	{ "The answer is B.", AB, NO },
	{ "B) no", AB, NO },
	{ "**A**", AB, YES },
	{ "a", AB, YES },
	{ "Answer: a", AB, YES },
	{ "A. yes", AB, YES },
	{ "A yes", AB, YES },
	{ "A is correct.", AB, YES },
	{ "The correct option is (A).", AB, YES },
	{ "Option B", AB, NO },
	{ "I think the answer is A.", AB, YES },
	{ "I'd say B, since the lamp is below the shelf.", AB, NO },
	{ "I choose A.", AB, YES },
	{ "Answer: (B)", AB, NO },
	{ "[A]", AB, YES },
	{ "A, because the dog is on the left.", AB, YES },
	{ "The U.S. flag is on the left. Yes.", AB, YES },
	{ "B: no, the kite is not above the tree.", AB, NO },
	{ "yes", AB, YES },
	{ "No, the dog is not under the table.", AB, NO },
	{ "Yes, a cat is on the left of the sofa.", AB, YES },
	{ "A cat is sitting to the left of the dog.", AB, INV },
	{ "The answer is a cat.", AB, INV },
	{ "A. no", AB, INV },
	{ "C", AB, INV },
	{ "A or B", AB, INV },
	{ "A. yes B. no", AB, INV },
	{ "I cannot determine whether A or B is correct.", AB, INV },
	{ "Option A says yes and option B says no; I pick B.", AB, INV },
	{ "Neither A nor B.", AB, INV },
	{ "Not sure, A?", AB, INV },
	{ "Yes, the T-shirt hangs to the left of the mirror.", AB, YES },
	{ "", AB, INV },

	/* letters, A = no, B = yes */
	{ "A", BA, NO },
	{ "B", BA, YES },
	{ "(A) no", BA, NO },
	{ "A. yes", BA, INV },
	{ "yes", BA, YES },
	{ "No.", BA, NO },
	{ "B, the bowl is on the left of the spoon.", BA, YES },

	/* four options that are not yes/no: the answer is the letter */
	{ "D", MCQ4, L(3) },
	{ "The answer is C.", MCQ4, L(2) },
	{ "above", MCQ4, L(2) },
	{ "The cup is to the right of the plate.", MCQ4, L(1) },
	{ "E", MCQ4, INV },
	{ "It is either left or right.", MCQ4, INV },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static const char *const opt_ab[] = { "yes", "no" };
static const answer_t ans_ab[] = { ANS_YES, ANS_NO };
static const char *const opt_ba[] = { "no", "yes" };
static const answer_t ans_ba[] = { ANS_NO, ANS_YES };
static const char *const opt_mcq[] = { "left", "right", "above", "below" };

static answer_t run_case(const struct tcase *tc)
{
	switch (tc->opts) {
	case YN: return extract_answer(tc->text, NULL, NULL, 0);
	case AB: return extract_answer(tc->text, opt_ab, ans_ab, 2);
	case BA: return extract_answer(tc->text, opt_ba, ans_ba, 2);
	case MCQ4: return extract_answer(tc->text, opt_mcq, NULL, 4);
	}
	return -1;
}

static const char *opts_name(enum opts o)
{
	static const char *const names[] = { "yes/no", "A=yes,B=no", "A=no,B=yes", "4 options" };
	return names[o];
}

static int setup(void **state)
{
	char err[VSR_ERR_MAX];

	(void)state;
	if (extract_init(err)) {
		fprintf(stderr, "extract_init: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	extract_free();
	return 0;
}

static void test_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	assert_true(N_CASES >= 70);
	for (i = 0; i < N_CASES; i++) {
		answer_t got = run_case(&cases[i]);

		if (got != cases[i].want) {
			bad++;
			print_error("case %zu (%s) \"%s\": want %s, got %s\n", i,
				    opts_name(cases[i].opts), cases[i].text,
				    answer_name(cases[i].want), answer_name(got));
		}
	}
	assert_int_equal(bad, 0);
}

static void test_null_and_init_twice(void **state)
{
	char err[VSR_ERR_MAX];

	(void)state;
	assert_int_equal(extract_answer(NULL, NULL, NULL, 0), ANS_INVALID);
	assert_int_equal(extract_answer(NULL, opt_ab, ans_ab, 2), ANS_INVALID);
	/* A second init is harmless. */
	assert_int_equal(extract_init(err), 0);
	assert_int_equal(extract_answer("yes", NULL, NULL, 0), ANS_YES);
	/* Options given without texts: letters only. */
	assert_int_equal(extract_answer("B", NULL, ans_ab, 2), ANS_NO);
	assert_int_equal(extract_answer("yes", NULL, ans_ab, 2), ANS_INVALID);
}

static void test_long_reply(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(buf_adds(&b, "No."), 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(buf_adds(&b, " yes or no"), 0);
	assert_int_equal(extract_answer(b.ptr, NULL, NULL, 0), ANS_NO);
	buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* MME LaVIN replies                                                   */
/* ------------------------------------------------------------------ */

/* The independent rule: lower-cased, starts with "yes" or "no", else undecided. */
static answer_t simple_rule(const char *ans)
{
	char head[4] = { 0 };
	size_t i;

	for (i = 0; i < 3 && ans[i]; i++)
		head[i] = (char)(ans[i] >= 'A' && ans[i] <= 'Z' ? ans[i] - 'A' + 'a' : ans[i]);
	if (!strncmp(head, "yes", 3))
		return ANS_YES;
	if (!strncmp(head, "no", 2))
		return ANS_NO;
	return ANS_INVALID;
}

static int has_txt_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".txt");
}

static void test_lavin(void **state)
{
	const char *root = getenv("VSRBENCH_SHARED_DATA");
	struct buf dir = BUF_INIT, path = BUF_INIT, line = BUF_INIT;
	size_t lines = 0, decided = 0, agreed = 0, extractor_decided = 0, files = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	(void)state;
	if (!root || !*root) {
		fprintf(stderr, "test_lavin: VSRBENCH_SHARED_DATA not set, skipped\n");
		*(int *)*state = 1;
		skip();
	}
	assert_int_equal(buf_addf(&dir, "%s/mme/eval_tool/LaVIN", root), 0);
	if (stat(dir.ptr, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "test_lavin: %s not found, skipped\n", dir.ptr);
		buf_release(&dir);
		*(int *)*state = 1;
		skip();
	}
	d = opendir(dir.ptr);
	assert_non_null(d);
	buf_init(&line, 1 << 20);
	while ((de = readdir(d)) != NULL) {
		FILE *fp;
		int r;

		if (!has_txt_suffix(de->d_name))
			continue;
		buf_reset(&path);
		assert_int_equal(buf_addf(&path, "%s/%s", dir.ptr, de->d_name), 0);
		fp = fopen(path.ptr, "r");
		assert_non_null(fp);
		files++;
		while ((r = buf_getline(&line, fp, NULL)) == 1) {
			const char *ans = line.ptr;
			answer_t want, got;
			int tabs;

			for (tabs = 0; tabs < 3 && ans; tabs++) {
				ans = strchr(ans, '\t');
				if (ans)
					ans++;
			}
			if (!ans)
				continue;
			lines++;
			want = simple_rule(ans);
			got = extract_answer(ans, NULL, NULL, 0);
			if (got != ANS_INVALID)
				extractor_decided++;
			if (want == ANS_INVALID)
				continue;
			decided++;
			if (got == want)
				agreed++;
			else
				print_error("%s: \"%s\": rule says %s, extractor %s\n", de->d_name, ans,
					    answer_name(want), answer_name(got));
		}
		assert_int_equal(r, 0);
		fclose(fp);
	}
	closedir(d);
	printf("LaVIN: %zu files, %zu replies, %zu decided by the simple rule, %zu of them agree; "
	       "the extractor decided %zu\n",
	       files, lines, decided, agreed, extractor_decided);
	assert_true(files > 0);
	assert_true(decided > 0);
	assert_int_equal(agreed, decided);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&line);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

#define N_THREADS 4
#define ROUNDS 100

struct worker_arg {
	size_t first; /* each thread starts at a different row */
	size_t bad;
};

static void *worker(void *p)
{
	struct worker_arg *arg = p;
	size_t r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < N_CASES; i++) {
			const struct tcase *tc = &cases[(i + arg->first) % N_CASES];

			if (run_case(tc) != tc->want)
				arg->bad++;
		}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[N_THREADS];
	struct worker_arg args[N_THREADS];
	size_t i;

	(void)state;
	for (i = 0; i < N_THREADS; i++) {
		args[i].first = i * N_CASES / N_THREADS;
		args[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
	}
	for (i = 0; i < N_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].bad, 0);
	}
}

int main(void)
{
	static int lavin_skipped;
	void *lavin_state = &lavin_skipped;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_null_and_init_twice),
		cmocka_unit_test(test_long_reply),
		cmocka_unit_test_prestate(test_lavin, lavin_state),
		cmocka_unit_test(test_threads),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);

	/* Everything else passed but the data-driven part could not run. */
	if (rc == 0 && lavin_skipped)
		return 77;
	return rc;
}
