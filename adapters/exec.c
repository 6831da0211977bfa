#include "remote.h"

#include "../harness/util.h"

int exec_open(const char *config_json, const cJSON *opts, struct model *m, char *err)
{
	(void)config_json;
	(void)opts;
	(void)m;
	return err_set(err, VSR_EUSAGE, "-m exec: not yet");
}
