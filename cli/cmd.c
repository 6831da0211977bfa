/* What the subcommands share. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/suggest.h"
#include "../base/util.h"
#include "cmd.h"

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
