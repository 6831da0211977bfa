/* import_mme: MME answered lists (the eval tool's lists with the model's answers). */
#include <string.h>

#include "../base/buf.h"
#include "../base/util.h"
#include "import.h"

const struct mme_subtask *import_mme_subtask_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char stem[64];
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < 5 || n - 4 >= sizeof(stem) || strcmp(base + n - 4, ".txt"))
		return NULL;
	memcpy(stem, base, n - 4);
	stem[n - 4] = '\0';
	return mme_subtask_find(stem);
}

struct mme_ctx {
	const struct mme_subtask *t;
	const char *path;
	import_fn fn;
	void *ctx;
	struct buf id, group;
	char err[VSR_ERR_MAX];
};

static int on_line(const struct mme_line *ml, void *p)
{
	struct mme_ctx *c = p;
	struct import_answer a;

	if (!ml->response)
		return err_set(c->err, VSR_EDATA,
			       "%s:%zu: no answer (a 4th tab-separated column) to score", c->path,
			       ml->lineno);
	buf_reset(&c->id);
	buf_reset(&c->group);
	mme_item_id(&c->id, c->t->name, ml->image, ml->nth);
	mme_group(&c->group, c->t->name, ml->image);
	memset(&a, 0, sizeof(a));
	a.lineno = ml->lineno;
	a.item = c->id.ptr;
	a.group = c->group.ptr;
	a.category = c->t->name;
	a.tmpl = "q01"; /* MME asks its question as it is: what q01 sends */
	a.format = "yesno";
	a.prompt = ml->question;
	a.image = ml->image;
	a.label = ml->label;
	a.response = ml->response;
	return c->fn(&a, c->ctx, c->err);
}

int import_mme_list(const char *path, const struct mme_subtask *t, import_fn fn, void *ctx,
		    char *err)
{
	struct mme_ctx c;
	int r;

	memset(&c, 0, sizeof(c));
	buf_init(&c.id, 0); /* a zeroed buf has a NULL ptr, against buf.h's invariant */
	buf_init(&c.group, 0);
	c.t = t;
	c.path = path;
	c.fn = fn;
	c.ctx = ctx;
	r = mme_list_scan(path, on_line, &c, err);
	if (r && c.err[0])
		memcpy(err, c.err, VSR_ERR_MAX);
	buf_release(&c.id);
	buf_release(&c.group);
	return r;
}
