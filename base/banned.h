/*
 * banned: C library calls this project does not use, turned into compile
 * errors (after git's banned.h).  A call such as sprintf(b, "%d", n) expands
 * to the undeclared identifier sorry_sprintf_is_a_banned_function.
 *
 * Use instead:
 *   strcpy strcat strncpy strncat   buf_adds/buf_addf, snprintf, memcpy with a length
 *   sprintf vsprintf                snprintf/vsnprintf, buf_addf
 *   strtok                          strtok_r, or strchr/strcspn
 *   gmtime localtime                gmtime_r localtime_r
 *   ctime asctime (and their _r)    strftime
 *   mktemp tmpnam                   mkstemp mkdtemp
 *   gets                            fgets, base/lines.h
 *   atoi atol atoll atof            parse_long parse_double (base/util.h)
 *
 * Order matters: the macros hide the names from any system header included
 * after this one, so it must be a file's last include.  base/buf.h includes
 * it after its own system headers, and so does everything that includes
 * buf.h or util.h; a .c file includes its system headers first.  A .c file
 * that includes neither includes this header last itself.
 * tests/e2e/banned.sh checks both: a banned call does not compile, and no
 * source file includes a system header after this one.
 */
#ifndef VSR_BANNED_H
#define VSR_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)

#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)

#undef strtok
#define strtok(x, y) BANNED(strtok)

#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef ctime_r
#define ctime_r(t, buf) BANNED(ctime_r)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef asctime_r
#define asctime_r(t, buf) BANNED(asctime_r)

#undef mktemp
#define mktemp(x) BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) BANNED(tmpnam)
#undef gets
#define gets(x) BANNED(gets)

#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef atof
#define atof(x) BANNED(atof)

#endif
