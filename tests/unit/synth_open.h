/*
 * What the synth and builtin:geometry unit tests share: the colours a reader
 * of the images would name (written here, independent of suites/synth.c) and
 * the synth suite opened with a seed and "key=value" options.  Included by
 * test_synth.c and test_geometry.c after cmocka.h and suites/synth.h.
 */
#ifndef VSR_TEST_SYNTH_OPEN_H
#define VSR_TEST_SYNTH_OPEN_H

/* The colours a reader of the images would name (independent of synth.c). */
static const struct {
	const char *name;
	unsigned char rgb[3];
} tcol[] = {
	{ "white", { 255, 255, 255 } },
	{ "red", { 220, 20, 20 } },
	{ "green", { 20, 160, 40 } },
	{ "blue", { 30, 60, 220 } },
	{ "yellow", { 240, 220, 20 } },
	{ "purple", { 120, 40, 160 } },
	{ "orange", { 250, 140, 0 } },
	{ "cyan", { 0, 200, 220 } },
	{ "magenta", { 230, 20, 200 } },
};
#define N_TCOL 9

/* Opens synth with seed and "key=value" options (NULL-terminated). */
static int open_synth(void **priv, char *err, uint64_t seed, ...)
{
	struct kv opts[8];
	char store[8][64];
	struct suite_config cfg;
	size_t n = 0;
	const char *s;
	va_list ap;

	memset(&cfg, 0, sizeof(cfg));
	va_start(ap, seed);
	while ((s = va_arg(ap, const char *)) && n < 8) {
		const char *eq = strchr(s, '=');
		size_t k = eq ? (size_t)(eq - s) : strlen(s);

		snprintf(store[n], sizeof(store[n]), "%.*s", (int)k, s);
		opts[n].key = store[n];
		opts[n].value = eq ? eq + 1 : "";
		n++;
	}
	va_end(ap);
	cfg.seed = seed;
	cfg.opts = opts;
	cfg.n_opts = n;
	*priv = NULL;
	err[0] = '\0';
	return synth_suite_ops.open(suite_lookup("synth"), &cfg, priv, err);
}

static void *must_open(uint64_t seed, const char *o1, const char *o2, const char *o3)
{
	char err[VSR_ERR_MAX];
	void *priv;
	int rc = open_synth(&priv, err, seed, o1, o2, o3, (const char *)NULL);

	if (rc)
		fail_msg("open: %s", err);
	assert_non_null(priv);
	return priv;
}

static void must_next(void *priv, struct item *it)
{
	char err[VSR_ERR_MAX] = "";
	int rc = synth_suite_ops.next(priv, it, err);

	if (rc != 1)
		fail_msg("next returned %d: %s", rc, err);
}

static void must_image(void *priv, const struct item *it, struct image *img)
{
	char err[VSR_ERR_MAX] = "";

	if (synth_suite_ops.load_image(priv, it, img, err))
		fail_msg("load_image %s: %s", it->id, err);
	assert_non_null(img->bytes);
	assert_string_equal(img->mime, "image/png");
}

#endif
