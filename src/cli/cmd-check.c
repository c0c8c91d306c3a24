/* cmd-check.c — techmatch check CORPUS...
 *
 * Validates corpus files and folders and summarises both libraries.
 * Options: change one, change man/techmatch-check.1 too.
 */
#include "config.h"

#include <stdio.h>

#include "tm-cli.h"
#include "tm-corpus.h"

static gboolean opt_quiet;

static GOptionEntry entries[] = {
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet,
    N_("Print problems only, no summary"), NULL },
  { NULL }
};

static void
print_summary (const TmCorpusStats *stats)
{
  printf ("%-12s %6s %8s %6s\n", "library", "files", "records", "bad");
  for (int l = TM_N_LIBRARIES - 1; l >= 0; l--)
    printf ("%-12s %6u %8u %6u\n", tm_library_name (l),
            stats->files[l], stats->records[l], stats->bad_records[l]);

  printf ("\n%-12s %12s %8s\n", "field", "achievement", "demand");
  for (int f = 0; f < TM_N_FIELDS; f++)
    {
      const char *a = tm_field_name (f, TM_LIBRARY_ACHIEVEMENT);
      const char *d = tm_field_name (f, TM_LIBRARY_DEMAND);
      g_autofree char *name = g_strcmp0 (a, d) == 0 ? g_strdup (a)
                                                     : g_strdup_printf ("%s/%s", a, d);
      guint na = stats->fields[TM_LIBRARY_ACHIEVEMENT][f];
      guint nd = stats->fields[TM_LIBRARY_DEMAND][f];

      if (na == 0 && nd == 0)
        continue;
      printf ("%-20s %4u %8u\n", name, na, nd);
    }
}

int
tm_cmd_check (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("CORPUS...");
  TmCorpusStats stats;

  g_option_context_set_summary (context,
    N_("Validate corpus files (or folders of them) against the techmatch corpus\n"
       "format and summarise both libraries.  Every problem is listed on stderr\n"
       "as FILE:LINE:COLUMN: ID: MESSAGE."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, _("techmatch check: no corpus given\nTry 'techmatch check --help'.\n"));
      return TM_EXIT_USAGE;
    }

  if (!tm_corpus_read ((const char * const *) argv + 1, tm_cli_print_problem, NULL,
                       NULL, &stats, error))
    return TM_EXIT_FAILURE;

  if (!opt_quiet)
    print_summary (&stats);
  if (stats.problems > 0)
    {
      fprintf (stderr, P_("techmatch check: %u problem found\n",
                          "techmatch check: %u problems found\n", stats.problems),
               stats.problems);
      return TM_EXIT_DATA;
    }
  return TM_EXIT_OK;
}
