/*
 * mmbench_names: the name lists of the MMBench options (internal to suites/;
 * size_t comes from the includer).
 */
#ifndef VSR_MMBENCH_NAMES_H
#define VSR_MMBENCH_NAMES_H

struct names {
	char **v;
	size_t n;
	size_t *hits; /* rows that matched each name (selection lists) */
};

void mmbench_names_add(struct names *ns, const char *s, size_t len);
void mmbench_names_release(struct names *ns);
int mmbench_names_match(struct names *ns, const char *s);
int mmbench_parse_list(struct names *ns, const char *v);
int mmbench_names_has(const struct names *ns, const char *s);

/*
 * The error for a TSV that cannot be read (errnum: access's errno) from
 * -S file=FILE (the default's name when not given), looked for at path: says
 * where a copy the user has is (the working directory; VLMEvalKit's data
 * folder, $LMUData or ~/LMUData) and how to name it.  Returns VSR_EDATA.
 */
int mmbench_unreadable(const char *suite, const char *path, const char *file, int errnum,
		       char *err);

#endif
