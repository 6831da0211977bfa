/*
 * fuzz_imgfile: the image files' check before any request (base/imgfile.c):
 * the first and last bytes of a file from a user's folder, walked (a
 * JPEG's segment lengths, PNG's IHDR, WebP's and BMP's sizes).  Beyond not
 * crashing, the target checks that the check over the open file (pread of
 * its start and end, a JPEG's later segments read where they lie) and over
 * the same bytes in memory agree, verdict and message, and that what is
 * taken is one of the five types sent.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../base/imgfile.h"
#include "../../base/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sent[] = { "image/jpeg", "image/png", "image/gif", "image/webp",
					    "image/bmp" };
	struct imgfile_facts a, b;
	char ea[VSR_ERR_MAX] = "", eb[VSR_ERR_MAX] = "";
	int ra, rb, fd, known = 0;

	ra = imgfile_check_mem(data, size, &a, ea);
	fd = open(fuzz_path(0, data, size), O_RDONLY);
	if (fd < 0)
		abort();
	rb = imgfile_check(fd, size, &b, eb);
	close(fd);
	if (ra != rb || strcmp(ea, eb) || strcmp(a.mime, b.mime) || a.width != b.width ||
	    a.height != b.height || a.bmp_compression != b.bmp_compression ||
	    a.image_end != b.image_end || a.trailer != b.trailer)
		abort();
	/* A picture with more after it ends inside the file, after its SOI. */
	if (a.image_end && (a.image_end < 4 || a.image_end >= size || !a.trailer))
		abort();
	if (ra != 0 && ra != VSR_EDATA)
		abort();
	for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
		known |= !strcmp(a.mime, sent[i]);
	if (!ra && (!known || !size))
		abort();
	return 0;
}
