#include "keyset.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static size_t slot_of(uint64_t key, size_t cap)
{
	/* Keys are hashes already; a final multiply spreads low bits anyway. */
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static void grow(struct keyset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024;
	uint64_t *ns = xcalloc(ncap, sizeof(*ns));

	for (size_t i = 0; i < s->cap; i++) {
		uint64_t k = s->slots[i];
		size_t j;
		if (!k)
			continue;
		for (j = slot_of(k, ncap); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = k;
	}
	free(s->slots);
	s->slots = ns;
	s->cap = ncap;
}

int keyset_add(struct keyset *s, uint64_t key)
{
	size_t j;

	if (!key) {
		int was = s->has_zero;
		s->has_zero = 1;
		return !was;
	}
	if ((s->n + 1) * 4 > s->cap * 3)
		grow(s);
	for (j = slot_of(key, s->cap); s->slots[j]; j = (j + 1) & (s->cap - 1))
		if (s->slots[j] == key)
			return 0;
	s->slots[j] = key;
	s->n++;
	return 1;
}

int keyset_has(const struct keyset *s, uint64_t key)
{
	if (!key)
		return s->has_zero;
	if (!s->cap)
		return 0;
	for (size_t j = slot_of(key, s->cap); s->slots[j]; j = (j + 1) & (s->cap - 1))
		if (s->slots[j] == key)
			return 1;
	return 0;
}

void keyset_release(struct keyset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
	s->has_zero = 0;
}

static void map_grow(struct u64map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256;
	uint64_t *nk = xcalloc(ncap, sizeof(*nk)), *nv = xcalloc(ncap, sizeof(*nv));

	for (size_t i = 0; i < m->cap; i++) {
		size_t j;
		if (!m->keys[i])
			continue;
		for (j = slot_of(m->keys[i], ncap); nk[j]; j = (j + 1) & (ncap - 1))
			;
		nk[j] = m->keys[i];
		nv[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = nk;
	m->vals = nv;
	m->cap = ncap;
}

void u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	size_t j;

	if (!key) {
		m->has_zero = 1;
		m->zero_val = val;
		return;
	}
	if ((m->n + 1) * 4 > m->cap * 3)
		map_grow(m);
	for (j = slot_of(key, m->cap); m->keys[j]; j = (j + 1) & (m->cap - 1))
		if (m->keys[j] == key) {
			m->vals[j] = val;
			return;
		}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
}

int u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	if (!key) {
		if (m->has_zero)
			*val = m->zero_val;
		return m->has_zero;
	}
	if (!m->cap)
		return 0;
	for (size_t j = slot_of(key, m->cap); m->keys[j]; j = (j + 1) & (m->cap - 1))
		if (m->keys[j] == key) {
			*val = m->vals[j];
			return 1;
		}
	return 0;
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
