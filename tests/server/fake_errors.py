"""Error replies as real servers word them, for fake_llm.py's faults:
error(kind, arg, path, raw) -> (status, body) or None for a fault that is
not one of these (kind and arg: the fault's name and what follows its colon;
path: the request's; raw: its body).  See fake_llm.py's header for each."""
import hashlib
import json
import os


def anthropic_error(etype, message):
    """An error body as Anthropic's API sends it, a new request id each time."""
    return {"type": "error", "error": {"type": etype, "message": message},
            "request_id": "req_011C%s" % hashlib.sha256(os.urandom(8)).hexdigest()[:20]}


GEMINI_BAD_KEY = {"error": {
    "code": 400, "message": "API key not valid. Please pass a valid API key.",
    "status": "INVALID_ARGUMENT",
    "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                 "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}


def error(kind, arg, path, raw):
    if kind == "429body":  # Google's RESOURCE_EXHAUSTED as the Gemini API sends it
        return 429, {"error": {
            "code": 429, "status": "RESOURCE_EXHAUSTED",
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                 "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                 "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                {"@type": "type.googleapis.com/google.rpc.Help",
                 "links": [{"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "%ss" % arg}]}}
    elif kind == "429bare":  # a 429 naming no wait, in the route's API's shape
        if path.endswith("/messages"):
            return 429, anthropic_error("rate_limit_error", "Too many requests (fake)")
        return 429, {"error": {"message": "Too many requests (fake)"}}
    elif kind == "429spend":  # Anthropic: the tier's monthly spend cap; no retry-after
        body = anthropic_error("rate_limit_error", "You have reached your API usage limits: your "
                               "organization has crossed its monthly API usage threshold, set based "
                               "on your organization's API tier. You will regain access on "
                               "2026-09-01 at 00:00 UTC.")
        body["error"]["details"] = {"error_code": "enforced_spend_limit_reached"}
        return 429, body
    elif kind == "400spend":  # Anthropic: a spend limit the user set in the console
        return 400, anthropic_error("invalid_request_error", "You have reached your "
                                            "specified API usage limits. You will regain access "
                                            "on 2026-09-01 at 00:00 UTC.")
    elif kind == "429spendopenai":  # OpenAI: a hard spend limit (the code its error guide lists; our words)
        return 429, {"error": {
            "message": "The organization's hard spend limit has been reached (fake).",
            "param": None, "code": "organization_spend_limit_exceeded"}}
    elif kind == "429quota":  # OpenAI's 429 when the account's credit is used up
        return 429, {"error": {
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}}
    elif kind == "400badkey":  # the Gemini API's answer to a wrong key
        return 400, GEMINI_BAD_KEY
    elif kind == "400param":  # OpenAI's words for a parameter a model rejects
        return 400, {"error": {
            "message": "Unsupported parameter: '%s' is not supported with this model." % arg,
            "type": "invalid_request_error", "param": arg, "code": "unsupported_parameter"}}
    elif kind == "400anthropic":  # Anthropic's error shape: a request id of its own each time
        return 400, {"type": "error", "error": {
            "type": "invalid_request_error", "message": arg},
            "request_id": "req_011C%s" % hashlib.sha256(os.urandom(8)).hexdigest()[:20]}
    elif kind == "400ollama":  # Ollama's: {"error": "..."}
        return 400, {"error": arg}
    elif kind == "noimage":  # llama.cpp's server started without --mmproj
        return 500, {"error": {
            "code": 500, "type": "server_error",
            "message": "image input is not supported - hint: if this is unexpected, you may need to provide the mmproj"}}
    elif kind == "500oom":  # Ollama, a model larger than the memory it has
        return 500, {"error": "model requires more system memory (9.8 GiB) than is available (5.2 GiB)"}
    elif kind == "500litellm":  # LiteLLM, the server behind it gone
        return 500, {"error": {
            "message": "litellm.APIConnectionError: OpenAIException - Connection error.\n"
                       "Received Model Group=qwen-vl\nAvailable Model Group Fallbacks=None",
            "type": None, "param": None, "code": "500"}}
    elif kind == "503loading":  # llama.cpp's server while it loads the model
        return 503, {"error": {"code": 503, "message": "Loading model",
                                       "type": "unavailable_error"}}
    elif kind == "529overloaded":  # Anthropic's API short of capacity (its errors page's shape)
        return 529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
                             "request_id": "req_011C%s" % hashlib.sha256(os.urandom(8)).hexdigest()[:20]}
    elif kind == "400ctx":  # a request over a context of 4096 tokens, in each server's words
        shape, prompt = arg.split(":")
        prompt = int(prompt)
        try:
            b = json.loads(raw)
            comp = b.get("max_tokens") or b.get("max_completion_tokens") or 0
        except ValueError:
            comp = 0
        if shape == "vllm":
            body = {"error": {"message": "This model's maximum context length is 4096 tokens. "
                              "However, you requested %d tokens (%d in the messages, %d in the "
                              "completion). Please reduce the length of the messages or completion."
                              % (prompt + comp, prompt, comp),
                              "type": "BadRequestError", "param": None, "code": 400}}
        elif shape == "sglang":
            body = {"object": "error", "message": "Requested token count exceeds the model's "
                    "maximum context length of 4096 tokens. You requested a total of %d tokens: "
                    "%d tokens from the input messages and %d tokens for the completion. Please "
                    "reduce the number of tokens in the input messages or the completion to fit "
                    "within the limit." % (prompt + comp, prompt, comp),
                    "type": "BadRequestError", "param": None, "code": 400}
        else:  # llama.cpp's server: the prompt alone, as members
            body = {"error": {"code": 400, "message": "the request exceeds the available context "
                              "size, try increasing it", "type": "exceed_context_size_error",
                              "n_prompt_tokens": prompt, "n_ctx": 4096}}
        return 400, body
    elif kind == "400litellm":  # LiteLLM: a model name it does not route; Python's None as text
        model = json.loads(raw).get("model")
        return 400, {"error": {
            "message": "{'error': '/chat/completions: Invalid model name passed in model=%s. "
                       "Call `/v1/models` to view available models for your key.'}" % model,
            "type": "None", "param": "None", "code": "400"}}
    elif kind == "404model":  # vLLM: a model it does not serve
        return 404, {"error": {
            "message": "The model `%s` does not exist." % json.loads(raw).get("model"),
            "type": "NotFoundError", "param": "model", "code": 404}}
    elif kind == "400imageurl":  # OpenAI: a model without vision
        return 400, {"error": {
            "message": "Invalid content type. image_url is only supported by certain models.",
            "type": "invalid_request_error", "param": "messages.[0].content.[1].type",
            "code": None}}
    return None
