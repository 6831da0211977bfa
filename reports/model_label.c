/* model_label: how every report names the model (see model_label.h). */
#include "model_label.h"

#include <string.h>

#include "../base/banned.h" /* last: see banned.h */

static const char *str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* At most max bytes of s, never half a UTF-8 character, "..." when cut (a long exec command). */
static void add_cut(struct buf *out, const char *s, size_t max)
{
	size_t n = strlen(s);

	buf_add(out, s, utf8_cut_len(s, n, max));
	if (n > max)
		buf_adds(out, "...");
}

void model_label(const cJSON *run, struct buf *out)
{
	const cJSON *mo = run ? cJSON_GetObjectItemCaseSensitive(run, "model") : NULL;
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(mo, "config");
	const char *spec = str(mo, "spec"), *name = str(mo, "name"), *version = str(mo, "version");
	const char *model = str(cfg, "model"), *url = str(cfg, "base_url"), *cmd = str(cfg, "cmd");

	if (!spec) {
		buf_adds(out, "?");
		return;
	}
	/* A plug-in by its own name and version: two files may hold the same one. */
	if (!strncmp(spec, "lib:", 4) && name && *name) {
		buf_adds(out, name);
		if (version && *version)
			buf_addf(out, " %s", version);
		buf_adds(out, " (");
		add_cut(out, spec, 120);
		buf_adds(out, ")");
	} else {
		buf_adds(out, spec);
	}
	if (model && *model)
		buf_addf(out, " model %s", model);
	if (url && *url) {
		/* the host (and port) of scheme://host:port/path */
		const char *h = strstr(url, "://");
		h = h ? h + 3 : url;
		buf_adds(out, " at ");
		buf_add(out, h, strcspn(h, "/?#"));
	}
	if (cmd && *cmd) {
		buf_adds(out, " \"");
		add_cut(out, cmd, 80);
		buf_adds(out, "\"");
	}
}
