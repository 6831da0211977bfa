/*
 * vsrbench __complete: the shell completion's one source of words.
 *
 * The bash and zsh scripts of completion/ hand it the words of the command
 * line after `vsrbench` (the last one being completed, possibly empty) and
 * offer what it prints.  Subcommands and options come from the table in
 * main.c and the getopt_long tables each parser uses; suite names, template
 * ids, model kinds, list topics and datasets from their registries; run
 * directories are the directories holding a run.json.  Nothing here is a
 * copy of what the parsers accept, except which option takes which kind of
 * value (the table `values` below).
 */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../adapters/loader.h"
#include "../harness/expand.h"
#include "../suites/manifest.h"
#include "../suites/suite.h"
#include "../suites/template.h"
#include "cmd.h"
#include "data_pull.h"
#include "../base/buf.h"
#include "../base/util.h"

enum value_kind { V_NONE, V_SUITE, V_TEMPLATE, V_MODEL, V_PERTURB, V_DIR, V_FILE, V_RUNDIR,
		  V_FORMAT, V_PROGRESS };

/* What the value of a long option is, when the shell can help with it. */
static const struct {
	const char *cmd; /* NULL: every command */
	const char *opt;
	enum value_kind kind;
} values[] = {
	{ NULL, "suite", V_SUITE },        { NULL, "templates", V_TEMPLATE },
	{ NULL, "model", V_MODEL },        { NULL, "perturb", V_PERTURB },
	{ NULL, "data", V_DIR },           { NULL, "images", V_DIR },
	{ NULL, "output", V_DIR },         { NULL, "baseline", V_RUNDIR },
	{ NULL, "questions", V_FILE },     { NULL, "markdown", V_FILE },
	{ NULL, "json", V_FILE },          { NULL, "junit", V_FILE },
	{ "report", "format", V_FORMAT },  { NULL, "progress", V_PROGRESS },
};

static void word(const char *w)
{
	printf("%s\n", w);
}

static const struct option *find_long(const struct option *opts, const char *name, size_t len)
{
	for (size_t i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

/*
 * The long option an argument word names ("--suite", "-s"), or NULL.
 * *takes is set when it takes a value.
 */
static const struct option *option_of(const struct cmd_entry *c, const char *w, int *takes)
{
	static struct option shortopt;
	const char *p;

	*takes = 0;
	if (!c->opts || w[0] != '-' || !w[1])
		return NULL;
	if (w[1] == '-') {
		const struct option *o = find_long(c->opts, w + 2, strcspn(w + 2, "="));
		*takes = o && o->has_arg == required_argument && !strchr(w, '=');
		return o;
	}
	/* -sVALUE takes nothing more; -s alone takes the next word */
	if (!w[2] && c->shortopts && w[1] != ':' && (p = strchr(c->shortopts, w[1]))) {
		*takes = p[1] == ':';
		for (size_t i = 0; c->opts[i].name; i++)
			if (c->opts[i].val == w[1])
				return &c->opts[i];
		shortopt.name = "";
		shortopt.val = w[1];
		return &shortopt;
	}
	return NULL;
}

static void options(const struct cmd_entry *c)
{
	for (size_t i = 0; c->opts && c->opts[i].name; i++)
		printf("--%s\n", c->opts[i].name);
	for (const char *p = c->shortopts; p && *p; p++)
		if (*p != ':')
			printf("-%c\n", *p);
}

static void suites(void)
{
	size_t n;
	const struct suite_preset *p = suite_presets(&n);

	for (size_t i = 0; i < n; i++) {
		word(p[i].name);
		for (size_t a = 0; a < SUITE_MAX_ALIASES && p[i].aliases[a]; a++)
			word(p[i].aliases[a]);
	}
}

/*
 * Directories under the one cur names, and one level below, that hold a
 * run.json and start with cur ("runs/default" for "" and for "runs/").
 * Returns how many it printed.
 */
static size_t rundirs(const char *cur)
{
	const char *slash = strrchr(cur, '/');
	struct buf dir = BUF_INIT, path = BUF_INIT;
	size_t shown = 0;
	DIR *d;
	struct dirent *de;

	if (slash)
		buf_add(&dir, cur, (size_t)(slash - cur) + 1);
	if (!(d = opendir(dir.len ? dir.ptr : ".")))
		goto out;
	while ((de = readdir(d)) && shown < 500) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s%s", dir.ptr, de->d_name);
		if (stat(path.ptr, &st) || !S_ISDIR(st.st_mode))
			continue;
		buf_adds(&path, "/run.json");
		if (!access(path.ptr, R_OK)) {
			buf_setlen(&path, path.len - strlen("/run.json"));
			if (!strncmp(path.ptr, cur, strlen(cur))) {
				printf("%s\n", path.ptr);
				shown++;
			}
			continue;
		}
		/* one level down: runs/NAME */
		{
			DIR *d2;
			struct dirent *de2;
			buf_setlen(&path, path.len - strlen("/run.json"));
			if (!(d2 = opendir(path.ptr)))
				continue;
			while ((de2 = readdir(d2)) && shown < 500) {
				struct buf p2 = BUF_INIT;
				if (de2->d_name[0] == '.')
					continue;
				buf_addf(&p2, "%s/%s/run.json", path.ptr, de2->d_name);
				if (!access(p2.ptr, R_OK)) {
					buf_setlen(&p2, p2.len - strlen("/run.json"));
					if (!strncmp(p2.ptr, cur, strlen(cur))) {
						printf("%s\n", p2.ptr);
						shown++;
					}
				}
				buf_release(&p2);
			}
			closedir(d2);
		}
	}
	closedir(d);
out:
	buf_release(&dir);
	buf_release(&path);
	return shown;
}

static void value(enum value_kind k, const char *cur)
{
	struct buf b = BUF_INIT;
	const char *s;

	switch (k) {
	case V_SUITE:
		suites();
		break;
	case V_TEMPLATE:
		/* the -t words template_set_load knows besides ids and files */
		word("single");
		word("pool");
		word("vsre");
		for (size_t i = 0; (s = template_builtin_id(i)); i++)
			word(s);
		word(":files");
		break;
	case V_MODEL:
		model_spec_words(&b);
		fputs(b.ptr, stdout);
		break;
	case V_PERTURB:
		perturb_names(~0u, &b);
		for (const char *p = b.ptr; *p;) {
			size_t len = strcspn(p, ",");
			printf("%.*s\n", (int)len, p);
			p += len + (p[len] == ',');
		}
		break;
	case V_DIR:
		word(":dirs");
		break;
	case V_FILE:
		word(":files");
		break;
	case V_RUNDIR:
		/* the shell's directories only to walk on when no run matches */
		if (!rundirs(cur))
			word(":dirs");
		break;
	case V_FORMAT:
		word("json");
		word("md");
		word("html");
		word("junit");
		break;
	case V_PROGRESS:
		word("auto");
		word("tty");
		word("lines");
		word("off");
		break;
	case V_NONE:
		break;
	}
	buf_release(&b);
}

static enum value_kind kind_of(const struct cmd_entry *c, const char *opt)
{
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if ((!values[i].cmd || !strcmp(values[i].cmd, c->name)) && !strcmp(values[i].opt, opt))
			return values[i].kind;
	return V_NONE;
}

/* A positional argument: argi counts the positionals before it. */
static void positional(const struct cmd_entry *c, const char *parent, size_t argi,
		       const char *cur)
{
	if (!strcmp(c->name, "report") || !strcmp(c->name, "compare") ||
	    (!strcmp(c->name, "merge") && argi > 0)) {
		value(V_RUNDIR, cur);
	} else if (!strcmp(c->name, "merge")) {
		value(V_DIR, cur);
	} else if (!strcmp(c->name, "list") && argi == 0) {
		for (size_t i = 0; list_topics[i]; i++)
			word(list_topics[i]);
	} else if (!strcmp(c->name, "score")) {
		value(V_FILE, cur);
	} else if (parent && (!strcmp(c->name, "pull") || !strcmp(c->name, "verify"))) {
		word("all");
		for (size_t i = 0; i < manifest_n_datasets; i++)
			word(manifest_datasets[i].name);
		suites();
	} else if (!strcmp(c->name, "data")) {
		if (argi == 0) {
			for (size_t i = 0; data_commands[i].name; i++)
				word(data_commands[i].name);
			word("check");
		} else if (argi == 1) {
			word("vsr");
		}
	}
}

int cmd_complete(int argc, char **argv, const struct cmd_entry *cmds, size_t n)
{
	const struct cmd_entry *c = NULL;
	const char *parent = NULL, *cur;
	size_t argi = 0;
	int i = 2, takes = 0;

	if (argc < 2) /* nothing to complete: as for an empty word */
		cur = "";
	else
		cur = argv[argc - 1];
	if (argc <= 2) {
		if (cur[0] == '-') {
			word("--help");
			word("--version");
		} else {
			for (size_t k = 0; k < n; k++)
				word(cmds[k].name);
		}
		return 0;
	}
	for (size_t k = 0; k < n; k++)
		if (!strcmp(argv[1], cmds[k].name))
			c = &cmds[k];
	if (!c)
		return 0;
	/* `data pull` and `data verify` have parsers of their own */
	if (!strcmp(c->name, "data") && argc > 3) {
		for (size_t k = 0; data_commands[k].name; k++)
			if (!strcmp(argv[2], data_commands[k].name)) {
				parent = c->name;
				c = &data_commands[k];
				i = 3;
			}
	}
	/* walk the words before cur: options, their values, positionals */
	for (; i < argc - 1; i++) {
		const char *w = argv[i];
		if (!strcmp(w, "--")) {
			argi += (size_t)(argc - 2 - i);
			i = argc - 1;
			break;
		}
		if (option_of(c, w, &takes)) {
			if (takes)
				i++; /* its value */
			continue;
		}
		if (w[0] != '-' || !w[1])
			argi++;
	}
	/* the value of the option before cur ("-s ", "--model ") */
	if (i == argc && takes) {
		int t;
		const struct option *o = option_of(c, argv[argc - 2], &t);
		value(o && o->name[0] ? kind_of(c, o->name) : V_NONE, cur);
		return 0;
	}
	/* "--model=VALUE": the value, with the option in front */
	if (!strncmp(cur, "--", 2) && strchr(cur, '=')) {
		const struct option *o = option_of(c, cur, &takes);
		if (o && o->has_arg == required_argument) {
			printf(":prefix=%.*s\n", (int)(strchr(cur, '=') - cur + 1), cur);
			value(kind_of(c, o->name), strchr(cur, '=') + 1);
		}
		return 0;
	}
	if (cur[0] == '-') {
		options(c);
		return 0;
	}
	positional(c, parent, argi, cur);
	return 0;
}
