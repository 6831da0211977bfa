/*
 * buildinfo: what this binary is, so that a number can be traced to the
 * exact build: the git commit it was built from and the versions of the
 * libraries it runs with (`vsrbench --version`, run.json's "build").
 *
 * Versions are asked of the libraries at run time where they say
 * (curl_version_info, pcre2_config, zlibVersion, png_get_libpng_ver,
 * cJSON_Version, zip_libzip_version, xmlParserVersion); libturbojpeg 2.x has
 * no such call, so its version is the one pkg-config gave at build time and
 * is marked so.
 */
#ifndef VSR_BUILDINFO_H
#define VSR_BUILDINFO_H

#include <stddef.h>

/* The commit this binary was built from, "-dirty" appended when the tree
 * had changes; "" when it was not built from a git checkout.  Static. */
const char *buildinfo_commit(void);

struct buildinfo_lib {
	const char *name;    /* "libcurl", "PCRE2", "libturbojpeg", "zlib", ... */
	char version[64];    /* "7.88.1" */
	int compile_time;    /* 1: the version built against, not asked at run time */
};

/* Fills out[0..max) with the libraries, in a fixed order; returns how many. */
size_t buildinfo_libs(struct buildinfo_lib *out, size_t max);

#endif
