# Sourced by every tests/e2e/*.sh: a scratch directory and small assertions.
set -euo pipefail
: "${VSRBENCH:?run through ctest, which sets VSRBENCH}"
command -v jq >/dev/null || { echo "jq is not installed (make -f Makefile.ci deps)"; exit 1; }
T=$(mktemp -d /tmp/vsr-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
# The response cache (issue 16) stays out of the tests: many run the same
# prompts against one server several times and count its requests, which a
# cache shared between those commands would answer instead.  Off unless a
# test turns it on (--cache on|DIR), and never the user's own cache.
export VSRBENCH_CACHE=off XDG_CACHE_HOME="$T/xdg-cache"
# Run on GitHub Actions, vsrbench would annotate every gate a test fails on
# purpose and append to the job's summary (docs/ci.md): only e2e/github_actions
# asks for that, with files of its own.
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY
ADAPTERS="$VSR_BUILD/tests/adapters"
# Debian's python3 (the interpreter apt's python3-* modules are for) ahead of
# any shim a PATH puts first: a version manager's shim (pyenv's is a shell
# script that execs pyenv) costs ~10x the CPU of the interpreter's own start,
# and the tests start python some hundred times.
if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" != /usr/bin/python3 ]; then
	mkdir -p "$T/.bin" && ln -s /usr/bin/python3 "$T/.bin/python3" && PATH="$T/.bin:$PATH"
fi

fail() { echo "FAIL: $*" >&2; exit 1; }

# need_pil: Debian's python3 with PIL (python3-pil), the independent decoder
# the image tests check vsrbench's images with.  Missing, the test fails
# (it is a test dependency, like jq), saying how to install it.
need_pil() {
	/usr/bin/python3 -c 'import PIL' 2>/dev/null ||
		fail "PIL is missing for /usr/bin/python3 (Debian's python3-pil): run make -f Makefile.ci test-deps"
}

# expect_exit CODE CMD...: runs CMD, stdout to $T/out, stderr to $T/err.
expect_exit() {
	local want=$1 got
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || fail "expected exit $want, got $got: $*
stdout: $(head -c 2000 "$T/out")
stderr: $(head -c 2000 "$T/err")"
}
expect_err() { grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1': $(cat "$T/err")"; }
expect_out() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1': $(cat "$T/out")"; }
# The stderr of a failing command is exactly one line (no crash spew).
expect_one_line_err() {
	[ "$(wc -l <"$T/err")" = 1 ] || fail "expected a one-line error, got: $(cat "$T/err")"
}

# need_shared_vsr [PATH]: D, the shared data folder, and TEST_JSONL, VSR's
# zero-shot test split in it; the test is skipped (77, with a message) when
# D/PATH (the split by default) is absent, as in a user's clone.
need_shared_vsr() {
	D=${VSRBENCH_SHARED_DATA:-}
	TEST_JSONL=$D/vsr/data/splits/zeroshot/test.jsonl
	if [ ! -e "$D/${1:-vsr/data/splits/zeroshot/test.jsonl}" ]; then
		echo "skipped: the VSR data is not at \$VSRBENCH_SHARED_DATA ($D)"
		exit 77
	fi
}

# expect_pulled_images NEEDED SRC DIR: DIR holds exactly the images NEEDED
# lists (paths such as train2017/NAME; DIR has them by NAME), each byte for
# byte SRC/PATH (one sha256sum per side, not a cmp per image), and no .part.
expect_pulled_images() {
	local needed src=$2 dir=$3
	needed=$(realpath "$1")
	(cd "$dir" && ls) | sort >"$T/have.txt"
	sed 's|.*/||' "$needed" | sort | cmp -s - "$T/have.txt" || fail "images present differ from the needed names"
	(cd "$src" && xargs sha256sum <"$needed") | sed 's|  .*/|  |' | sort -k2 >"$T/want.sum"
	(cd "$dir" && xargs sha256sum <"$T/have.txt") | sort -k2 >"$T/got.sum"
	cmp -s "$T/want.sum" "$T/got.sum" ||
		fail "images differ from their sources: $(diff "$T/want.sum" "$T/got.sum" | head -3)"
	! ls "$dir" | grep -q '\.part$' || fail "a .part was left"
}

# The distinct images a VSR split's items name (image_link paths, e.g.
# train2017/000000123.jpg), in first-seen order: computed here in python,
# independently of vsrbench, for the pull tests to check against.
vsr_needed_images() {
	python3 - "$1" <<'PY'
import json, sys, urllib.parse
seen = []
for line in open(sys.argv[1]):
    if line.strip():
        p = urllib.parse.urlsplit(json.loads(line)["image_link"]).path.lstrip("/")
        if p not in seen:
            seen.append(p)
print("\n".join(seen))
PY
}

# vsr_left_of_split DIR FILE: a VSR split with one item per image in DIR
# ("The cat is left of the dog.", label yes), for the image tests.
vsr_left_of_split() {
	local f
	for f in $(cd "$1" && ls); do
		printf '{"image": "%s", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$f"
	done >"$2"
}

# "b c pairs" from two run directories' journals: right->wrong, wrong->right and
# the tasks both answered, matched on (suite, item, template, variant), the
# first answered line per task, failed lines left out (jq, independent of vsrbench).
discordant() {
	jq -rn --slurpfile a "$1/samples.jsonl" --slurpfile b "$2/samples.jsonl" '
	def idx(s): reduce (s[] | select(has("error") | not)) as $x ({};
		.[[$x.suite, $x.item, $x.template, $x.variant] | tostring] //= $x.correct);
	(idx($a)) as $A | (idx($b)) as $B |
	[$A | to_entries[] | select($B[.key] != null) | [.value, $B[.key]]] |
	"\(map(select(.[0] and (.[1] | not))) | length) \(map(select((.[0] | not) and .[1])) | length) \(length)"'
}
