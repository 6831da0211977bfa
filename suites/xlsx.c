/* xlsx: the first worksheet of a workbook (libzip + libxml2's xmlReader). */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "../base/buf.h"
#include "../base/util.h"
#include "xlsx.h"

/* The grid may not hold more cells than this (a cell ref like XFD1048576 alone). */
#define XLSX_GRID_MAX ((size_t)1 << 26)
#define XLSX_CELL_TEXT_MAX ((size_t)16 << 20)

enum { N_ELEM = 1, N_TEXT = 3, N_CDATA = 4, N_WS = 13, N_SIGWS = 14, N_END = 15 };

/* ---- strings ------------------------------------------------------------- */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *s, char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = str;
}

static void strv_release(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int is_text(int type)
{
	return type == N_TEXT || type == N_CDATA || type == N_WS || type == N_SIGWS;
}

static xmlTextReaderPtr reader_new(const char *xml, size_t n)
{
	if (n > (size_t)0x7fffffff)
		return NULL;
	return xmlReaderForMemory(xml, (int)n, NULL, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static const char *lname(xmlTextReaderPtr r)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r);
	return n ? (const char *)n : "";
}

/* xl/sharedStrings.xml: each <si>'s <t> texts, phonetic runs (<rPh>) left out. */
static int parse_shared(struct strv *out, const char *name, const char *xml, size_t n, char *err)
{
	xmlTextReaderPtr r = reader_new(xml, n);
	struct buf cur = BUF_INIT;
	int in_si = 0, in_t = 0, skip = 0, ret, rc = 0;

	buf_init(&cur, XLSX_CELL_TEXT_MAX);
	if (!r) {
		buf_release(&cur);
		return err_set(err, VSR_EDATA, "%s: shared strings: cannot parse", name);
	}
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *ln = lname(r);
		if (type == N_ELEM) {
			int empty = xmlTextReaderIsEmptyElement(r);
			if (!strcmp(ln, "si")) {
				buf_reset(&cur);
				in_si = 1;
				if (empty) {
					strv_push(out, xstrdup(""));
					in_si = 0;
				}
			} else if (!strcmp(ln, "rPh") && !empty) {
				skip = 1;
			} else if (!strcmp(ln, "t") && !empty) {
				in_t = 1;
			}
		} else if (type == N_END) {
			if (!strcmp(ln, "si") && in_si) {
				strv_push(out, xstrdup(cur.ptr));
				in_si = 0;
			} else if (!strcmp(ln, "rPh")) {
				skip = 0;
			} else if (!strcmp(ln, "t")) {
				in_t = 0;
			}
		} else if (is_text(type) && in_si && in_t && !skip) {
			const xmlChar *v = xmlTextReaderConstValue(r);
			if (v && buf_adds(&cur, (const char *)v)) {
				rc = err_set(err, VSR_EDATA,
					     "%s: shared string %zu longer than %zu bytes", name,
					     out->n, XLSX_CELL_TEXT_MAX);
				break;
			}
		}
	}
	if (!rc && ret < 0)
		rc = err_set(err, VSR_EDATA, "%s: shared strings: malformed XML after string %zu",
			     name, out->n);
	xmlFreeTextReader(r);
	buf_release(&cur);
	return rc;
}

/* ---- the sheet ----------------------------------------------------------- */

struct cell {
	size_t row, col;
	char *text;
};

struct cellv {
	struct cell *v;
	size_t n, cap;
};

/* "B12" -> col 1, row 11; 0 or -1 when it is not a cell reference. */
static int parse_ref(const char *ref, size_t *row, size_t *col)
{
	size_t c = 0, rr = 0, nl = 0, nd = 0;
	const char *p = ref;

	for (; *p >= 'A' && *p <= 'Z'; p++, nl++)
		c = c * 26 + (size_t)(*p - 'A' + 1);
	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		rr = rr * 10 + (size_t)(*p - '0');
		if (rr > XLSX_ROWS_MAX)
			return -1;
	}
	if (*p || !nl || nl > 3 || !nd || !rr || c > XLSX_COLS_MAX)
		return -1;
	*row = rr - 1;
	*col = c - 1;
	return 0;
}

static void ref_name(char *out, size_t n, size_t row, size_t col)
{
	char letters[8];
	size_t k = 0, c = col + 1;

	while (c && k < sizeof(letters) - 1) {
		letters[k++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < k / 2; i++) {
		char t = letters[i];
		letters[i] = letters[k - 1 - i];
		letters[k - 1 - i] = t;
	}
	letters[k] = '\0';
	snprintf(out, n, "%s%zu", letters, row + 1);
}

struct sheet_parse {
	const char *name;
	const struct strv *shared;
	struct cellv cells;
	size_t row, col; /* the current cell */
	int have_row;
	char type[16];
	struct buf text;
	int in_c, in_v, in_is, in_t, has_val;
};

static int cell_end(struct sheet_parse *p, char *err)
{
	char ref[32], *text;

	if (!p->has_val)
		return 0;
	ref_name(ref, sizeof(ref), p->row, p->col);
	if (!strcmp(p->type, "s")) {
		long idx;
		if (parse_long(p->text.ptr, 0, 0x7fffffffL, &idx) || (size_t)idx >= p->shared->n)
			return err_set(err, VSR_EDATA,
				       "%s!%s: shared string index '%.40s' is not one of the %zu "
				       "shared strings",
				       p->name, ref, p->text.ptr, p->shared->n);
		text = xstrdup(p->shared->v[idx]);
	} else if (!strcmp(p->type, "e")) {
		return err_set(err, VSR_EDATA, "%s!%s: an error cell (%.40s)", p->name, ref,
			       p->text.ptr);
	} else {
		text = xstrdup(p->text.ptr);
	}
	if (p->cells.n == p->cells.cap) {
		p->cells.cap = p->cells.cap ? p->cells.cap * 2 : 1024;
		p->cells.v = xrealloc(p->cells.v, p->cells.cap * sizeof(*p->cells.v));
	}
	p->cells.v[p->cells.n].row = p->row;
	p->cells.v[p->cells.n].col = p->col;
	p->cells.v[p->cells.n].text = text;
	p->cells.n++;
	return 0;
}

static int cell_start(struct sheet_parse *p, xmlTextReaderPtr r, char *err)
{
	xmlChar *ref = xmlTextReaderGetAttribute(r, BAD_CAST "r");
	xmlChar *t = xmlTextReaderGetAttribute(r, BAD_CAST "t");
	int rc = 0;

	if (ref) {
		size_t row = 0, col = 0;
		if (parse_ref((const char *)ref, &row, &col))
			rc = err_set(err, VSR_EDATA, "%s: cell reference '%.20s' is not a cell",
				     p->name, (const char *)ref);
		else if (p->have_row && row != p->row)
			rc = err_set(err, VSR_EDATA, "%s!%s: cell outside its row %zu", p->name,
				     (const char *)ref, p->row + 1);
		p->row = row;
		p->col = col;
	} else {
		p->col = p->in_c ? p->col + 1 : p->col;
		if (p->col >= XLSX_COLS_MAX)
			rc = err_set(err, VSR_EDATA, "%s: row %zu: more than %zu columns", p->name,
				     p->row + 1, XLSX_COLS_MAX);
	}
	snprintf(p->type, sizeof(p->type), "%s", t ? (const char *)t : "n");
	buf_reset(&p->text);
	p->has_val = 0;
	p->in_c = 1;
	xmlFree(ref);
	xmlFree(t);
	return rc;
}

static int sheet_build(struct xlsx_sheet *s, struct sheet_parse *p, char *err)
{
	size_t rows = 0, cols = 0;

	for (size_t i = 0; i < p->cells.n; i++) {
		if (p->cells.v[i].row + 1 > rows)
			rows = p->cells.v[i].row + 1;
		if (p->cells.v[i].col + 1 > cols)
			cols = p->cells.v[i].col + 1;
	}
	if (rows && cols > XLSX_GRID_MAX / rows)
		return err_set(err, VSR_EDATA, "%s: %zu rows x %zu columns is more than %zu cells",
			       p->name, rows, cols, XLSX_GRID_MAX);
	s->rows = rows;
	s->cols = cols;
	s->cells = xcalloc(rows && cols ? rows * cols : 1, sizeof(*s->cells));
	for (size_t i = 0; i < p->cells.n; i++) {
		char **slot = &s->cells[p->cells.v[i].row * cols + p->cells.v[i].col];
		free(*slot); /* a cell written twice: the last one counts */
		*slot = p->cells.v[i].text;
		p->cells.v[i].text = NULL;
	}
	return 0;
}

int xlsx_parse(struct xlsx_sheet *s, const char *name, const char *sheet, size_t sheet_len,
	       const char *shared, size_t shared_len, char *err)
{
	struct strv ss = { 0 };
	struct sheet_parse p;
	xmlTextReaderPtr r = NULL;
	int ret = 0, rc = 0;

	memset(s, 0, sizeof(*s));
	memset(&p, 0, sizeof(p));
	buf_init(&p.text, XLSX_CELL_TEXT_MAX);
	p.name = name;
	p.shared = &ss;
	xmlInitParser();
	if (shared && (rc = parse_shared(&ss, name, shared, shared_len, err)))
		goto out;
	if (!(r = reader_new(sheet, sheet_len))) {
		rc = err_set(err, VSR_EDATA, "%s: cannot parse the sheet", name);
		goto out;
	}
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *ln = lname(r);
		if (type == N_ELEM) {
			int empty = xmlTextReaderIsEmptyElement(r);
			if (!strcmp(ln, "row")) {
				xmlChar *rr = xmlTextReaderGetAttribute(r, BAD_CAST "r");
				long v;
				if (rr) {
					if (parse_long((const char *)rr, 1, (long)XLSX_ROWS_MAX, &v))
						rc = err_set(err, VSR_EDATA,
							     "%s: row number '%.20s' is not one", name,
							     (const char *)rr);
					p.row = (size_t)v - 1;
				} else if (p.have_row) {
					p.row++;
				}
				xmlFree(rr);
				p.have_row = 1;
				p.in_c = 0;
				p.col = 0;
				if (rc)
					break;
			} else if (!strcmp(ln, "c")) {
				if ((rc = cell_start(&p, r, err)))
					break;
				if (empty && (rc = cell_end(&p, err)))
					break;
			} else if (!strcmp(ln, "v") && !empty) {
				p.in_v = 1;
				p.has_val = 1;
			} else if (!strcmp(ln, "is")) {
				p.in_is = !empty;
				p.has_val = 1;
			} else if (!strcmp(ln, "rPh") && !empty) {
				p.in_t = -1000; /* phonetic run: never text */
			} else if (!strcmp(ln, "t") && !empty && p.in_is) {
				p.in_t++;
			}
		} else if (type == N_END) {
			if (!strcmp(ln, "c")) {
				if ((rc = cell_end(&p, err)))
					break;
				p.has_val = 0;
			} else if (!strcmp(ln, "v")) {
				p.in_v = 0;
			} else if (!strcmp(ln, "is")) {
				p.in_is = 0;
				p.in_t = 0;
			} else if (!strcmp(ln, "rPh")) {
				p.in_t = 0;
			} else if (!strcmp(ln, "t") && p.in_t > 0) {
				p.in_t--;
			} else if (!strcmp(ln, "row")) {
				p.have_row = 1;
			}
		} else if (is_text(type) && (p.in_v || (p.in_is && p.in_t > 0))) {
			const xmlChar *v = xmlTextReaderConstValue(r);
			if (v && buf_adds(&p.text, (const char *)v)) {
				char ref[32];
				ref_name(ref, sizeof(ref), p.row, p.col);
				rc = err_set(err, VSR_EDATA, "%s!%s: cell text longer than %zu bytes",
					     name, ref, XLSX_CELL_TEXT_MAX);
				break;
			}
		}
	}
	if (!rc && ret < 0) {
		char ref[32];
		ref_name(ref, sizeof(ref), p.row, p.col);
		rc = err_set(err, VSR_EDATA, "%s!%s: malformed sheet XML near this cell", name, ref);
	}
	if (!rc)
		rc = sheet_build(s, &p, err);
out:
	if (r)
		xmlFreeTextReader(r);
	for (size_t i = 0; i < p.cells.n; i++)
		free(p.cells.v[i].text);
	free(p.cells.v);
	buf_release(&p.text);
	strv_release(&ss);
	if (rc)
		xlsx_release(s);
	return rc;
}

/* ---- the zip ------------------------------------------------------------- */

/* A member's bytes (NUL-terminated), or NULL with *missing set when it is not there. */
static char *zip_member(zip_t *z, const char *path, const char *member, size_t *len, int *missing,
			char *err)
{
	zip_stat_t st;
	zip_file_t *f;
	char *data;
	zip_int64_t got;
	size_t at = 0;

	*missing = 0;
	zip_stat_init(&st);
	if (zip_stat(z, member, 0, &st)) {
		*missing = 1;
		return NULL;
	}
	if (!(st.valid & ZIP_STAT_SIZE) || st.size > XLSX_MEMBER_MAX) {
		err_set(err, VSR_EDATA, "%s: %s is larger than %zu bytes", path, member,
			XLSX_MEMBER_MAX);
		return NULL;
	}
	if (!(f = zip_fopen(z, member, 0))) {
		err_set(err, VSR_EDATA, "%s: cannot open %s: %s", path, member,
			zip_error_strerror(zip_get_error(z)));
		return NULL;
	}
	data = xmalloc((size_t)st.size + 1);
	while (at < st.size && (got = zip_fread(f, data + at, st.size - at)) > 0)
		at += (size_t)got;
	if (at != st.size) {
		err_set(err, VSR_EDATA, "%s: %s: cannot read it (%s)", path, member,
			zip_error_strerror(zip_file_get_error(f)));
		zip_fclose(f);
		free(data);
		return NULL;
	}
	zip_fclose(f);
	data[at] = '\0';
	*len = at;
	return data;
}

/* The first worksheet's member name: sheet1.xml, else the first .xml in xl/worksheets/. */
static int first_sheet(zip_t *z, struct buf *out)
{
	zip_int64_t n = zip_get_num_entries(z, 0);
	const char *pre = "xl/worksheets/";

	if (zip_name_locate(z, "xl/worksheets/sheet1.xml", 0) >= 0)
		return buf_adds(out, "xl/worksheets/sheet1.xml"), 0;
	for (zip_int64_t i = 0; i < n; i++) {
		const char *nm = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t l = nm ? strlen(nm) : 0;
		if (nm && !strncmp(nm, pre, strlen(pre)) && !strchr(nm + strlen(pre), '/') &&
		    l > 4 && !strcmp(nm + l - 4, ".xml"))
			return buf_adds(out, nm), 0;
	}
	return -1;
}

int xlsx_read(struct xlsx_sheet *s, const char *path, char *err)
{
	int zerr = 0, missing, rc = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	struct buf member = BUF_INIT, name = BUF_INIT;
	char *sheet = NULL, *shared = NULL;
	size_t sheet_len = 0, shared_len = 0;

	memset(s, 0, sizeof(*s));
	if (!z) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		rc = err_set(err, VSR_EDATA, "%s: not a readable xlsx (zip) file: %s", path,
			     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	if (first_sheet(z, &member)) {
		rc = err_set(err, VSR_EDATA, "%s: no worksheet (xl/worksheets/*.xml) in it", path);
		goto out;
	}
	if (!(sheet = zip_member(z, path, member.ptr, &sheet_len, &missing, err))) {
		rc = VSR_EDATA;
		goto out;
	}
	shared = zip_member(z, path, "xl/sharedStrings.xml", &shared_len, &missing, err);
	if (!shared && !missing) {
		rc = VSR_EDATA;
		goto out;
	}
	{
		const char *b = strrchr(member.ptr, '/');
		size_t l = strlen(b + 1);
		buf_addf(&name, "%s:%.*s", path, (int)(l > 4 ? l - 4 : l), b + 1);
	}
	rc = xlsx_parse(s, name.ptr, sheet, sheet_len, shared, shared_len, err);
out:
	free(sheet);
	free(shared);
	buf_release(&member);
	buf_release(&name);
	zip_discard(z);
	return rc;
}

const char *xlsx_cell(const struct xlsx_sheet *s, size_t row, size_t col)
{
	if (row >= s->rows || col >= s->cols)
		return NULL;
	return s->cells[row * s->cols + col];
}

long xlsx_column(const struct xlsx_sheet *s, const char *name)
{
	for (size_t c = 0; c < s->cols; c++) {
		const char *t = xlsx_cell(s, 0, c);
		if (t && !strcmp(t, name))
			return (long)c;
	}
	return -1;
}

void xlsx_release(struct xlsx_sheet *s)
{
	if (s->cells)
		for (size_t i = 0; i < s->rows * s->cols; i++)
			free(s->cells[i]);
	free(s->cells);
	memset(s, 0, sizeof(*s));
}

int xlsx_is_zip(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char m[4] = { 0 };
	size_t n;

	if (!fp)
		return 0;
	n = fread(m, 1, 4, fp);
	fclose(fp);
	return n == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4;
}
