#include "model.h"
#include "../base/banned.h" /* last: see banned.h */

const char *model_name(const struct model *m)
{
	return m->a ? m->a->name : m->remote_name ? m->remote_name : "model";
}

const char *model_version(const struct model *m)
{
	return m->a ? (m->a->version ? m->a->version : "") : "1";
}
