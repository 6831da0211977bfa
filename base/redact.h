/*
 * redact: the one place where secrets are taken out of what vsrbench writes.
 *
 * A secret (an API key read from the environment) is registered once, when
 * the model that reads it is opened and before any thread starts; from then
 * on every string that reaches a file or a stream passes through
 * redact_apply: the journal's lines (journal_append), every file written
 * with write_file_atomic (run.json, status.json, the reports), and every
 * message on stderr (vsr_error, vsr_warn).  Why substrings too (issue 18,
 * finding 6): a server that echoes the key minus its last character, or cut
 * anywhere, leaks most of it; so every run of 8 bytes or more of a secret
 * is masked, wherever it is.  Also when it comes escaped: JSON's "\/" and
 * "\u00XX" (with any number of backslashes: a JSON string quoted in
 * another), percent-encoding ("%2D", "%252D"); an escape is masked whole.
 *
 * Masking is in place and length-preserving: each byte becomes '*', so a
 * JSON line stays valid JSON and a caller's buffer keeps its size.
 */
#ifndef VSR_REDACT_H
#define VSR_REDACT_H

#include <stddef.h>

/* Runs of a secret this long or longer are masked (a secret shorter than this: whole). */
#define REDACT_MIN_RUN 8

/*
 * Registers a secret (copied; NULL or under 4 bytes: ignored; at most 8
 * secrets, later ones ignored with a warning).  Not thread-safe: call before
 * the threads that write start.
 */
void redact_add_secret(const char *secret);

/* Non-zero when some secret is registered (callers skip a copy otherwise). */
int redact_active(void);

/*
 * Masks, in s[0..n), every occurrence of a registered secret and every run
 * of REDACT_MIN_RUN or more of its bytes, plain or escaped (above).
 * Returns the number of bytes masked.
 */
size_t redact_apply(char *s, size_t n);

/* Forgets every secret (tests). */
void redact_clear(void);

#endif
