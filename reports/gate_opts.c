/*
 * gate_opts: the gate's command-line options (compare.h), for `vsrbench
 * compare` and `vsrbench run`: their names are in GATE_LONGOPTS alone.
 */
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "../base/util.h"
#include "../base/banned.h" /* last: see banned.h */

/* Every gate option, to find one by name. */
static const struct option gate_options[] = {
	GATE_LONGOPT_BASELINE,
	GATE_LONGOPTS,
	GATE_LONGOPT_MAX_ERROR_RATE,
	{ NULL, 0, NULL, 0 },
};

static int parse_share(const char *s, double *out)
{
	return parse_double(s, out) || *out < 0.0 || *out > 1.0 ? -1 : 0;
}

static int set_floor(struct gate_opts *g, const char *value, char *err)
{
	const char *eq = strchr(value, '=');
	struct gate_floor *f;

	if (g->n_floors == GATE_MAX_FLOORS)
		return err_set(err, VSR_EUSAGE, "too many --min-accuracy options");
	f = &g->floors[g->n_floors];
	memset(f, 0, sizeof(*f));
	if (eq) {
		if (eq == value || (size_t)(eq - value) >= sizeof(f->suite))
			return err_set(err, VSR_EUSAGE,
				       "--min-accuracy '%s': expected SUITE=X, e.g. synth=0.62", value);
		memcpy(f->suite, value, (size_t)(eq - value));
	}
	if (parse_share(eq ? eq + 1 : value, &f->min))
		return err_set(err, VSR_EUSAGE,
			       "--min-accuracy '%s': expected [SUITE=]X with X an accuracy "
			       "from 0 to 1, e.g. synth=0.62",
			       value);
	g->n_floors++;
	return 0;
}

int gate_opts_getopt(struct gate_opts *g, int opt, const char *value, char *err)
{
	switch (opt) {
	case GATE_OPT_BASELINE:
		/* Not "the last one wins": a second baseline would be dropped in silence. */
		if (g->baseline)
			return err_set(err, VSR_EUSAGE,
				       "--baseline given twice (%s, then %s): a run is gated against one "
				       "baseline; compare it with another by vsrbench compare OTHER RUN_DIR",
				       g->baseline, value);
		g->baseline = value;
		return 0;
	case GATE_OPT_MAX_DROP:
		if (parse_double(value, &g->max_drop) || g->max_drop < 0 || g->max_drop > 100)
			return err_set(err, VSR_EUSAGE,
				       "--max-drop '%s': expected accuracy points from 0 to 100, e.g. 2",
				       value);
		g->has_max_drop = 1;
		return 0;
	case GATE_OPT_ALPHA:
		if (parse_double(value, &g->alpha) || g->alpha <= 0 || g->alpha >= 1)
			return err_set(err, VSR_EUSAGE,
				       "--alpha '%s': expected a significance level between 0 and 1, "
				       "e.g. 0.05",
				       value);
		return 0;
	case GATE_OPT_MIN_ACCURACY:
		return set_floor(g, value, err);
	case GATE_OPT_MAX_LANG:
		if (parse_share(value, &g->max_lang))
			return err_set(err, VSR_EUSAGE,
				       "--max-language-sensitivity '%s': expected a share from 0 to 1, "
				       "e.g. 0.2",
				       value);
		g->has_max_lang = 1;
		return 0;
	case GATE_OPT_MAX_LANG_RISE:
		if (parse_double(value, &g->max_lang_rise) || g->max_lang_rise < 0 ||
		    g->max_lang_rise > 100)
			return err_set(err, VSR_EUSAGE,
				       "--max-language-rise '%s': expected points of language sensitivity "
				       "from 0 to 100, e.g. 5",
				       value);
		g->has_max_lang_rise = 1;
		return 0;
	case GATE_OPT_ALLOW_PARTIAL:
		g->allow_partial = 1;
		return 0;
	case GATE_OPT_MAX_ERROR_RATE:
		if (parse_share(value, &g->max_error_rate))
			return err_set(err, VSR_EUSAGE,
				       "--max-error-rate '%s': expected a share of the tasks from 0 to 1, "
				       "e.g. 0.05",
				       value);
		g->has_max_error_rate = 1;
		return 0;
	}
	return err_set(err, VSR_EUSAGE, "unknown gate option %d", opt);
}

int gate_opts_set(struct gate_opts *g, const char *name, const char *value, char *err)
{
	for (size_t i = 0; gate_options[i].name; i++)
		if (!strcmp(gate_options[i].name, name))
			return gate_opts_getopt(g, gate_options[i].val, value, err);
	return err_set(err, VSR_EUSAGE, "unknown gate option '%s'", name);
}

int gate_opts_any(const struct gate_opts *g)
{
	return g->has_max_drop || g->n_floors || g->has_max_lang || g->has_max_lang_rise ||
	       g->baseline;
}

int gate_opts_check(const struct gate_opts *g, int in_run, char *err)
{
	struct stat st;

	if (g->alpha > 0 && !g->has_max_drop)
		return err_set(err, VSR_EUSAGE, "--alpha applies to --max-drop, which is not given");
	if (!in_run)
		return 0;
	if (g->has_max_drop && !g->baseline)
		return err_set(err, VSR_EUSAGE, "--max-drop needs --baseline RUN_DIR to compare with");
	if (g->has_max_lang_rise && !g->baseline)
		return err_set(err, VSR_EUSAGE,
			       "--max-language-rise needs --baseline RUN_DIR to compare with (for a "
			       "ceiling on this run alone: --max-language-sensitivity X)");
	if (g->allow_partial && !g->baseline)
		return err_set(err, VSR_EUSAGE,
			       "--allow-partial applies to --baseline RUN_DIR, which is not given");
	if (g->baseline && (stat(g->baseline, &st) < 0 || !S_ISDIR(st.st_mode)))
		return err_set(err, VSR_EDATA, "--baseline %s: not a run directory", g->baseline);
	return 0;
}
