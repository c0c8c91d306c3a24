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

static char *opt_decisions, *opt_import, *opt_demand, *opt_achievement;
static char *opt_state, *opt_by;
static gboolean opt_history, opt_header, opt_bom;

static GOptionEntry entries[] = {
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    N_("The decisions database (default: INDEX.decisions)"), "DB" },
  { "history", 0, 0, G_OPTION_ARG_NONE, &opt_history, N_("Every change, oldest first, not the current state"), NULL },
  { "demand", 'd', 0, G_OPTION_ARG_STRING, &opt_demand, N_("Only the decisions about this demand"), "ID" },
  { "achievement", 'a', 0, G_OPTION_ARG_STRING, &opt_achievement, N_("Only the decisions about this achievement"), "ID" },
  { "state", 0, 0, G_OPTION_ARG_STRING, &opt_state, N_("Only decisions in this state"), "STATE" },
  { "header", 0, 0, G_OPTION_ARG_NONE, &opt_header, N_("A header line before TSV rows"), NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom, N_("Start CSV with a byte order mark (for spreadsheets)"), NULL },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, &opt_import,
    N_("Record the decisions of a CSV or TSV table (all or none)"), "FILE" },
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by, N_("With --import: who decided rows that do not say"), "NAME" },
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

/* The decisions, a row each.  TSV escapes a tab, line break or
 * backslash in a field (techmatch-decisions(1)), so that --import reads
 * back what was printed. */
static gboolean
print_list (TmCli *cli, const GPtrArray *list, GError **error)
{
  static const char * const columns[] = { "demand", "achievement", "state", "time", "by", "note", NULL };
  g_autoptr(TmSprinter) sp = tm_cli_sprinter_stdout (cli, &(TmSprinterOptions) {
    .header = opt_header, .bom = opt_bom, .escape = TRUE });

  tm_sprinter_begin_document (sp, "decisions", 1);
  tm_sprinter_columns (sp, columns);
  tm_sprinter_key (sp, "decisions");
  tm_sprinter_begin_list (sp, "decision");
  for (guint i = 0; i < list->len; i++)
    {
      const TmDecision *x = list->pdata[i];
      const char *state = tm_decision_state_name (x->state);
      g_autofree char *when = tm_cli_format_time (x->time);
      const char *optional[2][2] = { { "by", x->by }, { "note", x->note } };

      if ((opt_demand != NULL && strcmp (opt_demand, x->demand) != 0)
          || (opt_achievement != NULL && strcmp (opt_achievement, x->achievement) != 0)
          || (opt_state != NULL && strcmp (opt_state, state) != 0))
        continue;
      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "demand");
      tm_sprinter_string (sp, x->demand);
      tm_sprinter_key (sp, "achievement");
      tm_sprinter_string (sp, x->achievement);
      tm_sprinter_key (sp, "state");
      tm_sprinter_string (sp, state);
      tm_sprinter_key (sp, "time");
      tm_sprinter_string (sp, when);
      /* Tree formats leave out what is not known; a table keeps its
       * column. */
      for (int f = 0; f < 2; f++)
        {
          tm_sprinter_only (sp, optional[f][1] != NULL ? TM_SPRINTER_ALL : TM_SPRINTER_TABLE);
          tm_sprinter_key (sp, optional[f][0]);
          tm_sprinter_string (sp, optional[f][1]);
          tm_sprinter_only (sp, TM_SPRINTER_ALL);
        }
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
  return tm_sprinter_finish (sp, error);
}

static int
import (TmCli *cli, const char *index_path, const char *db_path, guint busy_ms, GError **error)
{
  TmIndex *index;
  int status;
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) xs = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  gsize len;

  if (!g_file_get_contents (opt_import, &contents, &len, &local))
    {
      g_set_error_literal (error, TM_ERROR, TM_ERROR_IO, local->message);
      return TM_EXIT_FAILURE;
    }
  xs = tm_import_parse (contents, len, opt_import, g_get_real_time () / G_USEC_PER_SEC,
                        opt_by != NULL ? opt_by : g_get_user_name (), &lines, error);
  if (xs == NULL)
    return TM_EXIT_DATA;
  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  for (guint i = 0; i < xs->len; i++)
    {
      const TmDecision *x = xs->pdata[i];

      if (x->state != TM_DECISION_NONE
          && (!tm_cli_check_record (index, TM_LIBRARY_DEMAND, x->demand, index_path, error)
              || !tm_cli_check_record (index, TM_LIBRARY_ACHIEVEMENT, x->achievement, index_path, error)))
        {
          g_prefix_error (error, _("%s:%u: nothing was recorded: "), opt_import,
                          g_array_index (lines, guint, i));
          return TM_EXIT_NOT_FOUND;
        }
    }
  db = tm_decisions_open (db_path, TM_DECISIONS_WRITE, busy_ms, error);
  if (db == NULL)
    return TM_EXIT_FAILURE;
  g_clear_error (&local);
  if (!tm_decisions_record (db, (TmDecision **) xs->pdata, xs->len, &local))
    {
      guint k;

      /* "decision K: ..." names a row of the file (the engine's
       * message, in the user's language). */
      if (sscanf (local->message, _("decision %u:"), &k) == 1 && k >= 1 && k <= lines->len)
        g_prefix_error (&local, "%s:%u: ", opt_import, g_array_index (lines, guint, k - 1));
      g_propagate_error (error, g_steal_pointer (&local));
      return TM_EXIT_FAILURE;
    }
  return TM_EXIT_OK;
}

int
tm_cmd_decisions (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *db_path = NULL;
  TmDecisionState state;
  const TmConfig *config;
  const char *path;
  guint busy_ms;

  g_option_context_set_summary (context,
    N_("List the decisions recorded with techmatch decide (or every change\n"
       "with --history), or record a table of them edited in a spreadsheet\n"
       "with --import.  Rows: demand, achievement, state, time, by, note."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("techmatch decisions: unexpected argument '%s'\n"), argv[1]);
      return TM_EXIT_USAGE;
    }
  if (opt_state != NULL)
    {
      if (!tm_decision_state_from_name (opt_state, &state))
        {
          fprintf (stderr, _("techmatch decisions: --state is accepted, contacted, rejected or cleared, not '%s'\n"),
                   opt_state);
          return TM_EXIT_USAGE;
        }
      g_free (opt_state);
      opt_state = g_strdup (tm_decision_state_name (state));
    }
  if (opt_import != NULL && (opt_history || opt_demand || opt_achievement || opt_state))
    {
      fprintf (stderr, _("techmatch decisions: --import records; it takes no listing option\n"));
      return TM_EXIT_USAGE;
    }

  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  path = cli->index_path;
  db_path = tm_config_decisions_path (config, opt_decisions, path);
  busy_ms = config->busy_ms;

  if (opt_import != NULL)
    return import (cli, path, db_path, busy_ms, error);

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
  return print_list (cli, list, error) ? TM_EXIT_OK : TM_EXIT_FAILURE;
}
