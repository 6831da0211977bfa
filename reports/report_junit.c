/*
 * junit.xml: what GitHub Actions, GitLab and Jenkins show natively.
 *
 * One <testsuite> per vsrbench suite; in each, a testcase "accuracy" that
 * carries the numbers (it errs only when tasks failed: those are not
 * answers, and the run exits 4), then one testcase per gate check, whose
 * <failure> carries what failed, by how much, and the p-value.  Checks
 * across suites go into a testsuite "all suites".  With a gate, the gate
 * alone fails or passes what the exit code does: its checks of the runs (a
 * partial run, failed tasks) make a first testsuite "run", and the
 * accuracy testcase counts failed tasks without an <error> of its own.
 * The element and attribute set is the common subset of the Ant/Jenkins
 * JUnit schema (tests/junit/junit.xsd); no timestamp, so the file is a pure
 * function of the journal and status.json.
 *
 * Times: <testsuites time> is the wall-clock time of the run's request
 * phase, status.json's request_seconds (a resume's added, a merged run's
 * longest shard).  A suite's own share of it is not known when the run had
 * several (their requests overlap), so then only the run's total is given;
 * with one suite, the suite and its accuracy testcase get the total too.
 * Without request_seconds (an older run, `score`) no time is given: the
 * attribute is optional, and a sum of per-task latencies, which overlap
 * with -j, is no duration.  A gate check takes no time: "0".
 */
#include <stdlib.h>
#include <string.h>

#include "../harness/rundir.h"
#include "../metrics/stats.h"
#include "compare.h"
#include "report.h"
#include "../base/util.h" /* last: it includes banned.h */

/*
 * Length of the UTF-8 sequence at p when it is one XML 1.0 allows (a Char),
 * else 0: RFC 3629's shortest form only, no UTF-16 surrogate (U+D800..DFFF,
 * "\xed\xa0\x80"), nothing past U+10FFFF, and neither U+FFFE nor U+FFFF.
 */
static size_t utf8_len(const unsigned char *p)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long cp;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < min[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return n;
}

/*
 * XML 1.0 forbids most control characters even as references, and the file
 * says UTF-8: both kinds of bad byte become '?' (one per byte of a sequence
 * utf8_len refuses), so that a hostile name cannot make the file unreadable.
 */
static void xml_text(struct buf *out, const char *s)
{
	struct buf clean = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);
		if (!n || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')) {
			buf_addch(&clean, '?');
			p++;
			continue;
		}
		buf_add(&clean, p, n);
		p += n;
	}
	buf_add_xml_str(out, clean.ptr);
	buf_release(&clean);
}

static size_t checks_for(const struct gate_result *gr, const char *suite, size_t *failed)
{
	size_t n = 0;

	*failed = 0;
	for (size_t i = 0; gr && i < gr->n; i++)
		if (!strcmp(gr->c[i].suite, suite)) {
			n++;
			*failed += gr->c[i].failed != 0;
		}
	return n;
}

/* ' time="S"' when the time is known (secs > 0), else nothing. */
static void time_attr(struct buf *out, double secs)
{
	if (secs > 0)
		buf_addf(out, " time=\"%.3f\"", secs);
}

/* gated: a gate decides about failed tasks (its "task-errors" check), no <error> here. */
static void accuracy_case(struct buf *out, const char *suite, const struct acc *a, double secs,
			  int gated)
{
	double lo, hi;

	acc_ci(a, PROP_ACCURACY, &lo, &hi);
	buf_adds(out, "    <testcase classname=\"vsrbench.");
	xml_text(out, suite);
	buf_adds(out, "\" name=\"accuracy\"");
	time_attr(out, secs);
	buf_adds(out, ">\n");
	if (a->errors && !gated) {
		/* The text too: GitLab shows an <error>'s content, not its message. */
		struct buf why = BUF_INIT;
		buf_addf(&why, "%zu task%s failed (requests that never got an answer; not counted "
			       "as wrong)", a->errors, a->errors == 1 ? "" : "s");
		buf_addf(out, "      <error type=\"task-errors\" message=\"%s\">%s</error>\n", why.ptr,
			 why.ptr);
		buf_release(&why);
	}
	buf_addf(out, "      <system-out>accuracy %.1f%% [%.1f, %.1f] (%zu of %zu tasks correct; "
		      "%zu answered, %zu failed)</system-out>\n",
		 100 * ratio(a->correct, a->tasks), 100 * lo, 100 * hi, a->correct, a->tasks,
		 a->answered, a->errors);
	buf_adds(out, "    </testcase>\n");
}

static void gate_cases(struct buf *out, const char *suite, const struct gate_result *gr)
{
	for (size_t i = 0; gr && i < gr->n; i++) {
		const struct gate_check *ck = &gr->c[i];
		if (strcmp(ck->suite, suite))
			continue;
		buf_adds(out, "    <testcase classname=\"vsrbench.");
		xml_text(out, suite);
		buf_adds(out, "\" name=\"");
		xml_text(out, ck->name);
		buf_adds(out, "\" time=\"0\">\n");
		if (ck->failed) {
			buf_adds(out, "      <failure type=\"");
			xml_text(out, ck->type);
			buf_adds(out, "\" message=\"");
			xml_text(out, ck->line);
			buf_adds(out, "\">");
			xml_text(out, ck->line);
			if (ck->detail) { /* the body: what GitLab and Jenkins show */
				buf_addch(out, '\n');
				xml_text(out, ck->detail);
				if (out->ptr[out->len - 1] == '\n') /* the tag closes its last line */
					buf_setlen(out, out->len - 1);
			}
			buf_adds(out, "</failure>\n");
		} else {
			buf_adds(out, "      <system-out>");
			xml_text(out, ck->line);
			buf_adds(out, "</system-out>\n");
		}
		buf_adds(out, "    </testcase>\n");
	}
}

/* extra: more <property> lines (NULL: none). */
static void properties(struct buf *out, const cJSON *run, const char *extra)
{
	const cJSON *model = run ? cJSON_GetObjectItemCaseSensitive(run, "model") : NULL;
	const char *tpl = cJSON_GetStringValue(
		run ? cJSON_GetObjectItemCaseSensitive(run, "templates") : NULL);

	buf_adds(out, "    <properties>\n");
	buf_addf(out, "      <property name=\"harness\" value=\"vsrbench %s\"/>\n", VSR_VERSION);
	if (model) {
		struct buf label = BUF_INIT;
		model_label(run, &label);
		buf_adds(out, "      <property name=\"model\" value=\"");
		xml_text(out, label.ptr);
		buf_adds(out, "\"/>\n");
		buf_release(&label);
	}
	if (tpl) {
		buf_adds(out, "      <property name=\"templates\" value=\"");
		xml_text(out, tpl);
		buf_adds(out, "\"/>\n");
	}
	if (extra)
		buf_adds(out, extra);
	buf_adds(out, "    </properties>\n");
}

/* secs < 0: a testsuite of checks only, time "0"; 0: not known, no time. */
static void testsuite_open(struct buf *out, const char *name, size_t tests, size_t failures,
			   size_t errors, double secs, const cJSON *run, const char *extra)
{
	buf_adds(out, "  <testsuite name=\"");
	xml_text(out, name);
	buf_addf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\"", tests,
		 failures, errors);
	if (secs < 0)
		buf_adds(out, " time=\"0\"");
	time_attr(out, secs);
	buf_adds(out, ">\n");
	properties(out, run, extra);
}

/* A partial run's properties: complete, tasks_done, tasks_planned (nothing for a complete run). */
static void partial_props(struct buf *extra, const struct metrics *m,
			  const struct rundir_progress *pg)
{
	if (!report_is_partial(pg))
		return;
	buf_adds(extra, "      <property name=\"complete\" value=\"false\"/>\n");
	buf_addf(extra, "      <property name=\"tasks_done\" value=\"%zu\"/>\n",
		 report_tasks_done(m));
	if (pg->tasks_planned)
		buf_addf(extra, "      <property name=\"tasks_planned\" value=\"%zu\"/>\n",
			 pg->tasks_planned);
}

/*
 * A partial run (status.json): a testsuite "run" whose testcase "complete"
 * fails with the sentence the other reports lead with, so that CI shows it
 * as a failure; its properties carry the counts.  Nothing for a complete run.
 */
static size_t partial_suite(struct buf *out, const struct metrics *m, const cJSON *run,
			    const struct rundir_progress *pg)
{
	struct buf p = BUF_INIT, extra = BUF_INIT;

	if (!report_is_partial(pg))
		return 0;
	report_partial_text(&p, m, pg, NULL);
	partial_props(&extra, m, pg);
	buf_adds(out, "  <testsuite name=\"run\" tests=\"1\" failures=\"1\" errors=\"0\" "
		      "skipped=\"0\" time=\"0\">\n");
	properties(out, run, extra.ptr);
	buf_release(&extra);
	buf_adds(out, "    <testcase classname=\"vsrbench.run\" name=\"complete\" time=\"0\">\n"
		      "      <failure type=\"partial-run\" message=\"");
	xml_text(out, p.ptr);
	buf_adds(out, "\">");
	xml_text(out, p.ptr);
	buf_adds(out, "</failure>\n    </testcase>\n  </testsuite>\n");
	buf_release(&p);
	return 1;
}

/*
 * With a gate: its checks of the two runs (suite "run": a partial run,
 * failed tasks), first, with the candidate's partial-run properties.
 */
static void gate_run_suite(struct buf *out, const struct metrics *m, const cJSON *run,
			   const struct rundir_progress *pg, const struct gate_result *gr,
			   size_t *tests, size_t *failures)
{
	struct buf extra = BUF_INIT;
	size_t f, n = checks_for(gr, "run", &f);

	if (!n)
		return;
	partial_props(&extra, m, pg);
	testsuite_open(out, "run", n, f, 0, -1, run, extra.len ? extra.ptr : NULL);
	gate_cases(out, "run", gr);
	buf_adds(out, "  </testsuite>\n");
	buf_release(&extra);
	*tests += n;
	*failures += f;
}

int junit_build(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		const struct gate_result *gr, struct buf *out)
{
	size_t tests = 0, failures = 0, errors = 0, f;
	struct buf body = BUF_INIT;
	/* The request phase's wall time, when status.json has it (see the top). */
	double run_secs = pg && pg->request_seconds > 0 ? pg->request_seconds : 0;
	double suite_secs = m->n_suites == 1 ? run_secs : 0;
	int r;

	/* First: a CI page lists it above the suites' numbers. */
	if (gr) {
		gate_run_suite(&body, m, run, pg, gr, &tests, &failures);
	} else {
		f = partial_suite(&body, m, run, pg);
		tests += f;
		failures += f;
	}
	for (size_t i = 0; i < m->n_suites; i++) {
		const struct suite_metrics *sm = &m->suites[i];
		size_t n = checks_for(gr, sm->name, &f), e = sm->all.errors && !gr ? 1 : 0;
		testsuite_open(&body, sm->name, n + 1, f, e, suite_secs, run, NULL);
		accuracy_case(&body, sm->name, &sm->all, suite_secs, gr != NULL);
		gate_cases(&body, sm->name, gr);
		buf_adds(&body, "  </testsuite>\n");
		tests += n + 1;
		failures += f;
		errors += e;
	}
	/* Checks across suites, or about a suite the run does not have. */
	for (size_t i = 0; gr && i < gr->n; i++) {
		const char *s = gr->c[i].suite;
		size_t k, n;
		if (!strcmp(s, "run"))
			continue; /* out first, above */
		for (k = 0; k < m->n_suites && strcmp(m->suites[k].name, s); k++)
			;
		if (k < m->n_suites)
			continue;
		for (k = 0; k < i && strcmp(gr->c[k].suite, s); k++)
			;
		if (k < i)
			continue; /* this testsuite is out already */
		n = checks_for(gr, s, &f);
		testsuite_open(&body, s, n, f, 0, -1, run, NULL);
		gate_cases(&body, s, gr);
		buf_adds(&body, "  </testsuite>\n");
		tests += n;
		failures += f;
	}
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_addf(out, "<testsuites name=\"vsrbench\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"",
		 tests, failures, errors);
	time_attr(out, run_secs);
	buf_adds(out, ">\n");
	buf_add(out, body.ptr, body.len);
	buf_adds(out, "</testsuites>\n");
	r = out->capped || body.capped ? VSR_EDATA : 0;
	buf_release(&body);
	return r;
}

int report_junit(const struct metrics *m, const cJSON *run, const struct rundir_progress *pg,
		 struct buf *out)
{
	return junit_build(m, run, pg, NULL, out);
}
