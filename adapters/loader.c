#include "loader.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/suggest.h"
#include "../base/util.h"
#include "../harness/plugin_guard.h"
#include "err_first.h"
#include "http.h"
#include "model_files.h"
#include "plugin_hint.h"
#include "remote.h"

char *model_config_without(const cJSON *opts, const char *const *skip)
{
	cJSON *c = opts ? cJSON_Duplicate(opts, 1) : cJSON_CreateObject();
	char *s, *r;

	for (const char *const *k = skip; *k; k++)
		cJSON_DeleteItemFromObjectCaseSensitive(c, *k);
	s = cJSON_PrintUnformatted(c);
	r = xstrdup(s ? s : "{}");
	cJSON_free(s);
	cJSON_Delete(c);
	return r;
}

int model_config_json(const struct kv *opts, size_t n, char **out, char *err)
{
	cJSON *obj = cJSON_CreateObject();
	char *s;

	if (!obj)
		return err_set(err, VSR_EUSAGE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!opts[i].key[0]) {
			cJSON_Delete(obj);
			return err_set(err, VSR_EUSAGE, "-M option '=%s' has an empty key",
				       opts[i].value);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(obj, opts[i].key);
		cJSON_AddStringToObject(obj, opts[i].key, opts[i].value);
	}
	s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!s)
		return err_set(err, VSR_EUSAGE, "out of memory");
	*out = xstrdup(s);
	cJSON_free(s);
	return 0;
}

static int exe_dir(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	char *slash;

	if (len <= 0)
		return -1;
	out[len] = '\0';
	slash = strrchr(out, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

/*
 * The default directory: `adapters/` beside the executable (a build tree,
 * wherever it was copied), else VSR_REL_ADAPTER_DIR beside it (an installed
 * prefix, wherever it was moved: the path is relative to bin/), else the
 * directory of the prefix this binary was configured for.
 */
static void default_adapter_dir(struct buf *out)
{
	char exe[PATH_MAX];
	size_t mark = out->len;

	if (!exe_dir(exe, sizeof(exe))) {
		buf_addf(out, "%s/adapters", exe);
		if (!access(out->ptr + mark, R_OK))
			return;
		buf_setlen(out, mark);
		buf_addf(out, "%s/%s", exe, VSR_REL_ADAPTER_DIR);
		if (!access(out->ptr + mark, R_OK)) {
			/* PREFIX/lib/..., not PREFIX/bin/../lib/..., in messages */
			char real[PATH_MAX];
			if (realpath(out->ptr + mark, real)) {
				buf_setlen(out, mark);
				buf_adds(out, real);
			}
			return;
		}
		buf_setlen(out, mark);
	}
	buf_adds(out, VSR_INSTALL_ADAPTER_DIR);
}

const char *model_adapter_path(void)
{
	static struct buf path = BUF_INIT;
	const char *extra = getenv("VSRBENCH_ADAPTER_PATH");
	const char *dir = getenv("VSRBENCH_ADAPTER_DIR");

	buf_reset(&path);
	/* empty entries of the PATH-like list are skipped, not taken as "." */
	for (const char *p = extra ? extra : ""; *p;) {
		size_t len = strcspn(p, ":");
		if (len) {
			if (path.len)
				buf_addch(&path, ':');
			buf_add(&path, p, len);
		}
		p += len + (p[len] == ':');
	}
	if (path.len)
		buf_addch(&path, ':');
	if (dir && *dir)
		buf_adds(&path, dir);
	else
		default_adapter_dir(&path);
	return path.ptr;
}

/* The next directory of a ':' list and its length, advancing *p; NULL at the end. */
static const char *next_dir(const char **p, size_t *len)
{
	const char *d = *p;

	if (!*d)
		return NULL;
	*len = strcspn(d, ":");
	*p = d + *len + (d[*len] == ':');
	return d;
}

static int valid_builtin_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' &&
		    *s != '-')
			return 0;
	return 1;
}

/* The builtin names found along the adapter path, sorted, each once. */
static void list_builtins(struct buf *out)
{
	const char *p = model_adapter_path(), *d;
	char *names[64];
	size_t n = 0, dlen;

	while ((d = next_dir(&p, &dlen))) {
		char dirname[PATH_MAX];
		DIR *dh;
		struct dirent *de;

		if (dlen >= sizeof(dirname))
			continue;
		memcpy(dirname, d, dlen);
		dirname[dlen] = '\0';
		if (!(dh = opendir(dirname)))
			continue;
		while ((de = readdir(dh)) && n < 64) {
			size_t len = strlen(de->d_name), i;
			if (strncmp(de->d_name, "builtin-", 8) || len < 12 ||
			    strcmp(de->d_name + len - 3, ".so"))
				continue;
			for (i = 0; i < n; i++)
				if (strlen(names[i]) == len - 11 &&
				    !strncmp(names[i], de->d_name + 8, len - 11))
					break;
			if (i < n)
				continue; /* an earlier directory has it */
			names[n] = xstrdup(de->d_name + 8);
			names[n][len - 11] = '\0';
			n++;
		}
		closedir(dh);
	}
	/* insertion sort: a handful of names */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		buf_addf(out, "%sbuiltin:%s", i ? ", " : "", names[i]);
		free(names[i]);
	}
}

void model_spec_words(struct buf *out)
{
	struct buf b = BUF_INIT;
	const char *k;

	list_builtins(&b);
	for (const char *p = b.ptr; *p;) {
		size_t len = strcspn(p, ",");
		buf_addf(out, "%.*s\n", (int)len, p);
		p += len;
		p += strspn(p, ", ");
	}
	buf_release(&b);
	buf_adds(out, "lib:\n");
	for (size_t i = 0; (k = remote_kind_name(i)); i++)
		buf_addf(out, "%s\n", k);
}

void model_list(FILE *fp)
{
	struct buf b = BUF_INIT;

	list_builtins(&b);
	fprintf(fp, "builtin models (from %s):\n  %s\n", model_adapter_path(),
		b.len ? b.ptr : "(none found)");
	fprintf(fp, "shared libraries:\n  lib:PATH.so  any library exporting %s (ABI %d.%d)\n",
		VSRBENCH_ENTRY_SYMBOL, VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR);
	buf_release(&b);
	remote_list(fp);
}

/* The name in `known` (list_builtins' "builtin:a, builtin:b") nearest to spec; caller frees. */
static char *builtin_nearest(const char *spec, const char *known)
{
	const char *names[64], *near;
	char *copy = xstrdup(known), *p = copy;
	size_t n = 0;

	/* Compared without the "builtin:" both share: "zzz" is near no name. */
	while (*p && n < 64) {
		names[n++] = p + (strncmp(p, "builtin:", 8) ? 0 : 8);
		if (!(p = strstr(p, ", ")))
			break;
		*p = '\0';
		p += 2;
	}
	near = suggest_nearest(spec + (strncmp(spec, "builtin:", 8) ? 0 : 8), names, n);
	if (near) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "builtin:%s", near);
		p = buf_detach(&b, NULL);
	} else {
		p = NULL;
	}
	free(copy);
	return p;
}

static int resolve(const char *spec, char **path, char *err)
{
	struct buf b = BUF_INIT;

	if (!strncmp(spec, "builtin:", 8)) {
		const char *name = spec + 8;
		if (!valid_builtin_name(name))
			return err_set(err, VSR_EUSAGE,
				       "model '%s': builtin names are lower-case letters, digits, '-' and '_'",
				       spec);
		{
			const char *p = model_adapter_path(), *d;
			size_t dlen;
			int found = 0;
			while (!found && (d = next_dir(&p, &dlen))) {
				buf_reset(&b);
				buf_addf(&b, "%.*s/builtin-%s.so", (int)dlen, d, name);
				found = !access(b.ptr, R_OK);
			}
			if (!found)
				buf_reset(&b);
		}
		if (!b.len) {
			struct buf known = BUF_INIT;
			char *near;
			list_builtins(&known);
			/* "builtin:geometr": the nearest of the builtins found ("builtin:NAME, ...") */
			if ((near = builtin_nearest(spec, known.ptr)))
				err_set(err, VSR_EUSAGE,
					"unknown model '%s'; did you mean '%s'? (available: %s)", spec,
					near, known.ptr);
			else
				err_set(err, VSR_EUSAGE, "unknown model '%s' (available: %s)", spec,
					known.len ? known.ptr : "none: set VSRBENCH_ADAPTER_PATH");
			free(near);
			buf_release(&known);
			buf_release(&b);
			return VSR_EUSAGE;
		}
		*path = buf_detach(&b, NULL);
		return 0;
	}
	if (!strncmp(spec, "lib:", 4)) {
		if (!spec[4])
			return err_set(err, VSR_EUSAGE, "model 'lib:' needs a path: -m lib:PATH.so");
		/* dlopen searches the library path for names without '/': we don't. */
		if (!strchr(spec + 4, '/'))
			buf_adds(&b, "./");
		buf_adds(&b, spec + 4);
		*path = buf_detach(&b, NULL);
		return 0;
	}
	{
		/* A server's name: -m openai speaks its API (-M preset=NAME). */
		const char *preset, *url;
		if (http_openai_preset(spec, &preset, &url))
			return err_set(err, VSR_EUSAGE,
				       "-m %s: %s is a server that speaks OpenAI's API: -m openai "
				       "-M preset=%s -M model=NAME (the name it serves%s%s)",
				       spec, spec, preset, url ? "; its usual address: " : "",
				       url ? url : "");
	}
	{
		/* "opena" is a typo of "openai"; "geometry" of "builtin:geometry" */
		static const char *const kinds[] = { "openai", "ollama", "anthropic", "gemini", "exec",
						     "builtin:geometry", "builtin:yes", "builtin:no",
						     "builtin:random" };
		const char *near = suggest_nearest(spec, kinds, sizeof(kinds) / sizeof(kinds[0]));
		if (!near && !strchr(spec, ':')) {
			buf_addf(&b, "builtin:%s", spec);
			near = suggest_nearest(b.ptr, kinds, sizeof(kinds) / sizeof(kinds[0]));
			buf_release(&b);
		}
		if (near)
			return err_set(err, VSR_EUSAGE,
				       "unknown model '%s'; did you mean '%s'? (see 'vsrbench list models')",
				       spec, near);
	}
	return err_set(err, VSR_EUSAGE,
		       "cannot parse model '%s' (expected builtin:NAME, lib:PATH.so, openai, ollama, "
		       "anthropic, gemini or exec; see 'vsrbench list models'; the name of a model a "
		       "server serves goes in -M model=%s, e.g. -m openai -M model=%s)",
		       spec, spec, spec);
}

/* A plug-in's failed tasks: the first error of each kind on stderr (err_first.h). */
static void show_errors(const struct model *m, struct vsrbench_response *const *resp, size_t n,
			int r)
{
	char who[160], text[VSR_ERR_MAX];

	snprintf(who, sizeof(who), "plug-in %.100s", model_name(m));
	if (r) {
		err_first_show(who, "the adapter failed the whole batch", 1);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		if (resp[k]->status == VSRBENCH_OK && resp[k]->text)
			continue;
		resp[k]->error[sizeof(resp[k]->error) - 1] = '\0'; /* not NUL-terminated, maybe */
		model_no_answer_reason(resp[k], text, sizeof(text));
		err_first_show(who, text, resp[k]->status == VSRBENCH_ERR_RETRY);
	}
}

static int model_answer(struct model *m, const struct vsrbench_request *const *req,
			struct vsrbench_response *const *resp, size_t n)
{
	int r;

	if (m->thread_safe) {
		r = m->a->answer_batch(m->state, req, resp, n);
	} else {
		pthread_mutex_lock(&m->lock);
		r = m->a->answer_batch(m->state, req, resp, n);
		pthread_mutex_unlock(&m->lock);
	}
	/*
	 * The usage fields (2.1) are read from adapters of 2.1 or later only
	 * (vsrbench_adapter.h, "Versioning"): an older one does not know them.
	 */
	if (!r && m->a->abi_minor < 1)
		for (size_t k = 0; k < n; k++)
			resp[k]->prompt_tokens = resp[k]->completion_tokens = resp[k]->reasoning_tokens = 0;
	show_errors(m, resp, n, r);
	return r;
}

static void model_free_response(struct model *m, struct vsrbench_response *resp)
{
	m->a->free_response(m->state, resp);
}

/*
 * A lib: plug-in's bytes in its fingerprint (" so=sha256:HEX") and in
 * m->files_json: a rebuilt .so is another model, with other task and cache
 * keys, even when its name and version stay.  Not for builtin:NAME: those
 * ship with vsrbench and are named by its version (a rebuild in another
 * directory changes their bytes, not their answers).
 */
static void plugin_file(struct model *m, struct buf *fp)
{
	char digest[MODEL_DIGEST_MAX];
	cJSON *files;
	char *s;

	if (strncmp(m->spec, "lib:", 4) || model_file_digest(m->path, digest))
		return;
	buf_addf(fp, " so=%s", digest);
	files = cJSON_CreateObject();
	cJSON_AddStringToObject(files, m->path, digest);
	s = cJSON_PrintUnformatted(files);
	m->files_json = xstrdup(s);
	cJSON_free(s);
	cJSON_Delete(files);
}

/* The part of struct vsrbench_adapter every 2.x adapter must provide. */
#define ADAPTER_MIN_SIZE (offsetof(struct vsrbench_adapter, version) + sizeof(const char *))

/*
 * Where an adapter's author finds vsrbench_adapter.h: the installed copy
 * beside this binary (VSR_REL_INCLUDE_DIR from bin/) when there is one, else
 * the source tree this binary was built from while it exists, else the
 * include directory of the configured prefix.
 */
static const char *header_dir(void)
{
	static char dir[PATH_MAX + 64];
	char exe[PATH_MAX];

	if (!exe_dir(exe, sizeof(exe)) &&
	    (size_t)snprintf(dir, sizeof(dir), "%s/%s", exe, VSR_REL_INCLUDE_DIR) < sizeof(dir)) {
		char hdr[PATH_MAX + 96];
		if ((size_t)snprintf(hdr, sizeof(hdr), "%s/vsrbench_adapter.h", dir) < sizeof(hdr) &&
		    !access(hdr, R_OK))
			return dir;
	}
	if (!access(VSR_SOURCE_INCLUDE_DIR "/vsrbench_adapter.h", R_OK))
		return VSR_SOURCE_INCLUDE_DIR;
	return VSR_INSTALL_INCLUDE_DIR;
}

/* The end of the one-line message for an adapter of another ABI major. */
static void rebuild_hint(struct buf *b, const char *path)
{
	const char *base = strrchr(path, '/');

	buf_addf(b, "rebuild it against vsrbench_adapter.h of this vsrbench (cc -I%s -shared -fPIC -o %s SOURCE.c)",
		 header_dir(), base ? base + 1 : path);
}

int model_open(struct model *m, const char *spec, const char *config_json, char *err)
{
	vsrbench_adapter_entry_fn entry;
	const struct vsrbench_adapter *a;
	char aerr[256] = "";
	struct buf fp = BUF_INIT;
	int r;

	memset(m, 0, sizeof(*m));
	if (remote_kind_known(spec))
		return remote_open(spec, config_json, m, err);
	r = resolve(spec, &m->path, err);
	if (r)
		return r;
	m->spec = xstrdup(spec);
	m->config_json = xstrdup(config_json ? config_json : "{}");
	/* From here the plug-in's code runs in our process: its crash or exit() is named. */
	plugin_guard_install();
	plugin_guard_prepare(m->path);
	plugin_guard_enter("dlopen() (its initialisers)");
	m->dl = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
	plugin_guard_leave();
	if (!m->dl) {
		struct buf msg = BUF_INIT;
		const char *why = dlerror();

		buf_addf(&msg, "cannot load adapter %s: %s", m->path, why ? why : "dlopen failed");
		plugin_hint_dlopen(m->path, why, &msg);
		r = err_set(err, VSR_EUSAGE, "%s", msg.ptr);
		buf_release(&msg);
		goto fail;
	}
	*(void **)&entry = dlsym(m->dl, VSRBENCH_ENTRY_SYMBOL);
	if (!entry) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "%s: missing symbol %s", m->path, VSRBENCH_ENTRY_SYMBOL);
		plugin_hint_no_entry(m->path, &msg);
		r = err_set(err, VSR_EUSAGE, "%s", msg.ptr);
		buf_release(&msg);
		goto fail;
	}
	/*
	 * Nothing but abi_major and abi_minor is read from a table of another
	 * major: its layout is unknown.
	 */
	plugin_guard_enter(VSRBENCH_ENTRY_SYMBOL "()");
	a = entry(VSRBENCH_ABI_MAJOR);
	plugin_guard_leave();
	if (!a || a->abi_major != VSRBENCH_ABI_MAJOR) {
		struct buf msg = BUF_INIT;

		if (!a)
			buf_addf(&msg, "%s: adapter refuses host ABI %d.%d (%s(%d) returned NULL: built for another ABI major): ",
				 m->path, VSRBENCH_ABI_MAJOR, VSRBENCH_ABI_MINOR,
				 VSRBENCH_ENTRY_SYMBOL, VSRBENCH_ABI_MAJOR);
		else
			buf_addf(&msg, "%s: adapter ABI %u.%u is not compatible with host ABI %d.%d: ",
				 m->path, a->abi_major, a->abi_minor, VSRBENCH_ABI_MAJOR,
				 VSRBENCH_ABI_MINOR);
		rebuild_hint(&msg, m->path);
		r = err_set(err, VSR_EUSAGE, "%s", msg.ptr);
		buf_release(&msg);
		goto fail;
	}
	if (a->struct_size < ADAPTER_MIN_SIZE) {
		r = err_set(err, VSR_EUSAGE,
			    "%s: adapter table is %zu bytes, ABI %d.0 needs at least %zu", m->path,
			    a->struct_size, VSRBENCH_ABI_MAJOR, (size_t)ADAPTER_MIN_SIZE);
		goto fail;
	}
	if (!a->open || !a->answer_batch || !a->free_response || !a->close || !a->name) {
		r = err_set(err, VSR_EUSAGE, "%s: adapter table lacks %s", m->path,
			    !a->name ? "name" : !a->open ? "open()"
			    : !a->answer_batch ? "answer_batch()"
			    : !a->free_response ? "free_response()" : "close()");
		goto fail;
	}
	if (a->max_batch == 0) {
		r = err_set(err, VSR_EUSAGE, "%s: adapter says max_batch 0", m->path);
		goto fail;
	}
	plugin_guard_enter("open()");
	r = a->open(m->config_json, &m->state, aerr, sizeof(aerr));
	plugin_guard_leave();
	if (r) {
		aerr[sizeof(aerr) - 1] = '\0';
		r = err_set(err, VSR_EUSAGE, "model %s: %s", spec, aerr[0] ? aerr : "open failed");
		goto fail;
	}
	m->a = a;
	m->answer = model_answer;
	m->free_response = model_free_response;
	m->max_batch = a->max_batch;
	m->thread_safe = a->thread_safe;
	pthread_mutex_init(&m->lock, NULL);
	buf_addf(&fp, "%s/%s abi %u.%u %s", a->name, a->version ? a->version : "-",
		 a->abi_major, a->abi_minor, m->config_json);
	plugin_file(m, &fp);
	m->fingerprint = buf_detach(&fp, NULL);
	m->fingerprint_hash = hash64_str(m->fingerprint, HASH_SEED);
	return 0;
fail:
	if (m->dl)
		dlclose(m->dl);
	free(m->path);
	free(m->spec);
	free(m->config_json);
	memset(m, 0, sizeof(*m));
	return r;
}

void model_close(struct model *m)
{
	if (m->remote_close)
		m->remote_close(m->remote_state);
	if (m->a || m->dl)
		plugin_guard_prepare(m->path);
	if (m->a) {
		plugin_guard_enter("close()");
		m->a->close(m->state);
		plugin_guard_leave();
		pthread_mutex_destroy(&m->lock);
	}
	if (m->dl) {
		plugin_guard_enter("dlclose() (its finalisers)");
		dlclose(m->dl);
		plugin_guard_leave();
	}
	free(m->path);
	free(m->spec);
	free(m->config_json);
	free(m->fingerprint);
	free(m->files_json);
	free(m->served);
	memset(m, 0, sizeof(*m));
}
