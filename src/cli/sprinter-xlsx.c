/* sprinter-xlsx.c — the xlsx back-end of tm-sprinter.h: one worksheet
 * written with libxlsxwriter, for the technology managers who open the
 * nightly result in Excel or WPS.
 *
 * Every line of the table family is a row; the empty lines between
 * records are left out (they would break sorting and filters).  The
 * header row is bold, frozen and carries an autofilter.  Strings are
 * written as text cells (worksheet_write_string), never as formulas, so
 * a title starting with "=" cannot run; they also go through
 * _tm_spreadsheet_text(), as in csv, so that the same cell reads the same
 * in both and stays inert when copied out of the sheet; integers and scores are numbers,
 * scores shown with their TM_SPRINTER_SCORE_DECIMALS decimals.  Column
 * widths follow the widest cell, counting a CJK character as two.
 *
 * libxlsxwriter writes a workbook to a file by name: the workbook is made
 * in a temporary file and copied to the output when it is finished, so
 * -o files still go through the commit group (tm-commit.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "tm-error.h"
#include "tm-i18n.h"
#include "tm-sprinter-backend.h"

/* Excel's own limits: rows in a sheet, characters in a cell. */
#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_CELL_CHARS 32767

/* Column widths, in characters: none narrower than a short id, none wider
 * than a long title that still fits a screen. */
#define XLSX_MIN_WIDTH 6.0
#define XLSX_MAX_WIDTH 80.0

typedef struct {
  TmTableWriter parent;
  char *tmp;             /* the workbook being made */
  lxw_workbook *workbook;
  lxw_worksheet *sheet;
  lxw_format *bold;
  lxw_format *decimals[10]; /* number formats by decimals, made on demand */
  GArray *widths;        /* double, by column */
  guint rows;            /* written so far */
  guint columns;         /* the widest row */
  gboolean header_done;
  lxw_error error;       /* the first libxlsxwriter error */
  gboolean too_many_rows;
} XlsxWriter;

static void
keep_error (XlsxWriter *x, lxw_error e)
{
  if (e != LXW_NO_ERROR && x->error == LXW_NO_ERROR)
    x->error = e;
}

static void
xlsx_begin (TmTableWriter *t)
{
  XlsxWriter *x = (XlsxWriter *) t;
  int fd = g_file_open_tmp ("techmatch-XXXXXX.xlsx", &x->tmp, NULL);

  x->widths = g_array_new (FALSE, TRUE, sizeof (double));
  if (fd < 0)
    {
      _tm_sprinter_fail (t->sp, errno);
      return;
    }
  close (fd);
  x->workbook = workbook_new (x->tmp);
  if (x->workbook == NULL)
    {
      _tm_sprinter_fail (t->sp, errno);
      return;
    }
  x->sheet = workbook_add_worksheet (x->workbook, "techmatch");
  x->bold = workbook_add_format (x->workbook);
  format_set_bold (x->bold);
}

static lxw_format *
number_format (XlsxWriter *x, int decimals)
{
  if (decimals < 0 || decimals > 9)
    decimals = 9;
  if (x->decimals[decimals] == NULL)
    {
      char pattern[16] = "0";

      if (decimals > 0)
        {
          strcat (pattern, ".");
          for (int i = 0; i < decimals; i++)
            strcat (pattern, "0");
        }
      x->decimals[decimals] = workbook_add_format (x->workbook);
      format_set_num_format (x->decimals[decimals], pattern);
    }
  return x->decimals[decimals];
}

/* The width of @s on screen: a wide (CJK) character counts two. */
static double
display_width (const char *s)
{
  double w = 0;

  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return w;
}

static void
note_width (XlsxWriter *x, guint column, double width)
{
  if (x->widths->len <= column)
    g_array_set_size (x->widths, column + 1);
  if (width > g_array_index (x->widths, double, column))
    g_array_index (x->widths, double, column) = width;
}

static void
xlsx_line (TmTableWriter *t, const TmCell *cells, guint n, gboolean header)
{
  XlsxWriter *x = (XlsxWriter *) t;
  g_autoptr(GString) safe = g_string_new (NULL);
  lxw_row_t row;

  if (x->sheet == NULL || n == 0)
    return;
  if (x->rows >= XLSX_MAX_ROWS)
    {
      x->too_many_rows = TRUE;
      return;
    }
  row = (lxw_row_t) x->rows++;
  if (n > x->columns)
    x->columns = n;
  for (guint i = 0; i < n; i++)
    {
      const TmCell *c = &cells[i];
      lxw_col_t col = (lxw_col_t) i;

      switch (header ? TM_CELL_STRING : c->type)
        {
        case TM_CELL_STRING:
          {
            const char *text = header ? c->text : _tm_spreadsheet_text (c->text, safe);

            if (g_utf8_strlen (text, -1) > XLSX_MAX_CELL_CHARS)
              {
                /* Excel holds no more in a cell: cut at a character. */
                g_autofree char *cut = g_utf8_substring (text, 0, XLSX_MAX_CELL_CHARS);
                keep_error (x, worksheet_write_string (x->sheet, row, col, cut, NULL));
              }
            else
              keep_error (x, worksheet_write_string (x->sheet, row, col, text,
                                                     header ? x->bold : NULL));
            note_width (x, i, display_width (text));
          }
          break;
        case TM_CELL_INTEGER:
          keep_error (x, worksheet_write_number (x->sheet, row, col, (double) c->integer,
                                                 number_format (x, 0)));
          note_width (x, i, (double) strlen (c->text));
          break;
        case TM_CELL_NUMBER:
          keep_error (x, worksheet_write_number (x->sheet, row, col, c->number,
                                                 number_format (x, c->decimals)));
          note_width (x, i, (double) strlen (c->text));
          break;
        case TM_CELL_BOOLEAN:
          keep_error (x, worksheet_write_boolean (x->sheet, row, col, c->boolean, NULL));
          note_width (x, i, 5);
          break;
        case TM_CELL_NULL:
          break;
        }
    }
  if (header && !x->header_done)
    {
      x->header_done = TRUE;
      /* The header stays in view when scrolling. */
      worksheet_freeze_panes (x->sheet, 1, 0);
    }
}

static gboolean
copy_workbook (TmTableWriter *t, const char *path)
{
  FILE *in = fopen (path, "rb");
  char buf[65536];
  size_t n;

  if (in == NULL)
    {
      _tm_sprinter_fail (t->sp, errno);
      return FALSE;
    }
  while ((n = fread (buf, 1, sizeof buf, in)) > 0)
    _tm_sprinter_put (t->sp, buf, (gssize) n);
  if (ferror (in))
    _tm_sprinter_fail (t->sp, errno);
  fclose (in);
  return TRUE;
}

static gboolean
xlsx_finish (TmTableWriter *t, GError **error)
{
  XlsxWriter *x = (XlsxWriter *) t;
  lxw_error closed;

  if (x->workbook == NULL)
    return TRUE;  /* the failure is recorded already */
  for (guint i = 0; i < x->widths->len; i++)
    {
      double w = g_array_index (x->widths, double, i) + 2;

      worksheet_set_column (x->sheet, (lxw_col_t) i, (lxw_col_t) i,
                            CLAMP (w, XLSX_MIN_WIDTH, XLSX_MAX_WIDTH), NULL);
    }
  if (x->header_done && x->rows > 1 && x->columns > 0)
    worksheet_autofilter (x->sheet, 0, 0, (lxw_row_t) (x->rows - 1), (lxw_col_t) (x->columns - 1));
  closed = workbook_close (x->workbook);
  x->workbook = NULL;
  if (x->too_many_rows)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                   _("%s: more than %u rows, the most a worksheet holds; "
                     "write csv, or fewer results (--top, --min-score, --shard)"),
                   t->sp->name, XLSX_MAX_ROWS);
      return FALSE;
    }
  keep_error (x, closed);
  if (x->error != LXW_NO_ERROR)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: writing the workbook: %s"),
                   t->sp->name, lxw_strerror (x->error));
      return FALSE;
    }
  copy_workbook (t, x->tmp);
  return TRUE;
}

static void
xlsx_free (TmTableWriter *t)
{
  XlsxWriter *x = (XlsxWriter *) t;

  if (x->workbook != NULL)
    {
      /* Never finished: closing is the only way to free it. */
      workbook_close (x->workbook);
    }
  if (x->tmp != NULL)
    unlink (x->tmp);
  g_free (x->tmp);
  if (x->widths != NULL)
    g_array_unref (x->widths);
}

static const TmTableWriterClass xlsx_class = {
  .begin = xlsx_begin,
  .line = xlsx_line,
  .finish = xlsx_finish,
  .free = xlsx_free,
  .always_header = TRUE,
};

TmSprinter *
_tm_sprinter_xlsx_new (void)
{
  XlsxWriter *x = g_new0 (XlsxWriter, 1);

  x->parent.klass = &xlsx_class;
  return _tm_sprinter_table_new (&x->parent);
}
