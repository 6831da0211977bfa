#!/usr/bin/env bash
# Where the data folder and the response cache go, by the environment: both
# $XDG_CACHE_HOME/vsrbench (an absolute XDG_CACHE_HOME), else
# $HOME/.cache/vsrbench, else nowhere (env -i, some CI containers): the
# cache is off with one warning, the data asks for --data, and nothing is
# made in the working directory.  Before: with HOME unset the cache was
# created as ./.cache/vsrbench/responses.sqlite in the working directory and
# the data folder defaulted to ./.cache/vsrbench (where `data pull` would
# download gigabytes); the data folder ignored XDG_CACHE_HOME, which the
# cache followed.  Data pulled into ~/.cache/vsrbench before stays found
# while the XDG folder holds no dataset.  A cache folder that cannot be
# made (HOME/.cache a file) warns and the run goes on.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
EXEC=(-m exec -M "cmd=/usr/bin/python3 $VSR_SRC/tests/server/exec_save.py $T/shown")
# bare CMD...: CMD in an environment of PATH alone (VSRBENCH_CACHE unset: the cache is on).
bare() { env -i PATH="$PATH" "$@"; }
mkdir -p work

# --- neither variable: no cache, no data folder, nothing in the working directory ---
cd work
expect_exit 0 bare "$V" run -n 3 "${EXEC[@]}" -q -o run
expect_err "warning: response cache: off: neither XDG_CACHE_HOME nor HOME is set, so there is no default folder (--cache DIR names one)"
[ "$(ls -A)" = run ] || fail "the working directory got: $(ls -A | tr '\n' ' ')"
# A relative HOME or XDG_CACHE_HOME is no root either (the XDG spec ignores a relative one).
expect_exit 0 bare HOME=. XDG_CACHE_HOME=cache "$V" run -n 3 "${EXEC[@]}" -q -o run2
expect_err "response cache: off: neither XDG_CACHE_HOME nor HOME is set"
[ "$(ls -A | tr '\n' ' ')" = "run run2 " ] || fail "the working directory got: $(ls -A | tr '\n' ' ')"
# The data: a configuration error (exit 2) asking for --data, per suite and for data pull/verify.
for s in vsr-unified mme-position mmbench-spatial seed-spatial; do
	expect_exit 2 bare "$V" run -s "$s" -q -o "r-$s"
	expect_one_line_err
	expect_err "suite "
	expect_err ": no data folder: pass --data DIR or set VSRBENCH_DATA (neither XDG_CACHE_HOME nor HOME is set"
done
expect_exit 2 bare "$V" data pull vsr --mirror http://127.0.0.1:9
expect_err "no data folder: neither XDG_CACHE_HOME nor HOME is set, so there is no default folder: pass --data DIR or set VSRBENCH_DATA"
expect_exit 2 bare "$V" data verify
expect_err "no data folder: "
expect_exit 2 bare "$V" cache stats
expect_err "no response cache: neither XDG_CACHE_HOME nor HOME is set"
[ "$(ls -A | tr '\n' ' ')" = "run run2 " ] || fail "the working directory got: $(ls -A | tr '\n' ' ')"
# --data and --cache DIR still work there.
expect_exit 0 bare "$V" run -n 3 "${EXEC[@]}" --cache "$T/c" -q -o run3
[ -s "$T/c/responses.sqlite" ] || fail "--cache DIR: no cache file"
cd "$T"

# --- XDG_CACHE_HOME: the data folder follows it, as the cache does -------------
mkdir -p h x
want="$T/x/vsrbench/vsr/data/splits/zeroshot/test.jsonl"
expect_exit 3 bare HOME="$T/h" XDG_CACHE_HOME="$T/x" "$V" run -s vsr-unified --images "$T" -q -o x1
expect_err "$want not found"
expect_exit 0 bare HOME="$T/h" XDG_CACHE_HOME="$T/x" "$V" run -n 2 "${EXEC[@]}" -q -o x2
[ -s x/vsrbench/responses.sqlite ] || fail "the cache is not under XDG_CACHE_HOME"
# HOME alone: ~/.cache/vsrbench, as before.
expect_exit 3 bare HOME="$T/h" "$V" run -s vsr-unified --images "$T" -q -o x3
expect_err "$T/h/.cache/vsrbench/vsr/data/splits/zeroshot/test.jsonl not found"
# A dataset in ~/.cache/vsrbench and none under XDG (only its cache file): still found there.
mkdir -p h/.cache/vsrbench/vsr/data/splits/zeroshot img
"$VSR_BUILD/tests/mkimage" img/a.jpg 64 48
vsr_left_of_split img h/.cache/vsrbench/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 bare HOME="$T/h" XDG_CACHE_HOME="$T/x" "$V" run -s vsr-unified --images img -m builtin:yes -q -o x4
[ "$(jq -s length x4/samples.jsonl)" = 1 ] || fail "the dataset in ~/.cache/vsrbench was not used"
# Once the XDG folder holds a dataset, it is the data folder.
mkdir -p x/vsrbench/mme
expect_exit 3 bare HOME="$T/h" XDG_CACHE_HOME="$T/x" "$V" run -s vsr-unified --images img -q -o x5
expect_err "$want not found"

# --- a cache folder that cannot be made: one warning, the run goes on ------------
mkdir -p h2 && : >h2/.cache
expect_exit 0 bare HOME="$T/h2" "$V" run -n 3 "${EXEC[@]}" -q -o ro
expect_err "warning: response cache: cannot create $T/h2/.cache/vsrbench: Not a directory; going on without the cache"
[ "$(jq -s length ro/samples.jsonl)" = 3 ] || fail "the run without its cache did not finish"
echo ok
