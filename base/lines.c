#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

int lines_open(struct lines *l, const char *path, size_t max, char *err)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->line, max);
	l->gz = gzopen(path, "rb");
	if (!l->gz)
		return err_set(err, VSR_EDATA, "cannot open %s: %s", path,
			       errno ? strerror(errno) : "out of memory");
	gzbuffer(l->gz, 1 << 16);
	l->path = xstrdup(path);
	return 0;
}

int lines_next(struct lines *l, char *err)
{
	char chunk[8192];

	buf_reset(&l->line);
	l->lineno++;
	for (;;) {
		size_t n;

		if (!gzgets(l->gz, chunk, sizeof(chunk))) {
			int zerr;
			const char *msg = gzerror(l->gz, &zerr);
			if (zerr != Z_OK && zerr != Z_BUF_ERROR)
				return err_set(err, VSR_EDATA, "%s:%zu: %s", l->path, l->lineno,
					       zerr == Z_ERRNO ? strerror(errno) : msg);
			if (zerr == Z_BUF_ERROR)
				return err_set(err, VSR_EDATA, "%s:%zu: truncated gzip data", l->path,
					       l->lineno);
			if (!l->line.len)
				return 0;
			break;
		}
		n = strlen(chunk);
		if (buf_add(&l->line, chunk, n))
			return err_set(err, VSR_EDATA, "%s:%zu: line longer than %zu bytes", l->path,
				       l->lineno, l->line.max);
		if (n && chunk[n - 1] == '\n')
			break;
	}
	if (l->line.len && l->line.ptr[l->line.len - 1] == '\n')
		buf_setlen(&l->line, l->line.len - 1);
	if (l->line.len && l->line.ptr[l->line.len - 1] == '\r')
		buf_setlen(&l->line, l->line.len - 1);
	return 1;
}

void lines_close(struct lines *l)
{
	if (l->gz)
		gzclose(l->gz);
	buf_release(&l->line);
	free(l->path);
	memset(l, 0, sizeof(*l));
}
