/*
 * vsrbench run: its options (the usage text, argv, the -S options per suite).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../adapters/loader.h"
#include "../adapters/remote.h"
#include "../reports/compare.h"
#include "../reports/rebuild.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "cmd.h"
#include "run_opts.h"
#include "../base/suggest.h"
#include "../harness/cache.h"
#include "../harness/expand.h"
#include "../harness/extract.h"
#include "../harness/imgvar.h"
#include "../harness/journal.h"
#include "../harness/rundir.h"
#include "../harness/scheduler.h"
#include "../base/progress.h"
#include "../base/util.h"

#define DEFAULT_SUITE "synth"
#define DEFAULT_MODEL "builtin:geometry"

static void run_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vsrbench run [-s SUITE]... [-S [SUITE.]KEY=VALUE]... [-m MODEL] [-M KEY=VALUE]...\n"
		"                    [-t single|pool|ID,ID|FILE]... [-p LIST] [--data DIR] [--images DIR]...\n"
		"                    [-j N [--fixed]] [--order image|dataset] [-n LIMIT] [-o RUN_DIR]\n"
		"                    [--seed N] [--max-tokens N] [--think-tags OPEN,CLOSE] [--keep-reasoning]\n"
		"                    [--temperature T] [--reasoning LEVEL] [--retries N] [--max-error-rate R]\n"
		"                    [--skip-missing-images] [--dry-run] [--shard I/N] [--max-pixels N]\n"
		"                    [--baseline DIR --max-drop POINTS [--alpha A] [--allow-partial]]\n"
		"                    [--min-accuracy [SUITE=]X] [--max-language-sensitivity X]\n"
		"                    [--max-language-rise POINTS] [--allow-unknown-relations]\n"
		"                    [--progress MODE] [--progress-interval S] [--timings] [-q]\n"
		"                    [--cache on|off|read|always|DIR] [--budget-tokens N] [--budget-usd X]\n"
		"                    [--judge KIND [-J KEY=VALUE]... [--judge-all]]\n"
		"\n"
		"  -s, --suite SUITE       suite to run (repeatable; default %s; see 'vsrbench list suites')\n"
		"  -S, --suite-opt K=V     suite option, e.g. -S count=1000 -S relations=left_of,above\n"
		"                          (prefix with SUITE. to aim at one suite)\n"
		"  -m, --model MODEL       builtin:NAME, lib:PATH.so, or a served model: openai, ollama,\n"
		"                          anthropic, gemini, exec (docs/models.md; default %s)\n"
		"  -M, --model-opt K=V     adapter option, passed to it as a JSON object; price_in and\n"
		"                          price_out (USD per million tokens) price the usage instead\n"
		"  -t, --templates SPEC    instruction templates: single, pool, ids, or a file; each is\n"
		"                          asked of the suites it fits (default: each suite's own: yn01\n"
		"                          for captions, q01 for MME, mc01 for multiple choice); ids\n"
		"                          add up when repeated (-t yn01 -t q01 is -t yn01,q01)\n"
		"  -p, --perturb LIST      variants: instr,format,converse,hflip,blind,circular,repeat\n"
		"                          (combinable; with no -t or -t single, instr asks -t pool\n"
		"                          and format " FORMAT_FAMILY "; with other -t both\n"
		"                          compare the templates named; repeat asks each base task\n"
		"                          again: the model's own noise)\n"
		"      --data DIR          dataset root (default $VSRBENCH_DATA, else\n"
		"                          $XDG_CACHE_HOME/vsrbench, else ~/.cache/vsrbench)\n"
		"      --images DIR        image root, a folder (repeatable)\n"
		"  -j, --jobs N            worker threads (default: CPUs); for a served model, the most\n"
		"                          requests in flight per endpoint (default 256 over HTTP, 16\n"
		"                          for exec): the number is adapted to the server below it\n"
		"      --fixed             keep exactly -j in flight (default 16 over HTTP), no adapting\n"
		"      --order image|dataset  image (default): every task of one image in a row, for\n"
		"                          the server's prefix cache; dataset: the dataset's order\n"
		"  -n, --limit N           at most N items per suite, its first N (a VSR, MME or\n"
		"                          SEED-Bench suite needs the images of those alone)\n"
		"  -o, --output DIR        run directory; run again with the same DIR to resume\n"
		"      --seed N            seed for generated suites and the model (default 1)\n"
		"      --max-tokens N      generation limit sent to the model (default by its kind: 32\n"
		"                          for builtin, lib and exec; 1024 for openai, ollama,\n"
		"                          anthropic and gemini, plus the thinking budget with\n"
		"                          --reasoning: low 1024, medium 4096, high 16384, or N)\n"
		"      --think-tags OPEN,CLOSE  reasoning removed before reading the answer\n"
		"                          (default <think>,</think>, and Kimi-VL's\n"
		"                          \xe2\x97\x81think\xe2\x96\xb7 or Magistral's [THINK] pair in a\n"
		"                          reply that has it;\n"
		"                          none: remove nothing;\n"
		"                          -M think_tags=OPEN,CLOSE is the same)\n"
		"      --keep-reasoning    journal the reasoning's text too (its length always)\n"
		"      --temperature T     sampling temperature sent to the model (default 0;\n"
		"                          'default': not sent, the model's own default)\n"
		"      --reasoning LEVEL   a served model's thinking: off, low, medium, high, or a budget\n"
		"                          in tokens, mapped to each API's own control (docs/models.md)\n"
		"      --retries N         extra attempts for a transient failure (default 3)\n"
		"      --max-error-rate R  exit 4 when more than this share of tasks failed (default 0.05);\n"
		"                          with --baseline, the gate holds the baseline to it too\n"
		"      --skip-missing-images  run the items whose image exists; the report says how many\n"
		"                          were skipped (default: a missing image is an error)\n"
		"      --allow-unknown-relations  run VSR items whose relation VSR does not have\n"
		"                          (counted in the report; default: such an item is an error)\n"
		"      --dry-run           load and expand everything, print the task counts, call no model\n"
		"      --shard I/N         run only shard I of N (0 <= I < N), chosen by a stable hash of\n"
		"                          (suite, item); 'auto' reads JOB_COMPLETION_INDEX or\n"
		"                          SLURM_ARRAY_TASK_ID (N: 'auto/N', SLURM_ARRAY_TASK_COUNT or\n"
		"                          VSRBENCH_SHARDS); join the shards with 'vsrbench merge'\n"
		"      --timings           print where the CPU time went, as JSON on stderr\n"
		"      --progress MODE     auto (default: a live line on a terminal, else one line every\n"
		"                          30 s), tty, lines or off\n"
		"      --progress-interval S  seconds between progress lines without a terminal\n"
		"      --max-pixels N      refuse to decode images larger than N pixels (default 67108864);\n"
		"                          image files are read up to 64 MiB + 4 bytes a pixel\n"
		"      --baseline DIR      gate: compare with this run (writes compare.md, compare.json)\n"
		"      --max-drop POINTS   gate: fail on a drop vs --baseline of more than POINTS that\n"
		"                          is significant (McNemar p < --alpha A, default 0.05)\n"
		"      --min-accuracy [SUITE=]X  gate: fail when accuracy is below X (0..1)\n"
		"      --max-language-sensitivity X  gate: fail when it is above X or not measured\n"
		"      --max-language-rise POINTS  gate: fail when it rose by more than POINTS over\n"
		"                          --baseline's, significantly (its 95%% interval above 0)\n"
		"      --allow-partial     gate: a partial --baseline run (status.json \"complete\":\n"
		"                          false), or a shard (--shard) compared with a whole\n"
		"                          run, is a warning, not a failure\n"
		"      --cache MODE|DIR    response cache (docs/cache.md): on (default for a served\n"
		"                          model: deterministic requests only), off, read (never\n"
		"                          write), always (whatever the temperature), or a directory\n"
		"                          (default $XDG_CACHE_HOME/vsrbench, else ~/.cache/vsrbench;\n"
		"                          $VSRBENCH_CACHE sets MODE)\n"
		"      --budget-tokens N   stop before the tokens the servers report pass N (exit 4,\n"
		"                          resumable; the earlier runs into -o DIR count too)\n"
		"      --budget-usd X      the same in dollars (needs -M price_in and -M price_out)\n"
		"      --judge KIND        send the replies the extractor reads as invalid to a judge\n"
		"                          model of any kind (-m's); off by default (docs/judge.md)\n"
		"  -J, --judge-opt K=V     the judge's model option, as -M (e.g. -J model=gpt-4o-mini)\n"
		"      --judge-all         judge every reply (to audit the extractor); only invalid\n"
		"                          ones can change the score\n"
		"  -q, --quiet             no summary table\n",
		DEFAULT_SUITE, DEFAULT_MODEL);
}

static int env_long(const char *name, long *out)
{
	const char *v = getenv(name);

	return v && *v && !parse_long(v, 0, 1000000, out) ? 0 : -1;
}

/* "I/N", "auto" or "auto/N". */
static int shard_parse(const char *arg, long *i, long *n, char *err)
{
	const char *slash = strchr(arg, '/');
	char head[32];
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);

	if (len >= sizeof(head))
		return err_set(err, VSR_EUSAGE, "--shard '%s': expected I/N, auto or auto/N", arg);
	memcpy(head, arg, len);
	head[len] = '\0';
	*n = -1;
	if (slash && parse_long(slash + 1, 1, 1000000, n))
		return err_set(err, VSR_EUSAGE, "--shard '%s': N must be a positive number", arg);
	if (!strcmp(head, "auto")) {
		long min = 0;
		if (env_long("JOB_COMPLETION_INDEX", i) && env_long("SLURM_ARRAY_TASK_ID", i))
			return err_set(err, VSR_EUSAGE,
				       "--shard auto: neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set");
		if (!getenv("JOB_COMPLETION_INDEX") && !env_long("SLURM_ARRAY_TASK_MIN", &min))
			*i -= min; /* Slurm arrays may start at 1 */
		if (*n < 0 && env_long("SLURM_ARRAY_TASK_COUNT", n) && env_long("VSRBENCH_SHARDS", n))
			return err_set(err, VSR_EUSAGE,
				       "--shard auto: the shard count is unknown: use --shard auto/N or set "
				       "VSRBENCH_SHARDS (SLURM_ARRAY_TASK_COUNT is read too)");
	} else if (!slash || parse_long(head, 0, 1000000, i)) {
		return err_set(err, VSR_EUSAGE, "--shard '%s': expected I/N, auto or auto/N", arg);
	}
	if (*n < 1 || *i < 0 || *i >= *n)
		return err_set(err, VSR_EUSAGE, "--shard: index %ld is not in 0..%ld", *i, *n - 1);
	return 0;
}

/* A -t that names template ids, not single, pool, vsre or a file. */
static int id_list(const char *spec)
{
	return strcmp(spec, "single") && strcmp(spec, "pool") && strcmp(spec, "vsre") &&
	       !strchr(spec, '/');
}

/* -t is repeatable: ids add up (-t yn01 -t q01 is -t yn01,q01), never silently the last. */
static int add_templates(struct run_opts *o, const char *arg, char *err)
{
	size_t n;
	char *joined;

	if (o->n_t++ == 0) {
		o->templates = arg;
		return 0;
	}
	if (o->n_t > MAX_LIST)
		return err_set(err, VSR_EUSAGE, "too many -t options");
	if (!id_list(o->templates) || !id_list(arg))
		return err_set(err, VSR_EUSAGE,
			       "-t '%s' and -t '%s': only template ids add up (-t yn01 -t q01); "
			       "single, pool, vsre or a file is a -t of its own",
			       o->templates, arg);
	n = strlen(o->templates) + strlen(arg) + 2;
	joined = xmalloc(n);
	snprintf(joined, n, "%s,%s", o->templates, arg);
	o->owned[o->n_owned++] = joined;
	o->templates = joined;
	return 0;
}

static int split_kv(struct run_opts *o, const char *arg, const char *opt, struct kv *kv,
		    char *err)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg)
		return err_set(err, VSR_EUSAGE, "%s '%s': expected KEY=VALUE", opt, arg);
	key = xstrdup(arg);
	key[eq - arg] = '\0';
	o->owned[o->n_owned++] = key;
	kv->key = key;
	kv->value = eq + 1;
	return 0;
}

/*
 * --think-tags / -M think_tags: OPEN,CLOSE or none, the reasoning removed
 * before the extractor reads the reply.  what names the option in errors.
 */
static int parse_think_tags(struct run_opts *o, const char *v, const char *what, char *err)
{
	if (!strcmp(v, "none")) {
		o->think_tags[0] = '\0';
		o->think_close = o->think_tags;
		return 0;
	}
	if (!strchr(v, ',') || strlen(v) >= sizeof(o->think_tags) || *v == ',' || !strchr(v, ',')[1])
		return err_set(err, VSR_EUSAGE, "%s'%s': expected OPEN,CLOSE or none", what, v);
	snprintf(o->think_tags, sizeof(o->think_tags), "%s", v);
	o->think_close = strchr(o->think_tags, ',');
	*o->think_close++ = '\0';
	return 0;
}

/* --cache on|off|read|always|DIR (repeatable: a mode and a directory). */
static int cache_mode_parse(struct run_opts *o, const char *v, const char *what, char *err)
{
	static const char *const modes[] = { "on", "off", "read", "always" };
	static const int mode_of[] = { CACHE_ON, CACHE_OFF, CACHE_READ, CACHE_ALWAYS };

	o->cache_given = 1;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(v, modes[i])) {
			o->cache_mode = mode_of[i];
			return 0;
		}
	}
	if (!*v || (!strchr(v, '/') && v[0] != '.'))
		return err_set(err, VSR_EUSAGE,
			       "%s '%s': expected on, off, read, always or a directory (with a '/': ./%s)",
			       what, v, v);
	o->cache_dir = v;
	return 0;
}

enum { O_DATA = 256, O_IMAGES, O_SEED, O_MAXTOK, O_TEMP, O_RETRIES, O_TIMINGS, O_SKIPMISS,
       O_DRYRUN, O_SHARD, O_MAXERR };
enum { O_PROGRESS = 500, O_PROGRESS_INT, O_MAXPIX, O_THINK, O_KEEPREASON, O_REASONING,
       O_CACHE, O_BUDGET_TOK, O_BUDGET_USD };
enum { O_FIXED = 600, O_ORDER }; /* issue 16 */
enum { O_JUDGE = 700, O_JUDGE_ALL }; /* issue 15 */
enum { O_UNKREL = 800 }; /* issue 18 */

/* The getopt_long tables: parsed here, completed by cli/complete.c. */
const char run_shortopts[] = ":s:S:m:M:J:t:p:j:n:o:qh";
const struct option run_longopts[] = {
	{ "suite", required_argument, NULL, 's' },
	{ "suite-opt", required_argument, NULL, 'S' },
	{ "model", required_argument, NULL, 'm' },
	{ "model-opt", required_argument, NULL, 'M' },
	{ "templates", required_argument, NULL, 't' },
	{ "data", required_argument, NULL, O_DATA },
	{ "images", required_argument, NULL, O_IMAGES },
	{ "jobs", required_argument, NULL, 'j' },
	{ "limit", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "seed", required_argument, NULL, O_SEED },
	{ "max-tokens", required_argument, NULL, O_MAXTOK },
	{ "temperature", required_argument, NULL, O_TEMP },
	{ "retries", required_argument, NULL, O_RETRIES },
	{ "max-error-rate", required_argument, NULL, O_MAXERR },
	{ "timings", no_argument, NULL, O_TIMINGS },
	{ "skip-missing-images", no_argument, NULL, O_SKIPMISS },
	{ "allow-unknown-relations", no_argument, NULL, O_UNKREL },
	{ "dry-run", no_argument, NULL, O_DRYRUN },
	{ "shard", required_argument, NULL, O_SHARD },
	{ "quiet", no_argument, NULL, 'q' },
	GATE_LONGOPT_BASELINE, /* the gate (reports/compare.h) */
	GATE_LONGOPTS,
	{ "perturb", required_argument, NULL, 'p' },
	{ "progress", required_argument, NULL, O_PROGRESS },
	{ "progress-interval", required_argument, NULL, O_PROGRESS_INT },
	{ "max-pixels", required_argument, NULL, O_MAXPIX },
	{ "think-tags", required_argument, NULL, O_THINK },
	{ "keep-reasoning", no_argument, NULL, O_KEEPREASON },
	{ "reasoning", required_argument, NULL, O_REASONING },
	{ "cache", required_argument, NULL, O_CACHE },
	{ "budget-tokens", required_argument, NULL, O_BUDGET_TOK },
	{ "budget-usd", required_argument, NULL, O_BUDGET_USD },
	{ "fixed", no_argument, NULL, O_FIXED },
	{ "order", required_argument, NULL, O_ORDER },
	{ "judge", required_argument, NULL, O_JUDGE },
	{ "judge-opt", required_argument, NULL, 'J' },
	{ "judge-all", no_argument, NULL, O_JUDGE_ALL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int same_suite(const char *prefix, size_t len, const char *suite);

int run_opts_parse(int argc, char **argv, struct run_opts *o, char *err)
{
	long v;
	int c, r, cli_mode = 0;

	memset(o, 0, sizeof(*o));
	o->limit = -1;
	o->shard_n = 1;
	o->seed = 1;
	o->max_tokens = 0; /* by the model's kind, once it is open (cmd_run.c) */
	o->retries = 3;
	o->max_error_rate = GATE_MAX_ERROR_RATE_DEFAULT;
	o->progress = PROGRESS_AUTO;
	{
		const char *env = getenv("VSRBENCH_CACHE");
		if (env && *env && (r = cache_mode_parse(o, env, "VSRBENCH_CACHE", err)))
			return r;
		o->cache_given = 0; /* the environment's MODE is a default, not an opt-in */
	}
	o->jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (o->jobs < 1)
		o->jobs = 1;
	if (o->jobs > 16)
		o->jobs = 16;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, run_shortopts, run_longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (o->n_suites == MAX_LIST)
				return err_set(err, VSR_EUSAGE, "too many -s options");
			o->suites[o->n_suites++] = optarg;
			break;
		case 'S':
			if (o->n_sopts == MAX_LIST)
				return err_set(err, VSR_EUSAGE, "too many -S options");
			if ((r = split_kv(o, optarg, "-S", &o->sopts[o->n_sopts], err)))
				return r;
			o->n_sopts++;
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'M':
			if (o->n_mopts == MAX_LIST)
				return err_set(err, VSR_EUSAGE, "too many -M options");
			if ((r = split_kv(o, optarg, "-M", &o->mopts[o->n_mopts], err)))
				return r;
			if (!strcmp(o->mopts[o->n_mopts].key, "think_tags")) {
				/* The harness's (the extractor's), as --think-tags: not sent. */
				if ((r = parse_think_tags(o, o->mopts[o->n_mopts].value, "-M think_tags=", err)))
					return r;
				break;
			}
			if (!strcmp(o->mopts[o->n_mopts].key, "price_in") ||
			    !strcmp(o->mopts[o->n_mopts].key, "price_out")) {
				/* The harness's, not the model's: not sent, not in the fingerprint. */
				double *p = o->mopts[o->n_mopts].key[6] == 'i' ? &o->price_in : &o->price_out;
				o->prices_given |= p == &o->price_in ? 1u : 2u;
				if (parse_double(o->mopts[o->n_mopts].value, p) || *p < 0 || *p > 1e6)
					return err_set(err, VSR_EUSAGE,
						       "-M %s: expected USD per million tokens (0..1000000)",
						       optarg);
				break;
			}
			o->n_mopts++;
			break;
		case O_JUDGE:
			o->judge = optarg;
			break;
		case 'J':
			if (o->n_jopts == MAX_LIST)
				return err_set(err, VSR_EUSAGE, "too many -J options (at most %d)", MAX_LIST);
			if ((r = split_kv(o, optarg, "-J", &o->jopts[o->n_jopts], err)))
				return r;
			o->n_jopts++;
			break;
		case O_JUDGE_ALL:
			o->judge_all = 1;
			break;
		case 't':
			if ((r = add_templates(o, optarg, err)))
				return r;
			break;
		case O_DATA:
			o->data_dir = optarg;
			break;
		case O_IMAGES: {
			struct stat st;
			if (o->n_images == MAX_LIST)
				return err_set(err, VSR_EUSAGE, "too many --images options");
			/* A mistyped folder would read as every image missing. */
			if (stat(optarg, &st) < 0)
				return err_set(err, VSR_EDATA, "--images %s: %s", optarg, strerror(errno));
			if (!S_ISDIR(st.st_mode))
				return err_set(err, VSR_EDATA,
					       "--images %s: not a folder (--images names the folder "
					       "that holds the images)",
					       optarg);
			o->images[o->n_images++] = optarg;
			break;
		}
		case 'j':
			if (parse_long(optarg, 1, 1024, &o->jobs))
				return err_set(err, VSR_EUSAGE, "-j '%s': expected a number from 1 to 1024", optarg);
			o->jobs_given = 1;
			break;
		case O_FIXED:
			o->fixed = 1;
			break;
		case O_ORDER:
			if (strcmp(optarg, "image") && strcmp(optarg, "dataset"))
				return err_set(err, VSR_EUSAGE, "--order: expected image or dataset, got '%s'",
					       optarg);
			o->order_dataset = !strcmp(optarg, "dataset");
			break;
		case 'n':
			if (parse_long(optarg, 1, 1000000000L, &o->limit))
				return err_set(err, VSR_EUSAGE, "-n '%s': expected a positive number", optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case O_SEED:
			if (parse_long(optarg, 0, 0x7fffffffffffffffL, &v))
				return err_set(err, VSR_EUSAGE, "--seed '%s': expected a non-negative integer", optarg);
			o->seed = (uint64_t)v;
			break;
		case O_MAXTOK:
			if (parse_long(optarg, 1, 1000000, &o->max_tokens))
				return err_set(err, VSR_EUSAGE, "--max-tokens '%s': expected 1..1000000", optarg);
			break;
		case O_TEMP:
			o->temperature_given = 1;
			if (!strcmp(optarg, "default"))
				o->temperature = -1; /* not sent: the model's own default */
			else if (parse_double(optarg, &o->temperature) || o->temperature < 0 ||
				 o->temperature > 10)
				return err_set(err, VSR_EUSAGE, "--temperature '%s': expected 0..10 or default",
					       optarg);
			break;
		case O_RETRIES:
			if (parse_long(optarg, 0, 100, &o->retries))
				return err_set(err, VSR_EUSAGE, "--retries '%s': expected 0..100", optarg);
			break;
		case O_MAXERR:
			if (parse_double(optarg, &o->max_error_rate) || o->max_error_rate < 0 ||
			    o->max_error_rate > 1)
				return err_set(err, VSR_EUSAGE, "--max-error-rate '%s': expected 0..1", optarg);
			break;
		case O_TIMINGS:
			o->timings = 1;
			break;
		case O_SKIPMISS:
			o->skip_missing_images = 1;
			break;
		case O_UNKREL:
			o->allow_unknown_relations = 1;
			break;
		case O_DRYRUN:
			o->dry_run = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case O_PROGRESS:
			if (progress_parse_mode(optarg, &o->progress))
				return err_set(err, VSR_EUSAGE,
					       "--progress: expected auto, tty, lines or off, got '%s'", optarg);
			break;
		case O_PROGRESS_INT:
			if (parse_double(optarg, &o->progress_interval) || o->progress_interval <= 0 ||
			    o->progress_interval > 86400)
				return err_set(err, VSR_EUSAGE,
					       "--progress-interval: expected seconds in (0, 86400], got '%s'",
					       optarg);
			break;
		case O_THINK:
			if ((r = parse_think_tags(o, optarg, "--think-tags ", err)))
				return r;
			break;
		case O_KEEPREASON:
			o->keep_reasoning = 1;
			break;
		case O_REASONING: /* checked by the adapter, which maps it (-M reasoning) */
			o->reasoning = optarg;
			break;
		case O_CACHE: {
			const char *dir = o->cache_dir;
			if ((r = cache_mode_parse(o, optarg, "--cache", err)))
				return r;
			if (o->cache_dir == dir)
				cli_mode = 1;
			else if (!cli_mode)
				o->cache_mode = CACHE_ON; /* a directory alone turns $VSRBENCH_CACHE=off on */
			break;
		}
		case O_BUDGET_TOK:
			if (parse_long(optarg, 1, LONG_MAX, &v))
				return err_set(err, VSR_EUSAGE, "--budget-tokens '%s': expected a positive number",
					       optarg);
			o->budget_tokens = (double)v;
			break;
		case O_BUDGET_USD:
			if (parse_double(optarg, &o->budget_usd) || !(o->budget_usd > 0))
				return err_set(err, VSR_EUSAGE, "--budget-usd '%s': expected a positive amount",
					       optarg);
			break;
		case O_MAXPIX:
			if (parse_long(optarg, 1, LONG_MAX, &v))
				return err_set(err, VSR_EUSAGE,
					       "--max-pixels: expected a positive number of pixels, got '%s'",
					       optarg);
			image_set_max_pixels((uint64_t)v);
			break;
		case GATE_OPT_BASELINE:
		case GATE_OPT_MAX_DROP:
		case GATE_OPT_ALPHA:
		case GATE_OPT_MIN_ACCURACY:
		case GATE_OPT_MAX_LANG:
		case GATE_OPT_MAX_LANG_RISE:
		case GATE_OPT_ALLOW_PARTIAL:
			if ((r = gate_opts_getopt(&o->gate, c, optarg, err)))
				return r;
			break;
		case 'p':
			if ((r = perturb_parse(optarg, &o->perturb, err)))
				return r;
			break;
		case O_SHARD:
			if ((r = shard_parse(optarg, &o->shard_i, &o->shard_n, err)))
				return r;
			break;
		case 'h':
			run_usage(stdout);
			return -1;
		default: /* ':' too: a value missing */
			return cmd_usage_error_opts(err, c, argv, "run", 1, run_longopts);
		}
	}
	if (optind < argc)
		return err_set(err, VSR_EUSAGE, "unexpected argument '%s' (see 'vsrbench run --help')",
			       argv[optind]);
	if (!o->n_suites)
		o->suites[o->n_suites++] = DEFAULT_SUITE;
	/* -s synth -s synth (or a suite and its alias) would ask every task twice
	 * and report it once: the second request paid for nothing. */
	for (size_t i = 1; i < o->n_suites; i++)
		for (size_t j = 0; j < i; j++)
			if (same_suite(o->suites[j], strlen(o->suites[j]), o->suites[i]))
				return err_set(err, VSR_EUSAGE,
					       "-s %s: the suite is already in this run (-s %s): "
					       "give each suite once",
					       o->suites[i], o->suites[j]);
	if (!o->model)
		o->model = DEFAULT_MODEL;
	if (o->reasoning) {
		if (!remote_kind_known(o->model) || !strcmp(o->model, "exec"))
			return err_set(err, VSR_EUSAGE,
				       "--reasoning is for a served model (-m openai, ollama, anthropic, gemini); "
				       "-m %s takes its own -M options",
				       o->model);
		if (o->n_mopts == MAX_LIST)
			return err_set(err, VSR_EUSAGE, "too many -M options");
		o->mopts[o->n_mopts].key = "reasoning";
		o->mopts[o->n_mopts++].value = o->reasoning;
	}
	o->data_dir = data_dir_resolve(o->data_dir);
	if (!o->judge && (o->n_jopts || o->judge_all))
		return err_set(err, VSR_EUSAGE, "%s without --judge KIND",
			       o->n_jopts ? "-J" : "--judge-all");
	if ((r = gate_opts_check(&o->gate, 1, err)))
		return r;
	/* One --max-error-rate: the run's own, and the gate's for both runs it compares. */
	o->gate.has_max_error_rate = 1;
	o->gate.max_error_rate = o->max_error_rate;
	if (o->budget_usd > 0 && !(o->price_in > 0 || o->price_out > 0))
		return err_set(err, VSR_EUSAGE,
			       "--budget-usd needs the prices: -M price_in=USD_PER_MTOK -M price_out=USD_PER_MTOK");
	/* One price alone left the other at 0: a budget or a cost without the output's (or input's). */
	if (o->prices_given == 1 || o->prices_given == 2)
		return err_set(err, VSR_EUSAGE,
			       "-M %s without -M %s: give both prices, USD per million tokens (0 for free "
			       "tokens), or the %s tokens would be counted as free",
			       o->prices_given == 1 ? "price_in" : "price_out",
			       o->prices_given == 1 ? "price_out" : "price_in",
			       o->prices_given == 1 ? "output" : "input");
	if (o->budget_usd > 0 && o->budget_tokens > 0)
		return err_set(err, VSR_EUSAGE, "--budget-tokens and --budget-usd: give one of them");
	return 0;
}

void run_opts_free(struct run_opts *o)
{
	for (size_t i = 0; i < o->n_owned; i++)
		free(o->owned[i]);
}

/* Do the first len bytes of `prefix` name the same suite as `suite` (aliases too)? */
static int same_suite(const char *prefix, size_t len, const char *suite)
{
	char name[128];
	const struct suite_preset *p;

	if (strlen(suite) == len && !strncmp(prefix, suite, len))
		return 1;
	if (len >= sizeof(name))
		return 0;
	memcpy(name, prefix, len);
	name[len] = '\0';
	p = suite_lookup(name);
	return p && p == suite_lookup(suite);
}

/* The -S options meant for one suite: unprefixed ones, and SUITE.KEY ones. */
size_t run_opts_suite_options(const struct run_opts *o, const char *suite, struct kv *out)
{
	size_t n = 0;

	for (size_t i = 0; i < o->n_sopts; i++) {
		const char *k = o->sopts[i].key;
		const char *dot = strchr(k, '.');
		if (!dot) {
			out[n++] = o->sopts[i];
		} else if (same_suite(k, (size_t)(dot - k), suite)) {
			out[n].key = dot + 1;
			out[n++].value = o->sopts[i].value;
		}
	}
	return n;
}

/*
 * A suite named by -S SUITE.KEY or --min-accuracy SUITE=X that is none of the
 * run's suites: a usage error now, with the nearest of them, rather than a
 * gate that fails after the whole run ("no answered task").
 */
static int not_in_run(const struct run_opts *o, const char *what, const char *name, size_t len,
		      char *err)
{
	char word[128];
	const char *near;
	struct buf list = BUF_INIT;
	int r;

	snprintf(word, sizeof(word), "%.*s", (int)len, name);
	near = suggest_nearest(word, (const char *const *)o->suites, o->n_suites);
	for (size_t j = 0; j < o->n_suites; j++)
		buf_addf(&list, "%s%s", j ? ", " : "", o->suites[j]);
	if (near)
		r = err_set(err, VSR_EUSAGE,
			    "%s: suite '%s' is not in this run; did you mean '%s'? (its suites: %s)",
			    what, word, near, list.ptr);
	else
		r = err_set(err, VSR_EUSAGE, "%s: suite '%s' is not in this run (its suites: %s)",
			    what, word, list.ptr);
	buf_release(&list);
	return r;
}

static int in_run(const struct run_opts *o, const char *name, size_t len)
{
	for (size_t j = 0; j < o->n_suites; j++)
		if (same_suite(name, len, o->suites[j]))
			return 1;
	return 0;
}

int run_opts_check_prefixes(const struct run_opts *o, char *err)
{
	for (size_t i = 0; i < o->n_sopts; i++) {
		const char *k = o->sopts[i].key, *dot = strchr(k, '.');
		if (dot && !in_run(o, k, (size_t)(dot - k))) {
			char what[160];
			snprintf(what, sizeof(what), "-S %s", k);
			return not_in_run(o, what, k, (size_t)(dot - k), err);
		}
	}
	for (size_t i = 0; i < o->gate.n_floors; i++) {
		const char *s = o->gate.floors[i].suite;
		if (s[0] && !in_run(o, s, strlen(s)))
			return not_in_run(o, "--min-accuracy", s, strlen(s), err);
	}
	return 0;
}
