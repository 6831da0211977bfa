/*
 * vsrbench cache stats|prune --older-than D|clear [--cache DIR]
 *
 * Manages the response cache that `run` reads and fills (harness/cache.h,
 * docs/cache.md).  Unlike a run, which goes on without a cache it cannot
 * use, these report a cache they cannot read: exit 3.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "../harness/cache.h"
#include "../base/suggest.h"
#include "../base/util.h"

static void cache_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vsrbench cache stats [--cache DIR]\n"
		"       vsrbench cache prune --older-than D [--cache DIR]\n"
		"       vsrbench cache clear [--cache DIR]\n"
		"\n"
		"  stats             answers stored, the file's size, tokens, answers per model\n"
		"  prune             delete the answers stored more than D ago (D: 30d, 12h, 90m, 45s, 2w)\n"
		"  clear             delete every answer\n"
		"      --cache DIR   the cache directory (default $XDG_CACHE_HOME/vsrbench, else\n"
		"                    ~/.cache/vsrbench)\n");
}

/* "30d", "12h", "90m", "45s", "2w" -> seconds; -1 when it is not one. */
static double parse_duration(const char *s)
{
	static const struct { char unit; double sec; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
	};
	size_t n = strlen(s);
	char num[32];
	double v;

	if (n < 2 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (parse_double(num, &v) || !(v >= 0))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s[n - 1] == units[i].unit)
			return v * units[i].sec;
	return -1;
}

static void print_time(const char *label, long long t)
{
	char when[32] = "-";
	time_t tt = (time_t)t;
	struct tm tm;

	if (t && gmtime_r(&tt, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%-10s %s\n", label, when);
}

static int cache_stats_cmd(const char *dir)
{
	struct cache_stats st;
	char err[VSR_ERR_MAX];
	int r = cache_stats_read(dir, &st, err);

	if (r) {
		vsr_error("%s", err);
		cache_stats_release(&st);
		return r;
	}
	printf("%-10s %s%s\n", "cache", st.path, st.missing ? " (none yet)" : "");
	printf("%-10s %lld\n", "answers", st.rows);
	printf("%-10s %lld\n", "bytes", st.bytes);
	printf("%-10s %lld in, %lld out (as reported when each answer was paid for)\n", "tokens",
	       st.tok_in, st.tok_out);
	print_time("oldest", st.oldest);
	print_time("newest", st.newest);
	for (size_t i = 0; i < st.n_models; i++)
		printf("%10lld  %s\n", st.models[i].rows, st.models[i].model);
	cache_stats_release(&st);
	if (fflush(stdout))
		return VSR_EDATA;
	return 0;
}

int cmd_cache(int argc, char **argv)
{
	enum { O_CACHE = 256, O_OLDER };
	static const struct option longopts[] = {
		{ "cache", required_argument, NULL, O_CACHE },
		{ "older-than", required_argument, NULL, O_OLDER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *action, *older = NULL;
	char err[VSR_ERR_MAX];
	long long deleted = 0;
	double secs = -1;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_CACHE:
			dir = optarg;
			break;
		case O_OLDER:
			older = optarg;
			break;
		case 'h':
			cache_usage(stdout);
			return 0;
		default:
			return cmd_usage_error_opts(NULL, c, argv, "cache", 1, longopts);
		}
	}
	if (optind >= argc) {
		vsr_error("cache: expected stats, prune or clear (see 'vsrbench cache --help')");
		return VSR_EUSAGE;
	}
	action = argv[optind++];
	if (optind < argc) {
		vsr_error("cache %s: unexpected argument '%s'", action, argv[optind]);
		return VSR_EUSAGE;
	}
	if (older && strcmp(action, "prune")) {
		vsr_error("cache %s: --older-than is for prune", action);
		return VSR_EUSAGE;
	}
	if (!strcmp(action, "stats"))
		return cache_stats_cmd(dir);
	if (!strcmp(action, "prune")) {
		if (!older) {
			vsr_error("cache prune needs --older-than D (e.g. 30d, 12h)");
			return VSR_EUSAGE;
		}
		if ((secs = parse_duration(older)) < 0) {
			vsr_error("--older-than '%s': expected a duration such as 30d, 12h, 90m, 45s or 2w",
				  older);
			return VSR_EUSAGE;
		}
	} else if (strcmp(action, "clear")) {
		char hint[96];
		vsr_error("cache: unknown action '%s'%s (expected stats, prune or clear)", action,
			  suggest_hint(action, "stats, prune, clear", hint, sizeof(hint)));
		return VSR_EUSAGE;
	}
	if ((r = cache_delete_older(dir, secs, &deleted, err))) {
		vsr_error("%s", err);
		return r;
	}
	printf("%lld answers deleted\n", deleted);
	return fflush(stdout) ? VSR_EDATA : 0;
}
