/*
 * fuzz_mmbench: an MMBench TSV through the whole suite, as `run` drives
 * it: open (header by name, every row checked, image references resolved),
 * next() over every item (CircularEval rotations generated or taken from
 * the file) and load_image() (base64 read with pread and decoded).  Each
 * input runs twice: the whole file with CircularEval, and the spatial
 * suite's default categories without it.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "../../suites/item.h"
#include "../../base/util.h"
#include "../../suites/mmbench.h"
#include "fuzz.h"

#define MAX_ITEMS 2000

static void run(const char *suite, const char *path, const char *circular)
{
	const struct suite_preset *p = suite_lookup(suite);
	const struct suite_ops *ops = p->ops;
	char err[VSR_ERR_MAX];
	struct kv opts[2] = { { "file", path }, { "circular", circular } };
	struct suite_config cfg;
	void *priv = NULL;
	cJSON *o;

	memset(&cfg, 0, sizeof(cfg));
	cfg.opts = opts;
	cfg.n_opts = 2;
	if (ops->open(p, &cfg, &priv, err))
		return;
	(void)ops->count(priv);
	(void)ops->digest(priv);
	o = cJSON_CreateObject();
	ops->describe(priv, o);
	cJSON_Delete(o);
	for (size_t n = 0; n < MAX_ITEMS; n++) {
		struct item it;
		struct image img = { 0 };
		int r = ops->next(priv, &it, err);

		if (r != 1)
			break;
		memset(&img, 0, sizeof(img));
		if (!ops->load_image(priv, &it, &img, err))
			image_release(&img);
		item_release(&it);
	}
	ops->close(priv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, data, size);

	run("mmbench", path, "on");
	run("mmbench-spatial", path, "off");
	return 0;
}
