/*
 * base64: the decoder (the encoder is buf_add_base64, an append to a buf).
 */
#ifndef VSR_BASE64_H
#define VSR_BASE64_H

#include <stddef.h>

/*
 * Decodes standard base64 (RFC 4648; '=' padding optional, whitespace
 * ignored).  out must hold n / 4 * 3 + 3 bytes.  0, or -1 on a character
 * outside the alphabet or a bad length.
 */
int b64_decode(const char *in, size_t n, unsigned char *out, size_t *out_len);

#endif
