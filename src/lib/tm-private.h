/* tm-private.h — helpers shared between engine files, one section per
 * module.  Not part of the engine's interface. */
#pragma once

#include <glib.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* ---- tm-resources.c (generated from techmatch.gresource.xml) ---- */

/* The files compiled into the program.  Owned by the program. */
GResource *tm_get_resource (void);

/* ---- tm-dict.c ---- */

/* A string by pointer and length, as a hash table key: lets tables of
 * words be probed with a slice of a larger text, without a copy. */
typedef struct {
  const char *text;
  gsize len;
} TmSpan;

guint    _tm_span_hash (gconstpointer span);
gboolean _tm_span_equal (gconstpointer a, gconstpointer b);

/* ---- tm-reader.c ---- */

/* White space tidied as the reader stores field text; NULL when nothing
 * but white space.  transfer full */
char *_tm_tidy_text (const char *text);

/* The 1-based column, in characters, of the first start tag <@element> on
 * line @line of @path; 0 when not found.  Reads the file: for messages
 * only. */
guint _tm_locate_column (const char *path, guint line, const char *element);

G_END_DECLS
