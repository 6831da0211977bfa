/*
 * plugin_hint: what to tell the author of a lib:PATH.so that could not be
 * loaded, beyond dlopen's words: what the file is, what it exports, and
 * the fix.  dlopen() says "cannot open shared object file: No such file or
 * directory" for an existing library built for another machine, and a
 * C++ plug-in without extern "C" exports a mangled name the host cannot
 * find; both read the file's own ELF header and symbols.
 */
#ifndef VSR_PLUGIN_HINT_H
#define VSR_PLUGIN_HINT_H

#include "../base/buf.h"

/*
 * Appends to out the reason dlopen(path) failed with dlerr (dlerror()'s
 * text, borrowed), when the file or the text tells more than dlerr: "; it
 * is built for aarch64 ...".  Appends nothing otherwise.
 */
void plugin_hint_dlopen(const char *path, const char *dlerr, struct buf *out);

/*
 * Appends to out why the loaded library at path has no exported entry
 * symbol (VSRBENCH_ENTRY_SYMBOL) and the fix: a mangled C++ name or
 * another name exported instead, the symbol defined but hidden or static,
 * or no such function at all.
 */
void plugin_hint_no_entry(const char *path, struct buf *out);

#endif
