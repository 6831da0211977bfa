/*
 * model_label: the one line every report names the model by, from run.json's
 * model object: what the user asked for and what tells two models apart.
 *
 *   builtin:geometry
 *   worse test (lib:/path/worse.so)          the plug-in's own name and version
 *   openai model Qwen2-VL-7B at 10.0.0.5:8000 -M model and the base URL's host
 *   exec "python3 model.py"                  the command
 *
 * Plain text: each writer escapes it for its format.
 */
#ifndef VSR_MODEL_LABEL_H
#define VSR_MODEL_LABEL_H

#include <cjson/cJSON.h>

#include "../base/buf.h"

/* Appends the label of run.json's model to out; "?" when run has none (run may be NULL). */
void model_label(const cJSON *run, struct buf *out);

#endif
