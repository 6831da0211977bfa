#!/usr/bin/env bash
# report.html's layout in headless Chromium (issue 17 §5), on two real runs:
# the unified test set (1,222 real VSR captions, placeholder images) under
# builtin:random with the diagnosis' perturbations, and LaVIN's recorded
# MME answers (vsrbench score).  At 1280 and 390 CSS pixels wide: no
# horizontal overflow (the document's scrollWidth within its clientWidth,
# with every <details> closed and then opened), the verdict (or MME's
# official totals) inside the first screen, and the sections in the
# reader's order.  The report is loaded unchanged (its CSP forbids scripts)
# into iframes of those sizes; a wrapper page measures them and writes the
# numbers into its DOM, which --dump-dom prints.  Screenshots at both
# widths are kept as $VSR_BUILD/report_layout_*.png.
. "$(dirname "$0")/lib.bash"

CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
	echo "skipped: chromium is not installed (make -f Makefile.ci deps installs it)"
	exit 77
fi
D=${VSRBENCH_SHARED_DATA:-}
if [ ! -d "$D/vsr/data/splits" ] || [ ! -d "$D/mme/eval_tool/LaVIN" ]; then
	echo "skipped: the VSR and MME data are not at \$VSRBENCH_SHARED_DATA ($D)"
	exit 77
fi
V=$VSRBENCH
cd "$T"

# ---- two real runs ------------------------------------------------------------
jq -r .image "$D/vsr/data/splits/zeroshot/test.jsonl" | sort -u >names.txt
mkdir -p img
"$VSR_BUILD/tests/mkimage" --names names.txt img 32 24
expect_exit 0 "$V" run -q -s vsr-unified --data "$D" --images img -m builtin:random \
	-p instr,repeat,hflip,blind -o vsr
expect_exit 0 "$V" score -q -o mme "$D/mme/eval_tool/LaVIN"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--hide-scrollbars --allow-file-access-from-files)
chrome() { timeout 180 "$CHROMIUM" "${flags[@]}" --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" "$@"; }

# measure RUN: the wrapper page's numbers for RUN/report.html, "KEY VALUE" lines in RUN.m
measure() {
	local run=$1
	cat >"$run/measure.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="w1280" src="report.html" style="width:1280px;height:900px;border:0;display:block"></iframe>
<iframe id="w390" src="report.html" style="width:390px;height:844px;border:0;display:block"></iframe>
<pre id="measure"></pre>
<script>
function wide(d, w) { /* elements past the right edge, outside the scrolling boxes */
	var out = [];
	d.querySelectorAll('body *').forEach(function (e) {
		if (e.closest('.scroll,.chartbox')) return;
		var b = e.getBoundingClientRect();
		if (b.width && b.right > w + 0.5) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
	});
	return out.slice(0, 5).join(',') || '-';
}
function top_of(d, sel) {
	var e = d.querySelector(sel);
	if (!e) return 'none none';
	var r = e.getBoundingClientRect();
	return Math.round(r.top) + ' ' + Math.round(r.bottom);
}
window.addEventListener('load', function () {
	var lines = [];
	document.querySelectorAll('iframe').forEach(function (f) {
		var w = f.id, win = f.contentWindow, d = win.document, e = d.documentElement;
		lines.push(w + ' inner ' + win.innerWidth + ' ' + win.innerHeight);
		lines.push(w + ' client ' + e.clientWidth);
		lines.push(w + ' scroll_closed ' + e.scrollWidth);
		lines.push(w + ' wide_closed ' + wide(d, e.clientWidth));
		lines.push(w + ' verdict ' + top_of(d, '#verdict .says'));
		lines.push(w + ' total ' + top_of(d, '#verdict .card.total'));
		lines.push(w + ' first_card ' + top_of(d, '#verdict .card'));
		var order = ['verdict', 'diagnosis', 'suite-1', 'worst-items'].map(function (id) {
			var x = d.getElementById(id);
			return x ? Math.round(x.getBoundingClientRect().top) : -1;
		});
		lines.push(w + ' order ' + order.join(' '));
		d.querySelectorAll('details').forEach(function (x) { x.open = true; });
		lines.push(w + ' scroll_open ' + e.scrollWidth);
		lines.push(w + ' wide_open ' + wide(d, e.clientWidth));
	});
	document.getElementById('measure').textContent = lines.join('\n');
});
</script></body></html>
EOF
	chrome --window-size=1700,1800 --virtual-time-budget=20000 --dump-dom "file://$T/$run/measure.html" \
		>"$run.dom" 2>"$run.err" || fail "chromium --dump-dom failed on $run: $(tail -5 "$run.err")"
	sed -n '/<pre id="measure">/,/<\/pre>/p' "$run.dom" | sed 's/<[^>]*>//g' >"$run.m"
	[ "$(grep -c . "$run.m")" -ge 20 ] || fail "no measurements for $run: $(head -c 600 "$run.dom")"
}
# get RUN FRAME KEY [FIELD]: one number of the measurements
get() { awk -v f="$2" -v k="$3" -v n="${4:-3}" '$1 == f && $2 == k { print $n }' "$1.m"; }

for run in vsr mme; do
	measure "$run"
	for w in 1280 390; do
		f=w$w
		[ "$(get $run $f inner)" = "$w" ] || fail "$run: the $w px frame is $(get $run $f inner) wide"
		client=$(get $run $f client)
		# No horizontal overflow, folded or unfolded (a vertical scrollbar may take a few px).
		[ "$client" -le "$w" ] && [ "$client" -ge $((w - 20)) ] || fail "$run@$w: clientWidth $client"
		for state in closed open; do
			sw=$(get $run $f scroll_$state)
			[ "$sw" -le "$client" ] ||
				fail "$run@$w: the page scrolls sideways with <details> $state (scrollWidth $sw > $client; past the edge: $(get $run $f wide_$state))"
		done
		# The reader's order: verdict, diagnosis, the suite's breakdowns, the worst items.
		read -r a b c d <<<"$(get $run $f order 3) $(get $run $f order 4) $(get $run $f order 5) $(get $run $f order 6)"
		[ "$a" -ge 0 ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$d" ] ||
			fail "$run@$w: sections out of order (verdict diagnosis suite-1 worst-items at $a $b $c $d)"
	done
done

# The verdict sentence of the VSR run is wholly within the first screen at both widths.
for w in 1280 390; do
	h=$(get vsr w$w inner 4)
	top=$(get vsr w$w verdict 3) bottom=$(get vsr w$w verdict 4)
	[ "$top" != none ] || fail "vsr@$w: no verdict element"
	[ "$top" -ge 0 ] && [ "$bottom" -le "$h" ] ||
		fail "vsr@$w: the verdict is at $top-$bottom px, the first screen ends at $h"
	# MME: the official totals (perception, cognition) lead, within the first screen.
	top=$(get mme w$w total 3) bottom=$(get mme w$w total 4)
	[ "$top" != none ] && [ "$bottom" -le "$h" ] ||
		fail "mme@$w: MME's official totals are at $top-$bottom px, the first screen ends at $h"
done

# ---- the content at the top -----------------------------------------------------
v=vsr/report.html
# The verdict is the sentence report.md gives (the md has it as "- `suite`: SENTENCE").
want=$(sed -n 's/^- `vsr-zeroshot-test`: //p' vsr/report.md)
[ -n "$want" ] || fail "report.md has no verdict"
grep -qF "<p class=\"says\"><b>Verdict:</b> $want</p>" $v || fail "the HTML verdict is not report.md's: $want"
grep -qF '<span class="tag" title="the seed paper'"'"'s name for a template pool on the unified test set">Test-G</span>' $v ||
	fail "the headline does not name Test-G"
# The headline number is the base variant's acc_t, from the journal by jq (first answer per key).
read -r k n <<<"$(jq -rs '[.[] | select(.variant == "base" and .error == null)] | unique_by(.key)
	| "\(map(select(.correct == true)) | length) \(length)"' vsr/samples.jsonl)"
pct=$(awk -v k="$k" -v n="$n" 'BEGIN { printf "%.1f", 100 * k / n }')
grep -qF "<div class=\"big\">$pct%</div>" $v || fail "the headline is not $pct% (jq over the journal)"
# MME: LaVIN's published totals, 963.61 and 249.64, in the first card.
grep -qF '<div class="big">963.61 <span class="unit">perception (10 subtasks)</span> · 249.64 <span class="unit">cognition (4 subtasks)</span>' mme/report.html ||
	fail "the MME page does not lead with 963.61 / 249.64"

# ---- everything report.md has, report.html has --------------------------------
for want in 'id="suite-1-category"' 'id="suite-1-relation"' 'id="suite-1-template"' \
	'id="suite-1-format"' 'id="suite-1-variant"' 'Across 36 templates' \
	'Intervals: percentile bootstrap over 715 images'; do
	grep -qF "$want" $v || fail "report.html lacks $want"
done
# Every diagnosis line of report.md (reference points included) is in the HTML, as text.
sed -n '/^### Diagnosis/,$p' vsr/report.md | grep '^- ' | sed 's/^- //; s/^  //' >diag.md
[ "$(wc -l <diag.md)" -ge 6 ] || fail "report.md's diagnosis is short: $(cat diag.md)"
while IFS= read -r line; do
	grep -qF -- "$line" $v || fail "report.html lacks the diagnosis line: $line"
done <diag.md
# Every relation, template, format and variant row of report.md is a row of the HTML tables.
awk -F' [|] ' '/^#/ { on = /^### By (relation|instruction template|answer format|variant)/ }
	on && /^[|] [a-z]/ && !/ tasks / { sub(/^[|] /, "", $1); print $1 }' vsr/report.md >rows.md
[ "$(wc -l <rows.md)" -ge $((53 + 36 + 3 + 4)) ] || fail "report.md's rows: $(wc -l <rows.md)"
while IFS= read -r name; do
	grep -qF "<tr><td>$name</td>" $v || fail "report.html has no table row for $name"
done <rows.md
# Long breakdowns are folded behind their worst rows: 53 relations, 36 templates.
grep -qF '<summary>all 53 relations</summary>' $v || fail "the relations are not folded"
grep -qF '<summary>all 36 templates</summary>' $v || fail "the templates are not folded"
# The worst items are folded, each with at most 6 chips and a count of the rest.
grep -qF '<section id="worst-items"><h2>Items wrong most often</h2>
<details class="fold">' $v || fail "the worst items are not folded"
awk '/<table class="worst">/,/<\/table>/' $v | grep '^<tr>' | while IFS= read -r row; do
	n=$(grep -o 'class="chip ' <<<"$row" | wc -l)
	[ "$n" -le 6 ] || fail "a worst item has $n chips"
done
# One MME subtask table row for each of the 14 subtasks, with MME's own score column.
[ "$(grep -c '^<tr><td>[A-Za-z_]*</td><td class="num">[0-9]*</td><td class="num">[0-9.]*%</td><td class="num">[0-9.]*%</td><td class="num">[0-9.]*</td>' mme/report.html)" = 14 ] ||
	fail "the MME page lacks its 14 subtask rows"
# Self-contained: nothing to fetch, no script.
grep -qiE '(src|href)="(https?:)?//|<link|@import|url\(|<script' $v && fail "report.html refers outside"

# ---- screenshots ------------------------------------------------------------------
for w in 1280 390; do
	h=$([ $w = 1280 ] && echo 900 || echo 844)
	shot="$VSR_BUILD/report_layout_$w.png"
	rm -f "$shot"
	chrome --window-size=$w,$h --screenshot="$shot" "file://$T/$v" >/dev/null 2>>shot.err ||
		fail "chromium --screenshot failed: $(tail -5 shot.err)"
	[ "$(od -An -tu1 -j16 -N4 "$shot" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')" = $w ] ||
		fail "the screenshot is not $w pixels wide"
	[ "$(stat -c %s "$shot")" -gt 10000 ] || fail "the $w px screenshot is almost empty"
done
echo "ok: no overflow at 1280/390 px; verdict at $(get vsr w390 verdict 3)-$(get vsr w390 verdict 4) px of 844 on a phone (screenshots: $VSR_BUILD/report_layout_*.png)"
