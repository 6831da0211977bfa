/*
 * fuzz_template: a user's template file (-t FILE: `ID \t FORMAT \t TEXT`
 * lines) through template_set_load, then every template it defines
 * expanded for caption items (split and unsplit), a yes/no question item
 * and multiple-choice items, whose own fields hold brackets too.
 * template_applies must say exactly when template_expand succeeds.  The
 * same bytes are also tried as an id list (-t ID,ID,...).
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/util.h"
#include "../../suites/template.h"
#include "fuzz.h"

static struct item items[5];
static char *opts4[4], *opts30[30];

/* The items, built once (-Wwrite-strings: item strings are not const). */
static void items_init(void)
{
	static const char *const o4[4] = { "left [of]", "right", "[options]", "" };

	if (items[0].id)
		return;
	for (size_t i = 0; i < 4; i++)
		opts4[i] = xstrdup(o4[i]);
	for (size_t i = 0; i < 30; i++)
		opts30[i] = xstrdup("x");
	items[0] = (struct item){ .id = xstrdup("cap"), .caption = xstrdup("The cat is left of the dog."),
				  .subject = xstrdup("cat"), .relation = xstrdup("left of"),
				  .object = xstrdup("[object] dog"), .label = ANS_YES };
	items[1] = (struct item){ .id = xstrdup("unsplit"), .caption = xstrdup("A [caption] without its parts"),
				  .relation = xstrdup("near"), .label = ANS_NO };
	items[2] = (struct item){ .id = xstrdup("q"), .question = xstrdup("Is the [subject] on the left?"),
				  .label = ANS_YES };
	items[3] = (struct item){ .id = xstrdup("mc"), .question = xstrdup("Where is it?"),
				  .hint = xstrdup("[hint] look"), .choices = opts4, .n_choices = 4,
				  .label = ANS_LETTER(2) };
	items[4] = (struct item){ .id = xstrdup("mc30"), .question = xstrdup("Which?"), .choices = opts30,
				  .n_choices = 30, .label = ANS_LETTER(0) };
}

static void expand_all(const struct template_set *set)
{
	char err[VSR_ERR_MAX];
	struct buf out = BUF_INIT;

	items_init();
	for (size_t t = 0; t < set->n; t++) {
		(void)template_format_name(&set->t[t]);
		(void)tfmt_name(set->t[t].fmt);
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			int applies = template_applies(&set->t[t], &items[i]);
			int r;

			buf_reset(&out);
			r = template_expand(&set->t[t], &items[i], &out, err);
			if (applies != !r)
				abort();
		}
	}
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VSR_ERR_MAX];
	struct template_set set;

	if (!template_set_load(&set, fuzz_path(0, data, size), err)) {
		expand_all(&set);
		template_set_release(&set);
	}
	if (size < 256 && !memchr(data, '/', size) && !memchr(data, 0, size)) {
		char *spec = fuzz_strndup(data, size);
		if (!template_set_load(&set, spec, err)) {
			expand_all(&set);
			template_set_release(&set);
		}
		free(spec);
	}
	return 0;
}
