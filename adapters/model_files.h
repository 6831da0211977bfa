/*
 * model_files: the content digests of the files a model is made of (an
 * exec model's script, a lib: plug-in's .so), for its fingerprint: a
 * model whose file changed is another model, with other task keys and
 * other response-cache keys (docs/cache.md).
 */
#ifndef VSR_MODEL_FILES_H
#define VSR_MODEL_FILES_H

#include <stddef.h>

/* Files up to this size are digested whole. */
#define MODEL_FILE_WHOLE_MAX ((long long)64 << 20)
/* Of a larger file (model weights named on a command line): its size and these many bytes at each end. */
#define MODEL_FILE_END_BYTES ((long long)8 << 20)
#define MODEL_DIGEST_MAX 96

/*
 * The digest of the regular file at path (symbolic links followed) into
 * out: "sha256:HEX" of its bytes, or "sha256-ends:HEX" of its size and its
 * first and last MODEL_FILE_END_BYTES bytes when it is over
 * MODEL_FILE_WHOLE_MAX (reading gigabytes of weights at every start would
 * cost a minute).  0, or -1 when path names no regular file or it cannot
 * be read.
 */
int model_file_digest(const char *path, char out[MODEL_DIGEST_MAX]);

#endif
