/*
 * fetch: download one file with libcurl so that a partial or wrong file is
 * never found under its final name, and read members out of zip archives.
 *
 * The protocol for every file written here (downloaded or extracted):
 *   1. bytes go to DEST.part (an existing DEST.part from an interrupted run
 *      is resumed with an HTTP Range request when the server honours ranges,
 *      and started over cleanly when it does not);
 *   2. DEST.part is hashed from disk (SHA-256 always, MD5 when the pin is an
 *      MD5) and checked against the pinned size and digest;
 *   3. on a mismatch DEST.part is deleted and the error names the file, the
 *      expected and the actual digest (VSR_EDATA);
 *   4. otherwise DEST.part is fsync'ed and renamed to DEST, and the
 *      directory is fsync'ed.
 *
 * A digest pin is a string: "sha256:HEX", "md5:HEX" (only where the
 * upstream publishes nothing but an MD5) or "unpinned" (nothing is known:
 * the file is NOT verified, and the caller must say so).
 *
 * Owner: the data puller (issue 8, "Datasets").
 */
#ifndef VSR_FETCH_H
#define VSR_FETCH_H

#include <stdint.h>

#include "buf.h"
#include "md5.h"
#include "sha256.h"
#include "util.h"

#define DIGEST_UNPINNED "unpinned"

/* What a file on disk hashes to. */
struct file_digest {
	long long size;
	char sha256[SHA256_HEX_LEN + 1];
	char md5[MD5_HEX_LEN + 1];
};

/*
 * Hashes the file at path.  Returns 0; -1 with errno ENOENT when it does
 * not exist; VSR_EDATA with err filled on any other failure.
 */
int file_digest(const char *path, struct file_digest *d, char *err);

/* Checks a pin string for form ("sha256:" + 64 hex, "md5:" + 32 hex, "unpinned"). */
int digest_pin_valid(const char *pin);
int digest_pin_is_pinned(const char *pin);

/*
 * Compares d with pin.  Returns 1 when pinned and equal, 0 when unpinned,
 * -1 on a mismatch; *expected and *actual (either may be NULL) then point
 * at the expected hex digest (inside pin) and the actual one (inside d),
 * and *algo at "sha256" or "md5".
 */
int digest_check(const char *pin, const struct file_digest *d, const char **algo,
		 const char **expected, const char **actual);

/*
 * Steps 2-4 above for a finished PART: checks size (-1: unknown) and pin,
 * then renames PART to dest.  On a mismatch PART is deleted.  label names
 * the file in messages (the path relative to the data folder).
 */
int fetch_commit(const char *part, const char *dest, const char *label, long long size,
		 const char *pin, struct file_digest *d, char *err);

/*
 * fetch_commit without its two fsyncs (the part's and its folder's), for
 * a batch of many small files that a later run checks by content before
 * trusting them (images: decoded whole unless their sha256 is recorded).
 * The batch ends with one fetch_sync of the folder before the record of
 * their digests is written, so a recorded file is on disk.  Unpinned.
 */
int fetch_commit_unsynced(const char *part, const char *dest, long long size,
			  struct file_digest *d, char *err);
/* Flushes the file system that holds dir (syncfs); 0 or VSR_EDATA. */
int fetch_sync(const char *dir, char *err);

/* Copies url to out with any user:password@ removed (for messages and records). */
void url_redact(const char *url, struct buf *out);

/* One downloader: a reused libcurl easy handle (keeps connections alive). */
struct fetch {
	void *curl;   /* CURL * */
	int progress; /* draw a progress bar on stderr (set when stderr is a terminal);
		       * 0: a plain line every 5 s while a file takes longer */
	int resume;   /* resume an existing .part (default 1) */
	/* Per-call statistics, reset by fetch_file. */
	long long resumed_from; /* offset of the last successful Range resume, 0: none */
	long long received;     /* body bytes received */
	int requests;           /* HTTP transfers made (0: the .part was already complete) */
	int restarted;          /* the server ignored a Range request: started over */
	/*
	 * Set by the caller for one fetch_file, or NULL: checks the finished
	 * DEST.part before it takes its name (0, or VSR_EDATA with err filled:
	 * DEST.part is deleted and fetch_file fails naming the URL).  For a
	 * file with no pin, whose bytes nothing else checks.
	 */
	int (*check)(const char *path, char *err);
};

int fetch_init(struct fetch *f, char *err);
void fetch_release(struct fetch *f);

/*
 * Downloads url to dest by the protocol above.  size (-1: unknown) and pin
 * are the expectations; label names the file in the progress bar and in
 * messages.  An interrupted transfer is resumed once at once; if that fails
 * too, DEST.part stays for the next run and the error says so.  HTTP errors
 * are one line with the status and the URL (credentials removed).
 * Returns 0 (d filled) or VSR_EDATA.
 */
int fetch_file(struct fetch *f, const char *url, const char *dest, const char *label,
	       long long size, const char *pin, struct file_digest *d, char *err);

/*
 * Many files at once over one libcurl multi handle (curl's own parallel
 * mode: poll, perform, drain info_read; each easy handle maps back to its
 * job through CURLOPT_PRIVATE).  Every file follows the protocol above,
 * unpinned: DEST.part is resumed with a Range request when it exists (a
 * server that ignores ranges restarts it once), then `check` (may be NULL)
 * reads the finished DEST.part; a check failure deletes it (a resumed one
 * is fetched once more from the start), otherwise it is hashed into d and
 * renamed to DEST without the two fsyncs (as fetch_commit_unsynced: for
 * files the check re-validates by content; the caller ends the batch with
 * one fetch_sync of the folder before it records their digests).  The caller fills url, dest and label (borrowed); the
 * rest is the result.
 */
struct fetch_job {
	const char *url, *dest, *label;
	int status;              /* 0: done; VSR_EDATA: err says why */
	long long resumed_from;  /* the .part offset resumed at, 0: none */
	long long received;      /* body bytes received */
	struct file_digest d;
	char err[VSR_ERR_MAX];
};

/* Reads the finished file at part; 0, or VSR_EDATA with err saying why it is not acceptable. */
typedef int (*fetch_check_fn)(const char *part, void *ud, char *err);

/*
 * Runs n jobs, at most parallel at a time.  what names the batch on the
 * progress line (stderr: redrawn in place on a terminal, else one line
 * every few seconds).  Returns the number of failed jobs.
 */
size_t fetch_many(struct fetch_job *jobs, size_t n, int parallel, fetch_check_fn check, void *ud,
		  const char *what);

/*
 * Extracts member from the zip archive at zip into dest by the same
 * protocol (stored or deflated members; CRC-32 and size checked too).
 * Returns 0 (d filled), or VSR_EDATA naming the archive and the member.
 * member NULL: only checks that the central directory is readable (dest,
 * label, size, pin and d are then unused).
 */
int unzip_member(const char *zip, const char *member, const char *dest, const char *label,
		 long long size, const char *pin, struct file_digest *d, char *err);

/*
 * A zip archive read over HTTP(S) with Range requests (fetch_rzip.c): the
 * end of central directory and the central directory first (zipdir.h),
 * then, per member, only its local header and data.  A server that answers
 * a Range request with 200 (the whole body) is refused at once, naming the
 * URL and the archive's size: the caller must never download a COCO-sized
 * archive by accident.  The easy handle of f is used (borrowed).
 */
struct rzip_member {
	char *name; /* NUL-terminated copy */
	unsigned flags, method;
	uint32_t crc;
	uint64_t csize, usize, lho;
};

struct rzip {
	struct fetch *f; /* borrowed */
	char *url;       /* owned; safe_url: the same without credentials, for messages */
	char *safe_url;
	uint64_t size;   /* the archive's size, from Content-Range */
	uint64_t cd_off; /* where its central directory starts (the members end there) */
	struct rzip_member *m;
	size_t n;
	long long received; /* body bytes received so far (all requests) */
	int requests;
};

/*
 * Reads the archive's directory.  Returns 0, or VSR_EDATA with err naming
 * the URL (no Range support, HTTP errors, a corrupt directory).  Members
 * with an uncompressed size above max_member are kept (checked at
 * extraction).  Call rzip_close in every case.
 */
int rzip_open(struct rzip *z, struct fetch *f, const char *url, char *err);
void rzip_close(struct rzip *z);

/*
 * Many members at once: the jobs' members are sorted by offset, members
 * whose bytes touch are grouped into one Range request each (a member not
 * asked for is carried only when it lies between two that are and is
 * under 16 KiB: cheaper than a request), and the groups are fetched
 * over one libcurl multi handle, at most parallel at a time.  Each member
 * is written to its part (created or truncated; removed on failure),
 * stored or deflated, its size and CRC-32 checked against the directory
 * (a member whose extra field is longer than guessed costs one more
 * request), at most max_usize bytes uncompressed,
 * and done is called for each job as soon as it is finished (status 0) or
 * has failed (status VSR_EDATA, err why).  Returns 0, or VSR_EDATA with
 * err when the batch stopped (the server ignored a Range request): the
 * jobs not reported then have status VSR_EDATA and an empty err.
 */
struct rzip_job {
	size_t idx;       /* the member, an index into rzip.m */
	const char *part; /* borrowed */
	void *ud;         /* the caller's */
	int status;
	char err[VSR_ERR_MAX];
};
typedef void (*rzip_done_fn)(struct rzip_job *j, void *ud);
int rzip_extract_many(struct rzip *z, struct rzip_job *jobs, size_t n, int parallel,
		      uint64_t max_usize, rzip_done_fn done, void *ud, char *err);

/*
 * Streams member i's uncompressed bytes to sink (which returns 0 to go on,
 * else fills err): its local header, then its data with one Range request,
 * inflated as it arrives (memory flat in the member's size), its size and
 * CRC-32 checked at the end.  At most max_usize bytes.  Returns 0 or
 * VSR_EDATA naming URL!MEMBER.
 */
typedef int (*rzip_sink_fn)(void *ud, const char *p, size_t n, char *err);
int rzip_stream(struct rzip *z, size_t i, uint64_t max_usize, rzip_sink_fn sink, void *ud,
		char *err);

/*
 * Inflates (method 8) or copies (method 0) the csize bytes at src to fd,
 * checking the result's size (usize) and CRC-32.  zip and member name them
 * in messages.  Returns 0 or VSR_EDATA.
 */
int unzip_data_to_fd(int fd, const unsigned char *src, size_t csize, unsigned method,
		     uint32_t crc, uint64_t usize, const char *zip, const char *member, char *err);

#endif
