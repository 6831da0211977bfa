/* remote_served: what an HTTP server says it serves (remote_served.c). */
#ifndef VSR_REMOTE_SERVED_H
#define VSR_REMOTE_SERVED_H

#include "remote_loop.h"

/*
 * Asks each endpoint once (GET /models, or Ollama's /api/tags) which
 * model it serves under the name `model`: a malloc'd canonical JSON text
 * (several endpoints: theirs, comma-separated), or NULL when a server does
 * not say (or kind is a hosted API's).  Blocks up to 5 s per endpoint.
 * *listed: the names the first endpoint that answered lists ("a, b"),
 * malloc'd, for a message naming a model it does not serve; NULL when it
 * lists none or more than a person reads at a glance (OpenAI's own list).
 */
char *remote_served(const struct http_state *st, const char *kind, const char *model,
		    char **listed);

/* Where a server of this kind lists its models, after the base URL: "/models", Ollama's "/api/tags". */
const char *remote_served_path(const char *kind);

/*
 * For -m openai or ollama without -M model: the name of the one model the
 * first endpoint lists (GET /models, /api/tags), malloc'd; NULL when it
 * lists several or none or cannot be asked, with why[] saying which, the
 * URL asked first ("GET URL lists 3 models: a, b, c", "... answered HTTP
 * 404", libcurl's words).  Blocks up to 5 s.
 */
char *remote_served_only(const struct http_state *st, const char *kind, char *why, size_t n);

#endif
