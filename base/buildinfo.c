#include "buildinfo.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <pcre2.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <zlib.h>

#include "banned.h"

#ifndef VSR_TURBOJPEG_VERSION
#define VSR_TURBOJPEG_VERSION "unknown"
#endif

/* Defined in the file cmake/gitcommit.cmake writes at every build. */
extern const char vsr_git_commit[];

const char *buildinfo_commit(void)
{
	return vsr_git_commit;
}

static void put(struct buildinfo_lib *l, const char *name, const char *version, int compile_time)
{
	l->name = name;
	snprintf(l->version, sizeof(l->version), "%s", version && *version ? version : "unknown");
	l->compile_time = compile_time;
}

size_t buildinfo_libs(struct buildinfo_lib *out, size_t max)
{
	struct buildinfo_lib all[8];
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	char pcre[64] = "", xml[32] = "";
	long xv = xmlParserVersion ? strtol(xmlParserVersion, NULL, 10) : 0;
	size_t n = 0;

	/* "10.42 2022-12-11": the version, then its date */
	if (pcre2_config(PCRE2_CONFIG_VERSION, pcre) > 0)
		pcre[strcspn(pcre, " ")] = '\0';
	/* libxml2 says "20914" for 2.9.14 */
	if (xv > 0)
		snprintf(xml, sizeof(xml), "%ld.%ld.%ld", xv / 10000, xv / 100 % 100, xv % 100);
	put(&all[n++], "libcurl", cv ? cv->version : NULL, 0);
	put(&all[n++], "PCRE2", pcre, 0);
	put(&all[n++], "libturbojpeg", VSR_TURBOJPEG_VERSION, 1);
	put(&all[n++], "zlib", zlibVersion(), 0);
	put(&all[n++], "libpng", png_get_libpng_ver(NULL), 0);
	put(&all[n++], "cJSON", cJSON_Version(), 0);
	put(&all[n++], "libzip", zip_libzip_version(), 0);
	put(&all[n++], "libxml2", xml, 0);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}
