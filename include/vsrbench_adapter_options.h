/*
 * vsrbench_adapter_options.h -- reading the -M options in an adapter.
 *
 * open() receives the `-M key=value` options as a flat JSON object whose
 * values are strings: {"seed":"7","model":"llava"}.  These two functions
 * read it without a JSON library:
 *
 *     static const char *const known[] = { "seed", "model", NULL };
 *     char seed[32];
 *
 *     if (vsrbench_opt_check_known(config_json, known, err, errlen))
 *             return 1;   // err: unknown option "colour"
 *     switch (vsrbench_opt_get(config_json, "seed", seed, sizeof(seed))) {
 *     case VSRBENCH_OPT_FOUND:  ... parse seed ...; break;
 *     case VSRBENCH_OPT_ABSENT: ... the default ...; break;
 *     default:                  snprintf(err, errlen, "option seed: too long"); return 1;
 *     }
 *
 * Header-only (static inline), C11 and libc only, no allocation, no global
 * state: safe from any thread.  The input is read only up to its NUL.
 *
 * What is accepted: JSON blanks around the tokens; an object `{}` or
 * `{"k":"v", ...}` whose values are strings, and nothing after it but
 * blanks; NULL is taken as `{}`.  Keys and values are decoded: \" \\ \/ \b
 * \f \n \r \t and \uXXXX (a surrogate pair is one character) become UTF-8;
 * other bytes are copied as they are (the host sends UTF-8).  Rejected as
 * malformed (VSRBENCH_OPT_EJSON): any other shape (a value that is not a
 * string, nesting, a trailing comma), a control character (below 0x20)
 * inside a string, an unknown escape, a lone surrogate, and \u0000, which
 * a C string cannot hold.  The whole object is checked on every call, so a
 * malformed configuration is an error whichever key is asked for.  Keys
 * are compared byte for byte after decoding; when a key occurs twice the
 * last one wins (the host never sends a key twice: later -M options
 * replace earlier ones).
 */
#ifndef VSRBENCH_ADAPTER_OPTIONS_H
#define VSRBENCH_ADAPTER_OPTIONS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VSRBENCH_OPT_FOUND 1     /* the key is there; out holds its value */
#define VSRBENCH_OPT_ABSENT 0    /* no such key (check_known: every key is known) */
#define VSRBENCH_OPT_EJSON (-1)  /* not a flat JSON object of strings */
#define VSRBENCH_OPT_ETOOLONG (-2) /* the value and its NUL do not fit in out */
#define VSRBENCH_OPT_EUNKNOWN (-3) /* check_known: a key not in the list */

/* ---- internals (names may change; use the two functions at the end) ---- */

static inline const char *vsrbench_optimpl_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Four hex digits at p into *v; -1 when one is not a hex digit (or the NUL). */
static inline int vsrbench_optimpl_hex4(const char *p, unsigned long *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned long d;

		if (c >= '0' && c <= '9')
			d = (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned long)(c - 'A' + 10);
		else
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

/*
 * Decodes the next character of a string's body at *pp into u and returns
 * its length in bytes (1 to 4), moving *pp past it; 0 at the closing quote
 * (moved past it too); -1 when malformed (*pp unchanged).
 */
static inline int vsrbench_optimpl_char(const char **pp, char u[4])
{
	const char *p = *pp;
	unsigned char c0 = (unsigned char)*p;
	unsigned long c;

	if (c0 == '"') {
		*pp = p + 1;
		return 0;
	}
	if (c0 < 0x20) /* a control character, or the end of the text */
		return -1;
	if (c0 != '\\') {
		u[0] = *p;
		*pp = p + 1;
		return 1;
	}
	if (p[1] != 'u') {
		switch (p[1]) {
		case '"': u[0] = '"'; break;
		case '\\': u[0] = '\\'; break;
		case '/': u[0] = '/'; break;
		case 'b': u[0] = '\b'; break;
		case 'f': u[0] = '\f'; break;
		case 'n': u[0] = '\n'; break;
		case 'r': u[0] = '\r'; break;
		case 't': u[0] = '\t'; break;
		default: return -1;
		}
		*pp = p + 2;
		return 1;
	}
	if (vsrbench_optimpl_hex4(p + 2, &c))
		return -1;
	p += 6;
	if (c >= 0xD800 && c <= 0xDBFF) {
		unsigned long lo;

		if (p[0] != '\\' || p[1] != 'u' || vsrbench_optimpl_hex4(p + 2, &lo) ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return -1;
		c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	} else if ((c >= 0xDC00 && c <= 0xDFFF) || c == 0) {
		return -1;
	}
	*pp = p;
	if (c < 0x80) {
		u[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	u[0] = (char)(0xF0 | (c >> 18));
	u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	u[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Moves *pp (at an opening quote) past the string; -1 when malformed. */
static inline int vsrbench_optimpl_skip(const char **pp)
{
	char u[4];
	int n;

	if (**pp != '"')
		return -1;
	(*pp)++;
	while ((n = vsrbench_optimpl_char(pp, u)) > 0)
		;
	return n;
}

/*
 * The object's next member: *key and *val point at the opening quotes of
 * its key and value.  *first is 1 before the first call.  Returns 1 for a
 * member, 0 at the end of a well-formed object, -1 when malformed.
 */
static inline int vsrbench_optimpl_next(const char **pp, int *first, const char **key,
					const char **val)
{
	const char *p = vsrbench_optimpl_blanks(*pp);

	if (*first) {
		if (*p != '{')
			return -1;
		p = vsrbench_optimpl_blanks(p + 1);
		*first = 0;
		if (*p == '}')
			goto end;
	} else {
		if (*p == '}')
			goto end;
		if (*p != ',')
			return -1;
		p = vsrbench_optimpl_blanks(p + 1);
	}
	*key = p;
	if (vsrbench_optimpl_skip(&p))
		return -1;
	p = vsrbench_optimpl_blanks(p);
	if (*p != ':')
		return -1;
	p = vsrbench_optimpl_blanks(p + 1);
	*val = p;
	if (vsrbench_optimpl_skip(&p))
		return -1;
	*pp = p;
	return 1;
end:
	p = vsrbench_optimpl_blanks(p + 1);
	*pp = p;
	return *p ? -1 : 0;
}

/* Is the (well-formed) string at q, decoded, equal to s? */
static inline int vsrbench_optimpl_equal(const char *q, const char *s)
{
	char u[4];
	int n;

	q++;
	while ((n = vsrbench_optimpl_char(&q, u)) > 0)
		for (int i = 0; i < n; i++, s++)
			if (*s != u[i])
				return 0;
	return n == 0 && *s == '\0';
}

/*
 * Appends the (well-formed) string at q, decoded, to out[*len..outlen) and
 * NUL-terminates it, whole characters only, keeping `reserve` bytes free
 * before the NUL; control characters become '?' when `printable`.  Returns
 * 0, or -1 when it did not fit (out then holds what did).
 */
static inline int vsrbench_optimpl_copy(const char *q, char *out, size_t outlen, size_t *len,
					size_t reserve, int printable)
{
	char u[4];
	int n;

	q++;
	while ((n = vsrbench_optimpl_char(&q, u)) > 0) {
		if (*len + (size_t)n + reserve + 1 > outlen) {
			out[*len] = '\0';
			return -1;
		}
		for (int i = 0; i < n; i++) {
			unsigned char c = (unsigned char)u[i];

			out[(*len)++] = printable && (c < 0x20 || c == 0x7f) ? '?' : u[i];
		}
	}
	out[*len] = '\0';
	return 0;
}

/* Appends s to out[*len..outlen) as far as it fits, NUL-terminated. */
static inline void vsrbench_optimpl_puts(char *out, size_t outlen, size_t *len, const char *s)
{
	while (*s && *len + 1 < outlen)
		out[(*len)++] = *s++;
	out[*len] = '\0';
}

/* ---- the API ---------------------------------------------------------- */

/*
 * Looks up `key` (a NUL-terminated UTF-8 string) in config_json and copies
 * its decoded value, NUL-terminated, into out (outlen bytes).  Returns
 *   VSRBENCH_OPT_FOUND     out holds the value;
 *   VSRBENCH_OPT_ABSENT    no such key;
 *   VSRBENCH_OPT_EJSON     config_json is malformed (see the top);
 *   VSRBENCH_OPT_ETOOLONG  the value needs more than outlen - 1 bytes.
 * Whenever it does not return FOUND, out holds "" (outlen > 0).  With out
 * NULL and outlen 0 it only tells FOUND from ABSENT (or EJSON).
 */
static inline int vsrbench_opt_get(const char *config_json, const char *key, char *out,
				   size_t outlen)
{
	const char *p = config_json ? config_json : "{}", *k = NULL, *v = NULL, *hit = NULL;
	size_t len = 0;
	int first = 1, r;

	if (out && outlen)
		out[0] = '\0';
	while ((r = vsrbench_optimpl_next(&p, &first, &k, &v)) > 0)
		if (vsrbench_optimpl_equal(k, key))
			hit = v;
	if (r < 0)
		return VSRBENCH_OPT_EJSON;
	if (!hit)
		return VSRBENCH_OPT_ABSENT;
	if (!out && !outlen)
		return VSRBENCH_OPT_FOUND;
	if (!out || !outlen)
		return VSRBENCH_OPT_ETOOLONG;
	if (vsrbench_optimpl_copy(hit, out, outlen, &len, 0, 0)) {
		out[0] = '\0';
		return VSRBENCH_OPT_ETOOLONG;
	}
	return VSRBENCH_OPT_FOUND;
}

/*
 * Checks that every key of config_json is one of known[] (a list ending
 * with NULL; known itself may be NULL: no option is known).  Returns
 *   0                      every key is known (or there is none);
 *   VSRBENCH_OPT_EUNKNOWN  err holds `unknown option "KEY"` for the first
 *                          unknown key (control characters shown as '?',
 *                          the key cut short when err is too small);
 *   VSRBENCH_OPT_EJSON     err holds `the configuration is not a JSON
 *                          object of strings`.
 * err (errlen bytes) is always NUL-terminated when errlen > 0; it may be
 * NULL when errlen is 0.  The message is one line; append to it what the
 * adapter does take, e.g. " (mine takes seed, model)".
 */
static inline int vsrbench_opt_check_known(const char *config_json, const char *const *known,
					   char *err, size_t errlen)
{
	const char *p = config_json ? config_json : "{}", *k = NULL, *v = NULL, *unknown = NULL;
	size_t len = 0;
	int first = 1, r;

	if (err && errlen)
		err[0] = '\0';
	while ((r = vsrbench_optimpl_next(&p, &first, &k, &v)) > 0) {
		int found = 0;

		for (size_t i = 0; known && known[i] && !found; i++)
			found = vsrbench_optimpl_equal(k, known[i]);
		if (!found && !unknown)
			unknown = k;
	}
	if (r < 0) {
		if (err && errlen)
			vsrbench_optimpl_puts(err, errlen, &len,
					      "the configuration is not a JSON object of strings");
		return VSRBENCH_OPT_EJSON;
	}
	if (!unknown)
		return 0;
	if (err && errlen) {
		vsrbench_optimpl_puts(err, errlen, &len, "unknown option \"");
		/* The key as far as it fits with its closing quote. */
		if (len + 1 < errlen)
			(void)vsrbench_optimpl_copy(unknown, err, errlen, &len, 1, 1);
		vsrbench_optimpl_puts(err, errlen, &len, "\"");
	}
	return VSRBENCH_OPT_EUNKNOWN;
}

#ifdef __cplusplus
}
#endif

#endif
