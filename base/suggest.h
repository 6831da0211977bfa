/*
 * suggest: "did you mean ...?" for names a user typed (subcommands,
 * options, suites, templates, models, list topics), by edit distance.
 */
#ifndef VSR_SUGGEST_H
#define VSR_SUGGEST_H

#include <stddef.h>

/*
 * The candidate nearest to `word` (Damerau-Levenshtein distance, case
 * ignored; a candidate that starts with `word` counts as near), or NULL when
 * none is close enough to be a likely typo: the distance must be at most a
 * third of the longer name, and at most 3.  Ties go to the first candidate.
 */
const char *suggest_nearest(const char *word, const char *const *cands, size_t n);
/* The same over an array of structs whose first member is the name. */
const char *suggest_nearest_field(const char *word, const void *base, size_t n, size_t stride);
/*
 * The same over a list written for people ("cmd, shell, image": names
 * separated by commas and spaces), the nearest copied into out (n bytes);
 * returns out, or NULL when none is near (out then holds "").
 */
const char *suggest_nearest_list(const char *word, const char *list, char *out, size_t n);
/*
 * For a message: "; did you mean 'hflip'?" when a name in `list` is near
 * `word`, else "".  Written into out (n bytes), which is returned.
 */
const char *suggest_hint(const char *word, const char *list, char *out, size_t n);
/* The edit distance itself (optimal string alignment), capped at 255. */
unsigned suggest_distance(const char *a, const char *b);

#endif
