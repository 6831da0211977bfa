#!/usr/bin/env python3
"""Every accuracy figure of report.json recomputed from the journal by
docs/report-json.md's definitions, with none of vsrbench's code: the counts,
the images, the effective number of tasks and the interval clustered by image
(Student's t quantiles from mpmath), for every suite and every breakdown; and
the terminal summary's rows and report.md's Overall table against them.

    acc_by_hand.py RUN_DIR SUMMARY_FILE   (SUMMARY_FILE "-": a run with -q, no terminal table)
    acc_by_hand.py --acc RUN_DIR SUITE [TEMPLATE,...]

The second form prints accuracy and its interval in percent ("48.5 45.2
51.8") over the suite's base variant, of the templates named (default all).

    acc_by_hand.py --lang-gate CLUSTERS_JSON CEILING

The third prints the start of the gate's --max-language-sensitivity p (the
binomial test at the items' effective number) from sens_by_hand.py's
per-image language sums.

Prints the suites' (value, ci_low, ci_high, n_effective) of accuracy as JSON;
exits 1 with a message naming the figure, the place and both values.
"""
import functools
import json
import math
import re
import sys
from collections import defaultdict

import mpmath

Z = 1.959963984540054


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)



def read_rows(run):
    """A task counts once, by its first answered line; failures, cut-short and
    refused replies are not tasks."""
    rows, seen = [], set()
    for line in open(run + "/samples.jsonl"):
        r = json.loads(line)
        if r.get("error") or r.get("outcome") in ("cut_short", "refused") or r["key"] in seen:
            continue
        seen.add(r["key"])
        rows.append(r)
    return rows


@functools.lru_cache(maxsize=None)
def t975(df):
    f = lambda t: mpmath.betainc(df / 2, 0.5, 0, df / (df + t * t), regularized=True) / 2 - 0.025
    return mpmath.findroot(f, 2.0)


def wilson(p, n):
    if n <= 0:
        return 0.0, 1.0
    den = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / den
    h = Z * math.sqrt(max(0.0, p * (1 - p)) / n + Z * Z / (4 * n * n)) / den
    return (0.0 if p <= 0 else max(0.0, c - h)), (1.0 if p >= 1 else min(1.0, c + h))


def interval(pairs):
    """pairs: per image (k_i, n_i), n_i > 0 -> (lo, hi, n_effective)."""
    n = sum(m for _, m in pairs)
    k = sum(x for x, _ in pairs)
    c = len(pairs)
    if n == 0:
        return 0.0, 1.0, 0.0
    p = k / n
    if c >= n:
        lo, hi = wilson(p, n)
        return lo, hi, float(n)
    if c == 1:
        return 0.0, 1.0, 0.0
    eff = float(n)
    if 0 < p < 1:
        s = sum((x - p * m) ** 2 for x, m in pairs)
        v_cl = c / (c - 1) * s / n ** 2
        v_b = p * (1 - p) / (n - 1)
        if v_cl > v_b:
            eff = n * v_b / v_cl
    eff *= float((t975(n - 1) / t975(c - 1)) ** 2)
    lo, hi = wilson(p, eff)
    return lo, hi, eff


PROPS = {  # name -> (numerator, denominator) of each task's counts
    "answered": ("answered", "task"),
    "accuracy": ("correct", "task"),
    "accuracy_answered": ("correct", "answered"),
    "yes_rate": ("yes", "answered"),
    "accuracy_true_label": ("pos_correct", "pos"),
    "accuracy_false_label": ("neg_correct", "neg"),
}


def counts(r):
    answered = r["answer"] != "invalid"
    correct = bool(r.get("correct"))
    return {
        "task": 1, "answered": int(answered), "correct": int(correct),
        "yes": int(r["answer"] == "yes"),
        "pos": int(r["label"] == "yes"), "pos_correct": int(r["label"] == "yes" and correct),
        "neg": int(r["label"] == "no"), "neg_correct": int(r["label"] == "no" and correct),
    }


def cluster(r):
    return ("image", r["image"]) if r.get("image") else ("item", r["suite"], r["item"])


if sys.argv[1] == "--lang-gate":
    # The gate's language-ceiling test from an image's [share sum, items]
    # (sens_by_hand.py's CLUSTERS_JSON): the items counted as the effective
    # n of their clustered interval, or the images when fewer (the floor of
    # the figure's interval takes an image as one trial);
    # P(X >= share x n_eff) = I_c(k, n_eff - k + 1).
    pairs, ceiling = json.load(open(sys.argv[2])), float(sys.argv[3])
    n = sum(m for _, m in pairs)
    eff = min(interval([tuple(x) for x in pairs])[2], n, len(pairs))
    k = sum(x for x, _ in pairs) / n * eff
    p = mpmath.betainc(k, eff - k + 1, 0, ceiling, regularized=True)
    print("one-sided binomial p = %.2g (the %d items counted as %.1f independent ones" % (p, n, eff))
    sys.exit(0)

if sys.argv[1] == "--acc":
    run, suite = sys.argv[2:4]
    tpls = sys.argv[4].split(",") if len(sys.argv) > 4 else None
    imgs = defaultdict(lambda: [0, 0])
    for r in read_rows(run):
        if r["suite"] == suite and r["variant"] in (None, "base") and (not tpls or r["template"] in tpls):
            imgs[cluster(r)][0] += bool(r.get("correct"))
            imgs[cluster(r)][1] += 1
    lo, hi, _ = interval([tuple(v) for v in imgs.values()])
    k, n = sum(v[0] for v in imgs.values()), sum(v[1] for v in imgs.values())
    print("%.1f %.1f %.1f" % (100 * k / n, 100 * lo, 100 * hi))
    sys.exit(0)

run, summary_path = sys.argv[1:3]
rows = read_rows(run)
# cells[(suite, table, name)][image] -> summed counts
cells = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
for r in rows:
    base = r["variant"] in (None, "base")
    keys = [(r["suite"], "by_variant", r["variant"])]
    if base:
        keys += [(r["suite"], None, None), (None, None, None),
                 (r["suite"], "by_category", r.get("category") or "(none)"),
                 (r["suite"], "by_template", r["template"]), (r["suite"], "by_format", r["format"])]
        if r.get("relation"):
            keys.append((r["suite"], "by_relation", r["relation"]))
    for key in keys:
        cl = cells[key][cluster(r)]
        for f, v in counts(r).items():
            cl[f] += v

rep = json.load(open(run + "/report.json"))
mine = {}
for (suite, table, name), imgs in cells.items():
    if suite is None:
        continue  # every suite together is in the terminal's "all" row only
    got = rep["suites"][suite]
    if table:
        got = got[table][name]
    where = "report.json %s%s" % (suite, " %s %s" % (table, name) if table else "")
    if got["images"] != len(imgs):
        fail("%s: images %s, by hand %d" % (where, got["images"], len(imgs)))
    for prop, (num, den) in PROPS.items():
        pairs = [(c[num], c[den]) for c in imgs.values() if c[den]]
        lo, hi, eff = interval(pairs)
        k, n = sum(x for x, _ in pairs), sum(m for _, m in pairs)
        g = got[prop]
        if (g["k"], g["n"]) != (k, n):
            fail("%s %s: k/n %s/%s, by hand %d/%d" % (where, prop, g["k"], g["n"], k, n))
        for field, want in (("ci_low", lo), ("ci_high", hi), ("n_effective", eff)):
            if abs(g[field] - want) > 2e-6 * max(1.0, want):
                fail("%s %s.%s = %s, by hand %.6f" % (where, prop, field, g[field], want))
    if not table:
        lo, hi, eff = interval([(c["correct"], c["task"]) for c in imgs.values()])
        mine[suite] = (got["accuracy"]["value"], lo, hi, eff)


def row_check(text, label, name, acc):
    """A line of the terminal table or report.md's Overall row for `name`."""
    value, lo, hi, _ = acc
    want = "%.1f%%  [%5.1f, %5.1f]" % (100 * value, 100 * lo, 100 * hi) if label == "terminal" else \
        "%.1f%% [%.1f, %.1f]" % (100 * value, 100 * lo, 100 * hi)
    for line in text.splitlines():
        if re.match(r"^\s*\|?\s*" + re.escape(name) + r"\s", line) and want in line:
            return
    fail("%s: no row for %s with %r" % (label, name, want))


md = open(run + "/report.md").read()
for suite, acc in mine.items():
    if summary_path != "-":
        row_check(open(summary_path).read(), "terminal", suite, acc)
    row_check(md, "report.md", suite, acc)
print(json.dumps(mine))
