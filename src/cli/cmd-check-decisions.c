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

static char *opt_index, *opt_decisions, *opt_format;

static GOptionEntry entries[] = {
  { "index", 'i', 0, G_OPTION_ARG_FILENAME, &opt_index, "The index (default: see techmatch(1))", "INDEX" },
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    "The decisions database (default: INDEX.decisions)", "DB" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "tsv (default) or json", "FORMAT" },
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
tm_cmd_check_decisions (int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmIndex) index = NULL;
  g_autoptr(TmDecisions) db = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *path = NULL, *db_path = NULL;
  TmConfig config;
  guint busy_ms;
  guint vanished = 0;

  g_option_context_set_summary (context,
    "Check the decisions database and report every decision whose demand\n"
    "or achievement the index no longer holds.  Rows: demand, achievement,\n"
    "state, missing (demand, achievement or both).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (context, "check-decisions", &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "techmatch check-decisions: unexpected argument '%s'\n", argv[1]);
      return TM_EXIT_USAGE;
    }
  if (opt_format != NULL && strcmp (opt_format, "tsv") != 0 && strcmp (opt_format, "json") != 0)
    {
      fprintf (stderr, "techmatch check-decisions: unknown format '%s' (tsv or json)\n", opt_format);
      return TM_EXIT_USAGE;
    }
  if (!tm_config_load (&config, error))
    return TM_EXIT_DATA;
  path = tm_config_index_path (&config, opt_index);
  db_path = tm_config_decisions_path (&config, opt_decisions, path);
  busy_ms = config.busy_ms;
  tm_config_clear (&config);

  index = tm_cli_open_index_only (path, error);
  if (index == NULL)
    return TM_EXIT_INDEX;
  db = tm_decisions_open (db_path, TM_DECISIONS_READ, busy_ms, error);
  if (db == NULL && g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND))
    {
      g_clear_error (error);
      list = g_ptr_array_new ();
    }
  else if (db == NULL || !tm_decisions_verify (db, error)
           || (list = tm_decisions_list (db, FALSE, error)) == NULL)
    return TM_EXIT_FAILURE;

  if (g_strcmp0 (opt_format, "json") == 0)
    {
      b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "decisions");
      json_builder_add_int_value (b, list->len);
      json_builder_set_member_name (b, "vanished");
      json_builder_begin_array (b);
    }
  for (guint i = 0; i < list->len; i++)
    {
      const TmDecision *x = list->pdata[i];
      const char *missing = tm_cli_decision_vanished (index, x);

      if (missing == NULL)
        continue;
      vanished++;
      if (b == NULL)
        {
          printf ("%s\t%s\t%s\t%s\n", x->demand, x->achievement, tm_decision_state_name (x->state), missing);
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "demand");
      json_builder_add_string_value (b, x->demand);
      json_builder_set_member_name (b, "achievement");
      json_builder_add_string_value (b, x->achievement);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, tm_decision_state_name (x->state));
      json_builder_set_member_name (b, "missing");
      json_builder_add_string_value (b, missing);
      json_builder_end_object (b);
    }
  if (b != NULL)
    {
      json_builder_end_array (b);
      json_builder_end_object (b);
      tm_cli_print_json (b);
    }
  if (!tm_index_check (index, error))
    return TM_EXIT_INDEX;
  if (vanished > 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   "%u of %u decisions in %s name records that %s no longer holds "
                   "(clear them with techmatch decide --clear, or restore the records)",
                   vanished, list->len, db_path, path);
      return TM_EXIT_DATA;
    }
  return TM_EXIT_OK;
}
