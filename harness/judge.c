/* judge: a second model for the replies the extractor could not read (judge.h). */
#include "judge.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/keyset.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "journal.h"
#include "scheduler.h"
#include "task.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

#define JUDGE_MAX_OPTIONS 26

uint64_t judge_key(uint64_t task_key, uint64_t judge_fp)
{
	uint64_t v[3] = { task_key, judge_fp, (uint64_t)JUDGE_PROMPT_VERSION };

	return hash64(v, sizeof(v), hash64_str("judge", HASH_SEED));
}

size_t judge_prompt_options(const char *prompt, char **texts, size_t max)
{
	size_t n = 0;
	const char *p = prompt;

	/* The options are consecutive lines "A. text", "B. text" ...; the last such run wins
	 * (a hint or question could hold a line that looks like one). */
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len >= 2 && p[0] == (char)('A' + n) && p[1] == '.' && n < max) {
			const char *t = p + 2;
			size_t tl = len - 2;
			while (tl && (*t == ' ' || *t == '\t')) {
				t++;
				tl--;
			}
			while (tl && isspace((unsigned char)t[tl - 1]))
				tl--;
			texts[n] = xmalloc(tl + 1);
			memcpy(texts[n], t, tl);
			texts[n][tl] = '\0';
			n++;
		} else if (len >= 2 && p[0] == 'A' && p[1] == '.') {
			for (size_t k = 0; k < n; k++)
				free(texts[k]);
			n = 0;
			continue; /* the same line again, as a new first option */
		}
		p = eol ? eol + 1 : NULL;
	}
	return n;
}

/*
 * The judge prompt, version 1 (docs/judge.md quotes it; change it only with
 * JUDGE_PROMPT_VERSION).
 */
void judge_prompt(struct buf *out, const char *prompt, const char *reply, size_t n_letters)
{
	struct buf allowed = BUF_INIT;

	if (!n_letters) {
		buf_adds(&allowed, "yes, no");
	} else {
		for (size_t k = 0; k < n_letters; k++)
			buf_addf(&allowed, "%s%c", k ? ", " : "", (char)('A' + k));
	}
	buf_addf(out,
		 "You are checking which answer a model gave. Below are the question the model was "
		 "asked and the model's reply.\n\n"
		 "Question:\n<<<\n%s\n>>>\n\n"
		 "Reply:\n<<<\n%s\n>>>\n\n"
		 "Which of these answers does the reply give: %s? "
		 "Write only that answer%s. If the reply gives no answer, more than one answer, "
		 "or refuses, write only: none",
		 prompt ? prompt : "", reply ? reply : "", allowed.ptr,
		 n_letters ? " (the letter)" : "");
	buf_release(&allowed);
}

/* ---- the pass ----------------------------------------------------------- */

struct cand {
	uint64_t key;
	char *suite, *item, *variant, *category, *l2, *relation, *group, *prompt, *response;
	answer_t label;
};

struct collect {
	struct cand *c;
	size_t n, cap;
	struct keyset seen;
	int all;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int collect_line(const struct sample *s, void *ctx)
{
	struct collect *cl = ctx;
	struct cand *c;

	if (s->error)
		return 0;
	/* The first answer line of a key is the one metrics count. */
	if (keyset_has(&cl->seen, s->key))
		return 0;
	keyset_add(&cl->seen, s->key);
	if (s->outcome != SAMPLE_ANSWER || (!cl->all && s->answer != ANS_INVALID))
		return 0;
	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? 2 * cl->cap : 64;
		cl->c = xrealloc(cl->c, cl->cap * sizeof(*cl->c));
	}
	c = &cl->c[cl->n++];
	c->key = s->key;
	c->suite = xstrdup(s->suite);
	c->item = xstrdup(s->item);
	c->variant = xstrdup(s->variant ? s->variant : "base");
	c->category = dup_or_null(s->category);
	c->l2 = dup_or_null(s->l2);
	c->relation = dup_or_null(s->relation);
	c->group = dup_or_null(s->group);
	c->prompt = xstrdup(s->prompt ? s->prompt : "");
	c->response = xstrdup(s->response ? s->response : "");
	c->label = s->label;
	return 0;
}

static void collect_release(struct collect *cl)
{
	for (size_t i = 0; i < cl->n; i++) {
		struct cand *c = &cl->c[i];
		free(c->suite);
		free(c->item);
		free(c->variant);
		free(c->category);
		free(c->l2);
		free(c->relation);
		free(c->group);
		free(c->prompt);
		free(c->response);
	}
	free(cl->c);
	keyset_release(&cl->seen);
}

/* The option rotation of a variant name ("rot2", "converse+rot1"), 0 for none. */
static size_t variant_rotation(const char *v)
{
	const char *r = strstr(v, "rot");
	size_t n = 0;

	if (!r || (r != v && r[-1] != '+'))
		return 0;
	for (r += 3; *r >= '0' && *r <= '9' && n < 1000; r++)
		n = n * 10 + (size_t)(*r - '0');
	return n;
}

/* The judge shows no image: its "suite" only names the task's suite. */
static int no_image(void *priv, const struct item *it, struct image *img, char *err)
{
	(void)priv;
	(void)it;
	(void)img;
	(void)err;
	return 0;
}

static const struct suite_ops judge_ops = { .name = "judge", .load_image = no_image };

static char judge_tpl_id[] = "judge1", judge_tpl_text[] = "";
static const struct template judge_yn = { .id = judge_tpl_id, .fmt = TF_YESNO, .text = judge_tpl_text };
static const struct template judge_mc = { .id = judge_tpl_id, .fmt = TF_CHOICE, .text = judge_tpl_text };

/* The job asking the judge about candidate c. */
static struct job *judge_job(const struct cand *c, const struct suite *su, uint64_t fp)
{
	struct job *j = xcalloc(1, sizeof(*j));
	struct task *t;
	char *opts[JUDGE_MAX_OPTIONS];
	size_t n = 0;
	struct buf p = BUF_INIT;
	size_t rotation = 0;

	j->suite = su;
	j->item.suite = su->name;
	j->item.id = xstrdup(c->item);
	j->item.relation = dup_or_null(c->relation);
	j->item.category = c->category;
	j->item.l2 = c->l2;
	j->item.group = dup_or_null(c->group);
	j->item.label = c->label;
	if (ANS_IS_LETTER(c->label)) {
		size_t need = (size_t)(c->label - ANS_LETTER(0)) + 1, rot = variant_rotation(c->variant);
		n = judge_prompt_options(c->prompt, opts, JUDGE_MAX_OPTIONS);
		if (n < need || (rot && rot >= n)) {
			for (size_t k = 0; k < n; k++)
				free(opts[k]);
			n = 0;
			if (rot) { /* the shown order is unknown: no reading could be mapped back */
				j->n_tasks = 0;
				return j;
			}
			/* No option lines (an imported sheet's question): letters only. */
			n = need < 4 ? 4 : need;
			for (size_t k = 0; k < n; k++) {
				char l[16];
				snprintf(l, sizeof(l), "option %c", (char)('A' + k));
				opts[k] = xstrdup(l);
			}
		}
		/*
		 * The item's options in the dataset's order, the task's rotation as the
		 * model was asked: the scheduler shows them rotated again (the prompt's
		 * order) and maps the judge's letter back to the dataset's, as for a
		 * model's reply (journal letters are in the dataset's order).
		 */
		j->item.choices = xcalloc(n, sizeof(char *));
		for (size_t k = 0; k < n; k++)
			j->item.choices[k] = opts[(k + n - rot) % n];
		j->item.n_choices = n;
		rotation = rot;
	}
	judge_prompt(&p, c->prompt, c->response, n);
	j->tasks = xcalloc(1, sizeof(*j->tasks));
	j->n_tasks = 1;
	t = &j->tasks[0];
	t->key = judge_key(c->key, fp);
	t->tpl = n ? &judge_mc : &judge_yn;
	t->prompt = buf_detach(&p, NULL);
	t->variant = c->variant;
	t->image = IMG_BLIND;
	t->label = c->label;
	t->rotation = rotation;
	return j;
}

static struct suite *suite_for(struct suite **su, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(su[i]->name, name))
			return su[i];
	return NULL; /* never: every candidate's suite has one (judge_pass) */
}

int judge_pass(const struct judge_config *c, struct judge_stats *st, char *err)
{
	struct collect cl = { 0 };
	struct journal jj;
	struct sched *sched = NULL;
	struct sched_stats ss = { 0 };
	struct suite **suites = NULL;
	size_t n_suites = 0;
	int r, jj_ok = 0;

	memset(st, 0, sizeof(*st));
	cl.all = c->all;
	if ((r = journal_scan_run(c->samples, 0, c->run, collect_line, &cl, NULL, err)))
		goto out;
	st->candidates = cl.n;
	if ((r = journal_open_run(&jj, c->journal, c->run, err)))
		goto out;
	jj_ok = 1;
	/* One named stand-in suite per suite of the run (the journal line names it). */
	suites = xcalloc(cl.n + 1, sizeof(*suites));
	for (size_t i = 0; i < cl.n; i++) {
		size_t k;
		for (k = 0; k < n_suites; k++)
			if (!strcmp(suites[k]->name, cl.c[i].suite))
				break;
		if (k == n_suites) {
			suites[n_suites] = xcalloc(1, sizeof(struct suite));
			suites[n_suites]->ops = &judge_ops;
			suites[n_suites]->name = cl.c[i].suite;
			n_suites++;
		}
	}
	for (size_t i = 0; i < cl.n; i++)
		st->already += journal_has(&jj, judge_key(cl.c[i].key, c->judge->fingerprint_hash)) != 0;
	if (st->already == cl.n)
		goto out;
	{
		struct sched_config sc = { 0 };
		sc.model = c->judge;
		sc.journal = &jj;
		sc.workers = c->workers ? c->workers : 1;
		sc.max_tokens = JUDGE_MAX_TOKENS;
		sc.temperature = 0;
		sc.seed = 1;
		sc.retries = c->retries;
		sc.stop = c->stop;
		sc.progress = c->progress;
		sc.total = cl.n;
		sc.already = st->already;
		sc.run = c->run;
		if ((r = sched_start(&sched, &sc, err)))
			goto out;
	}
	for (size_t i = 0; i < cl.n; i++) {
		const struct cand *cd = &cl.c[i];
		uint64_t fp = c->judge->fingerprint_hash;
		if (journal_has(&jj, judge_key(cd->key, fp)))
			continue;
		struct job *jb = judge_job(cd, suite_for(suites, &n_suites, cd->suite), fp);
		if (!jb->n_tasks) { /* cannot be judged: stays invalid */
			job_free(jb);
			continue;
		}
		if (sched_submit(sched, jb))
			break;
	}
	r = sched_finish(sched, &ss, err);
	sched = NULL;
	st->asked = ss.done;
	st->answered = ss.answered;
	st->errors = ss.errors;
out:
	if (sched)
		sched_finish(sched, NULL, NULL);
	if (jj_ok) {
		char jerr[VSR_ERR_MAX];
		int jr = journal_close(&jj, jerr);
		if (jr && !r) {
			r = jr;
			memcpy(err, jerr, VSR_ERR_MAX);
		}
	}
	for (size_t i = 0; i < n_suites; i++)
		free(suites[i]);
	free(suites);
	collect_release(&cl);
	return r;
}
