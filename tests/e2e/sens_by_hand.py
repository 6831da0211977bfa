#!/usr/bin/env python3
"""The diagnosis' figures recomputed from a journal, by docs/diagnosis.md's
definitions and nothing of vsrbench's code, then checked against every place
a report shows them: report.json, the terminal summary, report.md and
report.html.  Used by tests/e2e/sens_reports.sh.

    sens_by_hand.py RUN_DIR SUITE SUMMARY_FILE [CLUSTERS_JSON]

CLUSTERS_JSON, when given, gets the language figure's per-image sums, a list
of [sum of the image's items' shares, items], for checks that need them.

Exits 1 with a message naming the figure, the report and both values.
"""
import html
import itertools
import json
import math
import re
import sys
from collections import defaultdict

run, suite, summary_path = sys.argv[1:4]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# One reply per task key (the first), answers only: failures, cut-short and
# refused replies are not answers.
rows, seen = [], set()
for line in open(run + "/samples.jsonl"):
    r = json.loads(line)
    if r.get("error") or r.get("outcome") in ("cut_short", "refused") or r["suite"] != suite:
        continue
    if r["key"] in seen:
        continue
    seen.add(r["key"])
    rows.append(r)


def image_side(v):
    for part in ("repeat", "hflip", "blind"):
        if part in v:
            return part
    return "orig"


def wording(r):
    v = r["variant"]
    return (r["template"], "converse" in v, v[v.find("rot"):] if "rot" in v else "")


items = defaultdict(list)
for r in rows:
    items[r["item"]].append(r)
lang, lang_moved, cons = [], [], []
lang_img = defaultdict(lambda: [0.0, 0])  # image -> [sum of its items' language shares, items]
c = defaultdict(int)
imgs = defaultdict(set)  # figure -> the images (the item's, when it names none) it has pairs on
for rs in items.values():
    orig = [r for r in rs if image_side(r["variant"]) == "orig"]
    img = rs[0]["image"] or rs[0]["item"]
    if len(orig) >= 2:
        pairs = list(itertools.combinations(orig, 2))
        valid = [(a, b) for a, b in pairs if "invalid" not in (a["answer"], b["answer"])]
        if valid:
            lang.append(sum(a["answer"] != b["answer"] for a, b in valid) / len(valid))
            lang_img[img][0] += lang[-1]
            lang_img[img][1] += 1
            lang_moved.append(any(a["answer"] != b["answer"] for a, b in valid))
            imgs["language"].add(img)
        cons.append(all(r["correct"] for r in orig))
        imgs["consistency"].add(img)
    base = {wording(r): r for r in orig}
    for r in rs:
        side, b = image_side(r["variant"]), base.get(wording(r))
        if side == "orig" or b is None:
            continue
        valid = "invalid" not in (r["answer"], b["answer"])
        if side == "hflip" and r["label"] != b["label"]:
            imgs["visual_flip_pair_accuracy"].add(img)
            if valid:
                imgs["visual_flip"].add(img)
            c["flip_n"] += valid
            c["flip_k"] += valid and r["answer"] != b["answer"]
            c["pair_n"] += 1
            c["pair_k"] += r["correct"] and b["correct"]
        elif side == "hflip":
            if valid:
                imgs["visual_keep"].add(img)
            c["keep_n"] += valid
            c["keep_k"] += valid and r["answer"] == b["answer"]
        elif side == "repeat":
            if valid:
                imgs["repeat"].add(img)
            c["rep_n"] += valid
            c["rep_k"] += valid and r["answer"] != b["answer"]
        elif side == "blind":
            for f in ("blind_gap", "accuracy_image", "accuracy_blind"):
                imgs[f].add(img)
            c["gain"] += b["correct"] and not r["correct"]
            c["loss"] += r["correct"] and not b["correct"]
            c["blind_n"] += 1
            c["img_k"] += b["correct"]
            c["blind_k"] += r["correct"]

# The shares of pairs left out for an unparseable side (language: per item, averaged).
inv = {}
for rs in items.values():
    orig = [r for r in rs if image_side(r["variant"]) == "orig"]
    if len(orig) >= 2:
        pairs = list(itertools.combinations(orig, 2))
        inv.setdefault("language_invalid", []).append(
            sum("invalid" in (a["answer"], b["answer"]) for a, b in pairs) / len(pairs))
    base = {wording(r): r for r in orig}
    for r in rs:
        side, b = image_side(r["variant"]), base.get(wording(r))
        if side in ("hflip", "repeat") and b is not None:
            name = "repeat_invalid" if side == "repeat" else (
                "visual_flip_invalid" if r["label"] != b["label"] else "visual_keep_invalid")
            inv.setdefault(name, []).append(1 if "invalid" in (a["answer"] for a in (r, b)) else 0)

# name: (value, n) by hand
fig = {}
if lang:
    fig["language"] = (sum(lang) / len(lang), len(lang))
if cons:
    fig["consistency"] = (sum(cons) / len(cons), len(cons))
for name, k, n in (("visual_flip", "flip_k", "flip_n"), ("visual_flip_pair_accuracy", "pair_k", "pair_n"),
                   ("visual_keep", "keep_k", "keep_n"), ("repeat", "rep_k", "rep_n"),
                   ("accuracy_image", "img_k", "blind_n"), ("accuracy_blind", "blind_k", "blind_n")):
    if c[n]:
        fig[name] = (c[k] / c[n], c[n])
if c["blind_n"]:
    fig["blind_gap"] = ((c["img_k"] - c["blind_k"]) / c["blind_n"], c["blind_n"])

rep = json.load(open(run + "/report.json"))["suites"][suite]
sens = rep.get("sensitivity", {})
for name, (v, n) in fig.items():
    got = sens.get(name)
    if not got or abs(got["value"] - v) > 1e-6 or got["n"] != n:
        fail("report.json %s: %s, by hand %.6f over %d" % (name, got, v, n))
    if not (got["ci_low"] - 1e-9 <= got["value"] <= got["ci_high"] + 1e-9):
        fail("report.json %s: the interval [%s, %s] misses its value %s"
             % (name, got["ci_low"], got["ci_high"], got["value"]))


# The floor (docs/diagnosis.md): no interval narrower than Wilson's with each
# image one trial; the blind gap's from its gain's and loss's by square-and-add.
Z = 1.959963984540054


def wilson(p, n):
    d = 1 + Z * Z / n
    centre, half = (p + Z * Z / (2 * n)) / d, Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return (0.0 if p <= 0 else centre - half), (1.0 if p >= 1 else centre + half)


for name, (v, n) in fig.items():
    k = len(imgs[name])
    if sens[name]["images"] != k:
        fail("report.json %s: %s images, by hand %d" % (name, sens[name]["images"], k))
    if name == "blind_gap":
        g, l = c["gain"] / n, c["loss"] / n
        (gl, gh), (ll, lh) = wilson(g, k), wilson(l, k)
        lo, hi = v - math.hypot(g - gl, lh - l), v + math.hypot(gh - g, l - ll)
    else:
        lo, hi = wilson(v, k)
    if sens[name]["ci_low"] > lo + 1e-6 or sens[name]["ci_high"] < hi - 1e-6:
        fail("report.json %s: [%s, %s] is narrower than Wilson's over %d images, [%.6f, %.6f]"
             % (name, sens[name]["ci_low"], sens[name]["ci_high"], k, lo, hi))
    fig[name] = (v, n, lo, hi)
for name, xs in inv.items():
    got = sens.get(name)
    if not got or abs(got["value"] - sum(xs) / len(xs)) > 1e-6 or got["n"] != len(xs):
        fail("report.json %s: %s, by hand %.6f over %d" % (name, got, sum(xs) / len(xs), len(xs)))
for name in sens:
    if name.endswith("_invalid") and name not in inv:
        fail("report.json has %s, which the journal has no pairs for" % name)
for name in sens:
    if name in ("bootstrap", "templates_differ") or name.endswith("_invalid"):
        continue
    if name not in fig:
        fail("report.json has %s, which the journal has no pairs for" % name)


def pct(x):
    return "%.0f%%" % (100 * x + 0.0)


def ci(name):
    s = sens[name]
    return "%s [%.0f, %.0f]" % (pct(s["value"]), 100 * s["ci_low"], 100 * s["ci_high"])


def images(name):
    k = len(imgs[name])
    return "%d image%s" % (k, "" if k == 1 else "s")


# The lines each text report must hold, with the hand value and the JSON interval.
want = []
if "language" in fig:
    want.append("language: answers move with the wording on %s of valid wording pairs (%d items)"
                % (ci("language"), fig["language"][1]))
if "consistency" in fig:
    want.append("consistency: %s of items are right under every wording" % ci("consistency"))
if "visual_flip" in fig:
    want.append("vision: mirroring changes %s of the answers that should change (%d valid pair%s)"
                % (ci("visual_flip"), fig["visual_flip"][1], "" if fig["visual_flip"][1] == 1 else "s"))
if "visual_flip_pair_accuracy" in fig:
    n = fig["visual_flip_pair_accuracy"][1]
    want.append("vision: both answers right on %s of all %d mirrored pair%s that should change"
                % (ci("visual_flip_pair_accuracy"), n, "" if n == 1 else "s"))
if "visual_keep" in fig:
    want.append("vision: mirroring keeps %s of the answers that should stay (%d valid pair%s)"
                % (ci("visual_keep"), fig["visual_keep"][1], "" if fig["visual_keep"][1] == 1 else "s"))
if "repeat" in fig:
    want.append("noise: the same request sent again changes %s of valid answers (%d pairs from %s)"
                % (ci("repeat"), fig["repeat"][1], images("repeat")))
# Under each pair figure, the images its interval resamples (by hand: the
# images with such pairs), so 720 mirrored pairs on 10 images read as 10.
for name, ref in (("language", "; perfect: 0%"),
                  ("visual_flip", "; a model that ignores the image: 0%"),
                  ("visual_flip_pair_accuracy", "; an unparseable reply counts wrong"),
                  ("visual_keep", "; a model that ignores the image: 100%")):
    if name in fig:
        want.append("from %s%s" % (images(name), ref))
if "blind_gap" in fig:
    g = sens["blind_gap"]
    want.append("blind gap: %+.1f points [%+.1f, %+.1f] (%.1f%% with the image, %.1f%% without"
                % (100 * fig["blind_gap"][0], 100 * g["ci_low"], 100 * g["ci_high"],
                   100 * fig["accuracy_image"][0], 100 * fig["accuracy_blind"][0]))

summary = open(summary_path).read()
md = open(run + "/report.md").read()
page = html.unescape(re.sub(r"<[^>]+>", " ", open(run + "/report.html").read()))
page = re.sub(r"[ \t\n]+", " ", page)
for w in want:
    for where, text in (("the summary", summary), ("report.md", md), ("report.html", page)):
        if w not in (text if where != "report.html" else page):
            fail("%s lacks '%s'" % (where, w))

# The verdict's facts: a share of wording pairs (the same figure as the noise
# beside it), not of items; the share of items whose answers moved at all is
# another number, and it must not be the one called "of items".
verdict = rep.get("verdict", "")
if "language" in fig:
    fact = "answers differ on %s of wording pairs" % pct(fig["language"][0])
    for where, text in (("report.json", verdict), ("the summary", re.sub(r"\s+", " ", summary)),
                        ("report.md", md), ("report.html", page)):
        if fact not in text:
            fail("%s: the verdict lacks '%s': %s" % (where, fact, verdict))
    if re.search(r"\d+% of items \(noise", verdict):
        fail("the verdict calls a share of pairs a share of items: " + verdict)
    fig["items_moved"] = (sum(lang_moved) / len(lang_moved), len(lang_moved))
    if "wording pairs (one item, two wordings) whose answers differ, averaged over items" not in page:
        fail("report.html's legend does not say what language sensitivity is a share of")
if "blind_gap" in fig:
    fact = "hiding the image costs %+.0f points of accuracy" % (round(100 * fig["blind_gap"][0]) or 0.0)
    if fact not in verdict:
        fail("the verdict lacks '%s': %s" % (fact, verdict))

# Cochran's Q over the items answered (base variant) under every template, an
# image's items added up into one block: Q = (k-1) sum_j (C_j - N/k)^2 over
# sum_i sum_j (x_ij - R_i/k)^2 (docs/diagnosis.md).
base = [r for r in rows if r["variant"] == "base"]
tpls = sorted({r["template"] for r in base})
if len(tpls) >= 2:
    right, image = defaultdict(dict), {}
    for r in base:
        right[r["item"]][r["template"]] = 1 if r["correct"] else 0
        image[r["item"]] = r["image"] or r["item"]
    full = [it for it, v in right.items() if len(v) == len(tpls)]
    x = defaultdict(lambda: [0] * len(tpls))
    for it in full:
        for j, t in enumerate(tpls):
            x[image[it]][j] += right[it][t]
    k = len(tpls)
    C = [sum(row[j] for row in x.values()) for j in range(k)]
    cbar = sum(C) / k
    S = sum(sum((v - sum(row) / k) ** 2 for v in row) for row in x.values())
    q = (k - 1) * sum((c - cbar) ** 2 for c in C) / S if S > 1e-12 else 0.0
    # chi-square's upper tail for whole degrees of freedom, in closed form
    h, df = q / 2, k - 1
    if df % 2 == 0:
        p = math.exp(-h) * sum(h ** i / math.factorial(i) for i in range(df // 2))
    else:
        p = math.erfc(math.sqrt(h)) + math.exp(-h) * sum(
            h ** (i - 0.5) / math.gamma(i + 0.5) for i in range(1, df // 2 + 1))
    got = sens.get("templates_differ")
    if len(x) < 2:  # one image (or none asked with every template): no test
        if got:
            fail("report.json templates_differ over fewer than 2 images: %s" % got)
    elif (not got or got["templates"] != k or got["items"] != len(full) or got["images"] != len(x)
            or abs(got["q"] - q) > 1e-5 or abs(got["p"] - p) > 1e-5):
        fail("report.json templates_differ: %s, by hand q %.6f p %.6f over %d images, %d items, %d templates"
             % (got, q, p, len(x), len(full), k))
    words = "Cochran's Q p = %s over %d images (%d items asked with all %d templates): %s" % (
        ("%.2g" % p), len(x), len(full), k, "they differ beyond chance" if p < 0.05 else "the spread can be chance")
    # said beside the spread line, which says "no spread" when every template's is the same
    spread = len({round(1000 * g["accuracy"]["value"]) for g in rep["by_template"].values()}) > 1
    for where, text in (("the summary", summary), ("report.md", md), ("report.html", page)):
        if spread and len(x) >= 2 and words not in text:
            fail("%s lacks '%s'" % (where, words))
    if len(x) >= 2:
        fig["templates_differ"] = (q, p)
print(json.dumps({k: [round(x, 6) for x in v] for k, v in fig.items()}))
if len(sys.argv) > 4:
    json.dump(list(lang_img.values()), open(sys.argv[4], "w"))
