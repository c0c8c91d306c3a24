/* tm-sprinter-backend.h — what a back-end of tm-sprinter.h implements.
 *
 * Commands never include this file.  A back-end is one file per format:
 *
 *   tree formats implement TmSprinterClass directly (sprinter-json.c,
 *   sprinter-xml.c);
 *
 *   table formats implement only TmTableWriterClass, which receives whole
 *   lines of typed cells; sprinter-table.c turns the tree into those lines
 *   by the rules of tm-sprinter.h (sprinter-tsv.c, sprinter-csv.c).  An
 *   xlsx back-end is a TmTableWriterClass: it gets each cell's type and
 *   value, so numbers stay numbers.
 *
 * To add a format: write its file, add its constructor below and a line
 * to the table in tm-sprinter.c, and list it in Makefile.am.
 */
#pragma once

#include "tm-sprinter.h"

G_BEGIN_DECLS

typedef struct {
  /* Once, when out, name and options are set (may be NULL). */
  void (*start) (TmSprinter *sp);
  void (*begin_document) (TmSprinter *sp, const char *name, int version);
  void (*begin_map) (TmSprinter *sp);
  void (*begin_row) (TmSprinter *sp);
  void (*begin_list) (TmSprinter *sp, const char *item);
  void (*begin_stream) (TmSprinter *sp, const char *item);
  void (*end) (TmSprinter *sp);
  void (*key) (TmSprinter *sp, const char *key);
  void (*string) (TmSprinter *sp, const char *value);   /* never NULL */
  void (*integer) (TmSprinter *sp, gint64 value);
  void (*number) (TmSprinter *sp, double value, int decimals);  /* finite */
  void (*boolean) (TmSprinter *sp, gboolean value);
  void (*null) (TmSprinter *sp);
  void (*columns) (TmSprinter *sp, const char * const *names);  /* may be NULL */
  void (*prefix) (TmSprinter *sp, const char *cell);            /* may be NULL */
  /* Writes what is left; FALSE (with the first error) when anything failed. */
  gboolean (*finish) (TmSprinter *sp, GError **error);
  /* Frees the back-end's own state; the TmSprinter itself is freed by
   * tm_sprinter_free(). */
  void (*free) (TmSprinter *sp);
} TmSprinterClass;

/* Every back-end's state starts with this. */
struct _TmSprinter {
  const TmSprinterClass *klass;
  TmSprinterFamily family;     /* the back-end's */
  TmSprinterFamily audience;   /* tm_sprinter_only() */
  FILE *out;
  char *name;                  /* @out in messages */
  TmSprinterOptions options;
  int depth;                   /* open begins, for tm_sprinter_finish() */
  int write_errno;             /* the first failed write's errno; 0: none */
  gboolean write_failed;
  gboolean finished;
};

/* Records a failed write (keeps the first; @errnum 0 when unknown). */
void _tm_sprinter_fail (TmSprinter *sp, int errnum);
/* fputs/fwrite to sp->out, recording failures. */
void _tm_sprinter_put (TmSprinter *sp, const char *s, gssize len);
/* The text of a number as every format writes it: rounded half away from
 * zero to @decimals decimals.  @buf holds at least 64 bytes. */
const char *_tm_sprinter_format_number (char *buf, gsize size, double value, int decimals);

/* A text cell as a spreadsheet must receive it.  Spreadsheets read a cell
 * that starts with = + - or @ as a formula (=HYPERLINK(...) in an id or
 * a title would run when the file is opened), and some strip a leading
 * tab or carriage return first.  Such text gets a leading apostrophe,
 * which spreadsheets take as "this is text" and do not display.  Every
 * spreadsheet back-end (csv, xlsx) writes string cells through this;
 * numbers are never strings, so a negative number stays a number.
 * Returns @text, or @scratch's text. */
const char *_tm_spreadsheet_text (const char *text, GString *scratch);

/* ---- table formats -------------------------------------------------------- */

typedef enum {
  TM_CELL_STRING,
  TM_CELL_INTEGER,
  TM_CELL_NUMBER,
  TM_CELL_BOOLEAN,
  TM_CELL_NULL,
} TmCellType;

typedef struct {
  TmCellType type;
  const char *text;   /* the value as text: what tsv and csv print ("" for null) */
  gint64 integer;     /* TM_CELL_INTEGER */
  double number;      /* TM_CELL_NUMBER, rounded to @decimals */
  int decimals;       /* TM_CELL_NUMBER */
  gboolean boolean;   /* TM_CELL_BOOLEAN */
} TmCell;

typedef struct _TmTableWriter TmTableWriter;

typedef struct {
  /* Once, before anything else. */
  void (*begin) (TmTableWriter *t);
  /* One line of @n cells; @header when the cells are column names.  An
   * empty line (between records) has @n 0. */
  void (*line) (TmTableWriter *t, const TmCell *cells, guint n, gboolean header);
  /* Writes what is left; FALSE with the first error when anything failed. */
  gboolean (*finish) (TmTableWriter *t, GError **error);
  void (*free) (TmTableWriter *t);
  /* Print the header line even when the options do not ask for it. */
  gboolean always_header;
} TmTableWriterClass;

/* A table writer's state starts with this. */
struct _TmTableWriter {
  const TmTableWriterClass *klass;
  TmSprinter *sp;   /* the sprinter it writes for: out, name, options, errors */
};

/* A sprinter of the table family over @writer (allocated by the format's
 * constructor, zeroed but for klass; taken over).  transfer full */
TmSprinter *_tm_sprinter_table_new (TmTableWriter *writer);

/* ---- the constructors (one per format file) ---------------------------------- */

TmSprinter *_tm_sprinter_tsv_new (void);
TmSprinter *_tm_sprinter_csv_new (void);
TmSprinter *_tm_sprinter_json_new (void);
TmSprinter *_tm_sprinter_xml_new (void);
TmSprinter *_tm_sprinter_xlsx_new (void);

G_END_DECLS
