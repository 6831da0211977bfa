/*
 * fetch_unzip: zip members written by the .part / hash / rename protocol
 * described in fetch.h (moved out of fetch.c).
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fetch.h"
#include "fetch_int.h"
#include "util.h"

/* ---------------------------------------------------------------- unzip */

/* Little-endian readers; the caller has checked the bounds. */
static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

/* Writes the member's bytes to fd; returns 0 or fills err. */
static int inflate_to(int fd, const unsigned char *src, size_t csize, uint32_t method,
		      uint32_t crc_want, size_t usize, const char *zip, const char *member,
		      char *err)
{
	unsigned char out[1 << 16];
	uLong crc = crc32(0L, Z_NULL, 0);
	size_t total = 0;

	if (method == 0) {
		if (csize != usize)
			return err_set(err, VSR_EDATA, "%s: member %s: stored sizes differ", zip,
				       member);
		if (write_all(fd, src, csize) < 0)
			return err_set(err, VSR_EDATA, "cannot write %s: %s", member,
				       strerror(errno));
		crc = crc32(crc, src, (uInt)csize);
		total = csize;
	} else if (method == 8) {
		z_stream zs;
		int zr = Z_OK;

		memset(&zs, 0, sizeof(zs));
		if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
			return err_set(err, VSR_EDATA, "%s: cannot start inflating", zip);
		/* zlib does not write through next_in; the cast only drops const. */
		zs.next_in = (Bytef *)(uintptr_t)src;
		zs.avail_in = (uInt)csize;
		while (zr != Z_STREAM_END) {
			size_t have;
			zs.next_out = out;
			zs.avail_out = sizeof(out);
			zr = inflate(&zs, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END) {
				inflateEnd(&zs);
				return err_set(err, VSR_EDATA, "%s: member %s: corrupt deflate data (%s)",
					       zip, member, zs.msg ? zs.msg : "truncated");
			}
			have = sizeof(out) - zs.avail_out;
			if (have && write_all(fd, out, have) < 0) {
				inflateEnd(&zs);
				return err_set(err, VSR_EDATA, "cannot write %s: %s", member,
					       strerror(errno));
			}
			crc = crc32(crc, out, (uInt)have);
			total += have;
			if (total > usize)
				break;
		}
		inflateEnd(&zs);
	} else {
		return err_set(err, VSR_EDATA,
			       "%s: member %s uses compression method %u (only stored and deflate "
			       "are supported)",
			       zip, member, method);
	}
	if (total != usize)
		return err_set(err, VSR_EDATA,
			       "%s: member %s: size check failed (%zu bytes, expected %zu)", zip,
			       member, total, usize);
	if (crc != crc_want)
		return err_set(err, VSR_EDATA,
			       "%s: member %s: CRC-32 check failed (the data hashes to %08lx, its "
			       "entry says %08lx)",
			       zip, member, (unsigned long)crc, (unsigned long)crc_want);
	return 0;
}

int unzip_data_to_fd(int fd, const unsigned char *src, size_t csize, unsigned method,
		     uint32_t crc, uint64_t usize, const char *zip, const char *member, char *err)
{
	if (usize > SIZE_MAX)
		return err_set(err, VSR_EDATA, "%s: member %s: too large", zip, member);
	return inflate_to(fd, src, csize, method, crc, (size_t)usize, zip, member, err);
}

int unzip_member(const char *zip, const char *member, const char *dest, const char *label,
		 long long size, const char *pin, struct file_digest *d, char *err)
{
	struct buf z = BUF_INIT, part = BUF_INIT, dir = BUF_INIT;
	const unsigned char *p, *eocd = NULL;
	size_t n, cd_off, cd_size, entries, pos;
	int r = 0, fd = -1, found = 0;

	/* Dataset archives are small; a cap keeps a hostile file from eating memory. */
	buf_init(&z, (size_t)1 << 30);
	if (buf_read_file(&z, zip) < 0) {
		r = err_set(err, VSR_EDATA, "cannot read %s: %s", zip,
			    errno == EFBIG ? "larger than 1 GiB" : strerror(errno));
		goto out;
	}
	p = (const unsigned char *)z.ptr;
	n = z.len;
	/* End of central directory: 22 bytes plus a comment of up to 65535. */
	for (size_t i = n >= 22 ? n - 22 + 1 : 0; i-- > 0 && n - i <= 22 + 65535;)
		if (le32(p + i) == 0x06054b50) {
			eocd = p + i;
			break;
		}
	if (!eocd) {
		r = err_set(err, VSR_EDATA, "%s: not a zip archive (no end of central directory)",
			    zip);
		goto out;
	}
	entries = le16(eocd + 10);
	cd_size = le32(eocd + 12);
	cd_off = le32(eocd + 16);
	if (cd_off > n || cd_size > n - cd_off) {
		r = err_set(err, VSR_EDATA, "%s: central directory out of bounds (zip64 is not "
			    "supported)", zip);
		goto out;
	}
	pos = cd_off;
	for (size_t e = 0; e < entries; e++) {
		const unsigned char *h = p + pos;
		size_t nlen, xlen, clen, csize, usize, lho, data;
		uint32_t method, crc;

		if (pos + 46 > cd_off + cd_size || le32(h) != 0x02014b50) {
			r = err_set(err, VSR_EDATA, "%s: corrupt central directory entry %zu", zip, e);
			goto out;
		}
		method = le16(h + 10);
		crc = le32(h + 16);
		csize = le32(h + 20);
		usize = le32(h + 24);
		nlen = le16(h + 28);
		xlen = le16(h + 30);
		clen = le16(h + 32);
		lho = le32(h + 42);
		if (pos + 46 + nlen > cd_off + cd_size) {
			r = err_set(err, VSR_EDATA, "%s: corrupt central directory entry %zu", zip, e);
			goto out;
		}
		pos += 46 + nlen + xlen + clen;
		if (!member || nlen != strlen(member) || memcmp(h + 46, member, nlen))
			continue;
		found = 1;
		if (le32(h + 8) & 1) {
			r = err_set(err, VSR_EDATA, "%s: member %s is encrypted", zip, member);
			goto out;
		}
		if (lho > n || n - lho < 30 || le32(p + lho) != 0x04034b50) {
			r = err_set(err, VSR_EDATA, "%s: member %s: bad local header", zip, member);
			goto out;
		}
		data = lho + 30 + le16(p + lho + 26) + le16(p + lho + 28);
		if (data > n || csize > n - data) {
			r = err_set(err, VSR_EDATA, "%s: member %s: data out of bounds", zip, member);
			goto out;
		}
		buf_addf(&part, "%s.part", dest);
		fetch_dir_of(dest, &dir);
		if (mkdir_p(dir.ptr) < 0) {
			r = err_set(err, VSR_EDATA, "cannot create folder %s: %s", dir.ptr,
				    strerror(errno));
			goto out;
		}
		fd = open(part.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			r = err_set(err, VSR_EDATA, "cannot create %s: %s", part.ptr, strerror(errno));
			goto out;
		}
		r = inflate_to(fd, p + data, csize, method, crc, usize, zip, member, err);
		if (close(fd) < 0 && !r)
			r = err_set(err, VSR_EDATA, "cannot write %s: %s", part.ptr, strerror(errno));
		fd = -1;
		if (r) {
			unlink(part.ptr);
			goto out;
		}
		r = fetch_commit(part.ptr, dest, label, size, pin, d, err);
		goto out;
	}
	if (!found && member)
		r = err_set(err, VSR_EDATA, "%s: no member %s in the archive", zip, member);
out:
	if (fd >= 0)
		close(fd);
	buf_release(&z);
	buf_release(&part);
	buf_release(&dir);
	return r;
}
