/*
 * zipdir: the central directory parser described in zipdir.h.
 */
#include <stdio.h>
#include <string.h>

#include "zipdir.h"
#include "banned.h" /* last: see banned.h */

#define SIG_EOCD 0x06054b50u
#define SIG_LOC64 0x07064b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_CDH 0x02014b50u
#define SIG_LFH 0x04034b50u

/* Little-endian readers; the caller has checked the bounds. */
static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

static int loc_check(const struct zipdir_loc *loc, uint64_t end, char *err, size_t errlen)
{
	if (loc->cd_off > end || loc->cd_size > end - loc->cd_off)
		return bad(err, errlen, "the central directory lies outside the archive");
	/* An entry takes at least 46 bytes: a count beyond that is a lie. */
	if (loc->entries > loc->cd_size / 46)
		return bad(err, errlen, "the entry count does not fit the central directory");
	return 0;
}

int zipdir_tail(const unsigned char *tail, size_t n, uint64_t zip_size, struct zipdir_loc *loc,
		char *err, size_t errlen)
{
	const unsigned char *e = NULL;
	uint64_t tail_off, eocd_off;
	size_t i;

	memset(loc, 0, sizeof(*loc));
	if (n > zip_size || n < 22)
		return bad(err, errlen, "not a zip archive (too short)");
	tail_off = zip_size - n;
	/* Backwards from the last possible place; the comment must end at the end. */
	for (i = n - 22 + 1; i-- > 0 && n - i <= 22 + 65535;)
		if (le32(tail + i) == SIG_EOCD && i + 22 + le16(tail + i + 20) == n) {
			e = tail + i;
			break;
		}
	if (!e)
		return bad(err, errlen, "not a zip archive (no end of central directory)");
	eocd_off = tail_off + i;
	if (le16(e + 4) != 0 || le16(e + 6) != 0)
		return bad(err, errlen, "a multi-part (spanned) archive is not supported");
	loc->entries = le16(e + 10);
	loc->cd_size = le32(e + 12);
	loc->cd_off = le32(e + 16);
	/* A zip64 locator, 20 bytes right before the record, takes precedence. */
	if (i >= 20 && le32(e - 20) == SIG_LOC64) {
		const unsigned char *l = e - 20;
		uint64_t off = le64(l + 8);

		if (le32(l + 4) != 0 || le32(l + 16) > 1)
			return bad(err, errlen, "a multi-part (spanned) archive is not supported");
		if (off > eocd_off - 20 || eocd_off - 20 - off < ZIPDIR_EOCD64_LEN)
			return bad(err, errlen, "the zip64 end of central directory lies outside the "
						"archive");
		loc->eocd64_off = off;
		if (off >= tail_off)
			return zipdir_eocd64(tail + (off - tail_off), (size_t)(eocd_off - off),
					     eocd_off - 20, loc, err, errlen);
		return ZIPDIR_NEED_EOCD64;
	}
	if (loc->entries == 0xffff || loc->cd_size == 0xffffffffu || loc->cd_off == 0xffffffffu)
		return bad(err, errlen, "zip64 fields without a zip64 locator");
	return loc_check(loc, eocd_off, err, errlen);
}

int zipdir_eocd64(const unsigned char *rec, size_t n, uint64_t zip_size, struct zipdir_loc *loc,
		  char *err, size_t errlen)
{
	if (n < ZIPDIR_EOCD64_LEN || le32(rec) != SIG_EOCD64)
		return bad(err, errlen, "no zip64 end of central directory where its locator points");
	if (le32(rec + 16) != 0 || le32(rec + 20) != 0)
		return bad(err, errlen, "a multi-part (spanned) archive is not supported");
	loc->entries = le64(rec + 32);
	loc->cd_size = le64(rec + 40);
	loc->cd_off = le64(rec + 48);
	return loc_check(loc, zip_size, err, errlen);
}

/* The zip64 extra field fills the fields whose 32-bit value is all ones, in this order. */
static int zip64_extra(const unsigned char *x, size_t xlen, struct zipdir_entry *e, int need_u,
		       int need_c, int need_o)
{
	while (xlen >= 4) {
		uint32_t id = le16(x), len = le16(x + 2);
		const unsigned char *d = x + 4;
		size_t left;

		if (len > xlen - 4)
			return -1;
		if (id == 0x0001) {
			left = len;
			if (need_u) {
				if (left < 8)
					return -1;
				e->usize = le64(d), d += 8, left -= 8;
			}
			if (need_c) {
				if (left < 8)
					return -1;
				e->csize = le64(d), d += 8, left -= 8;
			}
			if (need_o) {
				if (left < 8)
					return -1;
				e->lho = le64(d);
			}
			return 0;
		}
		x += 4 + len;
		xlen -= 4 + len;
	}
	return need_u || need_c || need_o ? -1 : 0;
}

int zipdir_parse(const unsigned char *cd, size_t n, const struct zipdir_loc *loc,
		 uint64_t zip_size, zipdir_fn fn, void *ctx, char *err, size_t errlen)
{
	size_t pos = 0;

	if (n != loc->cd_size)
		return bad(err, errlen, "the central directory was not read whole");
	for (uint64_t k = 0; k < loc->entries; k++) {
		const unsigned char *h = cd + pos;
		struct zipdir_entry e;
		size_t nlen, xlen, clen;
		int r;

		if (n - pos < 46 || le32(h) != SIG_CDH) {
			snprintf(err, errlen, "corrupt central directory entry %llu",
				 (unsigned long long)k);
			return -1;
		}
		nlen = le16(h + 28);
		xlen = le16(h + 30);
		clen = le16(h + 32);
		if (n - pos - 46 < nlen + xlen + clen) {
			snprintf(err, errlen, "corrupt central directory entry %llu",
				 (unsigned long long)k);
			return -1;
		}
		memset(&e, 0, sizeof(e));
		e.flags = le16(h + 8);
		e.method = le16(h + 10);
		e.crc = le32(h + 16);
		e.csize = le32(h + 20);
		e.usize = le32(h + 24);
		e.lho = le32(h + 42);
		e.name = (const char *)h + 46;
		e.name_len = nlen;
		if (zip64_extra(h + 46 + nlen, xlen, &e, e.usize == 0xffffffffu,
				e.csize == 0xffffffffu, e.lho == 0xffffffffu)) {
			snprintf(err, errlen, "central directory entry %llu: bad zip64 extra field",
				 (unsigned long long)k);
			return -1;
		}
		/* The local header (30 bytes + name) and the data must lie inside the archive. */
		if (e.lho > zip_size || zip_size - e.lho < 30 + (uint64_t)nlen ||
		    e.csize > zip_size - e.lho - 30 - nlen) {
			snprintf(err, errlen, "central directory entry %llu: member lies outside the "
				 "archive", (unsigned long long)k);
			return -1;
		}
		pos += 46 + nlen + xlen + clen;
		if ((r = fn(&e, ctx)))
			return r;
	}
	return 0;
}

int zipdir_local_data(const unsigned char *lh, size_t n, uint64_t *data_off)
{
	if (n < 30 || le32(lh) != SIG_LFH)
		return -1;
	*data_off = 30 + (uint64_t)le16(lh + 26) + le16(lh + 28);
	return 0;
}
