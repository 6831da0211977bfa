/*
 * One scratch file for a cmocka test program: scratch_setup makes an empty
 * file under /tmp and puts its name in `path`; scratch_teardown removes it.
 * Included by the tests that write journals.
 */
#ifndef VSR_TEST_SCRATCH_H
#define VSR_TEST_SCRATCH_H

#include <stdio.h>
#include <unistd.h>

static char path[64];

static int scratch_setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/vsr-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int scratch_teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

#endif
