/* import_json: VLMEvalKit .json rows into a sheet (expected cells written by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "suites/import.h"
#include "suites/xlsx.h"

static void test_rows(void **state)
{
	/* As Python writes it: NaN bare, "NaN" inside a string kept, keys differing by row. */
	static const char text[] = "[\n    {\n        \"index\": 1000241,\n        \"C\": NaN,\n"
				   "        \"hint\": \"NaN is a word\",\n        \"score\": 0.5\n    },\n"
				   "    {\n        \"index\": 7, \"prediction\": \"B\", \"C\": -Infinity,\n"
				   "        \"image\": \"aGVsbG8=\", \"ok\": true, \"list\": [1, \"a\"]\n    }\n]\n";
	struct xlsx_sheet s;
	char err[VSR_ERR_MAX];
	(void)state;
	assert_int_equal(import_json_sheet_mem(&s, "t.json", text, strlen(text), err), 0);
	/* header + 2 rows; columns index, C, hint, score, prediction, ok, list (image skipped) */
	assert_int_equal(s.rows, 3);
	assert_int_equal(s.cols, 7);
	assert_string_equal(xlsx_cell(&s, 0, 0), "index");
	assert_int_equal(xlsx_column(&s, "image"), -1);
	assert_string_equal(xlsx_cell(&s, 1, 0), "1000241");
	assert_null(xlsx_cell(&s, 1, 1));
	assert_string_equal(xlsx_cell(&s, 1, 2), "NaN is a word");
	assert_string_equal(xlsx_cell(&s, 1, 3), "0.5");
	assert_null(xlsx_cell(&s, 1, 4));
	assert_string_equal(xlsx_cell(&s, 2, 0), "7");
	assert_null(xlsx_cell(&s, 2, 1));
	assert_string_equal(xlsx_cell(&s, 2, (size_t)xlsx_column(&s, "prediction")), "B");
	assert_string_equal(xlsx_cell(&s, 2, (size_t)xlsx_column(&s, "ok")), "True");
	assert_string_equal(xlsx_cell(&s, 2, (size_t)xlsx_column(&s, "list")), "[1,\"a\"]");
	xlsx_release(&s);
}

static void test_errors(void **state)
{
	struct xlsx_sheet s;
	char err[VSR_ERR_MAX];
	static const char bad_json[] = "[\n  {\"index\": 1},\n  {\"index\": nope}\n]";
	static const char not_obj[] = "[\n  {\"index\": 1},\n\n  \"x\"\n]";
	(void)state;
	assert_int_equal(import_json_sheet_mem(&s, "t.json", bad_json, strlen(bad_json), err), VSR_EDATA);
	assert_non_null(strstr(err, "t.json:3: not valid JSON"));
	assert_int_equal(import_json_sheet_mem(&s, "t.json", not_obj, strlen(not_obj), err), VSR_EDATA);
	assert_non_null(strstr(err, "t.json:4: row 2 is not an object"));
	assert_int_equal(import_json_sheet_mem(&s, "t.json", "{}", 2, err), VSR_EDATA);
	assert_non_null(strstr(err, "t.json:1: not an array"));
	assert_int_equal(import_json_sheet_mem(&s, "t.json", "[]", 2, err), VSR_EDATA);
	assert_non_null(strstr(err, "no rows"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
