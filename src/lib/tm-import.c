/* tm-import.c — CSV, TSV, XLSX and JSON Lines as corpus records (see
 * tm-import.h).
 *
 * Each format is read into rows of cells (a whole file at once: the
 * platforms' exports are tens of megabytes at most, and an XLSX sheet has
 * to be unzipped anyway), every cell knowing its field, its row and its
 * column.  One function then turns a row into a TmRecord under the
 * value rules of the corpus reader, collecting every problem of the row
 * before reporting them with the record's id.
 *
 * CSV and TSV go through libcsv (quotes, doubled quotes, line breaks in a
 * quoted cell); XLSX through libzip and libxml2's xmlTextReader over the
 * workbook, its relationships, the shared strings and the sheet; JSON
 * Lines through json-glib, one object a line.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <csv.h>
#include <json-glib/json-glib.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <zip.h>

#include "tm-error.h"
#include "tm-import.h"
#include "tm-limits.h"
#include "tm-private.h"

#define TM_CORPUS_NS "urn:techmatch:corpus:1"
#define XLSX_MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define XLSX_REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* ---- fields and their names ----------------------------------------- */

/* What a column can hold.  Wider than TmField: the id, and the budget's
 * unit as a column of its own. */
typedef enum {
  F_ID,
  F_UPDATED,
  F_TITLE,
  F_ORG,
  F_REGION,
  F_DOMAIN,
  F_KEYWORDS,
  F_BODY,
  F_TRL,
  F_IP,
  F_TRANSFER,     /* achievements only */
  F_BUDGET,       /* demands only, and the next three */
  F_BUDGET_UNIT,
  F_DEADLINE,
  F_COOPERATION,
  N_F
} Field;

/* Which library a header suggests, for files that do not say. */
enum { HINT_NONE, HINT_DEMAND, HINT_ACHIEVEMENT };

typedef struct {
  Field field;
  int hint;
  const char *name;   /* folded: lower case, no spaces, _ or - */
} Alias;

/* The usual headers of the platforms' exports, in Chinese and English;
 * techmatch-corpus(5) lists them.  The corpus element names come first
 * (what tm_corpus_writer_add() and --map use). */
static const Alias aliases[] = {
  { F_ID, HINT_NONE, "id" },
  { F_ID, HINT_NONE, "编号" },
  { F_ID, HINT_ACHIEVEMENT, "成果编号" },
  { F_ID, HINT_DEMAND, "需求编号" },
  { F_ID, HINT_NONE, "项目编号" },
  { F_ID, HINT_NONE, "记录编号" },
  { F_ID, HINT_NONE, "编码" },
  { F_ID, HINT_NONE, "code" },
  { F_ID, HINT_NONE, "recordid" },
  { F_ID, HINT_NONE, "identifier" },
  { F_UPDATED, HINT_NONE, "updated" },
  { F_UPDATED, HINT_NONE, "更新日期" },
  { F_UPDATED, HINT_NONE, "更新时间" },
  { F_UPDATED, HINT_NONE, "发布日期" },
  { F_UPDATED, HINT_NONE, "发布时间" },
  { F_UPDATED, HINT_NONE, "登记日期" },
  { F_UPDATED, HINT_NONE, "日期" },
  { F_UPDATED, HINT_NONE, "date" },
  { F_UPDATED, HINT_NONE, "updatedat" },
  { F_UPDATED, HINT_NONE, "lastmodified" },
  { F_TITLE, HINT_NONE, "title" },
  { F_TITLE, HINT_NONE, "标题" },
  { F_TITLE, HINT_NONE, "名称" },
  { F_TITLE, HINT_ACHIEVEMENT, "成果名称" },
  { F_TITLE, HINT_DEMAND, "需求名称" },
  { F_TITLE, HINT_DEMAND, "需求标题" },
  { F_TITLE, HINT_NONE, "项目名称" },
  { F_TITLE, HINT_NONE, "技术名称" },
  { F_TITLE, HINT_NONE, "name" },
  { F_ORG, HINT_ACHIEVEMENT, "institution" },
  { F_ORG, HINT_DEMAND, "org" },
  { F_ORG, HINT_NONE, "单位" },
  { F_ORG, HINT_ACHIEVEMENT, "完成单位" },
  { F_ORG, HINT_NONE, "所属单位" },
  { F_ORG, HINT_ACHIEVEMENT, "依托单位" },
  { F_ORG, HINT_ACHIEVEMENT, "研发单位" },
  { F_ORG, HINT_ACHIEVEMENT, "承担单位" },
  { F_ORG, HINT_ACHIEVEMENT, "成果单位" },
  { F_ORG, HINT_DEMAND, "需求单位" },
  { F_ORG, HINT_DEMAND, "需求企业" },
  { F_ORG, HINT_DEMAND, "企业" },
  { F_ORG, HINT_DEMAND, "企业名称" },
  { F_ORG, HINT_DEMAND, "公司" },
  { F_ORG, HINT_DEMAND, "公司名称" },
  { F_ORG, HINT_DEMAND, "发布单位" },
  { F_ORG, HINT_NONE, "organization" },
  { F_ORG, HINT_NONE, "organisation" },
  { F_ORG, HINT_DEMAND, "company" },
  { F_ORG, HINT_DEMAND, "enterprise" },
  { F_REGION, HINT_NONE, "region" },
  { F_REGION, HINT_NONE, "地区" },
  { F_REGION, HINT_NONE, "所在地区" },
  { F_REGION, HINT_NONE, "所在地" },
  { F_REGION, HINT_NONE, "区域" },
  { F_REGION, HINT_NONE, "地域" },
  { F_REGION, HINT_NONE, "城市" },
  { F_REGION, HINT_NONE, "location" },
  { F_REGION, HINT_NONE, "city" },
  { F_DOMAIN, HINT_NONE, "domain" },
  { F_DOMAIN, HINT_NONE, "技术领域" },
  { F_DOMAIN, HINT_NONE, "领域" },
  { F_DOMAIN, HINT_NONE, "所属领域" },
  { F_DOMAIN, HINT_NONE, "行业" },
  { F_DOMAIN, HINT_NONE, "行业领域" },
  { F_DOMAIN, HINT_NONE, "产业领域" },
  { F_DOMAIN, HINT_NONE, "field" },
  { F_DOMAIN, HINT_NONE, "industry" },
  { F_DOMAIN, HINT_NONE, "sector" },
  { F_KEYWORDS, HINT_NONE, "keywords" },
  { F_KEYWORDS, HINT_NONE, "keyword" },
  { F_KEYWORDS, HINT_NONE, "关键词" },
  { F_KEYWORDS, HINT_NONE, "关键字" },
  { F_KEYWORDS, HINT_NONE, "标签" },
  { F_KEYWORDS, HINT_NONE, "tags" },
  { F_BODY, HINT_ACHIEVEMENT, "abstract" },
  { F_BODY, HINT_DEMAND, "description" },
  { F_BODY, HINT_ACHIEVEMENT, "摘要" },
  { F_BODY, HINT_ACHIEVEMENT, "成果简介" },
  { F_BODY, HINT_ACHIEVEMENT, "成果介绍" },
  { F_BODY, HINT_ACHIEVEMENT, "成果描述" },
  { F_BODY, HINT_NONE, "简介" },
  { F_BODY, HINT_DEMAND, "需求描述" },
  { F_BODY, HINT_DEMAND, "问题描述" },
  { F_BODY, HINT_DEMAND, "需求内容" },
  { F_BODY, HINT_DEMAND, "需求详情" },
  { F_BODY, HINT_DEMAND, "需求简介" },
  { F_BODY, HINT_DEMAND, "技术需求" },
  { F_BODY, HINT_NONE, "描述" },
  { F_BODY, HINT_NONE, "内容" },
  { F_BODY, HINT_NONE, "详细描述" },
  { F_BODY, HINT_NONE, "summary" },
  { F_BODY, HINT_NONE, "details" },
  { F_TRL, HINT_NONE, "trl" },
  { F_TRL, HINT_NONE, "成熟度" },
  { F_TRL, HINT_NONE, "技术成熟度" },
  { F_TRL, HINT_NONE, "成熟度等级" },
  { F_TRL, HINT_NONE, "技术就绪度" },
  { F_TRL, HINT_NONE, "maturity" },
  { F_IP, HINT_ACHIEVEMENT, "ip" },
  { F_IP, HINT_ACHIEVEMENT, "知识产权" },
  { F_IP, HINT_ACHIEVEMENT, "知识产权类型" },
  { F_IP, HINT_ACHIEVEMENT, "知识产权情况" },
  { F_IP, HINT_ACHIEVEMENT, "专利" },
  { F_IP, HINT_ACHIEVEMENT, "专利情况" },
  { F_IP, HINT_ACHIEVEMENT, "intellectualproperty" },
  { F_IP, HINT_ACHIEVEMENT, "patent" },
  { F_IP, HINT_ACHIEVEMENT, "patents" },
  { F_TRANSFER, HINT_ACHIEVEMENT, "transfer" },
  { F_TRANSFER, HINT_ACHIEVEMENT, "转化方式" },
  { F_TRANSFER, HINT_ACHIEVEMENT, "交易方式" },
  { F_TRANSFER, HINT_ACHIEVEMENT, "转让方式" },
  { F_BUDGET, HINT_DEMAND, "budget" },
  { F_BUDGET, HINT_DEMAND, "预算" },
  { F_BUDGET, HINT_DEMAND, "预算金额" },
  { F_BUDGET, HINT_DEMAND, "经费" },
  { F_BUDGET, HINT_DEMAND, "经费预算" },
  { F_BUDGET, HINT_DEMAND, "拟投入资金" },
  { F_BUDGET, HINT_DEMAND, "投入资金" },
  { F_BUDGET_UNIT, HINT_DEMAND, "budgetunit" },
  { F_BUDGET_UNIT, HINT_DEMAND, "预算单位" },
  { F_BUDGET_UNIT, HINT_DEMAND, "金额单位" },
  { F_BUDGET_UNIT, HINT_DEMAND, "currency" },
  { F_DEADLINE, HINT_DEMAND, "deadline" },
  { F_DEADLINE, HINT_DEMAND, "截止日期" },
  { F_DEADLINE, HINT_DEMAND, "截止时间" },
  { F_DEADLINE, HINT_DEMAND, "期限" },
  { F_DEADLINE, HINT_DEMAND, "有效期" },
  { F_DEADLINE, HINT_DEMAND, "有效期至" },
  { F_DEADLINE, HINT_DEMAND, "duedate" },
  { F_COOPERATION, HINT_NONE, "cooperation" },
  { F_COOPERATION, HINT_NONE, "合作方式" },
  { F_COOPERATION, HINT_NONE, "合作形式" },
};

/* The name a field has in messages and in --map: its corpus element. */
static const char *
field_name (Field f, TmLibrary library)
{
  switch (f)
    {
    case F_ID: return "id";
    case F_UPDATED: return "updated";
    case F_TITLE: return "title";
    case F_ORG: return library == TM_LIBRARY_DEMAND ? "org" : "institution";
    case F_REGION: return "region";
    case F_DOMAIN: return "domain";
    case F_KEYWORDS: return "keywords";
    case F_BODY: return library == TM_LIBRARY_DEMAND ? "description" : "abstract";
    case F_TRL: return "trl";
    case F_IP: return "ip";
    case F_TRANSFER: return "transfer";
    case F_BUDGET: return "budget";
    case F_BUDGET_UNIT: return "budget_unit";
    case F_DEADLINE: return "deadline";
    case F_COOPERATION: return "cooperation";
    case N_F: break;
    }
  return "?";
}

/* Whether @f has a place in @library's records. */
static gboolean
field_in_library (Field f, TmLibrary library)
{
  if (f == F_TRANSFER || f == F_IP)
    return library == TM_LIBRARY_ACHIEVEMENT;
  if (f == F_BUDGET || f == F_BUDGET_UNIT || f == F_DEADLINE)
    return library == TM_LIBRARY_DEMAND;
  return TRUE;
}

/* 合作方式 is how a demand wants to work with a solver, and how an
 * achievement is offered: one column, either field. */
static Field
field_for_library (Field f, TmLibrary library)
{
  if (f == F_COOPERATION && library == TM_LIBRARY_ACHIEVEMENT)
    return F_TRANSFER;
  if (f == F_TRANSFER && library == TM_LIBRARY_DEMAND)
    return F_COOPERATION;
  return f;
}

/* A header as it is compared: NFKC (full-width letters and brackets
 * become ASCII), lower case, without white space, '_', '-', '*' (the
 * platforms' mark of a required column) or a final ':'.  A bracketed
 * tail, "预算(万元)", is cut off and handed back in @unit (a budget's
 * unit).  transfer full */
static char *
fold_header (const char *header, char **unit)
{
  g_autofree char *nfkc = g_utf8_normalize (header, -1, G_NORMALIZE_NFKC);
  g_autofree char *lower = NULL;
  GString *out;
  char *open;

  if (unit != NULL)
    *unit = NULL;
  if (nfkc == NULL)
    return g_strdup ("");
  lower = g_utf8_casefold (nfkc, -1);
  g_strstrip (lower);
  open = strchr (lower, '(');
  if (open != NULL && g_str_has_suffix (lower, ")") && open != lower)
    {
      if (unit != NULL)
        {
          *unit = g_strndup (open + 1, strlen (open + 1) - 1);
          g_strstrip (*unit);
          if ((*unit)[0] == '\0')
            g_clear_pointer (unit, g_free);
        }
      *open = '\0';
    }
  out = g_string_new (NULL);
  for (const char *p = lower; *p != '\0'; p++)
    if (!g_ascii_isspace (*p) && *p != '_' && *p != '-' && *p != '*' && *p != ':')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static const Alias *
find_alias (const char *folded)
{
  for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (aliases[i].name, folded) == 0)
      return &aliases[i];
  return NULL;
}

/* The field a --map key names: an element name, "id", "updated" or
 * "budget_unit" (or an alias: a map may say 标题 = 项目名称). */
static gboolean
map_key_field (const char *key, Field *out)
{
  g_autofree char *folded = fold_header (key, NULL);
  const Alias *a = find_alias (folded);

  if (a == NULL)
    return FALSE;
  *out = a->field;
  return TRUE;
}

/* ---- rows and cells -------------------------------------------------- */

typedef struct {
  int field;         /* Field, or -1 for a column that is ignored */
  guint column;      /* 1-based; 0 in JSON Lines */
  const char *header; /* owned by the import */
  char *value;       /* raw bytes as read, NUL-terminated */
  gsize len;
} Cell;

typedef struct {
  guint number;      /* the row as a spreadsheet numbers it, or the line */
  GArray *cells;     /* of Cell */
} Row;

static void
cell_clear (gpointer p)
{
  Cell *c = p;

  g_free (c->value);
}

static void
row_free (gpointer p)
{
  Row *r = p;

  if (r == NULL)
    return;
  g_array_unref (r->cells);
  g_free (r);
}

static Row *
row_new (guint number)
{
  Row *r = g_new0 (Row, 1);

  r->number = number;
  r->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (r->cells, cell_clear);
  return r;
}

static void
row_add (Row *r, guint column, const char *value, gsize len)
{
  Cell c = { -1, column, NULL, g_strndup (value, len), len };

  /* g_strndup stops at a NUL: keep the bytes as read, so that a NUL in a
   * cell is seen and reported rather than silently cutting the text. */
  if (memchr (value, '\0', len) != NULL)
    {
      g_free (c.value);
      c.value = g_malloc (len + 1);
      memcpy (c.value, value, len);
      c.value[len] = '\0';
    }
  g_array_append_val (r->cells, c);
}

static gboolean
row_is_blank (const Row *r)
{
  for (guint i = 0; i < r->cells->len; i++)
    {
      const Cell *c = &g_array_index (r->cells, Cell, i);

      for (gsize k = 0; k < c->len; k++)
        if (!g_ascii_isspace (c->value[k]))
          return FALSE;
    }
  return TRUE;
}

struct _TmImport {
  char *path;
  TmImportFormat format;
  TmLibrary library;
  TmProblemFunc problem_func;
  gpointer user_data;

  /* Tables: the header, each column's field, then the rows. */
  GPtrArray *headers;     /* of char *, by column - 1 */
  GArray *column_fields;  /* of int, by column - 1 */
  GPtrArray *rows;        /* of Row */
  guint next_row;
  char *header_unit;      /* from a header such as 预算(万元) */

  /* JSON Lines: the keys seen, folded → field (or -1). */
  GHashTable *key_fields;
  GHashTable *key_names;  /* the keys as written, for messages */

  const char * const *map;
  gboolean id_column;
  gboolean noted_hash_ids;
  guint n_bad;
};

static void
note (TmImport *import, guint line, guint column, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
note (TmImport *import, guint line, guint column, const char *format, ...)
{
  g_autofree char *message = NULL;
  TmProblem problem = { import->path, line, column, NULL, NULL, TRUE };
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  problem.message = message;
  if (import->problem_func != NULL)
    import->problem_func (&problem, import->user_data);
}

/* ---- text encodings --------------------------------------------------- */

/* Counts what of @data is UTF-8: multibyte characters that decode, and
 * bytes that do not. */
static void
count_utf8 (const char *data, gsize len, gsize *good, gsize *bad)
{
  const char *p = data, *end = data + len;

  *good = *bad = 0;
  while (p < end)
    {
      const char *stop;

      if (g_utf8_validate (p, end - p, &stop))
        stop = end;
      for (const char *q = p; q < stop; q = g_utf8_next_char (q))
        if ((guchar) *q >= 0x80)
          (*good)++;
      if (stop >= end)
        break;
      if (*stop == '\0')
        p = stop + 1;  /* a NUL is reported with its cell, not here */
      else
        {
          (*bad)++;
          p = stop + 1;
        }
    }
}

/* Makes @data (transfer full, g_free) UTF-8: a BOM is dropped, UTF-16
 * with a BOM (Excel's "Unicode text") is converted, and text that is
 * mostly not UTF-8 is read as GB18030, of which GBK and GB2312 are
 * subsets (Chinese Excel's "CSV").  Text that is UTF-8 but for a few
 * bytes stays as it is: those rows are reported.  FALSE with
 * TM_ERROR_PARSE when nothing fits. */
static gboolean
to_utf8 (TmImport *import, char **data, gsize *len, GError **error)
{
  const guchar *u = (const guchar *) *data;
  gsize good, bad;
  g_autoptr(GError) local = NULL;
  char *converted;
  gsize out_len;

  if (*len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
    {
      memmove (*data, *data + 3, *len - 3 + 1);
      *len -= 3;
      return TRUE;
    }
  if (*len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
    {
      const char *from = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";

      converted = g_convert (*data + 2, (gssize) (*len - 2), "UTF-8", from, NULL, &out_len, &local);
      if (converted == NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       _("%s: starts as %s text but does not decode: %s"), import->path, from,
                       local->message);
          return FALSE;
        }
      g_free (*data);
      *data = converted;
      *len = out_len;
      note (import, 0, 0, _("%s text, read as such"), from);
      return TRUE;
    }

  count_utf8 (*data, *len, &good, &bad);
  if (bad == 0 || good >= 4 * bad)
    return TRUE;

  converted = g_convert (*data, (gssize) *len, "UTF-8", "GB18030", NULL, &out_len, &local);
  if (converted == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s: neither UTF-8 nor GB18030 (GBK) text; export the file again as UTF-8: "
                      "in Excel, Save As \"CSV UTF-8 (Comma delimited)\" (CSV UTF-8 (逗号分隔)), "
                      "in WPS, choose UTF-8 as the encoding, or save it as .xlsx"),
                   import->path);
      return FALSE;
    }
  g_free (*data);
  *data = converted;
  *len = out_len;
  note (import, 0, 0, _("not UTF-8: read as GB18030 (GBK), the encoding Chinese Excel "
           "saves CSV in; export UTF-8 to skip this guess"));
  return TRUE;
}

static gboolean
read_whole (TmImport *import, char **data, gsize *len, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_file_test (import->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", import->path,
                   g_file_test (import->path, G_FILE_TEST_EXISTS) ? _("not a regular file")
                                                                  : g_strerror (ENOENT));
      return FALSE;
    }
  if (!g_file_get_contents (import->path, data, len, &local))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  if (*len > TM_MAX_IMPORT_FILE_BYTES)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                   _("%s: %zu bytes; the limit (TM_MAX_IMPORT_FILE_BYTES) is %u"),
                   import->path, *len, TM_MAX_IMPORT_FILE_BYTES);
      g_clear_pointer (data, g_free);
      return FALSE;
    }
  return to_utf8 (import, data, len, error);
}

/* ---- CSV and TSV (libcsv) ------------------------------------------- */

typedef struct {
  GPtrArray *rows;
  Row *row;
  guint column;
  gsize bytes;     /* of the current row, against TM_MAX_RECORD_BYTES */
} CsvBuild;

static void
csv_on_field (void *s, size_t len, void *data)
{
  CsvBuild *b = data;

  if (b->row == NULL)
    b->row = row_new (b->rows->len + 1);
  b->column++;
  b->bytes += len;
  /* A row longer than any record can be is cut short here, and refused
   * with its number by the record check. */
  if (b->bytes <= (gsize) TM_MAX_RECORD_BYTES * 2)
    row_add (b->row, b->column, s != NULL ? s : "", s != NULL ? len : 0);
}

static void
csv_on_row (int c, void *data)
{
  CsvBuild *b = data;

  if (b->row == NULL)
    b->row = row_new (b->rows->len + 1);
  g_ptr_array_add (b->rows, b->row);
  b->row = NULL;
  b->column = 0;
  b->bytes = 0;
}

/* libcsv trims spaces and tabs around unquoted fields by default; a tab
 * is TSV's delimiter, and the record check tidies white space anyway. */
static int
csv_no_space (unsigned char c)
{
  return 0;
}

/* The delimiter the first line makes clear: the one of , ; tab | that
 * occurs most often outside quotes; a comma when none does. */
static char
sniff_delimiter (const char *data, gsize len)
{
  static const char candidates[] = { ',', '\t', ';', '|' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0 };
  gboolean quoted = FALSE;
  guint best = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        break;
      else if (!quoted)
        for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
          if (c == candidates[k])
            counts[k]++;
    }
  for (guint k = 1; k < G_N_ELEMENTS (candidates); k++)
    if (counts[k] > counts[best])
      best = k;
  return counts[best] > 0 ? candidates[best] : ',';
}

static gboolean
read_csv (TmImport *import, char delimiter, GError **error)
{
  g_autofree char *data = NULL;
  struct csv_parser parser;
  CsvBuild b = { import->rows, NULL, 0, 0 };
  gsize len, parsed;

  if (!read_whole (import, &data, &len, error))
    return FALSE;
  if (delimiter == 0)
    delimiter = sniff_delimiter (data, len);

  /* Strict: a stray quote is reported where it is, rather than making
   * the rest of the file one long cell. */
  if (csv_init (&parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0)
    g_error ("csv_init: out of memory");
  csv_set_delim (&parser, (unsigned char) delimiter);
  csv_set_space_func (&parser, csv_no_space);
  parsed = csv_parse (&parser, data, len, csv_on_field, csv_on_row, &b);
  if (parsed != len || csv_fini (&parser, csv_on_field, csv_on_row, &b) != 0)
    {
      guint row = import->rows->len + 1;
      int code = csv_error (&parser);

      if (code == CSV_EPARSE && parsed != len)
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                     _("%s:%u:%u: a quote out of place: a quoted cell ends with a quote and then "
                        "the delimiter or the line's end, and a quote inside a cell is doubled (\"\")"),
                     import->path, row, b.column + 1);
      else if (code == CSV_EPARSE)
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                     _("%s:%u:%u: a quoted cell that never closes (a \" missing): the file ends inside it"),
                     import->path, row, b.column + 1);
      else
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE, "%s:%u:%u: %s", import->path, row,
                     b.column + 1, csv_strerror (code));
      csv_free (&parser);
      row_free (b.row);
      return FALSE;
    }
  csv_free (&parser);
  row_free (b.row);
  return TRUE;
}

/* ---- XLSX (libzip + xmlTextReader) ------------------------------------ */

static gboolean
zip_read_entry (TmImport *import, zip_t *zip, const char *name, GBytes **out, GError **error)
{
  zip_stat_t st;
  zip_file_t *f;
  g_autofree char *buf = NULL;
  zip_int64_t n;
  gsize got = 0;

  *out = NULL;
  zip_stat_init (&st);
  if (zip_stat (zip, name, 0, &st) != 0)
    return TRUE;  /* absent: the caller decides */
  if ((st.valid & ZIP_STAT_SIZE) && st.size > TM_MAX_XLSX_PART_BYTES)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                   _("%s: the workbook's part %s unpacks to %" PRIu64
                      " bytes; the limit (TM_MAX_XLSX_PART_BYTES) is %u"),
                   import->path, name, (guint64) st.size, TM_MAX_XLSX_PART_BYTES);
      return FALSE;
    }
  f = zip_fopen (zip, name, 0);
  if (f == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: the workbook's part %s: %s"),
                   import->path, name, zip_strerror (zip));
      return FALSE;
    }
  buf = g_malloc (st.size + 1);
  while (got < st.size && (n = zip_fread (f, buf + got, st.size - got)) > 0)
    got += (gsize) n;
  if (got != st.size)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: the workbook's part %s is damaged: %s"),
                   import->path, name, zip_file_strerror (f));
      zip_fclose (f);
      return FALSE;
    }
  zip_fclose (f);
  buf[got] = '\0';
  *out = g_bytes_new_take (g_steal_pointer (&buf), got);
  return TRUE;
}

/* An xmlTextReader over one part of the workbook: no network, no DTD
 * loaded, no entity substituted. */
static xmlTextReaderPtr
part_reader (GBytes *bytes, const char *name)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return xmlReaderForMemory (data, (int) size, name, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING
                             | XML_PARSE_NOERROR);
}

static gboolean
part_error (TmImport *import, const char *part, xmlTextReaderPtr xr, GError **error)
{
  g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: the workbook's part %s is not well-formed XML "
                  "(line %d)"), import->path, part, xr != NULL ? xmlTextReaderGetParserLineNumber (xr) : 0);
  return FALSE;
}

static gboolean
is_element (xmlTextReaderPtr xr, const char *name)
{
  return xmlTextReaderNodeType (xr) == XML_READER_TYPE_ELEMENT
    && g_strcmp0 ((const char *) xmlTextReaderConstLocalName (xr), name) == 0;
}

static gboolean
is_end (xmlTextReaderPtr xr, const char *name)
{
  return xmlTextReaderNodeType (xr) == XML_READER_TYPE_END_ELEMENT
    && g_strcmp0 ((const char *) xmlTextReaderConstLocalName (xr), name) == 0;
}

/* The text of the <t> elements inside the element the reader is on (a
 * shared string <si> or an inline <is>), leaving out phonetic runs
 * <rPh>.  Leaves the reader on the element's end.  transfer full */
static char *
read_rich_text (xmlTextReaderPtr xr, const char *container, int *ret)
{
  GString *text = g_string_new (NULL);
  int depth = xmlTextReaderDepth (xr);
  gboolean in_t = FALSE, in_rph = FALSE;

  if (xmlTextReaderIsEmptyElement (xr))
    return g_string_free (text, FALSE);
  while ((*ret = xmlTextReaderRead (xr)) == 1)
    {
      int type = xmlTextReaderNodeType (xr);

      if (is_end (xr, container) && xmlTextReaderDepth (xr) == depth)
        break;
      if (is_element (xr, "rPh"))
        in_rph = !xmlTextReaderIsEmptyElement (xr);
      else if (is_end (xr, "rPh"))
        in_rph = FALSE;
      else if (is_element (xr, "t"))
        in_t = !xmlTextReaderIsEmptyElement (xr);
      else if (is_end (xr, "t"))
        in_t = FALSE;
      else if (in_t && !in_rph
               && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA
                   || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE
                   || type == XML_READER_TYPE_WHITESPACE))
        g_string_append (text, (const char *) xmlTextReaderConstValue (xr));
    }
  return g_string_free (text, FALSE);
}

static gboolean
read_shared_strings (TmImport *import, GBytes *bytes, GPtrArray *strings, GError **error)
{
  xmlTextReaderPtr xr = part_reader (bytes, "xl/sharedStrings.xml");
  int ret;

  if (xr == NULL)
    return part_error (import, "xl/sharedStrings.xml", NULL, error);
  while ((ret = xmlTextReaderRead (xr)) == 1)
    if (is_element (xr, "si"))
      {
        char *s = read_rich_text (xr, "si", &ret);

        g_ptr_array_add (strings, s);
        if (ret != 1)
          break;
      }
  if (ret < 0)
    {
      part_error (import, "xl/sharedStrings.xml", xr, error);
      xmlFreeTextReader (xr);
      return FALSE;
    }
  xmlFreeTextReader (xr);
  return TRUE;
}

/* The part of the sheet named @sheet (NULL: the first) from the workbook
 * and its relationships.  transfer full */
static char *
find_sheet_part (TmImport *import, zip_t *zip, const char *sheet, GError **error)
{
  g_autoptr(GBytes) workbook = NULL, rels = NULL;
  g_autofree char *rid = NULL, *target = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  xmlTextReaderPtr xr;
  int ret;

  if (!zip_read_entry (import, zip, "xl/workbook.xml", &workbook, error))
    return NULL;
  if (workbook == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s: a zip archive without xl/workbook.xml: not an XLSX workbook"), import->path);
      return NULL;
    }
  xr = part_reader (workbook, "xl/workbook.xml");
  while (xr != NULL && (ret = xmlTextReaderRead (xr)) == 1)
    if (is_element (xr, "sheet"))
      {
        g_autofree char *name = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "name");
        g_autofree char *id = (char *) xmlTextReaderGetAttributeNs (xr, BAD_CAST "id", BAD_CAST XLSX_REL_NS);

        g_string_append_printf (names, "%s\"%s\"", names->len > 0 ? ", " : "", name ? name : "");
        if (rid == NULL && id != NULL && (sheet == NULL || g_strcmp0 (sheet, name) == 0))
          rid = g_steal_pointer (&id);
      }
  if (xr == NULL || ret < 0)
    {
      part_error (import, "xl/workbook.xml", xr, error);
      if (xr != NULL)
        xmlFreeTextReader (xr);
      return NULL;
    }
  xmlFreeTextReader (xr);
  if (rid == NULL)
    {
      if (sheet != NULL)
        g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("%s: no sheet named \"%s\" (the sheets: %s)"),
                     import->path, sheet, names->len > 0 ? names->str : "none");
      else
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: the workbook has no sheet"), import->path);
      return NULL;
    }

  if (!zip_read_entry (import, zip, "xl/_rels/workbook.xml.rels", &rels, error))
    return NULL;
  if (rels != NULL)
    {
      xr = part_reader (rels, "xl/_rels/workbook.xml.rels");
      while (xr != NULL && xmlTextReaderRead (xr) == 1)
        if (is_element (xr, "Relationship"))
          {
            g_autofree char *id = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "Id");

            if (g_strcmp0 (id, rid) == 0)
              {
                target = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "Target");
                break;
              }
          }
      if (xr != NULL)
        xmlFreeTextReader (xr);
    }
  if (target == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s: the workbook does not say where its sheet is (relationship %s)"),
                   import->path, rid);
      return NULL;
    }
  /* Targets are relative to xl/, or absolute within the archive. */
  if (target[0] == '/')
    return g_strdup (target + 1);
  return g_strconcat ("xl/", target, NULL);
}

/* The 1-based column of a cell reference ("B7" → 2); 0 when malformed. */
static guint
column_of_ref (const char *ref)
{
  guint column = 0;

  for (; ref != NULL && g_ascii_isalpha (*ref); ref++)
    {
      column = column * 26 + (guint) (g_ascii_toupper (*ref) - 'A' + 1);
      if (column > 16384) /* XFD, Excel's last column */
        return 0;
    }
  return column;
}

static gboolean
read_sheet (TmImport *import, GBytes *bytes, const char *part, GPtrArray *shared, GError **error)
{
  xmlTextReaderPtr xr = part_reader (bytes, part);
  Row *row = NULL;
  guint last_row = 0, last_column = 0;
  int ret;

  if (xr == NULL)
    return part_error (import, part, NULL, error);
  while ((ret = xmlTextReaderRead (xr)) == 1)
    {
      if (is_element (xr, "row"))
        {
          g_autofree char *r = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "r");
          guint64 n = 0;

          if (r == NULL || !g_ascii_string_to_unsigned (r, 10, 1, G_MAXUINT32, &n, NULL))
            n = last_row + 1;
          last_row = (guint) n;
          last_column = 0;
          row = row_new (last_row);
          g_ptr_array_add (import->rows, row);
          if (xmlTextReaderIsEmptyElement (xr))
            row = NULL;
        }
      else if (is_end (xr, "row"))
        row = NULL;
      else if (is_element (xr, "c") && row != NULL)
        {
          g_autofree char *ref = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "r");
          g_autofree char *type = (char *) xmlTextReaderGetAttribute (xr, BAD_CAST "t");
          g_autofree char *value = NULL;
          guint column = column_of_ref (ref);
          int depth = xmlTextReaderDepth (xr);

          if (column == 0)
            column = last_column + 1;
          last_column = column;
          if (!xmlTextReaderIsEmptyElement (xr))
            while ((ret = xmlTextReaderRead (xr)) == 1)
              {
                if (is_end (xr, "c") && xmlTextReaderDepth (xr) == depth)
                  break;
                if (is_element (xr, "v"))
                  {
                    g_free (value);
                    value = (char *) xmlTextReaderReadString (xr);
                  }
                else if (is_element (xr, "is"))
                  {
                    g_free (value);
                    value = read_rich_text (xr, "is", &ret);
                    if (ret != 1)
                      break;
                  }
              }
          if (ret != 1)
            break;
          if (value == NULL)
            continue;
          if (g_strcmp0 (type, "s") == 0)
            {
              guint64 k;

              if (!g_ascii_string_to_unsigned (value, 10, 0, shared->len > 0 ? shared->len - 1 : 0, &k, NULL)
                  || shared->len == 0)
                {
                  g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                               _("%s:%u:%u: the cell refers to shared string %s, which the workbook "
                                  "does not have"), import->path, last_row, column, value);
                  xmlFreeTextReader (xr);
                  return FALSE;
                }
              g_free (value);
              value = g_strdup (shared->pdata[k]);
            }
          else if (g_strcmp0 (type, "b") == 0)
            {
              char *b = g_strdup (strcmp (value, "1") == 0 ? "TRUE" : "FALSE");
              g_free (value);
              value = b;
            }
          /* Cells come in order, but a reference may skip columns: the
           * row keeps the real column of each. */
          row_add (row, column, value, strlen (value));
        }
    }
  if (ret < 0)
    {
      part_error (import, part, xr, error);
      xmlFreeTextReader (xr);
      return FALSE;
    }
  xmlFreeTextReader (xr);
  return TRUE;
}

static gboolean
read_xlsx (TmImport *import, const char *sheet, GError **error)
{
  g_autoptr(GBytes) strings_part = NULL, sheet_part = NULL;
  g_autoptr(GPtrArray) shared = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *part = NULL;
  zip_t *zip;
  int zerr = 0;
  gboolean ok = FALSE;

  if (!g_file_test (import->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", import->path,
                   g_file_test (import->path, G_FILE_TEST_EXISTS) ? _("not a regular file")
                                                                  : g_strerror (ENOENT));
      return FALSE;
    }
  zip = zip_open (import->path, ZIP_RDONLY, &zerr);
  if (zip == NULL)
    {
      zip_error_t ze;

      zip_error_init_with_code (&ze, zerr);
      g_set_error (error, zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN ? TM_ERROR : TM_ERROR,
                   zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ
                     ? TM_ERROR_IO : TM_ERROR_PARSE,
                   _("%s: not a readable XLSX workbook: %s"), import->path, zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return FALSE;
    }
  part = find_sheet_part (import, zip, sheet, error);
  if (part == NULL)
    goto out;
  if (!zip_read_entry (import, zip, "xl/sharedStrings.xml", &strings_part, error))
    goto out;
  if (strings_part != NULL && !read_shared_strings (import, strings_part, shared, error))
    goto out;
  if (!zip_read_entry (import, zip, part, &sheet_part, error))
    goto out;
  if (sheet_part == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: the workbook names its sheet %s, "
                      "which it does not hold"), import->path, part);
      goto out;
    }
  ok = read_sheet (import, sheet_part, part, shared, error);
out:
  zip_discard (zip);
  return ok;
}

/* ---- JSON Lines (json-glib) ------------------------------------------- */

/* A JSON value as the text of a cell: strings as they are, numbers as
 * written, lists of strings joined with "；" (which keywords and ip are
 * split on).  NULL for null; FALSE for an object. */
static gboolean
json_cell_text (JsonNode *node, char **out)
{
  *out = NULL;
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_OBJECT:
      return FALSE;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        GString *s = g_string_new (NULL);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *item = NULL;

            if (!json_cell_text (json_array_get_element (array, i), &item)
                || json_node_get_node_type (json_array_get_element (array, i)) == JSON_NODE_ARRAY)
              {
                g_string_free (s, TRUE);
                return FALSE;
              }
            if (item == NULL)
              continue;
            if (s->len > 0)
              g_string_append (s, "；");
            g_string_append (s, item);
          }
        *out = g_string_free (s, FALSE);
        return TRUE;
      }
    case JSON_NODE_VALUE:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      *out = g_strdup (json_node_get_string (node));
      break;
    case G_TYPE_INT64:
      *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        *out = g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }
      break;
    case G_TYPE_BOOLEAN:
      *out = g_strdup (json_node_get_boolean (node) ? "TRUE" : "FALSE");
      break;
    default:
      break;
    }
  return TRUE;
}

/* The field of a JSON key (or a header): the map first, then the
 * aliases; -1 for an unknown key, noted once. */
static int resolve_header (TmImport *import, const char *header, guint column, gboolean report);

static gboolean
read_jsonl (TmImport *import, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  guint line = 0;
  char *p, *next;

  if (!read_whole (import, &data, &len, error))
    return FALSE;
  for (p = data; p != NULL && p < data + len; p = next)
    {
      g_autoptr(GError) local = NULL;
      char *eol = memchr (p, '\n', (gsize) (data + len - p));
      JsonNode *root;
      JsonObject *object;
      g_autoptr(GList) members = NULL;
      Row *row;

      line++;
      next = eol != NULL ? eol + 1 : NULL;
      if (eol != NULL)
        *eol = '\0';
      if (g_strstrip (p)[0] == '\0')
        continue;
      row = row_new (line);
      g_ptr_array_add (import->rows, row);
      if (!g_utf8_validate (p, -1, NULL))
        {
          /* Reported by the record check, cell by cell. */
          row_add (row, 0, p, strlen (p));
          g_array_index (row->cells, Cell, 0).field = -2;
          continue;
        }
      if (!json_parser_load_from_data (parser, p, -1, &local))
        {
          row_add (row, 0, local->message, strlen (local->message));
          g_array_index (row->cells, Cell, 0).field = -3;
          continue;
        }
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          row_add (row, 0, p, strlen (p));
          g_array_index (row->cells, Cell, 0).field = -4;
          continue;
        }
      object = json_node_get_object (root);
      members = json_object_get_members (object);
      for (GList *m = members; m != NULL; m = m->next)
        {
          const char *key = m->data;
          g_autofree char *text = NULL;
          Cell *c;

          if (!g_hash_table_contains (import->key_names, key))
            g_hash_table_insert (import->key_names, g_strdup (key), g_strdup (key));
          if (!json_cell_text (json_object_get_member (object, key), &text))
            text = g_strdup ("\x01object");  /* flagged below */
          if (text == NULL)
            continue;
          row_add (row, 0, text, strlen (text));
          c = &g_array_index (row->cells, Cell, row->cells->len - 1);
          c->header = g_hash_table_lookup (import->key_names, key);
        }
    }
  return TRUE;
}

/* ---- columns ------------------------------------------------------------ */

static int
resolve_header (TmImport *import, const char *header, guint column, gboolean report)
{
  g_autofree char *unit = NULL;
  g_autofree char *folded = fold_header (header, &unit);
  const Alias *a;
  Field f;

  /* The map: field = header.  It wins over every alias. */
  for (const char * const *m = import->map; m != NULL && m[0] != NULL && m[1] != NULL; m += 2)
    {
      g_autofree char *mapped = fold_header (m[1], NULL);

      if (strcmp (mapped, folded) == 0 && map_key_field (m[0], &f))
        goto found;
    }
  a = find_alias (folded);
  if (a == NULL || folded[0] == '\0')
    {
      if (report && header[0] != '\0')
        note (import, 1, column, _("column \"%s\" is not a field techmatch knows: ignored "
                 "(techmatch-corpus(5) lists the names; --map FIELD = HEADER names it)"), header);
      return -1;
    }
  f = a->field;
  /* A map that moves a header elsewhere frees the alias's field. */
  for (const char * const *m = import->map; m != NULL && m[0] != NULL && m[1] != NULL; m += 2)
    {
      Field mf;

      if (map_key_field (m[0], &mf) && mf == f)
        {
          if (report)
            note (import, 1, column, _("column \"%s\" ignored: the map takes %s from column \"%s\""),
                  header, field_name (field_for_library (f, import->library), import->library), m[1]);
          return -1;
        }
    }
found:
  f = field_for_library (f, import->library);
  if (!field_in_library (f, import->library))
    {
      if (report)
        note (import, 1, column, _("column \"%s\" (%s) has no place in the %s library: ignored"),
              header, field_name (f, import->library), tm_library_name (import->library));
      return -1;
    }
  if (f == F_BUDGET && unit != NULL && import->header_unit == NULL)
    import->header_unit = g_steal_pointer (&unit);
  return (int) f;
}

/* Which library the headers speak of; -1 when they do not tell. */
static int
library_from_headers (TmImport *import, const char * const *headers, guint n)
{
  guint votes[3] = { 0, 0, 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *folded = fold_header (headers[i], NULL);
      const Alias *a = find_alias (folded);

      if (a != NULL)
        votes[a->hint]++;
    }
  if (votes[HINT_DEMAND] > votes[HINT_ACHIEVEMENT])
    return TM_LIBRARY_DEMAND;
  if (votes[HINT_ACHIEVEMENT] > votes[HINT_DEMAND])
    return TM_LIBRARY_ACHIEVEMENT;
  return -1;
}

static int
library_from_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *lower = g_utf8_strdown (base, -1);
  gboolean d = strstr (lower, "需求") != NULL || strstr (lower, "demand") != NULL;
  gboolean a = strstr (lower, "成果") != NULL || strstr (lower, "achievement") != NULL;

  if (d != a)
    return d ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
  return -1;
}

static gboolean
check_map (TmImport *import, GError **error)
{
  for (const char * const *m = import->map; m != NULL && m[0] != NULL; m += 2)
    {
      Field f;

      if (m[1] == NULL || !map_key_field (m[0], &f))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("the map names \"%s\", which is not a field: id, updated, title, "
                          "institution, org, region, domain, keywords, abstract, description, trl, ip, "
                          "transfer, budget, budget_unit, deadline or cooperation"), m[0]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Picks the library (when not given) and each column's field. */
static gboolean
read_header (TmImport *import, const TmImportOptions *options, GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  int library = options->library_set ? (int) options->library : -1;
  gboolean have[N_F] = { FALSE };

  if (import->format == TM_IMPORT_FORMAT_JSONL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, import->key_names);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, key);
    }
  else
    {
      Row *header = NULL;

      /* The header is the first row with anything in it. */
      while (import->next_row < import->rows->len)
        {
          header = import->rows->pdata[import->next_row++];
          if (!row_is_blank (header))
            break;
          header = NULL;
        }
      if (header == NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("%s: empty: no header row naming the columns"), import->path);
          return FALSE;
        }
      for (guint i = 0; i < header->cells->len; i++)
        {
          Cell *c = &g_array_index (header->cells, Cell, i);
          g_autofree char *h = g_utf8_validate (c->value, (gssize) c->len, NULL)
                                 ? _tm_tidy_text (c->value) : NULL;

          while (import->headers->len < c->column)
            g_ptr_array_add (import->headers, g_strdup (""));
          g_free (import->headers->pdata[c->column - 1]);
          import->headers->pdata[c->column - 1] = h != NULL ? g_strdup (h) : g_strdup ("");
        }
      for (guint i = 0; i < import->headers->len; i++)
        g_ptr_array_add (names, import->headers->pdata[i]);
    }

  if (library < 0)
    library = library_from_headers (import, (const char * const *) names->pdata, names->len);
  if (library < 0)
    library = library_from_name (import->path);
  if (library < 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s: neither the headers nor the file's name say whether it holds achievements "
                      "or demands; name it so (成果库.csv, demands.xlsx) or import it with "
                      "techmatch import --library"), import->path);
      return FALSE;
    }
  import->library = (TmLibrary) library;

  if (import->format == TM_IMPORT_FORMAT_JSONL)
    {
      for (guint i = 0; i < names->len; i++)
        {
          int f = resolve_header (import, names->pdata[i], 0, FALSE);

          if (f >= 0)
            have[f] = TRUE;
        }
    }
  else
    for (guint i = 0; i < import->headers->len; i++)
      {
        const char *h = import->headers->pdata[i];
        int f = resolve_header (import, h, i + 1, TRUE);

        if (f >= 0 && have[f])
          {
            note (import, 1, i + 1, _("column \"%s\" is a second %s column: ignored"), h,
                  field_name (f, import->library));
            f = -1;
          }
        if (f >= 0)
          have[f] = TRUE;
        g_array_append_val (import->column_fields, f);
      }

  if (!have[F_TITLE] || !have[F_BODY])
    {
      Field missing = !have[F_TITLE] ? F_TITLE : F_BODY;

      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s: no %s column (%s); every record needs one (--map %s=HEADER names it)"),
                   import->path, field_name (missing, import->library),
                   missing == F_TITLE ? "标题, 成果名称, 需求名称, title"
                     : import->library == TM_LIBRARY_ACHIEVEMENT ? "摘要, 成果简介, 简介, abstract"
                       : "需求描述, 问题描述, description",
                   field_name (missing, import->library));
      return FALSE;
    }
  import->id_column = have[F_ID];
  return TRUE;
}

/* ---- values --------------------------------------------------------- */

/* One row's problems, reported once its id is known. */
typedef struct {
  guint column;
  guint order;
  char *message;
} RowProblem;

/* By column, then in the order found. */
static int
compare_row_problems (gconstpointer a, gconstpointer b)
{
  const RowProblem *x = a, *y = b;

  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static void
row_problem_clear (gpointer p)
{
  g_free (((RowProblem *) p)->message);
}

typedef struct {
  TmImport *import;
  const Row *row;
  GArray *problems;  /* of RowProblem */
  gsize bytes;
} RowBuild;

static void
row_problem (RowBuild *b, const Cell *c, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
row_problem (RowBuild *b, const Cell *c, const char *format, ...)
{
  RowProblem p;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  p.column = c != NULL ? c->column : 0;
  p.order = b->problems->len;
  p.message = c != NULL && c->header != NULL ? g_strdup_printf ("\"%s\": %s", c->header, text)
                                              : g_steal_pointer (&text);
  g_array_append_val (b->problems, p);
}

/* The text of a cell as the corpus reader keeps field text: control
 * characters (which XML cannot carry) dropped, white space tidied.
 * NULL when empty or not UTF-8 (reported).  transfer full */
static char *
cell_text (RowBuild *b, const Cell *c)
{
  const char *end;
  g_autofree char *clean = NULL;
  char *text;

  if (memchr (c->value, '\0', c->len) != NULL)
    {
      row_problem (b, c, _("holds a NUL byte: the file is binary or damaged"));
      return NULL;
    }
  if (!g_utf8_validate (c->value, (gssize) c->len, &end))
    {
      row_problem (b, c, _("invalid UTF-8 (byte 0x%02X at byte %zu of the cell); "
                      "export the file as UTF-8"), (guchar) *end, (gsize) (end - c->value) + 1);
      return NULL;
    }
  clean = g_strdup (c->value);
  for (char *p = clean; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      *p = ' ';
  text = _tm_tidy_text (clean);
  if (text != NULL)
    b->bytes += strlen (text);
  return text;
}

/* Splits a list cell: on ；;，,、 (and, for keywords written without any
 * of those, on white space). */
static void
split_list (const char *text, gboolean spaces, GPtrArray *out)
{
  static const char *const seps[] = { "；", ";", "，", ",", "、" };
  g_autofree char *s = g_strdup (text);
  gboolean any = FALSE;
  g_auto(GStrv) parts = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (seps); i++)
    if (strstr (s, seps[i]) != NULL)
      any = TRUE;
  if (any)
    {
      for (gsize i = 1; i < G_N_ELEMENTS (seps); i++)
        {
          g_auto(GStrv) split = g_strsplit (s, seps[i], -1);
          g_free (s);
          s = g_strjoinv (seps[0], split);
        }
      parts = g_strsplit (s, seps[0], -1);
    }
  else if (spaces)
    parts = g_strsplit_set (s, " \t", -1);
  else
    parts = g_strsplit (s, "\x01", -1);
  for (char **p = parts; *p != NULL; p++)
    {
      char *item = _tm_tidy_text (*p);

      if (item != NULL)
        g_ptr_array_add (out, item);
    }
}

/* A date as YYYY-MM-DD from the ways spreadsheets write one: 2025-10-17,
 * 2025/10/17, 2025.10.17, 2025年10月17日, 20251017, a time after it, or
 * Excel's serial day number.  transfer full; NULL when it is none. */
static char *
parse_date (const char *text)
{
  unsigned y = 0, m = 0, d = 0;
  g_autofree char *s = g_strdup (text);
  char *cut;
  gsize len;

  if ((cut = strpbrk (s, " T")) != NULL)
    *cut = '\0';
  len = strlen (s);
  if (len == 8 && strspn (s, "0123456789") == 8)
    {
      y = (unsigned) g_ascii_strtoull (s, NULL, 10) / 10000;
      m = (unsigned) (g_ascii_strtoull (s, NULL, 10) / 100 % 100);
      d = (unsigned) (g_ascii_strtoull (s, NULL, 10) % 100);
    }
  else if (len >= 1 && len <= 5 && strspn (s, "0123456789") == len)
    {
      /* Excel counts days from 1899-12-30 (its 1900 leap-year bug makes
       * that the origin for every date after February 1900). */
      guint64 serial = g_ascii_strtoull (s, NULL, 10);
      GDate *date;

      if (serial < 61 || serial > 2958465)
        return NULL;
      date = g_date_new_dmy (30, G_DATE_DECEMBER, 1899);
      g_date_add_days (date, (guint) serial);
      y = g_date_get_year (date);
      m = g_date_get_month (date);
      d = g_date_get_day (date);
      g_date_free (date);
    }
  else
    {
      char tail[8] = "";
      int n;

      n = sscanf (s, "%4u-%2u-%2u%7s", &y, &m, &d, tail);
      if (n < 3)
        n = sscanf (s, "%4u/%2u/%2u%7s", &y, &m, &d, tail);
      if (n < 3)
        n = sscanf (s, "%4u.%2u.%2u%7s", &y, &m, &d, tail);
      if (n < 3)
        {
          n = sscanf (s, "%4u年%2u月%2u%7s", &y, &m, &d, tail);
          if (n == 4 && strcmp (tail, "日") == 0)
            n = 3;
        }
      if (n != 3)
        return NULL;
    }
  if (y < 1000 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", y, m, d);
}

/* TRL 1–9 from "6", "6.0", "TRL6", "TRL-6", "6级" or full-width "６";
 * 0 when it is none of those. */
static int
parse_trl (const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_autofree char *s = g_ascii_strdown (nfkc != NULL ? nfkc : "", -1);
  char *p = s;
  gsize len;

  if (g_str_has_prefix (p, "trl"))
    p += 3;
  while (*p == ' ' || *p == '-' || *p == ':')
    p++;
  len = strlen (p);
  if (g_str_has_suffix (p, "级"))
    p[len -= strlen ("级")] = '\0';
  if (g_str_has_suffix (p, ".0"))
    p[len -= 2] = '\0';
  if (len == 1 && p[0] >= '1' && p[0] <= '9')
    return p[0] - '0';
  return 0;
}

/* "面议" (to be negotiated) and the like: a budget left open. */
static gboolean
is_open_budget (const char *text)
{
  static const char *const open[] = { "面议", "待定", "协商", "议定", "negotiable", "tbd", "n/a", "-" };
  g_autofree char *lower = g_utf8_casefold (text, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (open); i++)
    if (strcmp (lower, open[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
set_budget (RowBuild *b, TmRecord *r, const Cell *c, const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  GString *digits = g_string_new (NULL);
  const char *p = nfkc != NULL ? nfkc : text;
  char *end;
  double v;

  if (is_open_budget (text))
    {
      g_string_free (digits, TRUE);
      return;
    }
  /* Thousands separators go; the number's tail is its unit. */
  for (; *p != '\0' && (g_ascii_isdigit (*p) || *p == '.' || *p == ',' || *p == '-' || *p == '+'); p++)
    if (*p != ',')
      g_string_append_c (digits, *p);
  v = digits->len > 0 ? g_ascii_strtod (digits->str, &end) : -1;
  if (digits->len == 0 || *end != '\0' || !(v >= 0) || v > 1e12)
    row_problem (b, c, _("budget \"%s\" is not a non-negative number (write 200, 200万元, or 面议)"), text);
  else
    {
      g_autofree char *unit = _tm_tidy_text (p);

      r->budget = v;
      if (unit != NULL)
        {
          g_free (r->budget_unit);
          r->budget_unit = g_steal_pointer (&unit);
        }
    }
  g_string_free (digits, TRUE);
}

static void
set_field (RowBuild *b, TmRecord *r, const Cell *c, Field f, char *text /* transfer full */)
{
  char **slot = NULL;

  switch (f)
    {
    case F_ID:
      slot = &r->id;
      break;
    case F_TITLE:
      slot = &r->title;
      break;
    case F_ORG:
      slot = &r->org;
      break;
    case F_REGION:
      slot = &r->region;
      break;
    case F_DOMAIN:
      slot = &r->domain;
      break;
    case F_BODY:
      slot = &r->body;
      break;
    case F_TRANSFER:
      slot = &r->transfer;
      break;
    case F_COOPERATION:
      slot = &r->cooperation;
      break;
    case F_KEYWORDS:
      split_list (text, TRUE, r->keywords);
      break;
    case F_IP:
      split_list (text, FALSE, r->ip);
      break;
    case F_TRL:
      r->trl = parse_trl (text);
      if (r->trl == 0)
        row_problem (b, c, _("TRL \"%s\" is not a number from 1 to 9"), text);
      break;
    case F_BUDGET:
      set_budget (b, r, c, text);
      break;
    case F_BUDGET_UNIT:
      if (r->budget_unit == NULL)
        slot = &r->budget_unit;
      break;
    case F_UPDATED:
    case F_DEADLINE:
      {
        char *date = parse_date (text);

        if (date == NULL)
          row_problem (b, c, _("\"%s\" is not a date (write YYYY-MM-DD)"), text);
        else if (f == F_UPDATED)
          r->updated = date;
        else
          r->deadline = date;
      }
      break;
    case N_F:
      break;
    }
  if (slot != NULL && *slot == NULL)
    *slot = g_steal_pointer (&text);
  g_free (text);
}

/* A stable id from the record's content, for files without ids: the
 * library's letter and 12 hex digits of the SHA-1 of title and text
 * (48 bits: a collision in a library of 10^6 is about 1 in 500; one is
 * reported as a duplicate id, not lost silently).  transfer full */
static char *
content_id (const TmRecord *r)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  char hex[13];

  g_checksum_update (sum, (const guchar *) (r->title != NULL ? r->title : ""), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) (r->body != NULL ? r->body : ""), -1);
  g_strlcpy (hex, g_checksum_get_string (sum), sizeof hex);
  return g_strdup_printf ("%c-%s", r->library == TM_LIBRARY_DEMAND ? 'D' : 'A', hex);
}

static const Cell *
find_cell (const Row *row, Field f)
{
  for (guint i = 0; i < row->cells->len; i++)
    {
      const Cell *c = &g_array_index (row->cells, Cell, i);

      if (c->field == (int) f)
        return c;
    }
  return NULL;
}

/* Gives each cell of @row its field and header. */
static void
label_cells (TmImport *import, Row *row)
{
  for (guint i = 0; i < row->cells->len; i++)
    {
      Cell *c = &g_array_index (row->cells, Cell, i);

      if (c->field < -1)
        continue;  /* a whole-line problem of JSON Lines */
      if (import->format == TM_IMPORT_FORMAT_JSONL)
        {
          gpointer value;

          if (!g_hash_table_lookup_extended (import->key_fields, c->header, NULL, &value))
            {
              int f = resolve_header (import, c->header, 0, FALSE);

              if (f < 0)
                note (import, row->number, 0, _("key \"%s\" is not a field techmatch knows: ignored "
                         "(techmatch-corpus(5) lists the names; --map FIELD = KEY names it)"), c->header);
              value = GINT_TO_POINTER (f);
              g_hash_table_insert (import->key_fields, g_strdup (c->header), value);
            }
          c->field = GPOINTER_TO_INT (value);
        }
      else if (c->column >= 1 && c->column <= import->column_fields->len)
        {
          c->field = g_array_index (import->column_fields, int, c->column - 1);
          c->header = import->headers->pdata[c->column - 1];
        }
      else
        c->field = -1;
    }
}

static void
report_row (TmImport *import, const Row *row, const char *id, GArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      RowProblem *p = &g_array_index (problems, RowProblem, i);
      TmProblem problem = { import->path, row->number, p->column, id, p->message, FALSE };

      if (import->problem_func != NULL)
        import->problem_func (&problem, import->user_data);
    }
}

/* The record of one row, or NULL after reporting its problems. */
static TmRecord *
build_record (TmImport *import, Row *row)
{
  g_autoptr(TmRecord) r = tm_record_new (import->library);
  g_autoptr(GArray) problems = g_array_new (FALSE, TRUE, sizeof (RowProblem));
  RowBuild b = { import, row, problems, 0 };
  gboolean made_id = FALSE;
  const Cell *c;

  g_array_set_clear_func (problems, row_problem_clear);
  label_cells (import, row);
  r->file = g_strdup (import->path);
  r->line = row->number;

  for (guint i = 0; i < row->cells->len; i++)
    {
      Cell *cell = &g_array_index (row->cells, Cell, i);
      char *text;

      switch (cell->field)
        {
        case -2:
          row_problem (&b, NULL, _("invalid UTF-8; export the file as UTF-8"));
          continue;
        case -3:
          row_problem (&b, NULL, _("not JSON: %s"), cell->value);
          continue;
        case -4:
          row_problem (&b, NULL, _("not a JSON object: each line of JSON Lines holds one {...}"));
          continue;
        case -1:
          if (import->format != TM_IMPORT_FORMAT_JSONL && cell->column > import->headers->len
              && cell->len > 0)
            {
              /* Cells beyond the header: a quote gone astray shifts cells. */
              g_autofree char *t = g_utf8_validate (cell->value, (gssize) cell->len, NULL)
                                     ? _tm_tidy_text (cell->value) : NULL;
              if (t != NULL)
                row_problem (&b, cell, _("a cell beyond the last column of the header (%u columns): "
                                "a quote or delimiter out of place?"), import->headers->len);
            }
          continue;
        default:
          break;
        }
      if (cell->len > 0 && cell->value[0] == '\x01')
        {
          row_problem (&b, cell, _("is a JSON object; a field is a string, a number or a list"));
          continue;
        }
      text = cell_text (&b, cell);
      if (text != NULL)
        set_field (&b, r, cell, (Field) cell->field, text);
    }

  if (r->budget >= 0 && r->budget_unit == NULL && import->header_unit != NULL)
    r->budget_unit = g_strdup (import->header_unit);

  if (r->id == NULL && r->title != NULL)
    {
      r->id = content_id (r);
      made_id = TRUE;
    }
  if (r->id != NULL && !made_id)
    {
      c = find_cell (row, F_ID);
      if (g_utf8_strlen (r->id, -1) > TM_MAX_ID_CHARS)
        row_problem (&b, c, _("the id is %ld characters long; the limit (TM_MAX_ID_CHARS) is %d"),
                     g_utf8_strlen (r->id, -1), TM_MAX_ID_CHARS);
      else if (strpbrk (r->id, " \t") != NULL)
        row_problem (&b, c, _("the id \"%s\" has white space in it"), r->id);
    }
  if (r->title == NULL)
    {
      c = find_cell (row, F_TITLE);
      row_problem (&b, c, _("no title: every record needs one"));
    }
  if (r->body == NULL)
    {
      c = find_cell (row, F_BODY);
      row_problem (&b, c, _("no %s: every record needs one"), field_name (F_BODY, import->library));
    }
  if (r->keywords->len > TM_MAX_KEYWORDS)
    row_problem (&b, find_cell (row, F_KEYWORDS), _("%u keywords; the limit (TM_MAX_KEYWORDS) is %u"),
                 r->keywords->len, TM_MAX_KEYWORDS);
  if (b.bytes > TM_MAX_RECORD_BYTES)
    row_problem (&b, NULL, _("the record holds %zu bytes of text; "
                    "the limit (TM_MAX_RECORD_BYTES) is %u"), b.bytes, TM_MAX_RECORD_BYTES);

  if (problems->len > 0)
    {
      g_array_sort (problems, compare_row_problems);
      report_row (import, row, r->id, problems);
      return NULL;
    }
  if (made_id && !import->noted_hash_ids)
    {
      import->noted_hash_ids = TRUE;
      note (import, 0, 0, _("%s: each record's id is made from its title and text "
               "(%s here, the same on every import); an %s column gives them ids of your own"),
            import->id_column ? _("rows without an id") : _("no id column"), r->id,
            import->id_column ? "id" : "编号/id");
    }
  return g_steal_pointer (&r);
}

/* ---- the importer --------------------------------------------------- */

void
tm_import_options_init (TmImportOptions *options)
{
  memset (options, 0, sizeof *options);
}

static gboolean
has_suffix_ci (const char *path, const char *suffix)
{
  gsize n = strlen (path), k = strlen (suffix);

  return n >= k && g_ascii_strcasecmp (path + n - k, suffix) == 0;
}

gboolean
tm_import_is_tabular_name (const char *path)
{
  static const char *const suffixes[] = { ".csv", ".tsv", ".tab", ".xlsx", ".jsonl", ".ndjson" };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (has_suffix_ci (path, suffixes[i]))
      return TRUE;
  return FALSE;
}

TmImportFormat
tm_import_detect (const char *path)
{
  guchar head[512];
  gssize n = 0;
  FILE *f;
  gssize i = 0;

  /* Only a regular file is looked into: a FIFO would block the open.
   * Anything else goes to the corpus reader, which refuses it. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TM_IMPORT_FORMAT_XML;
  f = fopen (path, "rb");
  if (f != NULL)
    {
      n = (gssize) fread (head, 1, sizeof head, f);
      fclose (f);
    }
  if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
    return TM_IMPORT_FORMAT_XLSX;
  if (has_suffix_ci (path, ".xlsx"))
    return TM_IMPORT_FORMAT_XLSX;
  if (has_suffix_ci (path, ".jsonl") || has_suffix_ci (path, ".ndjson"))
    return TM_IMPORT_FORMAT_JSONL;
  if (has_suffix_ci (path, ".tsv") || has_suffix_ci (path, ".tab"))
    return TM_IMPORT_FORMAT_TSV;
  if (has_suffix_ci (path, ".csv"))
    return TM_IMPORT_FORMAT_CSV;
  if (has_suffix_ci (path, ".xml"))
    return TM_IMPORT_FORMAT_XML;
  /* No telling extension: the first character that is not white space
   * (after a UTF-8 BOM). */
  if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < n && g_ascii_isspace (head[i]))
    i++;
  if (i < n && head[i] == '<')
    return TM_IMPORT_FORMAT_XML;
  if (i < n && head[i] == '{')
    return TM_IMPORT_FORMAT_JSONL;
  if (has_suffix_ci (path, ".txt"))
    return TM_IMPORT_FORMAT_CSV;
  return TM_IMPORT_FORMAT_AUTO;
}

/* transfer full */
TmImport *
tm_import_open (const char *path, const TmImportOptions *options,
                TmProblemFunc problem_func, gpointer user_data, GError **error)
{
  g_autoptr(TmImport) import = NULL;
  TmImportOptions defaults;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  if (options == NULL)
    {
      tm_import_options_init (&defaults);
      options = &defaults;
    }
  import = g_new0 (TmImport, 1);
  import->path = g_strdup (path);
  import->problem_func = problem_func;
  import->user_data = user_data;
  import->headers = g_ptr_array_new_with_free_func (g_free);
  import->column_fields = g_array_new (FALSE, FALSE, sizeof (int));
  import->rows = g_ptr_array_new_with_free_func (row_free);
  import->key_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  import->key_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import->map = options->map;
  import->format = options->format != TM_IMPORT_FORMAT_AUTO ? options->format : tm_import_detect (path);
  if (import->format == TM_IMPORT_FORMAT_AUTO)
    import->format = TM_IMPORT_FORMAT_CSV;

  if (!check_map (import, error))
    return NULL;
  switch (import->format)
    {
    case TM_IMPORT_FORMAT_CSV:
      ok = read_csv (import, options->delimiter, error);
      break;
    case TM_IMPORT_FORMAT_TSV:
      ok = read_csv (import, options->delimiter != 0 ? options->delimiter : '\t', error);
      break;
    case TM_IMPORT_FORMAT_XLSX:
      ok = read_xlsx (import, options->sheet, error);
      break;
    case TM_IMPORT_FORMAT_JSONL:
      ok = read_jsonl (import, error);
      break;
    case TM_IMPORT_FORMAT_XML:
    case TM_IMPORT_FORMAT_AUTO:
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, "%s: corpus XML is read by tm_reader_open()", path);
      return NULL;
    }
  if (!ok || !read_header (import, options, error))
    return NULL;
  return g_steal_pointer (&import);
}

TmLibrary
tm_import_get_library (TmImport *import)
{
  return import->library;
}

guint
tm_import_get_n_bad (TmImport *import)
{
  return import->n_bad;
}

TmRecord *
tm_import_next (TmImport *import, GError **error)
{
  while (import->next_row < import->rows->len)
    {
      Row *row = import->rows->pdata[import->next_row];
      TmRecord *record;

      import->rows->pdata[import->next_row++] = NULL;
      if (row_is_blank (row))
        {
          row_free (row);
          continue;
        }
      record = build_record (import, row);
      row_free (row);
      if (record != NULL)
        return record;
      import->n_bad++;
    }
  return NULL;
}

void
tm_import_free (TmImport *import)
{
  if (import == NULL)
    return;
  g_free (import->path);
  g_ptr_array_unref (import->headers);
  g_array_unref (import->column_fields);
  g_ptr_array_unref (import->rows);
  g_hash_table_unref (import->key_fields);
  g_hash_table_unref (import->key_names);
  g_free (import->header_unit);
  g_free (import);
}

/* ---- writing corpus XML --------------------------------------------- */

struct _TmCorpusWriter {
  FILE *out;
  TmLibrary library;
  xmlTextWriterPtr xml;
  gboolean failed;
};

/* transfer full */
TmCorpusWriter *
tm_corpus_writer_new (FILE *out, TmLibrary library)
{
  TmCorpusWriter *w = g_new0 (TmCorpusWriter, 1);
  xmlOutputBufferPtr buf = xmlOutputBufferCreateFile (out, NULL);

  w->out = out;
  w->library = library;
  w->xml = xmlNewTextWriter (buf);
  if (xmlTextWriterStartDocument (w->xml, NULL, "UTF-8", NULL) < 0
      || xmlTextWriterStartElement (w->xml, BAD_CAST "corpus") < 0
      || xmlTextWriterWriteAttribute (w->xml, BAD_CAST "xmlns", BAD_CAST TM_CORPUS_NS) < 0
      || xmlTextWriterWriteAttribute (w->xml, BAD_CAST "library", BAD_CAST tm_library_name (library)) < 0)
    w->failed = TRUE;
  return w;
}

/* The layout of the bundled corpus: a record's fields one a line,
 * keywords on one line.  Written by hand: libxml2's indentation cannot be
 * switched off for one element. */
static void
write_indent (TmCorpusWriter *w, const char *indent)
{
  if (xmlTextWriterWriteString (w->xml, BAD_CAST indent) < 0)
    w->failed = TRUE;
}

static void
write_element (TmCorpusWriter *w, const char *name, const char *text)
{
  if (text == NULL)
    return;
  write_indent (w, "\n    ");
  if (xmlTextWriterWriteElement (w->xml, BAD_CAST name, BAD_CAST text) < 0)
    w->failed = TRUE;
}

static gboolean
writer_error (TmCorpusWriter *w, GError **error)
{
  int saved = errno;

  g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing the corpus: %s"),
               saved != 0 ? g_strerror (saved) : _("write error"));
  return FALSE;
}

gboolean
tm_corpus_writer_add (TmCorpusWriter *w, const TmRecord *r, GError **error)
{
  xmlTextWriterPtr x = w->xml;
  gboolean demand = w->library == TM_LIBRARY_DEMAND;

  if (r->library != w->library)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("%s: %s: an %s in the %s library"),
                   r->file != NULL ? r->file : "-", r->id, tm_library_name (r->library),
                   tm_library_name (w->library));
      return FALSE;
    }
  write_indent (w, "\n  ");
  if (xmlTextWriterStartElement (x, BAD_CAST tm_library_name (w->library)) < 0
      || xmlTextWriterWriteAttribute (x, BAD_CAST "id", BAD_CAST r->id) < 0)
    w->failed = TRUE;
  if (r->updated != NULL && xmlTextWriterWriteAttribute (x, BAD_CAST "updated", BAD_CAST r->updated) < 0)
    w->failed = TRUE;
  write_element (w, "title", r->title);
  write_element (w, demand ? "org" : "institution", r->org);
  write_element (w, "region", r->region);
  write_element (w, "domain", r->domain);
  if (r->keywords->len > 0)
    {
      write_indent (w, "\n    ");
      if (xmlTextWriterStartElement (x, BAD_CAST "keywords") < 0)
        w->failed = TRUE;
      for (guint i = 0; i < r->keywords->len; i++)
        if (xmlTextWriterWriteElement (x, BAD_CAST "keyword", BAD_CAST r->keywords->pdata[i]) < 0)
          w->failed = TRUE;
      if (xmlTextWriterEndElement (x) < 0)
        w->failed = TRUE;
    }
  write_element (w, demand ? "description" : "abstract", r->body);
  if (r->trl > 0)
    {
      char trl[2] = { (char) ('0' + r->trl), '\0' };
      write_element (w, "trl", trl);
    }
  for (guint i = 0; i < r->ip->len; i++)
    write_element (w, "ip", r->ip->pdata[i]);
  write_element (w, "transfer", r->transfer);
  if (r->budget >= 0)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      write_indent (w, "\n    ");
      if (xmlTextWriterStartElement (x, BAD_CAST "budget") < 0
          || (r->budget_unit != NULL
              && xmlTextWriterWriteAttribute (x, BAD_CAST "unit", BAD_CAST r->budget_unit) < 0)
          || xmlTextWriterWriteString (x, BAD_CAST g_ascii_formatd (buf, sizeof buf, "%.15g", r->budget)) < 0
          || xmlTextWriterEndElement (x) < 0)
        w->failed = TRUE;
    }
  write_element (w, "deadline", r->deadline);
  write_element (w, "cooperation", r->cooperation);
  write_indent (w, "\n  ");
  if (xmlTextWriterEndElement (x) < 0)
    w->failed = TRUE;
  if (w->failed || ferror (w->out))
    return writer_error (w, error);
  return TRUE;
}

gboolean
tm_corpus_writer_finish (TmCorpusWriter *w, GError **error)
{
  write_indent (w, "\n");
  if (xmlTextWriterEndDocument (w->xml) < 0 || xmlTextWriterFlush (w->xml) < 0)
    w->failed = TRUE;
  if (w->failed || fflush (w->out) != 0 || ferror (w->out))
    return writer_error (w, error);
  return TRUE;
}

void
tm_corpus_writer_free (TmCorpusWriter *w)
{
  if (w == NULL)
    return;
  xmlFreeTextWriter (w->xml);
  g_free (w);
}
