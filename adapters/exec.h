/*
 * exec: a model in a child process speaking JSON lines (adapters/exec.c;
 * the protocol is documented there and in docs/models.md).
 */
#ifndef VSR_EXEC_H
#define VSR_EXEC_H

#include <cjson/cJSON.h>

#include "../harness/model.h"

/*
 * Opens -m exec: opts is the parsed -M object (borrowed, all strings),
 * config_json its text (copied into m).  Starts the children and fills m
 * like remote_open.  0 or VSR_EUSAGE with a one-line message in err.
 */
int exec_open(const char *config_json, const cJSON *opts, struct model *m, char *err);

/*
 * One line a child wrote on stdout, parsed (exposed for the fuzz target).
 * EXEC_REPLY_BLANK: nothing but blanks; EXEC_REPLY_NOISE: not starting with
 * '{' (a stray print); EXEC_REPLY_BAD: not a JSON object (cut: the text
 * ended inside it, as the first line of an object printed over several
 * lines does); EXEC_REPLY_OK: id, text, error (each NULL when absent or
 * not a string; error NULL when it is "" too), retry, and
 * meta_json (the "meta" object printed, only with a text and no error) are
 * set.  rep->line is the line after its leading blanks.  Strings are
 * borrowed from rep->root; exec_reply_release frees everything.
 */
enum { EXEC_REPLY_OK, EXEC_REPLY_BLANK, EXEC_REPLY_NOISE, EXEC_REPLY_BAD };
struct exec_reply {
	const char *line;
	cJSON *root;
	const char *id, *text, *error;
	int retry;
	int cut;         /* EXEC_REPLY_BAD: the text ended inside the object */
	char *meta_json; /* malloc'd */
};
int exec_reply_parse(char *line, struct exec_reply *rep);
void exec_reply_release(struct exec_reply *rep);

#endif
