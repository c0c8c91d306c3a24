/* cmd-decisions.c — techmatch decisions [-i INDEX] [-D DB] [--history]
 *                   [--demand ID] [--achievement ID] [--state S]
 *                   [--format tsv|csv|json] [--header] [--bom]
 *                   [--import FILE]
 *
 * Lists the decisions (or their history), or records a whole table of
 * them a manager edited in a spreadsheet, in one transaction.  Options:
 * change one, change man/techmatch-decisions.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char *opt_index, *opt_decisions, *opt_format, *opt_import, *opt_demand, *opt_achievement;
static char *opt_state, *opt_by;
static gboolean opt_history, opt_header, opt_bom;

static GOptionEntry entries[] = {
  { "index", 'i', 0, G_OPTION_ARG_FILENAME, &opt_index, "The index (default: see techmatch(1))", "INDEX" },
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    "The decisions database (default: INDEX.decisions)", "DB" },
  { "history", 0, 0, G_OPTION_ARG_NONE, &opt_history, "Every change, oldest first, not the current state", NULL },
  { "demand", 'd', 0, G_OPTION_ARG_STRING, &opt_demand, "Only the decisions about this demand", "ID" },
  { "achievement", 'a', 0, G_OPTION_ARG_STRING, &opt_achievement, "Only the decisions about this achievement", "ID" },
  { "state", 0, 0, G_OPTION_ARG_STRING, &opt_state, "Only decisions in this state", "STATE" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "tsv (default), csv or json", "FORMAT" },
  { "header", 0, 0, G_OPTION_ARG_NONE, &opt_header, "A header line before TSV rows", NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom, "Start CSV with a byte order mark (for spreadsheets)", NULL },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, &opt_import,
    "Record the decisions of a CSV or TSV table (all or none)", "FILE" },
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by, "With --import: who decided rows that do not say", "NAME" },
  { NULL }
};

char *
tm_cli_format_time (gint64 time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (time);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

GHashTable *
tm_cli_load_decisions (const char *path, guint busy_ms, GError **error)
{
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GError) local = NULL;

  db = tm_decisions_open (path, TM_DECISIONS_READ, busy_ms, &local);
  if (db == NULL)
    {
      if (g_error_matches (local, TM_ERROR, TM_ERROR_NOT_FOUND))
        return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return tm_decisions_states (db, error);
}

/* TSV: a field holds no tab or line break; techmatch-decisions(1). */
static void
tsv_field (FILE *out, const char *s)
{
  for (; s != NULL && *s != '\0'; s++)
    switch (*s)
      {
      case '\t': fputs ("\\t", out); break;
      case '\n': fputs ("\\n", out); break;
      case '\r': fputs ("\\r", out); break;
      case '\\': fputs ("\\\\", out); break;
      default: fputc (*s, out);
      }
}

static void
csv_field (FILE *out, const char *s)
{
  if (s == NULL)
    return;
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      fputs (s, out);
      return;
    }
  fputc ('"', out);
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        fputc ('"', out);
      fputc (*s, out);
    }
  fputc ('"', out);
}

static void
print_list (const GPtrArray *list)
{
  gboolean csv = strcmp (opt_format, "csv") == 0;
  g_autoptr(JsonBuilder) b = NULL;

  if (strcmp (opt_format, "json") == 0)
    {
      b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "decisions");
      json_builder_begin_array (b);
    }
  else if (csv)
    {
      if (opt_bom)
        fputs ("\xEF\xBB\xBF", stdout);
      fputs ("demand,achievement,state,time,by,note\r\n", stdout);
    }
  else if (opt_header)
    fputs ("demand\tachievement\tstate\ttime\tby\tnote\n", stdout);

  for (guint i = 0; i < list->len; i++)
    {
      const TmDecision *x = list->pdata[i];
      const char *state = tm_decision_state_name (x->state);
      g_autofree char *when = tm_cli_format_time (x->time);

      if ((opt_demand != NULL && strcmp (opt_demand, x->demand) != 0)
          || (opt_achievement != NULL && strcmp (opt_achievement, x->achievement) != 0)
          || (opt_state != NULL && strcmp (opt_state, state) != 0))
        continue;
      if (b != NULL)
        {
          json_builder_begin_object (b);
#define STR(k, v) json_builder_set_member_name (b, k), json_builder_add_string_value (b, v)
          STR ("demand", x->demand);
          STR ("achievement", x->achievement);
          STR ("state", state);
          STR ("time", when);
          if (x->by != NULL)
            STR ("by", x->by);
          if (x->note != NULL)
            STR ("note", x->note);
#undef STR
          json_builder_end_object (b);
        }
      else if (csv)
        {
          csv_field (stdout, x->demand);
          fputc (',', stdout);
          csv_field (stdout, x->achievement);
          printf (",%s,%s,", state, when);
          csv_field (stdout, x->by);
          fputc (',', stdout);
          csv_field (stdout, x->note);
          fputs ("\r\n", stdout);
        }
      else
        {
          printf ("%s\t%s\t%s\t%s\t", x->demand, x->achievement, state, when);
          tsv_field (stdout, x->by);
          fputc ('\t', stdout);
          tsv_field (stdout, x->note);
          fputc ('\n', stdout);
        }
    }
  if (b != NULL)
    {
      json_builder_end_array (b);
      json_builder_end_object (b);
      tm_cli_print_json (b);
    }
}

static int
import (const char *index_path, const char *db_path, guint busy_ms, GError **error)
{
  g_autoptr(TmIndex) index = NULL;
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) xs = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (opt_import, &contents, &len, error))
    {
      (*error)->domain = TM_ERROR;
      (*error)->code = TM_ERROR_IO;
      return TM_EXIT_FAILURE;
    }
  xs = tm_import_parse (contents, len, opt_import, g_get_real_time () / G_USEC_PER_SEC,
                        opt_by != NULL ? opt_by : g_get_user_name (), &lines, error);
  if (xs == NULL)
    return TM_EXIT_DATA;
  index = tm_cli_open_index_only (index_path, error);
  if (index == NULL)
    return TM_EXIT_INDEX;
  for (guint i = 0; i < xs->len; i++)
    {
      const TmDecision *x = xs->pdata[i];

      if (x->state != TM_DECISION_NONE
          && (!tm_cli_check_record (index, TM_LIBRARY_DEMAND, x->demand, index_path, error)
              || !tm_cli_check_record (index, TM_LIBRARY_ACHIEVEMENT, x->achievement, index_path, error)))
        {
          g_prefix_error (error, "%s:%u: nothing was recorded: ", opt_import,
                          g_array_index (lines, guint, i));
          return TM_EXIT_NOT_FOUND;
        }
    }
  db = tm_decisions_open (db_path, TM_DECISIONS_WRITE, busy_ms, error);
  if (db == NULL)
    return TM_EXIT_FAILURE;
  if (!tm_decisions_record (db, (TmDecision **) xs->pdata, xs->len, error))
    {
      const char *m = (*error)->message;
      guint k;

      /* "decision K: ..." names a row of the file. */
      if (sscanf (m, "decision %u:", &k) == 1 && k >= 1 && k <= lines->len)
        g_prefix_error (error, "%s:%u: ", opt_import, g_array_index (lines, guint, k - 1));
      return TM_EXIT_FAILURE;
    }
  return TM_EXIT_OK;
}

int
tm_cmd_decisions (int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *path = NULL, *db_path = NULL;
  TmDecisionState state;
  TmConfig config;
  guint busy_ms;

  g_option_context_set_summary (context,
    "List the decisions recorded with techmatch decide (or every change\n"
    "with --history), or record a table of them edited in a spreadsheet\n"
    "with --import.  Rows: demand, achievement, state, time, by, note.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (context, "decisions", &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "techmatch decisions: unexpected argument '%s'\n", argv[1]);
      return TM_EXIT_USAGE;
    }
  if (opt_format == NULL)
    opt_format = g_strdup ("tsv");
  if (strcmp (opt_format, "tsv") != 0 && strcmp (opt_format, "csv") != 0 && strcmp (opt_format, "json") != 0)
    {
      fprintf (stderr, "techmatch decisions: unknown format '%s' (tsv, csv or json)\n", opt_format);
      return TM_EXIT_USAGE;
    }
  if (opt_state != NULL)
    {
      if (!tm_decision_state_from_name (opt_state, &state))
        {
          fprintf (stderr, "techmatch decisions: --state is accepted, contacted, rejected or cleared, not '%s'\n",
                   opt_state);
          return TM_EXIT_USAGE;
        }
      g_free (opt_state);
      opt_state = g_strdup (tm_decision_state_name (state));
    }
  if (opt_import != NULL && (opt_history || opt_demand || opt_achievement || opt_state))
    {
      fprintf (stderr, "techmatch decisions: --import records; it takes no listing option\n");
      return TM_EXIT_USAGE;
    }

  if (!tm_config_load (&config, error))
    return TM_EXIT_DATA;
  path = tm_config_index_path (&config, opt_index);
  db_path = tm_config_decisions_path (&config, opt_decisions, path);
  busy_ms = config.busy_ms;
  tm_config_clear (&config);

  if (opt_import != NULL)
    return import (path, db_path, busy_ms, error);

  db = tm_decisions_open (db_path, TM_DECISIONS_READ, busy_ms, error);
  if (db == NULL && g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND))
    {
      /* No decision taken yet: an empty list, not an error. */
      g_clear_error (error);
      list = g_ptr_array_new ();
    }
  else if (db == NULL)
    return TM_EXIT_FAILURE;
  else
    {
      list = tm_decisions_list (db, opt_history, error);
      if (list == NULL)
        return TM_EXIT_FAILURE;
    }
  print_list (list);
  return TM_EXIT_OK;
}
