#!/usr/bin/env bash
# vsrbench score on the formats built here the way their harnesses write them:
# a VLMEvalKit MMBench .json (json.dump of df.to_dict('records'), indent=4,
# Python's bare NaN in empty cells), the same rows as its .tsv; lmms-eval
# MMBench samples (doc layout and the newer layout with "submission"), and
# SEED-Bench samples (doc layout with video questions, and "seed_all" +
# "input").  CircularEval and per-dimension accuracy are recomputed by python
# over the fixture files (a reply counts when it is one letter or exactly one
# option's text); malformed files are FILE:LINE errors, exit 3.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH

python3 - <<'PY'
import csv, json
nan = float("nan")
# MMBench: 3 questions, circular copies (index + k * 1,000,000); options rotate.
Q = [(301, "Where is the cat?", "cat hint", ["left", "right", "top"], 0, "spatial_relationship"),
     (302, "Which is nearer?", nan, ["the cup", "the pen"], 1, "spatial_relationship"),
     (303, "What is above?", nan, ["a lamp", "a rug", "a cat", "a dog"], 2, "object_localization")]
# The reply per (question, copy): a letter, an option's text, or something unreadable.
REPLY = {(301, 0): "A", (301, 1): "left", (301, 2): "I am not sure.",
         (302, 0): "B", (302, 1): "the pen",
         (303, 0): "C", (303, 1): "a cat", (303, 2): "A", (303, 3): "a cat"}
rows = []
for idx, q, hint, opts, ans, cat in Q:
    n = len(opts)
    for k in range(n):
        rot = opts[k:] + opts[:k]
        row = {"index": idx + k * 1000000, "question": q, "hint": hint}
        for j, L in enumerate("ABCD"):
            row[L] = rot[j] if j < n else nan
        row["answer"] = "ABCD"[(ans - k) % n]
        row["category"] = cat
        row["l2-category"] = "finegrained_perception (instance-level)"
        row["split"] = "dev"
        row["prediction"] = REPLY[(idx, k)]
        rows.append(row)
with open("m_MMBench_DEV_EN.json", "w") as f:
    json.dump(rows, f, indent=4, ensure_ascii=False)
with open("m_MMBench_DEV_EN.tsv", "w", newline="") as f:
    w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL)
    w.writerow(list(rows[0].keys()))
    for r in rows:
        w.writerow(["" if v != v else v for v in r.values()])

def read(reply, opts):
    if len(reply) == 1 and reply in "ABCD"[:len(opts)]:
        return "ABCD".index(reply)
    return opts.index(reply) if reply in opts else None

def circular(rows):
    right, groups = {}, {}
    for r in rows:
        opts = [r[L] for L in "ABCD" if isinstance(r.get(L), str)]
        g = r["index"] % 1000000
        ok = read(r["prediction"], opts) == "ABCD".index(r["answer"])
        groups[g] = groups.get(g, True) and ok
    return {"questions": len(groups), "right": sum(groups.values())}
json.dump(circular(rows), open("want_mmb.json", "w"))

# lmms-eval MMBench samples, doc layout (first half) and the newer layout (second half).
with open("lmms_samples_mmbench_en_dev.jsonl", "w") as f:
    for i, r in enumerate(rows):
        doc = {k: r[k] for k in ("index", "question", "hint", "A", "B", "C", "D", "answer",
                                 "category", "l2-category", "split")}
        doc["E"] = "nan"
        s = {"doc_id": i, "target": r["answer"], "arguments": [], "filtered_resps": [r["prediction"]]}
        if i < len(rows) // 2:
            s["doc"] = doc
            s["resps"] = [[r["prediction"]]]
        else:
            s["submission"] = dict(doc, prediction=r["prediction"])
            s["gpt_eval_score"] = dict(doc, prediction=r["prediction"])
        f.write(json.dumps(s) + "\n")

# lmms-eval SEED-Bench samples: 6 image questions of 3 dimensions, 2 video ones.
S = [("101", 6, "A", "A"), ("102", 6, "B", "The dog"), ("103", 6, "C", "B"),
     ("104", 4, "D", "D"), ("105", 4, "A", "C"), ("106", 1, "B", "B")]
with open("lmms_samples_seedbench.jsonl", "w") as f:
    for i, (qid, dim, ans, reply) in enumerate(S):
        doc = {"question_id": qid, "question": "Question %s?" % qid, "choice_a": "The cat",
               "choice_b": "The dog", "choice_c": "The bird", "choice_d": "The fish",
               "answer": ans, "data_type": "image", "question_type_id": dim, "data_id": "x.jpg"}
        s = {"doc_id": i, "target": ans, "filtered_resps": [reply]}
        if i % 2 == 0:
            s["doc"] = doc
        else:
            prompt = "%s\nA. The cat\nB. The dog\nC. The bird\nD. The fish\nAnswer with the option's letter from the given choices directly." % doc["question"]
            s["input"] = prompt
            s["seed_image"] = {"pred": reply[0], "answer": ans, "question_id": qid}
            s["seed_all"] = s["seed_image"]
            s["seed_all"]["data_type"] = "image"
        f.write(json.dumps(s) + "\n")
    for i in range(2):
        doc = {"question_id": "v%d" % i, "question": "Video?", "choice_a": "a", "choice_b": "b",
               "choice_c": "c", "choice_d": "d", "answer": "A", "data_type": "video",
               "question_type_id": 10}
        f.write(json.dumps({"doc_id": 10 + i, "doc": doc, "target": "A", "filtered_resps": ["A"]}) + "\n")
names = {1: "Scene Understanding", 4: "Instance Location", 6: "Spatial Relation"}
opts = ["The cat", "The dog", "The bird", "The fish"]
dims = {}
for i, (qid, dim, ans, reply) in enumerate(S):
    k = read(reply, opts)
    # The newer layout (odd lines) carries no dimension: "(none)" without --questions.
    d = dims.setdefault(names[dim] if i % 2 == 0 else "(none)", [0, 0])
    d[0] += 1
    d[1] += k is not None and "ABCD"[k] == ans
json.dump(dims, open("want_seed.json", "w"))
PY

mmb() { jq -c '.suites.mmbench.official.templates.recorded.overall | {questions, right}' "$1/report.json"; }
want=$(jq -c '{questions, right}' want_mmb.json)

# VLMEvalKit .json, and the same rows as its .tsv: the same numbers.
expect_exit 0 "$V" score -q -o j m_MMBench_DEV_EN.json
[ "$(mmb j)" = "$want" ] || fail "MMBench .json: $(mmb j), want $want"
jq -e '.source[0].format == "vlmevalkit-mmbench-json"' j/run.json >/dev/null || fail "json: source format"
expect_exit 0 "$V" score -q -o t m_MMBench_DEV_EN.tsv
[ "$(mmb t)" = "$want" ] || fail "MMBench .tsv: $(mmb t), want $want"
diff <(jq -S 'del(.run, .journal_lines, .suites[].quote)' j/report.json) <(jq -S 'del(.run, .journal_lines, .suites[].quote)' t/report.json) \
	>/dev/null || fail "the .json and the .tsv give different reports"
[ "$(wc -l <j/samples.jsonl)" = 9 ] || fail "9 rows scored"

# lmms-eval MMBench samples, both layouts in one file.
expect_exit 0 "$V" score -q -o l lmms_samples_mmbench_en_dev.jsonl
[ "$(mmb l)" = "$want" ] || fail "lmms-eval MMBench: $(mmb l), want $want"
jq -e '.source[0].format == "lmms-eval-mmbench-samples"' l/run.json >/dev/null || fail "lmms mmbench: source"

# lmms-eval SEED samples: per dimension (the newer layout has none); the video
# answers counted, not scored.
expect_exit 0 "$V" score -q -o s lmms_samples_seedbench.jsonl
expect_err "2 answers to SEED-Bench video questions not scored"
python3 - s <<'PY' || fail "lmms-eval SEED: $(jq -c '.suites' s/report.json | head -c 600)"
import json, sys
want = json.load(open("want_seed.json"))
rep = json.load(open(sys.argv[1] + "/report.json"))
cats = {g: (v["tasks"], v["accuracy"]["k"]) for g, v in rep["suites"]["seed"]["by_category"].items()}
ok = {k: tuple(v) for k, v in want.items()} == cats
sys.exit(0 if ok else 1)
PY
jq -e '.source[0].video_not_scored == 2' s/run.json >/dev/null || fail "run.json: video_not_scored"

# Malformed files: FILE:LINE, exit 3.
printf '[\n    {"index": 1, "prediction": "A",\n     "question": oops}\n]\n' >bad1.json
expect_exit 3 "$V" score -q -o b1 bad1.json
expect_one_line_err
expect_err "bad1.json:3: not valid JSON"
printf '[\n    {"index": 1, "prediction": "A", "question": "q"},\n    7\n]\n' >bad2.json
expect_exit 3 "$V" score -q -o b2 bad2.json
expect_err "bad2.json:3: row 2 is not an object"
{ head -2 lmms_samples_mmbench_en_dev.jsonl; echo '{"doc_id": 9, "target": "A", "filtered_resps": ["A"], "doc": {"index": "x", "question": "q", "A": "a"}}'; } >bad3.jsonl
expect_exit 3 "$V" score -q -o b3 bad3.jsonl
expect_err "bad3.jsonl:3: expected an lmms-eval MMBench sample"
{ head -1 lmms_samples_seedbench.jsonl; echo '{"doc_id": 9, "target": "A", "filtered_resps": ["A"]}'; } >bad4.jsonl
expect_exit 3 "$V" score -q -o b4 bad4.jsonl
expect_err "bad4.jsonl:2: expected an lmms-eval SEED-Bench sample"
echo ok
