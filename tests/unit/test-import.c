/* test-import.c — CSV, TSV, XLSX and JSON Lines into records, and the
 * corpus XML writer. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "tm-error.h"
#include "tm-import.h"
#include "tm-reader.h"
#include "tm-test.h"

typedef struct {
  GPtrArray *problems; /* "row:column: id: message" */
  GPtrArray *notes;
} Seen;

static void
collect (const TmProblem *p, gpointer data)
{
  Seen *seen = data;

  g_ptr_array_add (p->note ? seen->notes : seen->problems,
                   g_strdup_printf ("%u:%u: %s: %s", p->line, p->column,
                                    p->record_id ? p->record_id : "-", p->message));
}

static void
seen_init (Seen *seen)
{
  seen->problems = g_ptr_array_new_with_free_func (g_free);
  seen->notes = g_ptr_array_new_with_free_func (g_free);
}

static void
seen_clear (Seen *seen)
{
  g_ptr_array_unref (seen->problems);
  g_ptr_array_unref (seen->notes);
}

static gboolean
seen_has (GPtrArray *messages, const char *part)
{
  for (guint i = 0; i < messages->len; i++)
    if (strstr (messages->pdata[i], part) != NULL)
      return TRUE;
  return FALSE;
}

/* A new file of the temporary folder named ...@suffix holding @contents.
 * transfer full */
static char *
write_temp (const char *suffix, const char *contents, gssize len)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("import-%u%s", ++n, suffix);

  return tm_test_write (name, contents, len);
}

/* Every record of @path.  transfer full */
static GPtrArray *
read_all (const char *path, const TmImportOptions *options, Seen *seen, GError **error)
{
  g_autoptr(TmImport) import = tm_import_open (path, options, collect, seen, error);
  GPtrArray *records;
  TmRecord *r;

  if (import == NULL)
    return NULL;
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_record_free);
  while ((r = tm_import_next (import, error)) != NULL)
    g_ptr_array_add (records, r);
  return records;
}

static void
test_csv_quotes_and_aliases (void)
{
  const char *csv =
    "\xEF\xBB\xBF编号,成果名称,成果简介,关键词,技术领域,完成单位,成熟度,知识产权,更新日期\r\n"
    "A-1,\"钛纤维\"\"多孔\"\"传输层\",\"第一行，\r\n第二行\",\"PEM电解；阳极扩散层、钛毡\",氢能,西安交通大学,TRL 6,\"发明专利,实用新型\",2025/10/17\r\n"
    "A-2,涂层,简介,SiC MOSFET,,,６,,2025年3月1日\r\n";
  g_autofree char *path = write_temp ("-成果.csv", csv, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  TmImportOptions options;
  TmRecord *r;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  records = read_all (path, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL && records->len == 2);
  r = records->pdata[0];
  CU_ASSERT_EQUAL (r->library, TM_LIBRARY_ACHIEVEMENT);
  CU_ASSERT_STRING_EQUAL (r->id, "A-1");
  CU_ASSERT_STRING_EQUAL (r->title, "钛纤维\"多孔\"传输层");
  CU_ASSERT_STRING_EQUAL (r->body, "第一行，第二行");
  CU_ASSERT_EQUAL (r->keywords->len, 3);
  CU_ASSERT_STRING_EQUAL (r->keywords->pdata[2], "钛毡");
  CU_ASSERT_EQUAL (r->ip->len, 2);
  CU_ASSERT_EQUAL (r->trl, 6);
  CU_ASSERT_STRING_EQUAL (r->updated, "2025-10-17");
  CU_ASSERT_EQUAL (r->line, 2);
  r = records->pdata[1];
  CU_ASSERT_EQUAL (r->keywords->len, 2);  /* no separator: split on the space */
  CU_ASSERT_EQUAL (r->trl, 6);
  CU_ASSERT_STRING_EQUAL (r->updated, "2025-03-01");
  CU_ASSERT_PTR_NULL (r->domain);
  CU_ASSERT_EQUAL (seen.problems->len, 0);
  seen_clear (&seen);
  unlink (path);
}

static void
test_sniffed_delimiter_and_budget (void)
{
  const char *csv =
    "ID;Title;Description;Budget (万元);Deadline;Company\n"
    "D-1;求阳极涂层;槽电压升高;\"1,200\";2026-09-30;某化工\n"
    "D-2;求铌钛线;进口替代;面议;;\n"
    "D-3;求带材;示范段;300万元;20261231;\n";
  g_autofree char *path = write_temp (".csv", csv, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  TmImportOptions options;
  TmRecord *r;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  records = read_all (path, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL && records->len == 3);
  r = records->pdata[0];
  CU_ASSERT_EQUAL (r->library, TM_LIBRARY_DEMAND);  /* told by Budget, Deadline, Company */
  CU_ASSERT_DOUBLE_EQUAL (r->budget, 1200, 1e-9);
  CU_ASSERT_STRING_EQUAL (r->budget_unit, "万元");
  CU_ASSERT_STRING_EQUAL (r->deadline, "2026-09-30");
  CU_ASSERT_STRING_EQUAL (r->org, "某化工");
  r = records->pdata[1];
  CU_ASSERT (r->budget < 0);
  r = records->pdata[2];
  CU_ASSERT_DOUBLE_EQUAL (r->budget, 300, 1e-9);
  CU_ASSERT_STRING_EQUAL (r->deadline, "2026-12-31");
  CU_ASSERT_EQUAL (seen.problems->len, 0);
  seen_clear (&seen);
  unlink (path);
}

static void
test_bad_rows (void)
{
  const char *csv =
    "编号\t需求名称\t需求描述\t成熟度\t截止日期\t备注\n"
    "D-1\t好的\t描述\t5\t\t\n"
    "D-2\t\t描述\t十\t\t\n"
    "D-3\t坏\xff字节\t描述\t\t下周\t\n"
    "D 4\t标题\t\t\t\t\n"
    "D-5\t好的二\t描述\t\t\t随便\n";
  g_autofree char *path = write_temp (".tsv", csv, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  TmImportOptions options;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  options.library_set = TRUE;
  options.library = TM_LIBRARY_DEMAND;
  records = read_all (path, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL);
  CU_ASSERT_EQUAL (records->len, 2);
  CU_ASSERT (seen_has (seen.problems, "3:2: D-2: \"需求名称\": no title"));
  CU_ASSERT (seen_has (seen.problems, "3:4: D-2: \"成熟度\": TRL \"十\" is not a number from 1 to 9"));
  CU_ASSERT (seen_has (seen.problems, "4:2: D-3: \"需求名称\": invalid UTF-8 (byte 0xFF"));
  CU_ASSERT (seen_has (seen.problems, "4:5: D-3: \"截止日期\": \"下周\" is not a date"));
  CU_ASSERT (seen_has (seen.problems, "5:1: D 4: \"编号\": the id \"D 4\" has white space"));
  CU_ASSERT (seen_has (seen.problems, "5:3: D 4: \"需求描述\": no description"));
  /* The unknown column, once, with its place in the header. */
  CU_ASSERT_EQUAL (seen.notes->len, 1);
  CU_ASSERT (seen_has (seen.notes, "1:6: -: column \"备注\" is not a field"));
  seen_clear (&seen);
  unlink (path);
}

static void
test_gb18030 (void)
{
  const char *utf8 = "成果名称,摘要\n硅基负极,高首效硅碳负极材料\n";
  gsize len;
  g_autofree char *gbk = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &len, NULL);
  g_autofree char *path = write_temp (".csv", gbk, (gssize) len);
  g_autofree char *junk = write_temp (".csv", "title,abstract\n\xff\xff\xff,\x80\x80\xff\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(TmImport) import = NULL;
  TmImportOptions options;
  TmRecord *r;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  records = read_all (path, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL && records->len == 1);
  r = records->pdata[0];
  CU_ASSERT_STRING_EQUAL (r->title, "硅基负极");
  CU_ASSERT (seen_has (seen.notes, "read as GB18030"));
  /* No id column: an id from the content, the same every time, noted. */
  CU_ASSERT (g_str_has_prefix (r->id, "A-") && strlen (r->id) == 14);
  CU_ASSERT (seen_has (seen.notes, "no id column"));
  {
    g_autoptr(GPtrArray) again = read_all (path, &options, &seen, NULL);
    CU_ASSERT_STRING_EQUAL (((TmRecord *) again->pdata[0])->id, r->id);
  }

  options.library_set = TRUE;
  options.library = TM_LIBRARY_ACHIEVEMENT;
  import = tm_import_open (junk, &options, collect, &seen, &error);
  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  CU_ASSERT (error != NULL && strstr (error->message, "export the file again as UTF-8") != NULL);
  seen_clear (&seen);
  unlink (path);
  unlink (junk);
}

static void
test_library_and_map (void)
{
  g_autofree char *plain = write_temp (".csv", "名称,内容,分类\n甲,乙,丙\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmImport) import = NULL;
  g_autoptr(GPtrArray) records = NULL;
  const char *map[] = { "title", "分类", "abstract", "名称", NULL };
  const char *bad_map[] = { "colour", "名称", NULL };
  TmImportOptions options;
  TmRecord *r;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  import = tm_import_open (plain, &options, collect, &seen, &error);
  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  CU_ASSERT (error != NULL && strstr (error->message, "--library") != NULL);
  g_clear_error (&error);

  options.library_set = TRUE;
  options.library = TM_LIBRARY_ACHIEVEMENT;
  options.map = map;
  records = read_all (plain, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL && records->len == 1);
  r = records->pdata[0];
  CU_ASSERT_STRING_EQUAL (r->title, "丙");
  CU_ASSERT_STRING_EQUAL (r->body, "甲");
  CU_ASSERT (seen_has (seen.notes, "column \"内容\" ignored: the map takes abstract"));

  options.map = bad_map;
  import = tm_import_open (plain, &options, collect, &seen, &error);
  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (error != NULL && strstr (error->message, "\"colour\"") != NULL);
  seen_clear (&seen);
  unlink (plain);
}

static void
test_jsonl (void)
{
  const char *jsonl =
    "{\"id\": \"D-1\", \"title\": \"求涂层\", \"description\": \"槽电压\", \"keywords\": [\"氯碱\", \"钛网\"], \"trl\": 6, \"budget\": 300, \"budget_unit\": \"万元\", \"colour\": \"red\"}\n"
    "\n"
    "{\"id\": \"D-2\", \"title\": \"x\"\n"
    "[1, 2]\n"
    "{\"id\": \"D-4\", \"title\": {\"a\": 1}, \"description\": \"d\"}\n";
  g_autofree char *path = write_temp ("-demands.jsonl", jsonl, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  TmImportOptions options;
  TmRecord *r;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  CU_ASSERT_EQUAL (tm_import_detect (path), TM_IMPORT_FORMAT_JSONL);
  records = read_all (path, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL && records->len == 1);
  r = records->pdata[0];
  CU_ASSERT_EQUAL (r->library, TM_LIBRARY_DEMAND);
  CU_ASSERT_EQUAL (r->keywords->len, 2);
  CU_ASSERT_EQUAL (r->trl, 6);
  CU_ASSERT_DOUBLE_EQUAL (r->budget, 300, 1e-9);
  CU_ASSERT_STRING_EQUAL (r->budget_unit, "万元");
  CU_ASSERT (seen_has (seen.notes, "1:0: -: key \"colour\""));
  CU_ASSERT (seen_has (seen.problems, "3:0: -: not JSON"));
  CU_ASSERT (seen_has (seen.problems, "4:0: -: not a JSON object"));
  CU_ASSERT (seen_has (seen.problems, "5:0: D-4: \"title\": is a JSON object"));
  seen_clear (&seen);
  unlink (path);
}

/* A workbook made by hand with libzip: the sheet named in the workbook,
 * shared strings with a phonetic run, an inline string, a number, a date
 * serial, and a skipped column. */
static char *
make_xlsx (void)
{
  static const char workbook[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"成果\" sheetId=\"2\" r:id=\"rId2\"/>"
    "</sheets></workbook>";
  static const char rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>";
  static const char strings[] =
    "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<si><t>说明</t></si><si><t>编号</t></si><si><t>成果名称</t></si><si><t>摘要</t></si>"
    "<si><t>成熟度</t></si><si><t>更新日期</t></si>"
    "<si><r><t>硅碳</t></r><r><t xml:space=\"preserve\"> 负极</t></r><rPh><t>guitan</t></rPh></si>"
    "</sst>";
  static const char sheet1[] =
    "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>";
  static const char sheet2[] =
    "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c><c r=\"B1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
    "<c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>5</v></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>A-9</t></is></c><c r=\"B2\" t=\"s\"><v>6</v></c>"
    "<c r=\"D2\" t=\"str\"><v>高首效</v></c><c r=\"E2\"><v>7</v></c><c r=\"F2\" s=\"1\"><v>45947</v></c></row>"
    "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>A-10</t></is></c><c r=\"B4\" t=\"str\"><v>二</v></c>"
    "<c r=\"D4\" t=\"str\"><v>文</v></c><c r=\"E4\" t=\"str\"><v>十</v></c></row>"
    "</sheetData></worksheet>";
  const struct { const char *name, *data; } parts[] = {
    { "xl/workbook.xml", workbook }, { "xl/_rels/workbook.xml.rels", rels },
    { "xl/sharedStrings.xml", strings }, { "xl/worksheets/sheet1.xml", sheet1 },
    { "xl/worksheets/sheet2.xml", sheet2 },
  };
  char *path = write_temp (".xlsx", "", 0);
  zip_t *zip;
  int err;

  unlink (path);
  zip = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  CU_ASSERT_FATAL (zip != NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      zip_source_t *src = zip_source_buffer (zip, parts[i].data, strlen (parts[i].data), 0);
      CU_ASSERT_FATAL (zip_file_add (zip, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
    }
  CU_ASSERT_FATAL (zip_close (zip) == 0);
  return path;
}

static void
test_xlsx (void)
{
  g_autofree char *path = make_xlsx ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(TmImport) import = NULL;
  TmImportOptions options;
  TmRecord *r;
  Seen seen;

  seen_init (&seen);
  tm_import_options_init (&options);
  CU_ASSERT_EQUAL (tm_import_detect (path), TM_IMPORT_FORMAT_XLSX);
  /* The first sheet holds notes, not records. */
  import = tm_import_open (path, &options, collect, &seen, &error);
  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (error != NULL);
  g_clear_error (&error);

  options.sheet = "没有";
  import = tm_import_open (path, &options, collect, &seen, &error);
  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_NOT_FOUND));
  CU_ASSERT (error != NULL && strstr (error->message, "\"说明\", \"成果\"") != NULL);
  g_clear_error (&error);

  options.sheet = "成果";
  records = read_all (path, &options, &seen, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_FATAL (records != NULL && records->len == 1);
  r = records->pdata[0];
  CU_ASSERT_EQUAL (r->library, TM_LIBRARY_ACHIEVEMENT);
  CU_ASSERT_STRING_EQUAL (r->id, "A-9");
  CU_ASSERT_STRING_EQUAL (r->title, "硅碳 负极");  /* the phonetic run left out */
  CU_ASSERT_STRING_EQUAL (r->body, "高首效");
  CU_ASSERT_EQUAL (r->trl, 7);
  CU_ASSERT_STRING_EQUAL (r->updated, "2025-10-17");
  CU_ASSERT_EQUAL (r->line, 2);
  CU_ASSERT (seen_has (seen.problems, "4:5: A-10: \"成熟度\": TRL \"十\""));
  seen_clear (&seen);
  unlink (path);
}

static void
test_not_a_workbook (void)
{
  g_autofree char *path = write_temp (".xlsx", "PK\003\004 not really a zip", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmImport) import = tm_import_open (path, NULL, NULL, NULL, &error);

  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  CU_ASSERT (error != NULL && strstr (error->message, "not a readable XLSX workbook") != NULL);
  unlink (path);
}

static void
test_unclosed_quote (void)
{
  g_autofree char *path = write_temp ("-成果.csv", "title,abstract\na,b\n\"c,d\ne,f\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmImport) import = tm_import_open (path, NULL, NULL, NULL, &error);

  CU_ASSERT_PTR_NULL (import);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  CU_ASSERT (error != NULL && strstr (error->message, ":3:1: a quoted cell that never closes") != NULL);
  unlink (path);
}

/* What the writer writes, the corpus reader reads back the same. */
static void
test_writer_round_trip (void)
{
  g_autofree char *out = write_temp (".xml", "", 0);
  g_autoptr(TmRecord) r = tm_record_new (TM_LIBRARY_DEMAND);
  g_autoptr(TmRecord) back = NULL;
  g_autoptr(TmReader) reader = NULL;
  g_autoptr(TmCorpusWriter) w = NULL;
  g_autoptr(GError) error = NULL;
  FILE *f = fopen (out, "w");

  r->id = g_strdup ("D-1");
  r->title = g_strdup ("a < b & \"c\"");
  r->body = g_strdup ("]]> text");
  r->updated = g_strdup ("2025-01-02");
  g_ptr_array_add (r->keywords, g_strdup ("k1"));
  g_ptr_array_add (r->keywords, g_strdup ("k 2"));
  r->budget = 12.5;
  r->budget_unit = g_strdup ("万元");
  r->trl = 4;
  w = tm_corpus_writer_new (f, TM_LIBRARY_DEMAND);
  CU_ASSERT (tm_corpus_writer_add (w, r, &error));
  CU_ASSERT (tm_corpus_writer_finish (w, &error));
  g_clear_pointer (&w, tm_corpus_writer_free);
  fclose (f);

  reader = tm_reader_open (out, NULL, NULL, &error);
  CU_ASSERT_FATAL (reader != NULL);
  back = tm_reader_next (reader, &error);
  CU_ASSERT_FATAL (back != NULL);
  CU_ASSERT_STRING_EQUAL (back->title, r->title);
  CU_ASSERT_STRING_EQUAL (back->body, r->body);
  CU_ASSERT_STRING_EQUAL (back->updated, r->updated);
  CU_ASSERT_EQUAL (back->keywords->len, 2);
  CU_ASSERT_STRING_EQUAL (back->keywords->pdata[1], "k 2");
  CU_ASSERT_DOUBLE_EQUAL (back->budget, 12.5, 1e-12);
  CU_ASSERT_STRING_EQUAL (back->budget_unit, "万元");
  CU_ASSERT_EQUAL (back->trl, 4);
  unlink (out);
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 1;
  suite = CU_add_suite ("import", NULL, NULL);
  CU_add_test (suite, "CSV: quotes, line breaks, Chinese aliases", test_csv_quotes_and_aliases);
  CU_add_test (suite, "CSV: sniffed delimiter, budgets, dates", test_sniffed_delimiter_and_budget);
  CU_add_test (suite, "bad rows: ROW:COLUMN, id, what is wrong", test_bad_rows);
  CU_add_test (suite, "GB18030 converted, junk refused, hash ids", test_gb18030);
  CU_add_test (suite, "library from headers or name; --map", test_library_and_map);
  CU_add_test (suite, "JSON Lines", test_jsonl);
  CU_add_test (suite, "XLSX: sheets, shared and inline strings", test_xlsx);
  CU_add_test (suite, "a damaged workbook", test_not_a_workbook);
  CU_add_test (suite, "CSV: a quote that never closes", test_unclosed_quote);
  CU_add_test (suite, "corpus writer round trip", test_writer_round_trip);
  return tm_test_run ();
}
