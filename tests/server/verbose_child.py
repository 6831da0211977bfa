#!/usr/bin/env python3
"""A `-m exec` child that answers verbosely, for tests/e2e/judge.sh: one JSON
request per line on stdin, one JSON response per line on stdout.  The reply
is chosen by sha256(prompt) % 6 (the test recomputes nothing from it: it reads
the replies back from the journal):

  0 "Yes."   1 "No, it is not."
  2 "I can't tell for sure, but my guess leans to yes."
  3 "I can't tell for sure, but my guess leans to no."
  4 "I can't tell. JUDGE-GARBAGE"     5 "Hard to say; it is unclear."

A letter question (a request with "choices") gets, by the same hash % 5:
  0 "A"   1 "B"   2 "I can't tell for sure, but my guess leans to A."
  3 "I can't tell for sure, but my guess leans to B."   4 "Hard to say; it is unclear."

--log FILE appends each request's id as a line.
"""
import hashlib
import json
import sys

REPLIES = ["Yes.", "No, it is not.",
           "I can't tell for sure, but my guess leans to yes.",
           "I can't tell for sure, but my guess leans to no.",
           "I can't tell. JUDGE-GARBAGE", "Hard to say; it is unclear."]
LETTERS = ["A", "B", "I can't tell for sure, but my guess leans to A.",
           "I can't tell for sure, but my guess leans to B.", "Hard to say; it is unclear."]


def main():
    log = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--log" else None
    for line in sys.stdin:
        req = json.loads(line)
        if log:
            with open(log, "a") as f:
                f.write(req["id"] + "\n")
        h = int(hashlib.sha256(req["prompt"].encode()).hexdigest()[:8], 16)
        text = LETTERS[h % len(LETTERS)] if req.get("choices") else REPLIES[h % len(REPLIES)]
        sys.stdout.write(json.dumps({"id": req["id"], "text": text}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
