/* cmd-decide.c — techmatch decide --demand ID --achievement ID
 *                (--accept | --contacted | --reject | --clear)
 *                [--note TEXT] [--by NAME] [-i INDEX] [-D DB]
 *
 * Records a technology manager's decision about one pair in the
 * decisions database (tm-decisions.h).  Options: change one, change
 * man/techmatch-decide.1 too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char *opt_decisions, *opt_demand, *opt_achievement, *opt_note, *opt_by;
static gboolean opt_accept, opt_contacted, opt_reject, opt_clear;

static GOptionEntry entries[] = {
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    N_("The decisions database (default: INDEX.decisions)"), "DB" },
  { "demand", 'd', 0, G_OPTION_ARG_STRING, &opt_demand, N_("The demand"), "ID" },
  { "achievement", 'a', 0, G_OPTION_ARG_STRING, &opt_achievement, N_("The achievement"), "ID" },
  { "accept", 0, 0, G_OPTION_ARG_NONE, &opt_accept, N_("The pair is worth following up"), NULL },
  { "contacted", 0, 0, G_OPTION_ARG_NONE, &opt_contacted, N_("The parties have been contacted"), NULL },
  { "reject", 0, 0, G_OPTION_ARG_NONE, &opt_reject, N_("The pair is wrong: leave it out of later runs"), NULL },
  { "clear", 0, 0, G_OPTION_ARG_NONE, &opt_clear, N_("Forget the pair's decision (the history keeps it)"), NULL },
  { "note", 'n', 0, G_OPTION_ARG_STRING, &opt_note, N_("A note kept with the decision"), "TEXT" },
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by, N_("Who decided (default: the login name)"), "NAME" },
  { NULL }
};

/* FALSE with TM_ERROR_NOT_FOUND when @index lacks the record. */
gboolean
tm_cli_check_record (const TmIndex *index, TmLibrary library, const char *id, const char *index_path,
                     GError **error)
{
  guint32 doc;

  if (tm_index_find_doc (index, library, id, &doc))
    return TRUE;
  if (tm_index_check (index, error))
    g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("no %s with id %s in %s"),
                 tm_library_name (library), id, index_path);
  return FALSE;
}

int
tm_cmd_decide (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(TmDecision) x = NULL;
  g_autofree char *db_path = NULL;
  TmDecisionState state = TM_DECISION_NONE;
  const TmConfig *config;
  const char *path;
  TmIndex *index;
  guint busy_ms;
  int status;
  int n_states = opt_accept + opt_contacted + opt_reject + opt_clear;

  g_option_context_set_summary (context,
    N_("Record a decision about a demand and an achievement: accepted,\n"
       "contacted, rejected (left out of later batch and match runs) or\n"
       "cleared, with its time, who took it and a note."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  n_states = opt_accept + opt_contacted + opt_reject + opt_clear;
  if (opt_demand == NULL || opt_achievement == NULL || argc > 1)
    {
      fprintf (stderr, _("techmatch decide: give --demand ID and --achievement ID\nTry 'techmatch decide --help'.\n"));
      return TM_EXIT_USAGE;
    }
  if (n_states != 1)
    {
      fprintf (stderr, _("techmatch decide: give one of --accept, --contacted, --reject or --clear\n"
                 "Try 'techmatch decide --help'.\n"));
      return TM_EXIT_USAGE;
    }
  state = opt_accept ? TM_DECISION_ACCEPTED : opt_contacted ? TM_DECISION_CONTACTED
        : opt_reject ? TM_DECISION_REJECTED : TM_DECISION_NONE;

  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  path = cli->index_path;
  db_path = tm_config_decisions_path (config, opt_decisions, path);
  busy_ms = config->busy_ms;

  /* A decision about a record the index does not hold is a typo: refuse
   * it.  (Clearing one is allowed: the record may have gone since.) */
  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  if (state != TM_DECISION_NONE && cli->opt_indexes != NULL && cli->opt_indexes[1] != NULL)
    {
      /* The partitions of a batch (its report's commands name them
       * all): each record in one of them. */
      const char *ids[2] = { opt_demand, opt_achievement };

      for (int l = 0; l < 2; l++)
        {
          gboolean found = FALSE;

          for (guint i = 0; !found && cli->opt_indexes[i] != NULL; i++)
            {
              g_autoptr(TmIndex) other = i == 0 ? NULL : tm_index_open (cli->opt_indexes[i], error);
              guint32 doc;

              if (i > 0 && other == NULL)
                return TM_EXIT_INDEX;
              found = tm_index_find_doc (i == 0 ? index : other, (TmLibrary) l, ids[l], &doc);
            }
          if (!found)
            {
              g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("no %s with id %s in any of the %u indexes"),
                           tm_library_name ((TmLibrary) l), ids[l], g_strv_length (cli->opt_indexes));
              return TM_EXIT_FAILURE;
            }
        }
    }
  else if (state != TM_DECISION_NONE
           && (!tm_cli_check_record (index, TM_LIBRARY_DEMAND, opt_demand, path, error)
               || !tm_cli_check_record (index, TM_LIBRARY_ACHIEVEMENT, opt_achievement, path, error)))
    return TM_EXIT_FAILURE;

  db = tm_decisions_open (db_path, TM_DECISIONS_WRITE, busy_ms, error);
  if (db == NULL)
    return TM_EXIT_FAILURE;
  x = tm_decision_new (opt_demand, opt_achievement, state, g_get_real_time () / G_USEC_PER_SEC,
                       opt_by != NULL ? opt_by : g_get_user_name (), opt_note);
  if (!tm_decisions_record (db, &x, 1, error))
    return TM_EXIT_FAILURE;
  return TM_EXIT_OK;
}
