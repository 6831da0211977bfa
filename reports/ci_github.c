/* ci_github: annotations and the job summary on GitHub Actions (see ci_github.h). */
#include "ci_github.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/redact.h"
#include "compare.h"
#include "../base/util.h" /* last: it includes banned.h */

void github_annotate_gate(FILE *fp, const struct gate_result *res)
{
	struct buf title = BUF_INIT;

	if (!github_actions())
		return;
	for (size_t i = 0; i < res->n; i++) {
		const struct gate_check *ck = &res->c[i];

		if (!ck->failed && !ck->warn)
			continue;
		buf_reset(&title);
		buf_addf(&title, "vsrbench gate (%s)", ck->suite);
		gh_annotate(fp, ck->failed ? "error" : "warning", title.ptr, ck->line);
	}
	fflush(fp);
	buf_release(&title);
}

void github_annotate_warning(FILE *fp, const char *title, const char *text)
{
	if (!github_actions())
		return;
	gh_annotate(fp, "warning", title, text);
	fflush(fp);
}

void github_step_summary(const char *md, size_t n, const char *what)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	struct stat st;
	char *copy = NULL;
	size_t off = 0;
	int fd;

	if (!path || !*path || !n)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		vsr_warn("GITHUB_STEP_SUMMARY %s: cannot open it (%s); the job summary lacks %s", path,
			 strerror(errno), what);
		return;
	}
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size + n > GITHUB_SUMMARY_MAX) {
		vsr_warn("GITHUB_STEP_SUMMARY %s: %s (%zu bytes) would take this step's summary past "
			 "the 1 MiB GitHub shows (%lld bytes are there); not added",
			 path, what, n, (long long)st.st_size);
		close(fd);
		return;
	}
	if (redact_active()) {
		copy = xmalloc(n);
		memcpy(copy, md, n);
		redact_apply(copy, n);
		md = copy;
	}
	while (off < n) {
		ssize_t w = write(fd, md + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			vsr_warn("GITHUB_STEP_SUMMARY %s: cannot write %s (%s)", path, what,
				 w < 0 ? strerror(errno) : "nothing written");
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0 && off == n)
		vsr_warn("GITHUB_STEP_SUMMARY %s: cannot write %s (%s)", path, what, strerror(errno));
	free(copy);
}

void github_step_summary_file(const char *path, const char *what)
{
	struct buf b = BUF_INIT;
	const char *dest = getenv("GITHUB_STEP_SUMMARY");

	if (!dest || !*dest)
		return;
	buf_init(&b, GITHUB_SUMMARY_MAX + 1);
	if (buf_read_file(&b, path) < 0) {
		if (errno == EFBIG)
			vsr_warn("GITHUB_STEP_SUMMARY %s: %s is larger than the 1 MiB GitHub shows of a "
				 "step's summary; not added", dest, what);
		else
			vsr_warn("GITHUB_STEP_SUMMARY %s: cannot read %s (%s); not added", dest, path,
				 strerror(errno));
	} else {
		github_step_summary(b.ptr, b.len, what);
	}
	buf_release(&b);
}
