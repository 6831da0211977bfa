#!/usr/bin/env bash
# A model team's first builds of a lib:PATH.so, each a real library built
# here and loaded by vsrbench with dlopen:
#
#  - a C++ plug-in written as README shows (no extern "C" of its own), also
#    with -fvisibility=hidden: it loads and answers (before, its entry was
#    the mangled _Z22vsrbench_adapter_entryj and vsrbench said only "missing
#    symbol vsrbench_adapter_entry (not a vsrbench adapter?)");
#  - the mistakes that remain are named with their fix: a C++ entry of
#    another signature (its mangled name), an entry hidden, none at all,
#    a library for another machine (dlopen says "No such file or directory"
#    of a file that is there), one that needs a library not found, an
#    object file, a program.
# The expected names come from the builds themselves (nm) and from uname.
. "$(dirname "$0")/lib.bash"

CC=${CC:-cc}
CXX=${CXX:-c++}
command -v "$CC" >/dev/null || { echo "skipped: no C compiler ($CC)"; exit 77; }
INC=$VSR_SRC/include
FLAGS=(-Wall -Wextra -Werror -I "$INC" -shared -fPIC)
if grep -q '^VSR_SANITIZE:BOOL=ON' "$VSR_BUILD/CMakeCache.txt" 2>/dev/null; then
	FLAGS+=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi
V=$VSRBENCH
cd "$T"
run() { "$V" run -S count=12 -q "$@"; }

# --- C++, as README writes the plug-in: loads, answers every task ----------
cat >mine.cpp <<'EOF'
#include <cstdlib>
#include <cstring>
#include <string>
#include "vsrbench_adapter.h"
static int my_open(const char *, void **state, char *, size_t) { *state = new std::string("yes"); return 0; }
static int my_answer(void *state, const struct vsrbench_request *const *req,
		     struct vsrbench_response *const *resp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		resp[i]->text = strdup(req[i]->n_choices ? "A" : static_cast<std::string *>(state)->c_str());
		resp[i]->status = resp[i]->text ? VSRBENCH_OK : VSRBENCH_ERR_RETRY;
	}
	return 0;
}
static void my_free(void *, struct vsrbench_response *resp) { free(resp->text); }
static void my_close(void *state) { delete static_cast<std::string *>(state); }
static const struct vsrbench_adapter table = {
	VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR, sizeof table, "mine-cxx", 8, 1,
	my_open, my_answer, my_free, my_close, "1",
};
const struct vsrbench_adapter *vsrbench_adapter_entry(SIGNATURE host_abi_major)
{
	return host_abi_major == VSRBENCH_ABI_MAJOR ? &table : nullptr;
}
EOF
if command -v "$CXX" >/dev/null; then
	"$CXX" "${FLAGS[@]}" -DSIGNATURE=uint32_t -o cxx.so mine.cpp
	"$CXX" "${FLAGS[@]}" -fvisibility=hidden -DSIGNATURE=uint32_t -o cxx_hidden.so mine.cpp
	for so in cxx cxx_hidden; do
		nm -D --defined-only "$so.so" | grep -qw vsrbench_adapter_entry ||
			fail "$so.so does not export vsrbench_adapter_entry: $(nm -D --defined-only "$so.so" | grep adapter_entry)"
		expect_exit 0 run -m "lib:./$so.so" -o "$so"
		[ "$(jq -s '[.[] | select(.response == "yes")] | length' "$so/samples.jsonl")" = 12 ] ||
			fail "$so: the C++ plug-in's answers: $(jq -r .response "$so/samples.jsonl" | sort | uniq -c)"
	done
	# Another signature is another (C++) function, not the declared one.
	"$CXX" "${FLAGS[@]}" -DSIGNATURE=int -o cxx_int.so mine.cpp
	mangled=$(nm -D --defined-only cxx_int.so | awk '/adapter_entry/ { print $3 }')
	[ "${mangled:0:2}" = _Z ] || fail "expected a mangled name, nm says '$mangled'"
	expect_exit 2 run -m lib:./cxx_int.so -o x
	expect_err "./cxx_int.so: missing symbol vsrbench_adapter_entry; it exports the C++ name $mangled instead: include vsrbench_adapter.h (it declares the function extern \"C\") and define it with the signature declared there, (uint32_t host_abi_major)"
	expect_one_line_err
else
	echo "note: no C++ compiler ($CXX): the C++ cases are left out"
fi

# --- C: an entry defined but hidden (a build without the header's declaration) ---
cat >hidden.c <<'EOF'
#include <stddef.h>
#include <stdint.h>
__attribute__((visibility("hidden"))) const void *vsrbench_adapter_entry(uint32_t m);
const void *vsrbench_adapter_entry(uint32_t m) { (void)m; return NULL; }
const void *keep(void);
const void *keep(void) { return (const void *)vsrbench_adapter_entry; }
EOF
"$CC" "${FLAGS[@]}" -o hidden.so hidden.c
expect_exit 2 run -m lib:./hidden.so -o x
expect_err "./hidden.so: missing symbol vsrbench_adapter_entry; it defines vsrbench_adapter_entry but does not export it (static, or hidden by -fvisibility=hidden or a version script)"
expect_one_line_err
# ... and none at all: the fix is the declaration, and how to look.
echo 'int unrelated(void); int unrelated(void) { return 1; }' >none.c
"$CC" "${FLAGS[@]}" -o none.so none.c
expect_exit 2 run -m lib:./none.so -o x
expect_err "./none.so: missing symbol vsrbench_adapter_entry; it exports no function of that name: define const struct vsrbench_adapter *vsrbench_adapter_entry(uint32_t host_abi_major), as vsrbench_adapter.h declares it (nm -D ./none.so lists what the library exports)"

# --- a working plug-in's build, then what goes wrong around it ------------
"$CC" "${FLAGS[@]}" -o constant.so "$VSR_SRC/examples/constant_plugin.c"
expect_exit 0 run -m lib:./constant.so -o c

# Built for another machine: the ELF header's e_machine (offset 18) of
# another architecture.  dlopen's own words are "No such file or directory".
case $(uname -m) in
x86_64) own=x86-64 other=183 other_name="aarch64 (arm64)" ;;
aarch64) own="aarch64 (arm64)" other=62 other_name=x86-64 ;;
*) own= ;;
esac
if [ -n "$own" ]; then
	cp constant.so arm.so
	printf "$(printf '\\%03o' "$other")\\000" | dd of=arm.so bs=1 seek=18 conv=notrunc status=none
	expect_exit 2 run -m lib:./arm.so -o x
	expect_err "cannot load adapter ./arm.so: "
	expect_err "; the file is a library for $other_name, 64-bit, and this vsrbench runs on $own, 64-bit: build the plug-in on this machine, or with a compiler for it"
	expect_one_line_err
else
	echo "note: $(uname -m): the other-machine case is left out"
fi

# A library it needs is not found (built beside it, then moved away).
echo 'int dep_fn(void); int dep_fn(void) { return 1; }' >dep.c
"$CC" "${FLAGS[@]}" -o libvsrdep.so dep.c
"$CC" "${FLAGS[@]}" -o needs.so "$VSR_SRC/examples/constant_plugin.c" -L. -Wl,--no-as-needed -lvsrdep
readelf -d needs.so | grep -q 'NEEDED.*libvsrdep.so' || fail "needs.so does not need libvsrdep.so"
mkdir away && mv libvsrdep.so away/
expect_exit 2 run -m lib:./needs.so -o x
expect_err "cannot load adapter ./needs.so: libvsrdep.so: cannot open shared object file: No such file or directory; a library the plug-in needs, libvsrdep.so, was not found (or is for another machine): ldd ./needs.so lists what it needs; add the directory that holds it to LD_LIBRARY_PATH, or link the plug-in with -Wl,-rpath,DIR"
expect_one_line_err
# The fix the message gives works.
LD_LIBRARY_PATH=$T/away expect_exit 0 run -m lib:./needs.so -o needs

# An object file (compiled, never linked as a library).
"$CC" -I "$INC" -c -fPIC -o obj.so "$VSR_SRC/examples/constant_plugin.c"
expect_exit 2 run -m lib:./obj.so -o x
expect_err "(an object file, not a shared library: link it with cc -shared -fPIC -o NAME.so)"
expect_one_line_err
# A program (a PIE executable, ET_DYN like a library) built by mistake.
echo 'int main(void) { return 0; }' >prog.c
"$CC" -o prog.so prog.c
expect_exit 2 run -m lib:./prog.so -o x
expect_err "(a program, not a shared library: build it with cc -shared -fPIC -o NAME.so)"
expect_one_line_err
echo ok
