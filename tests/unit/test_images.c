/*
 * Issue 18, finding 8: an image is checked where it is opened, not only
 * where its name pointed when image_resolve checked it.  A file resolved
 * under the root, then swapped for a symlink to a file outside, is refused
 * when read (today's main read the outside file); a symlink that stays
 * inside the root is still read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "suites/images.h"
#include "suites/suite.h"
#include "base/util.h"

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_swap_to_symlink(void **state)
{
	char dir[] = "/tmp/vsr-test-images-XXXXXX", root[64], a[128], b[128], out[128], msg[512];
	const char *dirs[1];
	struct suite_config cfg;
	struct buf got = BUF_INIT;
	char *path = NULL, *path_b = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(a, sizeof(a), "%s/a.jpg", root);
	snprintf(b, sizeof(b), "%s/b.jpg", root);
	snprintf(out, sizeof(out), "%s/outside.jpg", dir);
	assert_int_equal(mkdir(root, 0755), 0);
	put(a, "inside");
	put(out, "outside");
	assert_int_equal(symlink("a.jpg", b), 0); /* a link that stays inside */
	dirs[0] = root;
	memset(&cfg, 0, sizeof(cfg));
	cfg.image_dirs = dirs;
	cfg.n_image_dirs = 1;

	assert_int_equal(image_resolve(&cfg, "a.jpg", &path, msg), 0);
	assert_int_equal(image_resolve(&cfg, "b.jpg", &path_b, msg), 0);
	assert_int_equal(image_read_file(path, &got, msg), 0);
	assert_int_equal(got.len, 6);
	assert_memory_equal(got.ptr, "inside", 6);
	buf_release(&got);
	assert_int_equal(image_read_file(path_b, &got, msg), 0);
	assert_memory_equal(got.ptr, "inside", 6);
	buf_release(&got);

	/* The swap, after the check. */
	assert_int_equal(unlink(a), 0);
	assert_int_equal(symlink("../outside.jpg", a), 0);
	assert_int_not_equal(image_read_file(path, &got, msg), 0);
	assert_non_null(strstr(msg, "leads out of its --images root"));
	assert_int_equal(got.len, 0);
	/* And a FIFO swapped in is refused, not waited on. */
	assert_int_equal(unlink(a), 0);
	assert_int_equal(mkfifo(a, 0644), 0);
	assert_int_not_equal(image_read_file(path, &got, msg), 0);
	assert_non_null(strstr(msg, "not a regular file"));

	unlink(a);
	unlink(b);
	unlink(out);
	rmdir(root);
	rmdir(dir);
	free(path);
	free(path_b);
	buf_release(&got);
}

/*
 * image_digest_file remembers what it hashed (by path and stat): asked
 * again it must still give the digest of the bytes there now, whatever
 * changed: the content at the same size with the old times put back, the
 * file replaced by another (rename), the path made a symlink to another
 * file.  Each expected digest is hash64 of the bytes written, by hand.
 */
static void test_digest_follows_changes(void **state)
{
	char dir[] = "/tmp/vsr-test-digest-XXXXXX", a[128], b[128], c[128], msg[512];
	struct stat st;
	struct timespec times[2];
	uint64_t d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a.png", dir);
	snprintf(b, sizeof(b), "%s/b.png", dir);
	snprintf(c, sizeof(c), "%s/c.png", dir);
	put(a, "first");
	for (int i = 0; i < 2; i++) { /* the second ask is the remembered one */
		assert_int_equal(image_digest_file(a, &d, msg), 0);
		assert_true(d == hash64("first", 5, HASH_SEED));
	}
	/* Same size, the modification time put back: the change time still moves. */
	assert_int_equal(stat(a, &st), 0);
	usleep(20000);
	put(a, "other");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, a, times, 0), 0);
	assert_int_equal(image_digest_file(a, &d, msg), 0);
	assert_true(d == hash64("other", 5, HASH_SEED));
	/* Another file renamed over it. */
	put(b, "third");
	assert_int_equal(rename(b, a), 0);
	assert_int_equal(image_digest_file(a, &d, msg), 0);
	assert_true(d == hash64("third", 5, HASH_SEED));
	/* The path now a symlink to a third file. */
	put(c, "fourth!");
	assert_int_equal(unlink(a), 0);
	assert_int_equal(symlink("c.png", a), 0);
	assert_int_equal(image_digest_file(a, &d, msg), 0);
	assert_true(d == hash64("fourth!", 7, HASH_SEED));
	/* Gone: an error, not the remembered digest. */
	assert_int_equal(unlink(c), 0);
	assert_int_not_equal(image_digest_file(a, &d, msg), 0);
	unlink(a);
	rmdir(dir);
}

/*
 * The cap on image files follows the pixel cap: 64 MiB plus 4 bytes a
 * pixel (sums by hand), SIZE_MAX where that does not fit, the default
 * back after 0.
 */
static void test_file_cap(void **state)
{
	(void)state;
	assert_true(image_max_pixels() == (uint64_t)64 << 20);
	assert_true(image_file_max() == (size_t)320 << 20); /* 64 MiB + 4 x 64 Mi */
	image_set_max_pixels(1);
	assert_true(image_file_max() == ((size_t)64 << 20) + 4);
	image_set_max_pixels(25000000);
	assert_true(image_file_max() == 167108864u);
	image_set_max_pixels((uint64_t)1 << 62);
	assert_true(image_file_max() == SIZE_MAX);
	image_set_max_pixels(0);
	assert_true(image_file_max() == (size_t)320 << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_to_symlink),
		cmocka_unit_test(test_digest_follows_changes),
		cmocka_unit_test(test_file_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
