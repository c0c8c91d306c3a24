/* cmd-show.c — techmatch show [-i INDEX] [--library L] ID
 *
 * Prints a record as the index stores it.  Options: change one, change
 * man/techmatch-show.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char *opt_library;

static GOptionEntry entries[] = {
  { "library", 'l', 0, G_OPTION_ARG_STRING, &opt_library,
    N_("Look in this library only: demand or achievement (default: both)"), "LIBRARY" },
  { NULL }
};

typedef struct {
  const char *name;
  char *value;  /* transfer full */
} Field;

/* The record's fields in corpus order, empty ones left out. */
static GArray *
fields_of (const TmRecord *r)
{
  GArray *f = g_array_new (FALSE, FALSE, sizeof (Field));
  char budget[G_ASCII_DTOSTR_BUF_SIZE];
  Field x;

#define ADD(n, v) do { x.name = (n); x.value = (v); if (x.value != NULL) g_array_append_val (f, x); } while (0)
  ADD ("library", g_strdup (tm_library_name (r->library)));
  ADD ("id", g_strdup (r->id));
  ADD ("updated", g_strdup (r->updated));
  ADD ("title", g_strdup (r->title));
  ADD (tm_field_name (TM_FIELD_ORG, r->library), g_strdup (r->org));
  ADD ("region", g_strdup (r->region));
  ADD ("domain", g_strdup (r->domain));
  if (r->keywords->len > 0)
    {
      g_ptr_array_add (r->keywords, NULL);
      ADD ("keywords", g_strjoinv ("; ", (char **) r->keywords->pdata));
      g_ptr_array_remove_index (r->keywords, r->keywords->len - 1);
    }
  ADD (tm_field_name (TM_FIELD_BODY, r->library), g_strdup (r->body));
  ADD ("trl", r->trl > 0 ? g_strdup_printf ("%d", r->trl) : NULL);
  if (r->ip->len > 0)
    {
      g_ptr_array_add (r->ip, NULL);
      ADD ("ip", g_strjoinv ("; ", (char **) r->ip->pdata));
      g_ptr_array_remove_index (r->ip, r->ip->len - 1);
    }
  ADD ("transfer", g_strdup (r->transfer));
  ADD ("budget", r->budget >= 0 ? g_strdup (g_ascii_dtostr (budget, sizeof budget, r->budget)) : NULL);
  ADD ("budget_unit", g_strdup (r->budget_unit));
  ADD ("deadline", g_strdup (r->deadline));
  ADD ("cooperation", g_strdup (r->cooperation));
#undef ADD
  return f;
}

int
tm_cmd_show (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("ID");
  static const char * const libraries[] = { "demand", "achievement", NULL };
  const char *path;
  TmIndex *index;
  TmLibrary only = TM_LIBRARY_DEMAND;
  int status;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_record_free);
  g_autoptr(TmSprinter) sp = NULL;

  g_option_context_set_summary (context, N_("Print a record as the index stores it."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, _("techmatch show: give one record id\nTry 'techmatch show --help'.\n"));
      return TM_EXIT_USAGE;
    }
  if (opt_library != NULL)
    {
      int l;

      if (!tm_cli_parse_enum (cli, "--library", opt_library, libraries, &l))
        return TM_EXIT_USAGE;
      only = l == 0 ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
    }
  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  path = cli->index_path;

  /* An id is unique within its library; both libraries may hold it:
   * a list of records, one or two, found before anything is printed. */
  for (int l = TM_LIBRARY_ACHIEVEMENT; l >= TM_LIBRARY_DEMAND; l--)
    {
      guint32 doc;

      if ((opt_library != NULL && (TmLibrary) l != only)
          || !tm_index_find_doc (index, (TmLibrary) l, argv[1], &doc))
        continue;
      g_ptr_array_add (records, tm_index_get_record (index, (TmLibrary) l, doc));
    }
  if (!tm_index_check (index, error))
    return TM_EXIT_INDEX;
  if (records->len == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("no record with id %s in %s"), argv[1], path);
      return TM_EXIT_NOT_FOUND;
    }

  sp = tm_cli_sprinter_stdout (cli, NULL);
  tm_sprinter_begin_document (sp, "show", 1);
  tm_sprinter_key (sp, "records");
  tm_sprinter_begin_list (sp, "record");
  for (guint r = 0; r < records->len; r++)
    {
      g_autoptr(GArray) fields = fields_of (records->pdata[r]);

      tm_sprinter_begin_map (sp);
      for (guint i = 0; i < fields->len; i++)
        {
          Field *f = &g_array_index (fields, Field, i);

          tm_sprinter_key (sp, f->name);
          tm_sprinter_string (sp, f->value);
          g_free (f->value);
        }
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
  if (!tm_sprinter_finish (sp, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}
