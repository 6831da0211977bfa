/* keyset: an open-addressing set of 64-bit task keys (already hashes). */
#ifndef VSR_KEYSET_H
#define VSR_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct keyset {
	uint64_t *slots; /* 0 marks an empty slot; key 0 is kept in has_zero */
	size_t cap;      /* power of two */
	size_t n;
	int has_zero;
};

#define KEYSET_INIT { NULL, 0, 0, 0 }

/* Returns 1 when added, 0 when it was already there. */
int keyset_add(struct keyset *s, uint64_t key);
int keyset_has(const struct keyset *s, uint64_t key);
void keyset_release(struct keyset *s);


/* u64map: an open-addressing map from 64-bit keys (hashes) to 64-bit values. */
struct u64map {
	uint64_t *keys, *vals; /* key 0 is kept aside in zero_val */
	size_t cap, n;
	int has_zero;
	uint64_t zero_val;
};
#define U64MAP_INIT { NULL, NULL, 0, 0, 0, 0 }

void u64map_put(struct u64map *m, uint64_t key, uint64_t val);
/* 1 and *val set when key is present. */
int u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);
void u64map_release(struct u64map *m);

#endif
