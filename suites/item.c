#include "item.h"

#include "../base/buf.h"

#include <stdlib.h>
#include <string.h>
#include "../base/banned.h" /* last: see banned.h */

static const char *const letters[26] = {
	"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
	"N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
};

const char *answer_name(answer_t a)
{
	if (a == ANS_YES)
		return "yes";
	if (a == ANS_NO)
		return "no";
	if (ANS_IS_LETTER(a))
		return letters[a - 10];
	return "invalid";
}

answer_t answer_parse(const char *s)
{
	if (!strcmp(s, "yes"))
		return ANS_YES;
	if (!strcmp(s, "no"))
		return ANS_NO;
	if (!strcmp(s, "invalid"))
		return ANS_INVALID;
	if (s[0] >= 'A' && s[0] <= 'Z' && !s[1])
		return ANS_LETTER(s[0] - 'A');
	return -1;
}

void item_release(struct item *it)
{
	free(it->id);
	free(it->caption);
	free(it->subject);
	free(it->subject_box);
	free(it->object_box);
	free(it->relation);
	free(it->object);
	free(it->image_path);
	free(it->question);
	free(it->hint);
	for (size_t i = 0; i < it->n_choices; i++)
		free(it->choices[i]);
	free(it->choices);
	free(it->group);
	free(it->where);
	if (it->priv && it->priv_free)
		it->priv_free(it->priv);
	memset(it, 0, sizeof(*it));
}

char *item_where(const char *path, size_t line)
{
	struct buf b = BUF_INIT;

	if (line)
		buf_addf(&b, "%s:%zu", path, line);
	else
		buf_addf(&b, "%s", path);
	return buf_detach(&b, NULL);
}

void image_release(struct image *img)
{
	free(img->bytes);
	free(img->b64);
	memset(img, 0, sizeof(*img));
}
