/* test-reader.c — the corpus reader and the corpus walker. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "tm-corpus.h"
#include "tm-error.h"
#include "tm-private.h"
#include "tm-reader.h"
#include "tm-test.h"

typedef struct {
  GPtrArray *messages; /* "line:column: id: message" */
} Problems;

static void
collect_problem (const TmProblem *p, gpointer data)
{
  Problems *problems = data;

  g_ptr_array_add (problems->messages,
                   g_strdup_printf ("%u:%u: %s: %s", p->line, p->column,
                                    p->record_id ? p->record_id : "-", p->message));
}

static Problems *
problems_new (void)
{
  Problems *p = g_new0 (Problems, 1);

  p->messages = g_ptr_array_new_with_free_func (g_free);
  return p;
}

static void
problems_free (Problems *p)
{
  g_ptr_array_unref (p->messages);
  g_free (p);
}

/* Writes @contents to a new file of the temporary folder; returns its
 * path (transfer full). */
static char *
write_temp (const char *contents, gssize len)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("reader-%u.xml", ++n);

  return tm_test_write (name, contents, len);
}

static void
test_good_achievements (void)
{
  g_autofree char *path = tm_test_path ("tests/data/good/achievements.xml");
  g_autoptr(GError) error = NULL;
  Problems *problems = problems_new ();
  g_autoptr(TmReader) reader = tm_reader_open (path, collect_problem, problems, &error);
  TmRecord *r;

  CU_ASSERT_PTR_NOT_NULL_FATAL (reader);
  CU_ASSERT_EQUAL (tm_reader_get_library (reader), TM_LIBRARY_ACHIEVEMENT);

  r = tm_reader_next (reader, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_STRING_EQUAL (r->id, "A-T001");
  CU_ASSERT_STRING_EQUAL (r->updated, "2025-10-17");
  CU_ASSERT_STRING_EQUAL (r->title, "PEM电解水制氢用钛基阳极扩散层");
  CU_ASSERT_STRING_EQUAL (r->org, "西北有色金属研究院");
  CU_ASSERT_STRING_EQUAL (r->region, "西安经开区");
  CU_ASSERT_STRING_EQUAL (r->domain, "氢能");
  CU_ASSERT_EQUAL (r->keywords->len, 3);
  CU_ASSERT_STRING_EQUAL (r->keywords->pdata[1], "阳极扩散层");
  /* The wrapped line joins without a space between Chinese characters. */
  CU_ASSERT_STRING_EQUAL (r->body, "采用梯度孔隙钛纤维毡与铂涂层，在 2 A/cm² 下电解电压 1.78 V，"
                                   "寿命试验 3000 h 衰减低于 5 μV/h。");
  CU_ASSERT_EQUAL (r->trl, 6);
  CU_ASSERT_EQUAL (r->ip->len, 2);
  CU_ASSERT_STRING_EQUAL (r->transfer, "技术许可");
  CU_ASSERT (r->budget < 0);
  CU_ASSERT_EQUAL (r->line, 4);
  tm_record_free (r);

  /* Children in another order, optional fields absent. */
  r = tm_reader_next (reader, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_STRING_EQUAL (r->id, "A-T002");
  CU_ASSERT_STRING_EQUAL (r->title, "玻璃基板缺陷線上檢測");
  CU_ASSERT_PTR_NULL (r->org);
  CU_ASSERT_PTR_NULL (r->updated);
  CU_ASSERT_EQUAL (r->trl, 0);
  CU_ASSERT_EQUAL (r->keywords->len, 0);
  tm_record_free (r);

  r = tm_reader_next (reader, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT_STRING_EQUAL (r->id, "A-T003");
  tm_record_free (r);

  CU_ASSERT_PTR_NULL (tm_reader_next (reader, &error));
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_EQUAL (problems->messages->len, 0);
  problems_free (problems);
}

static void
test_good_demands (void)
{
  g_autofree char *path = tm_test_path ("tests/data/good/demands.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmReader) reader = tm_reader_open (path, NULL, NULL, &error);
  g_autoptr(TmRecord) r1 = NULL;
  g_autoptr(TmRecord) r2 = NULL;

  CU_ASSERT_PTR_NOT_NULL_FATAL (reader);
  CU_ASSERT_EQUAL (tm_reader_get_library (reader), TM_LIBRARY_DEMAND);
  r1 = tm_reader_next (reader, &error);
  r2 = tm_reader_next (reader, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r1);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r2);
  CU_ASSERT_STRING_EQUAL (r1->org, "陕西某氢能装备有限公司");
  CU_ASSERT_DOUBLE_EQUAL (r1->budget, 200, 1e-9);
  CU_ASSERT_STRING_EQUAL (r1->budget_unit, "万元");
  CU_ASSERT_STRING_EQUAL (r1->deadline, "2026-06-30");
  CU_ASSERT_STRING_EQUAL (r1->cooperation, "联合攻关");
  CU_ASSERT_EQUAL (r1->trl, 7);
  CU_ASSERT_DOUBLE_EQUAL (r2->budget, 80.5, 1e-9);
  CU_ASSERT_PTR_NULL (r2->budget_unit);
  CU_ASSERT_PTR_NULL (tm_reader_next (reader, &error));
  CU_ASSERT_PTR_NULL (error);
}

static void
test_tidy_text (void)
{
  char *s;

  CU_ASSERT_PTR_NULL (_tm_tidy_text (""));
  CU_ASSERT_PTR_NULL (_tm_tidy_text (" \n\t "));
  s = _tm_tidy_text ("  a \n\n  b\tc  ");
  CU_ASSERT_STRING_EQUAL (s, "a b c");
  g_free (s);
  /* Wrapped Chinese joins; Chinese next to Latin keeps its space. */
  s = _tm_tidy_text ("电解\n    槽 PEM\n  制氢");
  CU_ASSERT_STRING_EQUAL (s, "电解槽 PEM 制氢");
  g_free (s);
  s = _tm_tidy_text ("电解 槽");
  CU_ASSERT_STRING_EQUAL (s, "电解 槽");
  g_free (s);
}

/* Reads the whole file; returns the problems, one string each. */
static GPtrArray *
read_all (const char *contents, gssize len, guint *n_good, GError **error)
{
  g_autofree char *path = write_temp (contents, len);
  Problems *problems = problems_new ();
  GPtrArray *out;
  TmReader *reader = tm_reader_open (path, collect_problem, problems, error);
  TmRecord *r;

  *n_good = 0;
  if (reader != NULL)
    {
      while ((r = tm_reader_next (reader, error)) != NULL)
        {
          (*n_good)++;
          tm_record_free (r);
        }
      tm_reader_free (reader);
    }
  unlink (path);
  out = g_ptr_array_ref (problems->messages);
  problems_free (problems);
  return out;
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<corpus xmlns=\"urn:techmatch:corpus:1\" library=\"achievement\">\n"

static void
test_bad_records_do_not_hide_later_ones (void)
{
  g_autoptr(GError) error = NULL;
  guint n_good;
  g_autoptr(GPtrArray) p = read_all (HEAD
    "<achievement id='a1'><title>t</title><abstract>x</abstract><bogus/></achievement>\n"
    "<achievement id='a2'><title>t</title><abstract>x</abstract></achievement>\n"
    "<achievement id='a3'><abstract>x</abstract></achievement>\n"
    "<achievement id='a4'><title>t</title><abstract>x</abstract><trl>10</trl></achievement>\n"
    "<achievement id='a5'><title>t</title><abstract>x</abstract></achievement>\n"
    "</corpus>\n", -1, &n_good, &error);

  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_EQUAL (n_good, 2);
  CU_ASSERT_EQUAL_FATAL (p->len, 3);
  CU_ASSERT (g_str_has_prefix (p->pdata[0], "3:") && strstr (p->pdata[0], "a1: schema:") != NULL);
  CU_ASSERT (g_str_has_prefix (p->pdata[1], "5:1: a3: schema: Expecting an element title"));
  CU_ASSERT (g_str_has_prefix (p->pdata[2], "6:") && strstr (p->pdata[2], "a4: <trl> is \"10\"") != NULL);
}

static void
test_fatal_errors (void)
{
  guint n_good;

  {
    g_autoptr(GError) error = NULL;
    /* libxml2 parses ahead of the records handed on, so records before
     * the break may or may not come through; the error always does. */
    g_autoptr(GPtrArray) p = read_all (HEAD
      "<achievement id='a1'><title>t</title><abstract>x</abstract></achievement>\n"
      "<achievement id='a2'><title>t</title><abstract>x</abstract>\n"
      "</corpus>\n", -1, &n_good, &error);
    CU_ASSERT (n_good <= 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL (error);
    CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
    CU_ASSERT (strstr (error->message, ":5:") != NULL);
  }
  {
    g_autoptr(GError) error = NULL;
    /* An embedded NUL is not XML. */
    static const char nul[] = HEAD "<achievement id='a1'><title>t\0t</title><abstract>x</abstract></achievement></corpus>";
    g_autoptr(GPtrArray) p = read_all (nul, sizeof nul - 1, &n_good, &error);
    CU_ASSERT_EQUAL (n_good, 0);
    CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) p = read_all ("<?xml version='1.0'?>\n<!DOCTYPE corpus SYSTEM 'http://example.org/x.dtd'>\n"
                                       "<corpus xmlns='urn:techmatch:corpus:1' library='demand'/>", -1, &n_good, &error);
    CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
    CU_ASSERT (strstr (error->message, ":2:1: a DOCTYPE declaration is not allowed") != NULL);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) p = read_all ("", 0, &n_good, &error);
    CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_PARSE));
  }
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  TmReader *reader = tm_reader_open ("/nonexistent/x.xml", NULL, NULL, &error);

  CU_ASSERT_PTR_NULL (reader);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
  g_clear_error (&error);
  reader = tm_reader_open ("/", NULL, NULL, &error);
  CU_ASSERT_PTR_NULL (reader);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
}

static void
test_record_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) xml = g_string_new (HEAD "<achievement id='big'><title>t</title><abstract>");
  guint n_good;
  g_autoptr(GPtrArray) p = NULL;

  for (guint i = 0; i < (2u << 20) / 8; i++)
    g_string_append (xml, "技术文本");   /* 12 bytes */
  g_string_append (xml, "</abstract></achievement></corpus>\n");
  p = read_all (xml->str, xml->len, &n_good, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_EQUAL (n_good, 0);
  CU_ASSERT_EQUAL_FATAL (p->len, 1);
  CU_ASSERT (strstr (p->pdata[0], "TM_MAX_RECORD_BYTES") != NULL);
}

/* Memory stays flat however long the file: the reader frees each record's
 * nodes as it moves on.  Checked by reading a 60,000-record file and
 * comparing the resident size of a short read with that of the full one
 * would be timing-free but noisy; instead the test asserts that every
 * record comes through and leaves the check of memory to the benchmark. */
static void
test_many_records (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) xml = g_string_new (HEAD);
  guint n_good;
  g_autoptr(GPtrArray) p = NULL;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (xml, "<achievement id='A%u'><title>标题%u</title><abstract>摘要</abstract></achievement>\n", i, i);
  g_string_append (xml, "</corpus>\n");
  p = read_all (xml->str, xml->len, &n_good, &error);
  CU_ASSERT_PTR_NULL (error);
  CU_ASSERT_EQUAL (n_good, 20000);
  CU_ASSERT_EQUAL (p->len, 0);
}

typedef struct {
  Problems *problems;
  guint records;
} Walk;

static gboolean
count_record (TmRecord *record, gpointer data, GError **error)
{
  ((Walk *) data)->records++;
  tm_record_free (record);
  return TRUE;
}

static void
walk_problem (const TmProblem *p, gpointer data)
{
  collect_problem (p, ((Walk *) data)->problems);
}

static void
test_corpus_duplicates_across_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *good = tm_test_path ("tests/data/good");
  g_autofree char *copy = write_temp (HEAD
    "<achievement id='A-T002'><title>again</title><abstract>x</abstract></achievement>\n"
    "<achievement id='A-new'><title>new</title><abstract>x</abstract></achievement>\n"
    "</corpus>\n", -1);
  const char *paths[] = { good, copy, NULL };
  Walk walk = { problems_new (), 0 };
  TmCorpusStats stats;

  CU_ASSERT (tm_corpus_read (paths, walk_problem, count_record, &walk, &stats, &error));
  CU_ASSERT_EQUAL (walk.records, 6);
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_ACHIEVEMENT], 4);
  CU_ASSERT_EQUAL (stats.records[TM_LIBRARY_DEMAND], 2);
  CU_ASSERT_EQUAL (stats.bad_records[TM_LIBRARY_ACHIEVEMENT], 1);
  CU_ASSERT_EQUAL (stats.files[TM_LIBRARY_ACHIEVEMENT], 2);
  CU_ASSERT_EQUAL (stats.problems, 1);
  CU_ASSERT_EQUAL_FATAL (walk.problems->messages->len, 1);
  CU_ASSERT (strstr (walk.problems->messages->pdata[0], "3:1: A-T002: duplicate achievement id \"A-T002\": first defined at ") != NULL);
  CU_ASSERT (g_str_has_suffix (walk.problems->messages->pdata[0], "tests/data/good/achievements.xml:17:3"));
  CU_ASSERT_EQUAL (stats.fields[TM_LIBRARY_ACHIEVEMENT][TM_FIELD_TITLE], 4);
  CU_ASSERT_EQUAL (stats.fields[TM_LIBRARY_ACHIEVEMENT][TM_FIELD_TRL], 2);
  unlink (copy);
  problems_free (walk.problems);
}

static void
test_corpus_list_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *good = tm_test_path ("tests/data/good");
  g_auto(GStrv) files = tm_corpus_list_files (good, &error);

  CU_ASSERT_PTR_NOT_NULL_FATAL (files);
  CU_ASSERT_EQUAL (g_strv_length (files), 2);
  CU_ASSERT (g_str_has_suffix (files[0], "achievements.xml"));
  CU_ASSERT (g_str_has_suffix (files[1], "demands.xml"));
  CU_ASSERT_PTR_NULL (tm_corpus_list_files ("/nonexistent", &error));
  CU_ASSERT_PTR_NOT_NULL (error);
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("reader", NULL, NULL);
  CU_add_test (suite, "good achievements", test_good_achievements);
  CU_add_test (suite, "good demands", test_good_demands);
  CU_add_test (suite, "tidy text", test_tidy_text);
  CU_add_test (suite, "bad records do not hide later ones", test_bad_records_do_not_hide_later_ones);
  CU_add_test (suite, "fatal errors", test_fatal_errors);
  CU_add_test (suite, "missing file", test_missing_file);
  CU_add_test (suite, "record size limit", test_record_limit);
  CU_add_test (suite, "many records", test_many_records);
  suite = CU_add_suite ("corpus", NULL, NULL);
  CU_add_test (suite, "duplicates across files", test_corpus_duplicates_across_files);
  CU_add_test (suite, "list files", test_corpus_list_files);
  return tm_test_run ();
}
