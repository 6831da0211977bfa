#!/usr/bin/env bash
# compare's memory per task: every task of both runs is held in its pair
# table, and each held its own copies of its relation, category, image path
# and prompt, which repeat (an image's every task, a prompt's image
# variants): about 500 bytes a task, 168 MB for two runs of 324,000 tasks
# (-t pool -p hflip,blind on 3,000 VSR captions).  Each distinct string is
# now kept once.  Measured here as the growth of compare's peak RSS between
# a run of 16,200 tasks and one of 129,600 (the same 10 synthetic items'
# 1,080 tasks, copied 15 and 120 times as other items with their own images
# and prompts), per task added: under 440 bytes (531 before the change, 355 after, on glibc x86-64).
. "$(dirname "$0")/lib.bash"
cd "$T"
expect_exit 0 "$VSRBENCH" run -S count=10 -t pool -p hflip,blind -q -o seed
[ "$(wc -l <seed/samples.jsonl)" = 1080 ] || fail "seed run: $(wc -l <seed/samples.jsonl) tasks, expected 1080"
python3 - <<'PY'
import hashlib, json, os, shutil
lines = [json.loads(l) for l in open("seed/samples.jsonl")]
for name, copies in (("small", 15), ("big", 120)):
    os.makedirs(name)
    for f in ("run.json", "status.json"):
        shutil.copy("seed/" + f, name)
    with open(name + "/samples.jsonl", "w") as out:
        for c in range(copies):
            for s in lines:
                s = dict(s)
                s["key"] = hashlib.sha256(("%s %d" % (s["key"], c)).encode()).hexdigest()[:16]
                s["item"] = "%s-c%d" % (s["item"], c)
                if s.get("image"):
                    s["image"] = "c%d/%s" % (c, s["image"])
                s["prompt"] = "c%d %s" % (c, s["prompt"])
                out.write(json.dumps(s, separators=(",", ":")) + "\n")
PY
# peak_kb DIR: compare's peak RSS comparing DIR with itself, in KB.
peak_kb() {
	python3 - "$VSRBENCH" "$1" <<'PY'
import resource, subprocess, sys
r = subprocess.run([sys.argv[1], "compare", sys.argv[2], sys.argv[2]], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
if r.returncode != 0:
    sys.exit("compare %s: exit %d: %s" % (sys.argv[2], r.returncode, r.stderr.decode()))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
small=$(peak_kb small) || fail "compare small"
big=$(peak_kb big) || fail "compare big"
per=$(( (big - small) * 1024 / (129600 - 16200) ))
echo "compare peak RSS: ${small} KB at 16200 tasks, ${big} KB at 129600: ${per} bytes per task added"
[ "$per" -lt 440 ] || fail "compare grows by $per bytes per task (${small} KB -> ${big} KB)"
echo ok
