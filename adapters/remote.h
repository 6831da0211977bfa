/*
 * remote: models behind a server (HTTP) or in a child process (exec).
 *
 *   -m openai      POST {base_url}/chat/completions  (vLLM, SGLang, llama.cpp, LM Studio,
 *                  Ollama's /v1, OpenAI, Azure OpenAI ...)
 *   -m ollama      POST {base_url}/api/chat            (Ollama's native API)
 *   -m anthropic   POST {base_url}/messages            (Anthropic Messages API)
 *   -m gemini      POST {base_url}/models/M:generateContent  (Google Gemini API)
 *   -m exec        a child process speaking JSON lines on stdin/stdout
 *
 * A remote model has no worker threads: model->run_loop is one thread (or a
 * few) that drives every request through the scheduler's worker calls
 * (harness/scheduler.h), so journal, counters and failure rules are the
 * scheduler's.  docs/models.md documents every -M option.
 *
 * Secrets: an API key is read from the environment only (OPENAI_API_KEY,
 * ANTHROPIC_API_KEY, GEMINI_API_KEY or -M api_key_env=NAME), lives in the
 * request headers in memory, and is never part of the fingerprint, the
 * config JSON, a journal line or a message (remote_msg.h).  -M api_key=...
 * is refused.
 *
 * The files (each header says what it owns; calls go down this list, and
 * up only through the protocol table):
 *
 *   remote.c          the kind table, -M options, key, endpoints: remote_open
 *   http_NAME.c       one protocol each: setup, body, reply (http.h)
 *   remote_loop.c     the HTTP requests: one libcurl multi loop per thread,
 *                     with remote_xfer.c, remote_sock.c, remote_pace.c
 *                     (remote_loop.h)
 *   exec.c            -m exec: children and their pipes (exec.h)
 *   rjob.c            the job plumbing both loops share (rjob.h)
 *   remote_body.c     the JSON request bodies (http.h)
 *   remote_retry.c    when to retry and how long to wait: pure (remote_retry.h)
 *   remote_msg.c      messages and the redaction of secrets (remote_msg.h)
 */
#ifndef VSR_REMOTE_H
#define VSR_REMOTE_H

#include <stdio.h>

#include "../harness/model.h"

/* Is spec one of the remote kinds above? */
int remote_kind_known(const char *spec);

/*
 * Opens a remote model: parses the -M options (config_json, borrowed),
 * reads the key from the environment and fills m: spec, config_json,
 * fingerprint (+ hash; kind, model, base URLs, answer-changing options,
 * never the key), run_loop, remote_state, remote_close, max_batch,
 * thread_safe.  Returns 0 or VSR_EUSAGE with a one-line message.
 */
int remote_open(const char *kind, const char *config_json, struct model *m, char *err);
/*
 * Checks the run's generation settings against the API of an HTTP model
 * before any request (e.g. Anthropic's temperature range, its thinking
 * budget below --max-tokens); may set *temperature to -1 (not sent) where
 * --reasoning needs it and no --temperature was given.  0 for any other
 * model; else VSR_EUSAGE with a one-line message.
 */
int remote_check_generation(const struct model *m, long max_tokens, double *temperature,
			    int temperature_given, char *err);
/*
 * The --max-tokens a run sends when none is given, by the kind of model m
 * (any model, opened): a served chat model (openai, ollama, anthropic,
 * gemini) REMOTE_MAX_TOKENS_CHAT, room for a short explanation or a short
 * reasoning before the answer, plus its thinking budget with --reasoning
 * (low 1024, medium 4096, high 16384 or N; so Anthropic's budget_tokens is
 * below max_tokens); every other model (builtin, lib, exec: they answer in
 * a word, and an exec program reads the number itself) REMOTE_MAX_TOKENS_WORD.
 */
#define REMOTE_MAX_TOKENS_WORD 32
#define REMOTE_MAX_TOKENS_CHAT 1024
long remote_default_max_tokens(const struct model *m);
/* Lines for `vsrbench list models`. */
void remote_list(FILE *fp);
/* The served model kinds (-m openai, ... exec) by index, NULL past the last. */
const char *remote_kind_name(size_t i);

#endif
