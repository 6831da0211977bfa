/*
 * The seed paper's names for the unified test set's two protocols: Test-S
 * (one template) and Test-G (a template pool), from run.json.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "report.h"

const char *report_vsr_protocol(const cJSON *run)
{
	const cJSON *suites = run ? cJSON_GetObjectItemCaseSensitive(run, "suites") : NULL;
	const char *tpl = run ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "templates"))
			      : NULL;
	const cJSON *s;
	int unified = 0;

	cJSON_ArrayForEach(s, suites)
	{
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
		unified |= name && (!strcmp(name, "vsr-zeroshot-test") || !strcmp(name, "vsr-unified"));
	}
	if (!unified || !tpl)
		return NULL;
	if (!strcmp(tpl, "pool") || !strcmp(tpl, "vsre") || strchr(tpl, ','))
		return "Test-G";
	if (!strchr(tpl, '/'))
		return "Test-S"; /* "single" or one id */
	return NULL; /* a user's file: its size is not in run.json */
}
