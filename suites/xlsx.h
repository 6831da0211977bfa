/*
 * xlsx: the first worksheet of an Office Open XML workbook as a grid of
 * strings, for the prediction files other harnesses write (VLMEvalKit's
 * {model}_{dataset}.xlsx, MMBench's submission xlsx).
 *
 * The zip is read with libzip and the sheet XML with libxml2's streaming
 * xmlReader.  Cells may be shared strings (t="s", xl/sharedStrings.xml),
 * inline strings (t="inlineStr", rich text runs concatenated), formula
 * strings (t="str"), booleans or numbers (their <v> text as written).
 * Every file is untrusted: sizes and counts are capped, and a bad cell is
 * VSR_EDATA naming FILE:SHEET!CELL.
 */
#ifndef VSR_XLSX_H
#define VSR_XLSX_H

#include <stddef.h>

/* Caps: a member's uncompressed size, the number of rows and columns. */
#define XLSX_MEMBER_MAX ((size_t)256 << 20)
#define XLSX_ROWS_MAX ((size_t)1 << 22)
#define XLSX_COLS_MAX ((size_t)16384)

struct xlsx_sheet {
	size_t rows, cols; /* the grid's size: last row and column that hold a value */
	char **cells;      /* rows * cols, row-major; NULL for an empty cell; owned */
};

/* Reads the workbook's first worksheet.  s is filled on success only. */
int xlsx_read(struct xlsx_sheet *s, const char *path, char *err);

/*
 * Parses a worksheet's XML with its shared strings' XML (NULL when the
 * workbook has none); name is what errors say ("book.xlsx:sheet1").
 */
int xlsx_parse(struct xlsx_sheet *s, const char *name, const char *sheet, size_t sheet_len,
	       const char *shared, size_t shared_len, char *err);

/* A cell's text (row and col from 0), or NULL when empty or outside. Borrowed. */
const char *xlsx_cell(const struct xlsx_sheet *s, size_t row, size_t col);

/* The column of row 0 whose text is `name`, or -1. */
long xlsx_column(const struct xlsx_sheet *s, const char *name);

void xlsx_release(struct xlsx_sheet *s);

/* Does the file start as a zip archive (PK\3\4)? */
int xlsx_is_zip(const char *path);

#endif
