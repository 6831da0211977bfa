#!/usr/bin/env bash
# report.html: self-contained, renders in headless Chromium without a console
# message, and every dataset or model string in it is escaped; its charts
# fit a phone's width and say what they count.  The screenshots are kept as
# $VSR_BUILD/report_html*.png.
. "$(dirname "$0")/lib.bash"

CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] ||
	fail "chromium is not installed: run 'make -f Makefile.ci deps' (CI installs it)"

cd "$T"
# A template whose text carries markup, quotes and ampersands into every prompt.
printf '%s\t%s\t%s\n' \
	evil yesno "<script>alert(1)</script> \"Quoted\" & 'single' [caption] Answer yes or no." \
	plain yesno '[caption] Is that so? Answer yes or no.' >evil.tpl
expect_exit 0 "$VSRBENCH" run -q -m builtin:no -t ./evil.tpl -n 30 -o run

# Hand-edited journal: one wrongly answered item gets a local image (a small
# PNG: it must come back as an inline thumbnail) and, under one template, a
# model answer full of markup (it does not parse: invalid, still wrong).
"$VSR_BUILD/tests/mkimage" thumb.png 64 48 3
item=$(jq -r 'select(.correct | not) | .item' run/samples.jsonl | head -1)
[ -n "$item" ] || fail "builtin:no answered every item right?"
jq -c --arg it "$item" --arg img "$T/thumb.png" '
	if .item == $it then .image = $img |
		if .template == "plain" then
			.response = "<img src=x onerror=alert(2)> & \"so\" <b>bold</b>" |
			.answer = "invalid" | .correct = false
		else . end
	else . end' run/samples.jsonl >j && mv j run/samples.jsonl
expect_exit 0 "$VSRBENCH" report -q run
h=run/report.html
[ -s "$h" ] || fail "no report.html"

# ---- the file --------------------------------------------------------------
grep -qi '<script' "$h" && fail "report.html contains a script element"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &quot;Quoted&quot; &amp; &#39;single&#39;' "$h" ||
	fail "the template text is not escaped in report.html"
grep -qF '&lt;img src=x onerror=alert(2)&gt; &amp; &quot;so&quot; &lt;b&gt;bold&lt;/b&gt;' "$h" ||
	fail "the model answer is not escaped in report.html"
# Self-contained: nothing to fetch.
grep -qiE '(src|href)="(https?:)?//|<link|@import|url\(' "$h" && fail "report.html refers outside"
# The thumbnail is the file itself, base64 in a data: URI.
[ "$(grep -o 'data:image/png;base64,[A-Za-z0-9+/=]*' "$h" | wc -l)" = 1 ] ||
	fail "expected exactly one inline PNG thumbnail"
grep -o 'data:image/png;base64,[A-Za-z0-9+/=]*' "$h" | sed 's/^data:image\/png;base64,//' |
	base64 -d >thumb.back
cmp -s thumb.png thumb.back || fail "the thumbnail is not the image file"

# The worst-items table: the 25 items wrong most often (then by share wrong),
# as jq counts them from the journal, in that order; 40 items under the 36
# templates of the pool answered at random, so the counts differ.
expect_exit 0 "$VSRBENCH" run -q -m builtin:random -t pool -n 40 -o rnd
jq -rs 'group_by([.suite, .item]) | map({w: (map(select(.correct == false)) | length),
	t: length}) | map(select(.w > 0)) | sort_by([-.w, -(.w / .t)]) | .[:25][] |
	"\(.w) of \(.t)"' rnd/samples.jsonl >worst.want
[ "$(sort -u worst.want | wc -l)" -gt 3 ] || fail "the random run's counts do not differ enough"
grep -o 'class="num">[0-9]* of [0-9]*<' rnd/report.html | sed 's/^class="num">//; s/<$//' >worst.got
diff worst.want worst.got >/dev/null ||
	fail "the worst-items table differs from jq's count: $(diff worst.want worst.got | head -5)"

# ---- in a browser ------------------------------------------------------------
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--enable-logging=stderr --v=0)
timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	--dump-dom "file://$T/$h" >dom.html 2>chrome.err ||
	fail "chromium --dump-dom failed: $(tail -5 chrome.err)"
shot="$VSR_BUILD/report_html.png"
rm -f "$shot"
timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	--window-size=1366,3000 --hide-scrollbars --screenshot="$shot" "file://$T/$h" \
	>/dev/null 2>>chrome.err || fail "chromium --screenshot failed: $(tail -5 chrome.err)"
# No console message at all: no script ran or was blocked, no load was refused.
grep -F 'CONSOLE' chrome.err && fail "the page logged to the console"

for want in '<section id="verdict">' '<section id="diagnosis">' '<section class="suite" id="suite-1">' \
	'<section id="worst-items">' '<table class="worst">' '<img class="thumb"' \
	'Accuracy by relation' 'Accuracy by instruction template' 'Items wrong most often'; do
	grep -qF "$want" dom.html || fail "the rendered page lacks $want"
done
[ "$(grep -o '<svg' dom.html | wc -l)" -ge 3 ] || fail "expected at least 3 charts"
# The markup stayed text: no script, no injected image or bold element.
grep -qi '<script' dom.html && fail "a script element exists in the rendered page"
grep -qF '<b>bold' dom.html && fail "model text became markup"
grep -qF '<img src="x"' dom.html && fail "model text became an image"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; "Quoted" &amp; '"'single'" dom.html ||
	fail "the template text is not shown as text"
grep -qF '&lt;img src=x onerror=alert(2)&gt; &amp; "so" &lt;b&gt;bold&lt;/b&gt;' dom.html ||
	fail "the model answer is not shown as text"
# The escaped answer is also in the chip's tooltip, quoted.
grep -qF 'title="&lt;img src=x onerror=alert(2)&gt; &amp; &quot;so&quot;' dom.html ||
	fail "the model answer is not escaped in an attribute"

# A PNG screenshot 1366 pixels wide.
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "the screenshot is not a PNG"
[ "$(od -An -tu1 -j16 -N4 "$shot" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')" = 1366 ] ||
	fail "the screenshot is not 1366 pixels wide"
[ "$(stat -c %s "$shot")" -gt 20000 ] || fail "the screenshot is almost empty"

# The same journal gives the same page.
cp "$h" first.html
expect_exit 0 "$VSRBENCH" report -q --format html run
cmp -s first.html "$h" || fail "report.html differs between two builds from one journal"

# ---- the charts on a phone ----------------------------------------------------
# A run with the diagnosis' perturbations, its page in iframes 390 and 1280 CSS
# pixels wide (a top-level headless window is never narrower than 500).  At
# either width the page does not scroll sideways, and every chart shown fits
# its box whole: on a phone the wide chart's numbers used to be off its edge,
# to be scrolled to inside it.  Each bar says in words what it counts, with
# the counts jq finds in the journal (builtin:geometry parses every reply,
# so every pair is valid): items, mirrored and repeated pairs, tasks.
expect_exit 0 "$VSRBENCH" run -q -S count=24 -m builtin:geometry -p instr,hflip,repeat -o diag
read -r items rep flip keep <<<"$(jq -rs '[(map(.item) | unique | length),
	(map(select(.variant == "repeat")) | length),
	(map(select(.variant == "hflip" and (.relation == "left of" or .relation == "right of"))) | length),
	(map(select(.variant == "hflip" and .relation != "left of" and .relation != "right of")) | length)]
	| @tsv' diag/samples.jsonl)"
d=diag/report.html
grep -q 'n=[0-9]' $d && fail "a chart still says n=N: $(grep -o '[^>]*n=[0-9][^<]*' $d | head -2)"
for want in "language sensitivity: 0.0% [0.0, " "] · $items items</title>" "] · $rep repeated pairs</title>" \
	"] · $flip mirrored pairs</title>" "] · $keep mirrored pairs</title>" "] · $items items</text>" \
	"] · $rep repeated pairs</tspan>"; do
	grep -qF -- "$want" $d || fail "$d lacks '$want'"
done
cat >diag/measure.html <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="w1280" src="report.html" style="width:1280px;height:900px;border:0;display:block"></iframe>
<iframe id="w390" src="report.html" style="width:390px;height:844px;border:0;display:block"></iframe>
<pre id="measure"></pre>
<script>
window.addEventListener('load', function () {
	var lines = [];
	document.querySelectorAll('iframe').forEach(function (f) {
		var d = f.contentWindow.document, e = d.documentElement, shown = 0, cut = [];
		d.querySelectorAll('details').forEach(function (x) { x.open = true; });
		d.querySelectorAll('.chartbox').forEach(function (b) {
			if (!b.getClientRects().length) return; /* not displayed at this width */
			shown++;
			if (b.scrollWidth > b.clientWidth) cut.push(b.querySelector('svg').getAttribute('aria-label') +
				' ' + b.scrollWidth + ' px in ' + b.clientWidth);
		});
		lines.push(f.id + ' ' + e.clientWidth + ' ' + e.scrollWidth + ' ' + shown + ' ' +
			d.querySelectorAll('.chartbox').length + ' ' + (cut.slice(0, 3).join(';') || '-'));
	});
	document.getElementById('measure').textContent = lines.join('\n');
});
</script></body></html>
HTML
timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	--allow-file-access-from-files --window-size=1700,1800 --virtual-time-budget=20000 \
	--dump-dom "file://$T/diag/measure.html" >diag.dom 2>>chrome.err ||
	fail "chromium --dump-dom failed on the measuring page: $(tail -5 chrome.err)"
sed -n '/<pre id="measure">/,/<\/pre>/p' diag.dom | sed 's/<[^>]*>//g' >diag.m
for w in 1280 390; do
	read -r client scroll shown all cut <<<"$(awk -v f=w$w '$1 == f { $1 = ""; print }' diag.m)"
	[ -n "$client" ] || fail "no measurement at $w px: $(head -c 600 diag.dom)"
	[ "$client" -le "$w" ] && [ "$client" -ge $((w - 20)) ] || fail "$w px: clientWidth $client"
	[ "$scroll" -le "$client" ] || fail "$w px: the page scrolls sideways (scrollWidth $scroll > $client)"
	# Every chart once (one of its two forms), each whole in its box.
	[ "$shown" -ge 3 ] && [ $((2 * shown)) = "$all" ] || fail "$w px: $shown of $all chart boxes shown"
	[ "$cut" = - ] || fail "$w px: a chart is wider than its box and scrolls inside it: $cut"
done
for w in 1280 390; do
	chrome_shot="$VSR_BUILD/report_html_diag_$w.png"
	timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
		--window-size=$w,2400 --hide-scrollbars --screenshot="$chrome_shot" "file://$T/$d" \
		>/dev/null 2>>chrome.err || fail "chromium --screenshot failed: $(tail -5 chrome.err)"
done
echo "ok (screenshots: $shot, $VSR_BUILD/report_html_diag_{1280,390}.png)"
