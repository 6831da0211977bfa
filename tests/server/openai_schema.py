#!/usr/bin/env python3
"""Checks request and response bodies against OpenAI's published OpenAPI
description (the schemas CreateChatCompletionRequest and
CreateChatCompletionResponse), with Debian's python3-jsonschema.

    openai_schema.py OPENAPI_JSON DUMP_DIR

DUMP_DIR holds what tests/server/fake_llm.py --dump wrote: N.req.json (a
body vsrbench sent to .../chat/completions), N.resp.json (the fake
server's 200 reply to it) and N.chunkK.json (the chunks of a streamed
reply, checked against CreateChatCompletionStreamResponse).  Prints
"checked R requests, S responses, C chunks" and
exits 0, or prints each schema error and exits 1; exits 77 when jsonschema
is missing.

The description is OpenAPI 3.1 but keeps 3.0's "nullable: true" in places;
JSON Schema ignores that keyword, so it is rewritten here as "or null"
before checking (a null the spec allows is not an error).
"""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("skipped: python3-jsonschema is not installed")
    sys.exit(77)


def denull(node):
    """nullable: true -> the schema or null (OpenAPI 3.0's keyword in JSON Schema terms)."""
    if isinstance(node, list):
        return [denull(x) for x in node]
    if not isinstance(node, dict):
        return node
    node = {k: denull(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def main():
    spec_path, dump = sys.argv[1], sys.argv[2]
    spec = denull(json.load(open(spec_path)))
    cls = jsonschema.validators.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema"})

    def validator(name):
        # The whole description as the root, so every "#/components/..." resolves.
        root = dict(spec)
        root["$ref"] = "#/components/schemas/" + name
        return cls(root)

    req_v, resp_v = validator("CreateChatCompletionRequest"), validator("CreateChatCompletionResponse")
    chunk_v = validator("CreateChatCompletionStreamResponse")
    bad, n_req, n_resp, n_chunk = 0, 0, 0, 0
    for f in sorted(glob.glob(os.path.join(dump, "*.json"))):
        body = json.load(open(f))
        if f.endswith(".req.json"):
            v, n_req = req_v, n_req + 1
        elif ".chunk" in os.path.basename(f):
            v, n_chunk = chunk_v, n_chunk + 1
        else:
            v, n_resp = resp_v, n_resp + 1
        for e in v.iter_errors(body):
            bad += 1
            where = "/".join(str(p) for p in e.absolute_path)
            print("%s: at /%s: %s" % (os.path.basename(f), where, e.message[:300]))
    print("checked %d requests, %d responses, %d chunks against %s"
          % (n_req, n_resp, n_chunk, os.path.basename(spec_path)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
