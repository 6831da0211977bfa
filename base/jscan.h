/*
 * jscan: a strict JSON reader that allocates nothing.  It checks a whole
 * document and lays its values out as a flat array of tokens pointing into
 * the text, for a reader that wants a few members of a small document
 * (a server's reply) without building a tree.
 *
 *   struct jtok t[64];
 *   int n = jscan(text, len, t, 64);        // n tokens, or -1
 *   int v = jscan_get(text, t, 0, "usage"); // the value of member "usage" of the root, or -1
 *
 * It is stricter than JSON in two ways, so that a string's bytes are its
 * text and a number's digits its value for the callers that copy them:
 * a control byte inside a string and a \u escape make the document refused
 * (-1), like one that is not JSON, too deep (JSCAN_DEPTH) or has more
 * tokens than given.  Other escapes are allowed and marked (JT_ESC).
 */
#ifndef VSR_JSCAN_H
#define VSR_JSCAN_H

#include <stddef.h>

enum jtype { JT_NULL, JT_FALSE, JT_TRUE, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

#define JSCAN_DEPTH 32
#define JT_ESC 1 /* a string with backslash escapes: its bytes are not its text */
#define JT_INT 2 /* a number of digits only: no sign, fraction or exponent */

struct jtok {
	unsigned char type;  /* enum jtype */
	unsigned char flags; /* JT_ESC, JT_INT */
	unsigned start, len; /* the text: a string's without its quotes, a container's whole */
	int next;            /* the next element or member (-1: the last) */
	int child;           /* a container's first element or member, a member's value (-1: none) */
};

/*
 * An object's members are key tokens (JT_STR) whose child is the value;
 * an array's elements are the values themselves.  Returns the number of
 * tokens (the root is token 0), or -1.
 */
int jscan(const char *s, size_t len, struct jtok *t, int max);

/*
 * The value of the first member named key of object token obj (as cJSON
 * finds it; compared with the key's bytes: a key with escapes never
 * matches), or -1; -1 too when obj is not an object.
 */
int jscan_get(const char *s, const struct jtok *t, int obj, const char *key);

/* A JT_INT token's value; -1 for any other token or more than 15 digits. */
long long jscan_int(const char *s, const struct jtok *t, int i);

/* JT_STR's text into out (NUL-terminated; out holds t[i].len + 1 bytes): its length. */
size_t jscan_unescape(const char *s, const struct jtok *t, int i, char *out);

#endif
