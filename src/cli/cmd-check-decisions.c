/* cmd-check-decisions.c — techmatch check-decisions [-i INDEX] [-D DB]
 *                         [--format tsv|json]
 *
 * Checks the decisions database (SQLite's integrity check) and reports
 * every decision whose demand or achievement the index no longer holds:
 * decisions are never dropped silently when records vanish from the
 * libraries.  Options: change one, change man/techmatch-decisions.1 too
 * (the command is documented there).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char *opt_decisions;

static GOptionEntry entries[] = {
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    N_("The decisions database (default: INDEX.decisions)"), "DB" },
  { NULL }
};

/* Which of the pair's records @index lacks: "demand", "achievement",
 * "both", or NULL. */
const char *
tm_cli_decision_vanished (const TmIndex *index, const TmDecision *x)
{
  guint32 doc;
  gboolean d = tm_index_find_doc (index, TM_LIBRARY_DEMAND, x->demand, &doc);
  gboolean a = tm_index_find_doc (index, TM_LIBRARY_ACHIEVEMENT, x->achievement, &doc);

  return d && a ? NULL : !d && !a ? "both" : !d ? "demand" : "achievement";
}

int
tm_cmd_check_decisions (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(TmSprinter) sp = NULL;
  g_autofree char *db_path = NULL;
  const TmConfig *config;
  const char *path;
  TmIndex *index;
  int status;
  guint busy_ms;
  guint vanished = 0;

  g_option_context_set_summary (context,
    N_("Check the decisions database and report every decision whose demand\n"
       "or achievement the index no longer holds.  Rows: demand, achievement,\n"
       "state, missing (demand, achievement or both)."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("techmatch check-decisions: unexpected argument '%s'\n"), argv[1]);
      return TM_EXIT_USAGE;
    }
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  path = cli->index_path;
  db_path = tm_config_decisions_path (config, opt_decisions, path);
  busy_ms = config->busy_ms;

  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  db = tm_decisions_open (db_path, TM_DECISIONS_READ, busy_ms, error);
  if (db == NULL && g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND))
    {
      g_clear_error (error);
      list = g_ptr_array_new ();
    }
  else if (db == NULL || !tm_decisions_verify (db, error)
           || (list = tm_decisions_list (db, FALSE, error)) == NULL)
    return TM_EXIT_FAILURE;

  sp = tm_cli_sprinter_stdout (cli, NULL);
  tm_sprinter_begin_document (sp, "check-decisions", 1);
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "decisions");
  tm_sprinter_integer (sp, list->len);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  tm_sprinter_key (sp, "vanished");
  tm_sprinter_begin_list (sp, "decision");
  for (guint i = 0; i < list->len; i++)
    {
      const TmDecision *x = list->pdata[i];
      const char *missing = tm_cli_decision_vanished (index, x);

      if (missing == NULL)
        continue;
      vanished++;
      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "demand");
      tm_sprinter_string (sp, x->demand);
      tm_sprinter_key (sp, "achievement");
      tm_sprinter_string (sp, x->achievement);
      tm_sprinter_key (sp, "state");
      tm_sprinter_string (sp, tm_decision_state_name (x->state));
      tm_sprinter_key (sp, "missing");
      tm_sprinter_string (sp, missing);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
  if (!tm_sprinter_finish (sp, error))
    return TM_EXIT_FAILURE;
  if (!tm_index_check (index, error))
    return TM_EXIT_INDEX;
  if (vanished > 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%u of %u decisions in %s name records that %s no longer holds "
                     "(clear them with techmatch decide --clear, or restore the records)"),
                   vanished, list->len, db_path, path);
      return TM_EXIT_DATA;
    }
  return TM_EXIT_OK;
}
