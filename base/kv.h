/*
 * kv: one KEY=VALUE option (-S, -M, -J ...), as the command line gave it.
 * Both strings are borrowed.
 */
#ifndef VSR_KV_H
#define VSR_KV_H

struct kv {
	const char *key;
	const char *value;
};

#endif
