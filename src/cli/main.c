/* main.c — the techmatch program: the command table and the one place
 * that prints fatal errors and picks the exit status. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tm-cli.h"
#include "tm-error.h"
#include "tm-index.h"

/* One entry per subcommand, in the order `techmatch --help` lists them.
 * Each cmd-<name>.c holds its options; its man page is
 * man/techmatch-<name>.1. */
static const TmCommand commands[] = {
  { "check", tm_cmd_check, "validate corpus files and summarise both libraries" },
  { "index", tm_cmd_index, "build the index of both libraries" },
  { "match", tm_cmd_match, "rank one library against a record or a text" },
  { "batch", tm_cmd_batch, "match every demand and every achievement: the nightly job" },
  { "explain", tm_cmd_explain, "show how one demand and one achievement score" },
  { "decide", tm_cmd_decide, "record a decision about a pair: accept, contacted, reject, clear" },
  { "decisions", tm_cmd_decisions, "list the decisions, or import a table of them" },
  { "check-decisions", tm_cmd_check_decisions, "report decisions whose records have vanished" },
  { "show", tm_cmd_show, "print a record as the index stores it" },
  { "stats", tm_cmd_stats, "describe the index" },
  { "tokenize", tm_cmd_tokenize, "show the terms the analyzer makes of a text" },
  { "help", tm_cmd_help, "show the manual page of a command" },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: techmatch [--help] [--version] COMMAND [ARGS...]\n"
           "\n"
           "Match enterprises' technical demands with research achievements.\n"
           "\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-15s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Run 'techmatch COMMAND --help' for a command's options and\n"
           "'techmatch help COMMAND' for its manual page.\n");
}

int
tm_cli_exit_status (const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return TM_EXIT_USAGE;
  if (error->domain != TM_ERROR)
    return TM_EXIT_FAILURE;
  switch ((TmErrorCode) error->code)
    {
    case TM_ERROR_PARSE:
    case TM_ERROR_INVALID:
    case TM_ERROR_LIMIT:
    case TM_ERROR_BAD_QUERY:
      return TM_EXIT_DATA;
    case TM_ERROR_CORRUPT_INDEX:
    case TM_ERROR_LOCKED:
      return TM_EXIT_INDEX;
    case TM_ERROR_NOT_FOUND:
      return TM_EXIT_NOT_FOUND;
    case TM_ERROR_CANCELLED:
      return TM_EXIT_INTERRUPTED;
    case TM_ERROR_FAILED:
    case TM_ERROR_IO:
      break;
    }
  return TM_EXIT_FAILURE;
}

gboolean
tm_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("techmatch %s", command);
  gboolean ok;

  /* --help then says "techmatch check [OPTION…] CORPUS…". */
  g_set_prgname (prgname);
  ok = g_option_context_parse (context, argc, argv, &error);
  g_set_prgname ("techmatch");
  if (ok)
    {
      /* An explicit "--" ends the options; it is not an argument. */
      for (int i = 1; i < *argc; i++)
        if (strcmp ((*argv)[i], "--") == 0)
          {
            memmove (&(*argv)[i], &(*argv)[i + 1], (gsize) (*argc - i) * sizeof (char *));
            (*argc)--;
            break;
          }
      return TRUE;
    }
  fprintf (stderr, "techmatch %s: %s\nTry 'techmatch %s --help'.\n",
           command, error->message, command);
  return FALSE;
}

gboolean
tm_cli_parse_int (const char *command, const char *option, const char *value,
                  gint64 min, gint64 max, gint64 *out)
{
  g_autoptr(GError) error = NULL;

  if (g_ascii_string_to_signed (value, 10, min, max, out, &error))
    return TRUE;
  fprintf (stderr, "techmatch %s: %s takes a whole number from %" G_GINT64_FORMAT " to %"
           G_GINT64_FORMAT ", not '%s'\n", command, option, min, max, value);
  return FALSE;
}

TmIndex *
tm_cli_open_index_only (const char *path, GError **error)
{
  TmIndex *index = tm_index_open (path, error);

  if (index == NULL && g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND))
    g_prefix_error (error, "no index (build one with techmatch index): ");
  return index;
}

gboolean
tm_cli_open_index (const char *path, TmIndex **index, TmAnalyzer **analyzer, GError **error)
{
  *index = tm_cli_open_index_only (path, error);
  if (*index == NULL)
    return FALSE;
  *analyzer = tm_analyzer_new (tm_index_get_analyzer_options (*index), error);
  if (*analyzer == NULL)
    {
      g_prefix_error (error, "%s: its analyzer: ", path);
      g_clear_pointer (index, tm_index_free);
      return FALSE;
    }
  return TRUE;
}

void
tm_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *out = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  out = json_generator_to_data (gen, NULL);
  printf ("%s\n", out);
}

const char *
tm_cli_format (const char *command, const char *value, const char * const *formats)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = g_strv_length ((char **) formats);

  if (value == NULL)
    return formats[0];
  for (guint i = 0; i < n; i++)
    if (strcmp (value, formats[i]) == 0)
      return formats[i];
  for (guint i = 0; i < n; i++)
    g_string_append_printf (names, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", formats[i]);
  fprintf (stderr, "techmatch %s: unknown format '%s' (%s)\n", command, value, names->str);
  return NULL;
}

TmSprinter *
tm_cli_sprinter_stdout (const char *format, const TmSprinterOptions *options)
{
  /* The format was checked by tm_cli_format(): this cannot fail. */
  return tm_sprinter_new (format, stdout, "standard output", options, NULL);
}

void
tm_cli_print_problem (const TmProblem *problem, gpointer user_data)
{
  GString *line = g_string_new (NULL);

  if (problem->file != NULL)
    {
      g_string_append (line, problem->file);
      if (problem->line > 0)
        g_string_append_printf (line, ":%u:%u", problem->line, problem->column);
      g_string_append (line, ": ");
    }
  if (problem->record_id != NULL)
    g_string_append_printf (line, "%s: ", problem->record_id);
  g_string_append (line, problem->message);
  fprintf (stderr, "%s\n", line->str);
  g_string_free (line, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *name;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("techmatch");

  /* techmatch's text is UTF-8 whatever the locale: under LC_ALL=C (cron,
   * systemd units) GOptionContext would otherwise convert every argument
   * from ASCII and refuse --text 锂电池.  The character type alone becomes
   * UTF-8; messages and collation keep the user's locale.  When no UTF-8
   * locale exists, GLib is told the charset directly. */
  if (!g_get_charset (NULL) && setlocale (LC_CTYPE, "C.UTF-8") == NULL)
    g_setenv ("CHARSET", "UTF-8", TRUE);

  /* Arguments are UTF-8 text; anything else is bad input, status 3. */
  for (int i = 1; i < argc; i++)
    if (!g_utf8_validate (argv[i], -1, NULL))
      {
        g_autofree char *shown = g_utf8_make_valid (argv[i], -1);

        fprintf (stderr, "techmatch: error: argument %d (\"%s\") is not valid UTF-8\n", i, shown);
        return TM_EXIT_DATA;
      }

  if (argc < 2)
    {
      print_usage (stderr);
      return TM_EXIT_USAGE;
    }
  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0)
    {
      print_usage (stdout);
      return TM_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("techmatch %s\n", PACKAGE_VERSION);
      return TM_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (name, commands[i].name) != 0)
        continue;
      status = commands[i].fn (argc - 1, argv + 1, &error);
      if (error != NULL)
        {
          fprintf (stderr, "techmatch: error: %s\n", error->message);
          /* A command that chose a precise status keeps it (a missing
           * index is TM_EXIT_INDEX, whatever the error says). */
          if (status == TM_EXIT_OK || status == TM_EXIT_FAILURE)
            status = tm_cli_exit_status (error);
        }
      /* A printer that failed has said so (tm_sprinter_finish()). */
      if ((fflush (stdout) != 0 || ferror (stdout)) && error == NULL)
        {
          fprintf (stderr, "techmatch: error: writing the output: %s\n", g_strerror (errno));
          if (status == TM_EXIT_OK)
            status = TM_EXIT_FAILURE;
        }
      return status;
    }

  fprintf (stderr, "techmatch: unknown command '%s'\nTry 'techmatch --help'.\n", name);
  return TM_EXIT_USAGE;
}
