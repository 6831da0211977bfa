/*
 * A test plug-in made worse on purpose, by exactly as much as the test says.
 *   truth=PATH   lines LABEL<TAB>FLIP<TAB>PROMPT (LABEL yes or no, FLIP 0 or 1):
 *                the answer to PROMPT is LABEL, or the other one when FLIP is 1
 * A prompt the file does not hold gets "I cannot tell." (no answer).  The
 * test writes the file from a baseline journal with jq, so it knows which
 * tasks this model gets wrong and can compute the comparison by itself.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsrbench_adapter.h"

struct entry {
	char *prompt;
	int yes;
};

struct state {
	struct entry *e;
	size_t n;
};

static int load(struct state *st, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!fp) {
		snprintf(err, errlen, "cannot open truth file %s", path);
		return 1;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *t1, *t2;
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2) {
			snprintf(err, errlen, "%s: expected LABEL<TAB>FLIP<TAB>PROMPT", path);
			free(line);
			fclose(fp);
			return 1;
		}
		*t1 = *t2 = '\0';
		st->e = realloc(st->e, (st->n + 1) * sizeof(*st->e));
		st->e[st->n].prompt = strdup(t2 + 1);
		st->e[st->n].yes = !strcmp(line, "yes") != !strcmp(t1 + 1, "1");
		st->n++;
	}
	free(line);
	fclose(fp);
	return 0;
}

static void w_close(void *state)
{
	struct state *st = state;

	for (size_t i = 0; i < st->n; i++)
		free(st->e[i].prompt);
	free(st->e);
	free(st);
}

static int w_open(const char *config_json, void **out, char *err, size_t errlen)
{
	cJSON *cfg = cJSON_Parse(config_json), *it;
	struct state *st = calloc(1, sizeof(*st));
	int r = 0;

	cJSON_ArrayForEach(it, cfg) {
		const char *v = cJSON_GetStringValue(it);
		if (!strcmp(it->string, "truth") && v) {
			r = load(st, v, err, errlen);
		} else {
			snprintf(err, errlen, "unknown option \"%s\"", it->string);
			r = 1;
		}
		if (r)
			break;
	}
	cJSON_Delete(cfg);
	if (r) {
		w_close(st);
		return 1;
	}
	*out = st;
	return 0;
}

static int w_answer(void *state, const struct vsrbench_request *const *req,
		    struct vsrbench_response *const *resp, size_t n)
{
	struct state *st = state;

	for (size_t i = 0; i < n; i++) {
		const char *a = "I cannot tell.";
		for (size_t k = 0; k < st->n; k++)
			if (!strcmp(st->e[k].prompt, req[i]->prompt)) {
				a = st->e[k].yes ? "Yes." : "No.";
				break;
			}
		resp[i]->text = strdup(a);
		resp[i]->status = VSRBENCH_OK;
	}
	return 0;
}

static void w_free(void *state, struct vsrbench_response *resp)
{
	(void)state;
	free(resp->text);
}

static const struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR, sizeof(struct vsrbench_adapter), "worse", 8, 0,
	w_open, w_answer, w_free, w_close, "test",
};

const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major)
{
	(void)host_abi_major;
	return &table;
}
