/*
 * fuzz_adapter_options: include/vsrbench_adapter_options.h, the -M options
 * reader of adapters.  Input: a key, a newline, then the configuration
 * text (up to its first NUL, as a C string).  Checks, besides memory
 * safety:
 *  - vsrbench_opt_get's result is one of its codes, out is NUL-terminated
 *    inside outlen and "" unless FOUND; a FOUND value fits exactly in
 *    strlen + 1 bytes and is ETOOLONG in strlen bytes;
 *  - get and check_known agree on what is malformed, and check_known's
 *    message is one line that fits its buffer;
 *  - every member the walk finds is FOUND under its decoded key, and a
 *    lone member is known to check_known when its key is listed;
 *  - whatever the reader accepts, cJSON (vsrbench's own JSON library)
 *    parses as an object of strings, and each key cJSON sees once has the
 *    same value through both.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/vsrbench_adapter_options.h"
#include "fuzz.h"

#define VALUE_MAX 4096

static int count_key(const cJSON *obj, const char *key)
{
	const cJSON *it;
	int n = 0;

	cJSON_ArrayForEach(it, obj)
		n += !strcmp(it->string, key);
	return n;
}

static void check_value(const char *cfg, const char *key, char *out, size_t outlen)
{
	int r = vsrbench_opt_get(cfg, key, out, outlen);
	size_t len;

	if (r != VSRBENCH_OPT_FOUND && r != VSRBENCH_OPT_ABSENT && r != VSRBENCH_OPT_EJSON &&
	    r != VSRBENCH_OPT_ETOOLONG)
		abort();
	if (!memchr(out, '\0', outlen))
		abort();
	if (r != VSRBENCH_OPT_FOUND) {
		if (out[0])
			abort();
		return;
	}
	len = strlen(out);
	if (len + 1 <= outlen) {
		char *exact = malloc(len + 1);

		if (!exact || vsrbench_opt_get(cfg, key, exact, len + 1) != VSRBENCH_OPT_FOUND ||
		    strcmp(exact, out))
			abort();
		if (vsrbench_opt_get(cfg, key, exact, len) != VSRBENCH_OPT_ETOOLONG && len > 0)
			abort();
		free(exact);
	}
	if (vsrbench_opt_get(cfg, key, NULL, 0) != VSRBENCH_OPT_FOUND)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *rest;
	size_t rest_len, key_len = fuzz_split(data, size, '\n', &rest, &rest_len);
	char *key = fuzz_strndup(data, key_len), *cfg = fuzz_strndup(rest, rest_len);
	char *out = malloc(VALUE_MAX), err[64], small[3];
	const char *p = cfg, *k = NULL, *v = NULL;
	char *only = NULL;
	int first = 1, r, members = 0, bad, known_r;
	cJSON *json;

	if (!out)
		abort();
	check_value(cfg, key, out, VALUE_MAX);
	check_value(cfg, key, small, sizeof(small));
	bad = vsrbench_opt_get(cfg, key, NULL, 0) == VSRBENCH_OPT_EJSON;

	known_r = vsrbench_opt_check_known(cfg, NULL, err, sizeof(err));
	if ((known_r == VSRBENCH_OPT_EJSON) != bad || !memchr(err, '\0', sizeof(err)) ||
	    strchr(err, '\n') || strchr(err, '\r'))
		abort();

	/* Every member the walk finds, under its decoded key. */
	while ((r = vsrbench_optimpl_next(&p, &first, &k, &v)) > 0) {
		size_t len = 0;

		members++;
		if (vsrbench_optimpl_copy(k, out, VALUE_MAX, &len, 0, 0))
			continue; /* longer than VALUE_MAX */
		if (!bad && vsrbench_opt_get(cfg, out, NULL, 0) != VSRBENCH_OPT_FOUND)
			abort();
		if (members == 1)
			only = strdup(out);
	}
	if ((r < 0) != bad)
		abort();
	if (!bad && (known_r == VSRBENCH_OPT_EUNKNOWN) != (members > 0))
		abort();
	if (!bad && members == 1 && only) {
		const char *const one[] = { only, NULL };

		if (vsrbench_opt_check_known(cfg, one, err, sizeof(err)) != 0 || err[0])
			abort();
	}
	free(only);

	/* What the reader accepts, cJSON reads the same way. */
	if (!bad) {
		const cJSON *it;

		json = cJSON_ParseWithOpts(cfg, NULL, 1);
		if (!cJSON_IsObject(json))
			abort();
		cJSON_ArrayForEach(it, json) {
			if (!cJSON_IsString(it))
				abort();
			if (count_key(json, it->string) != 1)
				continue;
			if (strlen(it->valuestring) >= VALUE_MAX)
				continue;
			if (vsrbench_opt_get(cfg, it->string, out, VALUE_MAX) != VSRBENCH_OPT_FOUND ||
			    strcmp(out, it->valuestring))
				abort();
		}
		cJSON_Delete(json);
	}
	free(out);
	free(key);
	free(cfg);
	return 0;
}
