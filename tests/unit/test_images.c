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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "suites/images.h"
#include "suites/suite.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_to_symlink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
