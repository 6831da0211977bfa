/*
 * zipdir: a zip archive's end of central directory and central directory,
 * parsed from bytes in memory (pure: no I/O, no allocation).  The ranged
 * remote zip reader (fetch_rzip.c) feeds it the bytes it fetched; it is
 * fuzzed on its own (tests/fuzz/fuzz_zipdir.c).
 *
 * Every offset and size is checked against the archive's size before it is
 * returned, so a caller may use them to ask for byte ranges.  zip64 is
 * supported: the zip64 end of central directory (through its locator) and
 * the zip64 extended information extra field (0x0001) of an entry.
 */
#ifndef VSR_ZIPDIR_H
#define VSR_ZIPDIR_H

#include <stddef.h>
#include <stdint.h>

/* The end of central directory record is 22 bytes plus a comment of up to 65535. */
#define ZIPDIR_TAIL_MAX (22 + 65535 + 20)
#define ZIPDIR_EOCD64_LEN 56

struct zipdir_loc {
	uint64_t cd_off, cd_size, entries;
	uint64_t eocd64_off; /* set when zipdir_tail returns ZIPDIR_NEED_EOCD64 */
};

#define ZIPDIR_NEED_EOCD64 1

/*
 * Finds the end of central directory in tail, the last n bytes of an
 * archive of zip_size bytes.  Returns 0 with loc's cd_* and entries set;
 * ZIPDIR_NEED_EOCD64 when the archive is zip64 and its zip64 record (56
 * bytes at loc->eocd64_off) lies before tail: pass those bytes to
 * zipdir_eocd64; -1 with err (at least 256 bytes) saying what is wrong.
 */
int zipdir_tail(const unsigned char *tail, size_t n, uint64_t zip_size, struct zipdir_loc *loc,
		char *err, size_t errlen);

/* Reads the zip64 end of central directory record (at least 56 bytes). */
int zipdir_eocd64(const unsigned char *rec, size_t n, uint64_t zip_size, struct zipdir_loc *loc,
		  char *err, size_t errlen);

struct zipdir_entry {
	const char *name; /* borrowed from the central directory bytes, not NUL-terminated */
	size_t name_len;
	unsigned flags, method;
	uint32_t crc;
	uint64_t csize, usize, lho; /* compressed size, uncompressed size, local header offset */
};

/*
 * Calls fn for each of loc->entries entries of the central directory cd
 * (loc->cd_size bytes); fn returns non-zero to stop (that value is
 * returned).  Returns 0, fn's value, or -1 with err set.  An entry whose
 * member would run past the archive (zip_size) is an error.
 */
typedef int (*zipdir_fn)(const struct zipdir_entry *e, void *ctx);
int zipdir_parse(const unsigned char *cd, size_t n, const struct zipdir_loc *loc,
		 uint64_t zip_size, zipdir_fn fn, void *ctx, char *err, size_t errlen);

/*
 * The offset of a member's data from the start of its local header, read
 * from the header's first 30 bytes (n >= 30).  Returns 0 or -1 (not a
 * local header).
 */
int zipdir_local_data(const unsigned char *lh, size_t n, uint64_t *data_off);

#endif
