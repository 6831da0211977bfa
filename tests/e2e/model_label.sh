#!/usr/bin/env bash
# Every report names the model (issue 17, item 4): two served models behind one
# server differ by -M model, and report.md, junit.xml, report.html, the
# terminal summary and compare.md say which is which; an exec model shows its
# command, a plug-in its own name and version.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_server llm --plugin "$GEOMETRY"
for m in vl-alpha-7b vl-beta-7b; do
	expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=$m -S count=4 -o $m
	want="openai model $m at 127.0.0.1:$PORT"
	expect_out "  model: $want"
	grep -qF -- "- model: \`$want\`" $m/report.md || fail "report.md: $(head -5 $m/report.md)"
	grep -qF -- "<property name=\"model\" value=\"$want\"/>" $m/junit.xml || fail "junit.xml: $(grep model $m/junit.xml)"
	grep -qF -- "model <code>$want</code>" $m/report.html || fail "report.html header"
	grep -qF -- "<title>vsrbench report: $want</title>" $m/report.html || fail "report.html title"
done
expect_exit 0 "$V" compare vl-alpha-7b vl-beta-7b --allow-different-content
expect_out "Base \`openai model vl-alpha-7b at 127.0.0.1:$PORT\` (vl-alpha-7b) → candidate \`openai model vl-beta-7b at 127.0.0.1:$PORT\` (vl-beta-7b)"

# exec: the command; a plug-in: its name and version (tests/adapters/worse.c says "worse", "test")
cat >m.py <<'PY'
import json, sys
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "text": "yes"}), flush=True)
PY
expect_exit 0 "$V" run -m exec -M cmd="python3 m.py" -S count=2 -o ex
expect_out '  model: exec "python3 m.py"'
grep -qF -- '- model: `exec "python3 m.py"`' ex/report.md || fail "report.md of exec: $(head -5 ex/report.md)"
# A command with Markdown's specials: each report's code span shows it as it is.
# CommonMark reads no entity and no backslash escape inside a code span, so
# "&lt;" or "\|" there would be shown as such (markdown-it, marked, GitHub);
# a backtick inside needs a longer fence (two here: the longest run is one).
cp m.py "o<r>&c.py"
weird="python3 '$T/o<r>&c.py' --x=a|b --tag=\`t\`"
expect_exit 0 "$V" run -m exec -M cmd="$weird" -S count=2 -o odd
span="\`\`exec \"$weird\"\`\`"
grep -qxF -- "- model: $span" odd/report.md || fail "report.md: $(grep model odd/report.md)"
expect_exit 0 "$V" compare ex odd --markdown odd.md
grep -qF -- "→ candidate $span (odd)" odd.md || fail "compare.md: $(grep candidate odd.md)"
grep -qF -- "Base \`exec \"python3 m.py\"\` (ex)" odd.md || fail "compare.md base: $(grep Base odd.md)"
! grep -qF -- '&lt;' odd.md odd/report.md || fail "an HTML entity in a code span"
expect_exit 0 "$V" run -m "lib:$VSR_BUILD/tests/adapters/worse.so" -S count=2 -o lib
expect_out "  model: worse test (lib:$VSR_BUILD/tests/adapters/worse.so)"
# Bytes XML 1.0 does not allow in a command (so in junit.xml's model property):
# a UTF-16 surrogate written as UTF-8 (ED A0 80), U+FFFE (EF BF BE) and an
# overlong '/' (C0 AF).  Each byte becomes '?' and the file stays valid JUnit XML.
command -v xmllint >/dev/null || fail "xmllint is not installed (libxml2-utils: make -f Makefile.ci test-deps)"
expect_exit 0 "$V" run -m exec -M cmd="python3 m.py a$(printf '\xed\xa0\x80')b$(printf '\xef\xbf\xbe')c$(printf '\xc0\xaf')d" \
	-S count=2 -o badutf8
xmllint --noout --schema "$VSR_SRC/tests/junit/junit.xsd" badutf8/junit.xml 2>xmllint.err ||
	fail "junit.xml with those bytes: $(head -3 xmllint.err)"
grep -qF '<property name="model" value="exec &quot;python3 m.py a???b???c??d&quot;"/>' badutf8/junit.xml ||
	fail "junit.xml model: $(grep -a 'name="model"' badutf8/junit.xml)"
echo ok
