/* tm-export.c — writes corpus files out as a platform would export them:
 * CSV (any delimiter, UTF-8 or GB18030), TSV, XLSX and JSON Lines, with
 * the Chinese or English headers platforms use.  Only for the tests
 * (T130-import.sh): importing what it writes must give back the records
 * it read.
 *
 *   tm-export FORMAT OUT CORPUS...
 *   FORMAT: csv  csv-semicolon  csv-gb18030  tsv  xlsx  xlsx-inline  jsonl
 *
 * xlsx-inline writes strings inline (libxlsxwriter's constant-memory
 * mode) on a second sheet, after a sheet of notes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <json-glib/json-glib.h>
#include <xlsxwriter.h>

#include "tm-corpus.h"
#include "tm-record.h"

typedef struct {
  GPtrArray *records;
} Collect;

static gboolean
collect (TmRecord *record, gpointer data, GError **error)
{
  g_ptr_array_add (((Collect *) data)->records, record);
  return TRUE;
}

static void
print_problem (const TmProblem *p, gpointer data)
{
  fprintf (stderr, "tm-export: %s:%u: %s\n", p->file ? p->file : "", p->line, p->message);
}

/* The columns: Chinese headers for the spreadsheets, English keys for
 * JSON Lines. */
enum { C_ID, C_TITLE, C_ORG, C_REGION, C_DOMAIN, C_KEYWORDS, C_BODY, C_TRL, C_IP, C_TRANSFER,
       C_BUDGET, C_UNIT, C_DEADLINE, C_COOPERATION, C_UPDATED, N_C };

static const char *
header (int c, TmLibrary library, gboolean english)
{
  gboolean d = library == TM_LIBRARY_DEMAND;
  static const char *const zh_a[N_C] = { "成果编号", "成果名称", "完成单位", "所在地区", "技术领域", "关键词",
                                         "成果简介", "技术成熟度", "知识产权", "转化方式", NULL, NULL, NULL, NULL,
                                         "更新日期" };
  static const char *const zh_d[N_C] = { "需求编号", "需求名称", "需求单位", "地区", "所属领域", "关键字",
                                         "需求描述", "TRL", NULL, NULL, "预算", "预算单位", "截止日期",
                                         "合作方式", "发布日期" };
  static const char *const en[N_C] = { "id", "title", "org", "region", "domain", "keywords", "description",
                                       "trl", "ip", "transfer", "budget", "budget_unit", "deadline",
                                       "cooperation", "updated" };

  if (english)
    {
      if (!d && (c == C_BUDGET || c == C_UNIT || c == C_DEADLINE || c == C_COOPERATION))
        return NULL;
      if (d && (c == C_IP || c == C_TRANSFER))
        return NULL;
      if (!d && c == C_ORG)
        return "institution";
      if (!d && c == C_BODY)
        return "abstract";
      return en[c];
    }
  return d ? zh_d[c] : zh_a[c];
}

static char *
joined (GPtrArray *items)
{
  g_autoptr(GPtrArray) v = g_ptr_array_new ();

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (v, items->pdata[i]);
  g_ptr_array_add (v, NULL);
  return items->len > 0 ? g_strjoinv ("；", (char **) v->pdata) : NULL;
}

/* The text of a column for @r; NULL when empty.  transfer full */
static char *
value (const TmRecord *r, int c)
{
  switch (c)
    {
    case C_ID: return g_strdup (r->id);
    case C_TITLE: return g_strdup (r->title);
    case C_ORG: return g_strdup (r->org);
    case C_REGION: return g_strdup (r->region);
    case C_DOMAIN: return g_strdup (r->domain);
    case C_KEYWORDS: return joined (r->keywords);
    case C_BODY: return g_strdup (r->body);
    case C_TRL: return r->trl > 0 ? g_strdup_printf ("%d", r->trl) : NULL;
    case C_IP: return joined (r->ip);
    case C_TRANSFER: return g_strdup (r->transfer);
    case C_BUDGET: return r->budget >= 0 ? g_strdup_printf ("%g", r->budget) : NULL;
    case C_UNIT: return g_strdup (r->budget_unit);
    case C_DEADLINE: return g_strdup (r->deadline);
    case C_COOPERATION: return g_strdup (r->cooperation);
    case C_UPDATED: return g_strdup (r->updated);
    }
  return NULL;
}

static gboolean
write_delimited (GPtrArray *records, TmLibrary library, const char *out, char delimiter,
                 gboolean gb18030)
{
  GString *s = g_string_new (NULL);
  gboolean ok;

  for (int row = -1; row < (int) records->len; row++)
    {
      gboolean first = TRUE;

      for (int c = 0; c < N_C; c++)
        {
          const char *h = header (c, library, FALSE);
          g_autofree char *v = NULL;
          gsize cap;
          g_autofree char *quoted = NULL;

          if (h == NULL)
            continue;
          v = row < 0 ? g_strdup (h) : value (records->pdata[row], c);
          if (!first)
            g_string_append_c (s, delimiter);
          first = FALSE;
          if (v == NULL)
            continue;
          cap = strlen (v) * 2 + 2;
          quoted = g_malloc (cap);
          g_string_append_len (s, quoted, (gssize) csv_write (quoted, cap, v, strlen (v)));
        }
      g_string_append (s, "\r\n");
    }
  if (gb18030)
    {
      gsize len;
      g_autofree char *converted = g_convert (s->str, (gssize) s->len, "GB18030", "UTF-8", NULL, &len, NULL);

      if (converted == NULL)
        return FALSE;
      ok = g_file_set_contents (out, converted, (gssize) len, NULL);
    }
  else
    ok = g_file_set_contents (out, s->str, (gssize) s->len, NULL);
  g_string_free (s, TRUE);
  return ok;
}

static gboolean
write_xlsx (GPtrArray *records, TmLibrary library, const char *out, gboolean inline_strings)
{
  lxw_workbook_options options = { .constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE,
                                   .tmpdir = NULL };
  lxw_workbook *wb = workbook_new_opt (out, &options);
  lxw_worksheet *notes, *ws;
  lxw_format *date;
  int col;

  if (wb == NULL)
    return FALSE;
  /* xlsx-inline adds a first sheet of notes, as some platforms do: the
   * data is then on the second (import --sheet). */
  if (inline_strings)
    {
      notes = workbook_add_worksheet (wb, "说明");
      worksheet_write_string (notes, 0, 0, "导出自技术转移平台", NULL);
    }
  ws = workbook_add_worksheet (wb, library == TM_LIBRARY_DEMAND ? "需求库" : "成果库");
  date = workbook_add_format (wb);
  format_set_num_format (date, "yyyy-mm-dd");
  for (int row = -1; row < (int) records->len; row++)
    {
      const TmRecord *r = row >= 0 ? records->pdata[row] : NULL;

      col = 0;
      for (int c = 0; c < N_C; c++)
        {
          const char *h = header (c, library, FALSE);
          g_autofree char *v = NULL;

          if (h == NULL)
            continue;
          if (r == NULL)
            worksheet_write_string (ws, 0, (lxw_col_t) col, h, NULL);
          else if (c == C_TRL && r->trl > 0)
            worksheet_write_number (ws, (lxw_row_t) row + 1, (lxw_col_t) col, r->trl, NULL);
          else if (c == C_BUDGET && r->budget >= 0)
            worksheet_write_number (ws, (lxw_row_t) row + 1, (lxw_col_t) col, r->budget, NULL);
          else if ((c == C_UPDATED || c == C_DEADLINE) && (v = value (r, c)) != NULL)
            {
              /* A real date cell: Excel stores the serial day number. */
              lxw_datetime dt = { 0 };

              sscanf (v, "%d-%d-%d", &dt.year, &dt.month, &dt.day);
              worksheet_write_datetime (ws, (lxw_row_t) row + 1, (lxw_col_t) col, &dt, date);
            }
          else if ((v = value (r, c)) != NULL)
            worksheet_write_string (ws, (lxw_row_t) row + 1, (lxw_col_t) col, v, NULL);
          col++;
        }
    }
  return workbook_close (wb) == LXW_NO_ERROR;
}

static gboolean
write_jsonl (GPtrArray *records, TmLibrary library, const char *out)
{
  FILE *f = fopen (out, "w");

  if (f == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      const TmRecord *r = records->pdata[i];
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      for (int c = 0; c < N_C; c++)
        {
          const char *key = header (c, library, TRUE);
          g_autofree char *v = NULL;

          if (key == NULL)
            continue;
          if (c == C_KEYWORDS || c == C_IP)
            {
              GPtrArray *items = c == C_KEYWORDS ? r->keywords : r->ip;

              json_builder_set_member_name (b, key);
              json_builder_begin_array (b);
              for (guint k = 0; k < items->len; k++)
                json_builder_add_string_value (b, items->pdata[k]);
              json_builder_end_array (b);
              continue;
            }
          if (c == C_TRL && r->trl > 0)
            {
              json_builder_set_member_name (b, key);
              json_builder_add_int_value (b, r->trl);
              continue;
            }
          if (c == C_BUDGET && r->budget >= 0)
            {
              json_builder_set_member_name (b, key);
              json_builder_add_double_value (b, r->budget);
              continue;
            }
          v = value (r, c);
          json_builder_set_member_name (b, key);
          if (v != NULL)
            json_builder_add_string_value (b, v);
          else
            json_builder_add_null_value (b);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      fprintf (f, "%s\n", text);
    }
  return fclose (f) == 0;
}

int
main (int argc, char **argv)
{
  Collect c = { g_ptr_array_new_with_free_func ((GDestroyNotify) tm_record_free) };
  TmCorpusStats stats;
  TmLibrary library;
  const char *format, *out;
  gboolean ok;

  if (argc < 4)
    {
      fprintf (stderr, "usage: tm-export FORMAT OUT CORPUS...\n");
      return 2;
    }
  format = argv[1];
  out = argv[2];
  if (!tm_corpus_read ((const char * const *) argv + 3, print_problem, collect, &c, &stats, NULL)
      || stats.problems > 0 || c.records->len == 0)
    {
      fprintf (stderr, "tm-export: the corpus has problems or no record\n");
      return 1;
    }
  library = ((TmRecord *) c.records->pdata[0])->library;
  if (strcmp (format, "csv") == 0)
    ok = write_delimited (c.records, library, out, ',', FALSE);
  else if (strcmp (format, "csv-semicolon") == 0)
    ok = write_delimited (c.records, library, out, ';', FALSE);
  else if (strcmp (format, "csv-gb18030") == 0)
    ok = write_delimited (c.records, library, out, ',', TRUE);
  else if (strcmp (format, "tsv") == 0)
    ok = write_delimited (c.records, library, out, '\t', FALSE);
  else if (strcmp (format, "xlsx") == 0)
    ok = write_xlsx (c.records, library, out, FALSE);
  else if (strcmp (format, "xlsx-inline") == 0)
    ok = write_xlsx (c.records, library, out, TRUE);
  else if (strcmp (format, "jsonl") == 0)
    ok = write_jsonl (c.records, library, out);
  else
    {
      fprintf (stderr, "tm-export: unknown format %s\n", format);
      return 2;
    }
  g_ptr_array_unref (c.records);
  if (!ok)
    {
      fprintf (stderr, "tm-export: cannot write %s\n", out);
      return 1;
    }
  return 0;
}
