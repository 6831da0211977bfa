/*
 * fuzz: what every fuzz target shares.
 *
 * Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput and is built
 * twice: with clang's libFuzzer (-DVSR_FUZZ=ON, tests/fuzz/run.sh) and,
 * in every build, linked with replay.c into replay_NAME, which feeds it each
 * file of tests/fuzz/corpus/NAME and tests/fuzz/regressions/NAME (a ctest
 * test), so crashes found once stay fixed in gcc builds too.
 *
 * Parsers that only take a path read the input from a memfd: fuzz_path()
 * rewrites it and returns "/proc/self/fd/N", which open(), fopen() and
 * gzopen() all accept; nothing is left on disk when a target crashes.
 * Targets must be deterministic, leak nothing and print nothing on success
 * (the parsers' messages go to their err buffers).
 */
#ifndef VSR_FUZZ_H
#define VSR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A path whose file holds exactly data[0..size).  slot (0..3) picks one of
 * a few files, for targets that need more than one.  Aborts on a system
 * error (that is a broken machine, not a finding).
 */
const char *fuzz_path(int slot, const uint8_t *data, size_t size);

/* A private directory for targets that write files (created once, removed at exit). */
const char *fuzz_dir(void);

/* rm -rf path (a folder the target wrote); nothing when it does not exist. */
void fuzz_rm_rf(const char *path);

/* Splits data at the first occurrence of sep: [data, *rest) and (sep, end]. */
size_t fuzz_split(const uint8_t *data, size_t size, uint8_t sep, const uint8_t **rest,
		  size_t *rest_len);

/* A NUL-terminated malloc'd copy (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
