/*
 * `vsrbench run --baseline`'s gate writes compare.md, compare.json and
 * junit.xml whole, however big: a comparison of runs with long prompts
 * (1000 flipped tasks with 20 KB prompts: a compare.json of about 20 MB)
 * is written like `vsrbench compare --json` writes it, not refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "harness/journal.h"
#include "reports/compare.h"

#define N_ITEMS 1000
#define PROMPT_LEN 20000

static char root[64];

/* DIR/samples.jsonl: N_ITEMS yes-items with long prompts, answered `answer`. */
static void write_run(const char *dir, const char *answer, unsigned key0)
{
	struct buf out = BUF_INIT, path = BUF_INIT;
	char *prompt = xmalloc(PROMPT_LEN + 1), item[16];
	FILE *fp;

	memset(prompt, 'p', PROMPT_LEN);
	prompt[PROMPT_LEN] = '\0';
	assert_int_equal(mkdir(dir, 0755), 0);
	buf_addf(&path, "%s/samples.jsonl", dir);
	fp = fopen(path.ptr, "w");
	assert_non_null(fp);
	for (unsigned i = 0; i < N_ITEMS; i++) {
		struct sample_meta m;
		memset(&m, 0, sizeof(m));
		snprintf(item, sizeof(item), "i%04u", i);
		m.key = key0 + i;
		m.suite = "synth";
		m.item = item;
		m.tmpl = "yn01";
		m.format = "yesno";
		m.variant = "base";
		m.relation = "left of";
		m.prompt = prompt;
		m.label = ANS_YES;
		buf_reset(&out);
		sample_format_ok(&out, &m, answer, strcmp(answer, "yes") ? ANS_NO : ANS_YES, 1);
		assert_int_equal(fwrite(out.ptr, 1, out.len, fp), out.len);
	}
	assert_int_equal(fclose(fp), 0);
	free(prompt);
	buf_release(&out);
	buf_release(&path);
}

static void test_big_compare_json(void **state)
{
	struct gate_opts g;
	struct buf base = BUF_INIT, cand = BUF_INIT, p = BUF_INIT;
	char err[VSR_ERR_MAX] = "";
	struct stat st;

	(void)state;
	buf_addf(&base, "%s/base", root);
	buf_addf(&cand, "%s/cand", root);
	write_run(base.ptr, "yes", 1);
	write_run(cand.ptr, "no", 100001);
	memset(&g, 0, sizeof(g));
	assert_int_equal(gate_opts_set(&g, "baseline", base.ptr, err), 0);
	assert_int_equal(gate_after_run(cand.ptr, &g, err), 0);
	buf_addf(&p, "%s/compare.json", cand.ptr);
	assert_int_equal(stat(p.ptr, &st), 0);
	/* Every flip with its prompt: more than N_ITEMS * PROMPT_LEN bytes. */
	assert_true(st.st_size > (off_t)N_ITEMS * PROMPT_LEN);
	buf_release(&base);
	buf_release(&cand);
	buf_release(&p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vsr-gate-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_big_compare_json, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
