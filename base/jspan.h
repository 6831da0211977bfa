/*
 * jspan: how many leading bytes of a text a JSON string carries as they are.
 *
 * The journal writer, the request builder and the reply scanner spend most
 * of their time walking strings byte by byte for the few bytes that need
 * care: '"', '\\', controls (< 0x20) and, for a writer that checks UTF-8,
 * bytes >= 0x80.  This reads eight bytes at a time.  Each test below flags
 * the bytes it looks for with their high bit; a flag can be wrong only
 * above a right one (a borrow runs upwards), so the lowest flag of the
 * union is the first byte that needs care.
 */
#ifndef VSR_JSPAN_H
#define VSR_JSPAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JSPAN_ONES 0x0101010101010101ULL
#define JSPAN_HIGH 0x8080808080808080ULL

/* The bytes of v below n (n <= 128), flagged. */
static inline uint64_t jspan_below(uint64_t v, unsigned n)
{
	return (v - JSPAN_ONES * n) & ~v & JSPAN_HIGH;
}

/* The bytes of v equal to c, flagged. */
static inline uint64_t jspan_equal(uint64_t v, unsigned char c)
{
	return jspan_below(v ^ (JSPAN_ONES * c), 1);
}

static inline int jspan_stop(unsigned char c, int high)
{
	return c < 0x20 || c == '"' || c == '\\' || (high && c >= 0x80);
}

/*
 * The length of s's longest prefix (at most n bytes) without '"', '\\' or a
 * control byte, nor (high set) a byte >= 0x80.
 */
static inline size_t jspan_plain(const char *s, size_t n, int high)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	for (; i + 8 <= n; i += 8) {
		uint64_t v, m;

		memcpy(&v, p + i, sizeof(v));
		m = jspan_below(v, 0x20) | jspan_equal(v, '"') | jspan_equal(v, '\\') |
		    (high ? v & JSPAN_HIGH : 0);
		if (m)
			return i + (size_t)__builtin_ctzll(m) / 8;
	}
#endif
	while (i < n && !jspan_stop(p[i], high))
		i++;
	return i;
}

#endif
