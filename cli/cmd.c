/* What the subcommands share. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/suggest.h"
#include "../base/util.h"
#include "cmd.h"

/*
 * What other tools' options for a served model are in `vsrbench run` (its
 * -M options): the hint after "unknown option", or NULL.
 */
static const char *foreign_hint(const char *cmd, const char *opt)
{
	static const struct {
		const char *name, *hint;
	} foreign[] = {
		{ "endpoint", "the server's address is a model option: -M base_url=URL" },
		{ "base-url", "the server's address is a model option: -M base_url=URL" },
		{ "base_url", "the server's address is a model option: -M base_url=URL" },
		{ "api-base", "the server's address is a model option: -M base_url=URL" },
		{ "api_base", "the server's address is a model option: -M base_url=URL" },
		{ "url", "the server's address is a model option: -M base_url=URL" },
		{ "api-key", "API keys are read from the environment only: -M api_key_env=NAME "
			     "names the variable" },
		{ "api_key", "API keys are read from the environment only: -M api_key_env=NAME "
			     "names the variable" },
		{ "model-name", "the name the server serves is a model option: -M model=NAME" },
		{ "model_name", "the name the server serves is a model option: -M model=NAME" },
	};
	size_t len;

	if (strcmp(cmd, "run") || strncmp(opt, "--", 2))
		return NULL;
	len = strcspn(opt + 2, "=");
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		if (strlen(foreign[i].name) == len && !strncmp(opt + 2, foreign[i].name, len))
			return foreign[i].hint;
	return NULL;
}

int cmd_usage_error_opts(char *err, int c, char *const *argv, const char *cmd, int hint_missing,
			 const struct option *longopts)
{
	struct buf msg = BUF_INIT;
	const char *opt = argv[optind - 1];
	const char *near = NULL;

	if (c != ':' && longopts && !strncmp(opt, "--", 2)) {
		/* "--sed=3" is "sed" among the command's long option names */
		const char *names[128];
		char word[64];
		size_t n = 0, len = strcspn(opt + 2, "=");
		for (; longopts[n].name && n < sizeof(names) / sizeof(names[0]); n++)
			names[n] = longopts[n].name;
		if (len < sizeof(word)) {
			memcpy(word, opt + 2, len);
			word[len] = '\0';
			near = suggest_nearest(word, names, n);
		}
	}
	if (c == ':')
		buf_addf(&msg, "option '%s' needs a value", opt);
	else if (foreign_hint(cmd, opt)) /* its name only: an --api-key=VALUE's value is a key */
		buf_addf(&msg, "unknown option '%.*s': %s", (int)(2 + strcspn(opt + 2, "=")), opt,
			 foreign_hint(cmd, opt));
	else if (near)
		buf_addf(&msg, "unknown option '%s'; did you mean '--%s'?", opt, near);
	else
		buf_addf(&msg, "unknown option '%s'", opt);
	if (c != ':' || hint_missing)
		buf_addf(&msg, " (see 'vsrbench %s --help')", cmd);
	if (err)
		err_set(err, VSR_EUSAGE, "%s", msg.ptr);
	else
		vsr_error("%s", msg.ptr);
	buf_release(&msg);
	return VSR_EUSAGE;
}

int cmd_usage_error(char *err, int c, char *const *argv, const char *cmd, int hint_missing)
{
	return cmd_usage_error_opts(err, c, argv, cmd, hint_missing, NULL);
}
