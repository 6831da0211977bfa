/*
 * mkimage: writes small valid images for tests (the datasets' real images
 * are not in the repository).
 *
 *   mkimage OUT.jpg|OUT.png W H [SEED]      one image; pixels from SEED
 *   mkimage --names LIST DIR W H            one JPEG per name in LIST (one per line)
 *
 * The pixels are a deterministic gradient plus a block whose position
 * depends on the seed (or the name), so mirrored images differ from the
 * original and different names give different bytes.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

static void fill(unsigned char *px, int w, int h, uint32_t seed)
{
	int bx = (int)(seed % (uint32_t)(w / 2)), by = (int)((seed / 7) % (uint32_t)(h / 2));

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + 3 * (y * w + x);
			int in = x >= bx && x < bx + w / 4 && y >= by && y < by + h / 4;
			p[0] = (unsigned char)(in ? 220 : (x * 255) / w);
			p[1] = (unsigned char)(in ? 30 : (y * 255) / h);
			p[2] = (unsigned char)(in ? 40 : (seed * 37) & 255);
		}
}

static int write_jpeg(const char *path, const unsigned char *px, int w, int h)
{
	tjhandle tj = tjInitCompress();
	unsigned char *out = NULL;
	unsigned long len = 0;
	FILE *fp;
	int r = -1;

	if (tj && !tjCompress2(tj, px, w, 0, h, TJPF_RGB, &out, &len, TJSAMP_420, 90, 0) &&
	    (fp = fopen(path, "wb"))) {
		r = fwrite(out, 1, len, fp) == len ? 0 : -1;
		if (fclose(fp))
			r = -1;
	}
	tjFree(out);
	if (tj)
		tjDestroy(tj);
	return r;
}

static int write_png(const char *path, const unsigned char *px, int w, int h)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	return png_image_write_to_file(&img, path, 0, px, 0, NULL) ? 0 : -1;
}

static uint32_t name_seed(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "--names")) {
		int w = (int)strtol(argv[4], NULL, 10), h = (int)strtol(argv[5], NULL, 10);
		unsigned char *px = malloc((size_t)w * (size_t)h * 3);
		FILE *list = fopen(argv[2], "r");
		char name[1024], path[4096];

		if (!px || !list || w < 8 || h < 8)
			return 2;
		while (fgets(name, sizeof(name), list)) {
			name[strcspn(name, "\r\n")] = '\0';
			if (!name[0])
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[3], name);
			fill(px, w, h, name_seed(name));
			if (write_jpeg(path, px, w, h)) {
				fprintf(stderr, "mkimage: cannot write %s\n", path);
				return 1;
			}
		}
		fclose(list);
		free(px);
		return 0;
	}
	if (argc == 4 || argc == 5) {
		int w = (int)strtol(argv[2], NULL, 10), h = (int)strtol(argv[3], NULL, 10);
		uint32_t seed = argc == 5 ? (uint32_t)strtoul(argv[4], NULL, 10) : 1;
		size_t n = strlen(argv[1]);
		unsigned char *px;
		int r;

		if (w < 8 || h < 8)
			return 2;
		px = malloc((size_t)w * (size_t)h * 3);
		fill(px, w, h, seed);
		r = n > 4 && !strcmp(argv[1] + n - 4, ".png") ? write_png(argv[1], px, w, h)
							       : write_jpeg(argv[1], px, w, h);
		free(px);
		if (r)
			fprintf(stderr, "mkimage: cannot write %s\n", argv[1]);
		return r ? 1 : 0;
	}
	fprintf(stderr, "usage: mkimage OUT.jpg|OUT.png W H [SEED] | mkimage --names LIST DIR W H\n");
	return 2;
}
