/* What the subcommands share. */
#include <getopt.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../base/util.h"
#include "cmd.h"

int cmd_usage_error(char *err, int c, char *const *argv, const char *cmd, int hint_missing)
{
	struct buf msg = BUF_INIT;
	const char *opt = argv[optind - 1];

	if (c == ':')
		buf_addf(&msg, "option '%s' needs a value", opt);
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
