/* main.c — the techmatch program: the command table and the one place
 * that prints fatal errors and picks the exit status. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tm-cli.h"
#include "tm-error.h"
#include "tm-index.h"
#include "tm-lsa.h"

/* The formats of each command, the default first. */
static const char * const tsv_json[] = { "tsv", "json", NULL };
static const char * const tsv_csv_json[] = { "tsv", "csv", "json", NULL };
static const char * const match_formats[] = { "tsv", "json", "xlsx", NULL };
static const char * const batch_formats[] = { "tsv", "csv", "json", "xml", "xlsx", NULL };

#define C TM_COMMAND_CONFIG
#define P (TM_COMMAND_CONFIG | TM_COMMAND_INDEX_PATH)
#define I (TM_COMMAND_CONFIG | TM_COMMAND_INDEX_PATH | TM_COMMAND_INDEX)
#define A (TM_COMMAND_CONFIG | TM_COMMAND_INDEX_PATH | TM_COMMAND_INDEX | TM_COMMAND_ANALYZER)

/* One entry per subcommand, in the order `techmatch --help` lists them:
 * what it needs opened and the formats it prints.  Each cmd-<name>.c
 * holds its own options; its man page is man/techmatch-<name>.1. */
static const TmCommand commands[] = {
  { "check", tm_cmd_check, N_("validate corpus files and summarise both libraries"), 0, NULL, 0 },
  { "import", tm_cmd_import, N_("turn CSV, XLSX and JSON Lines files into a corpus file"), 0, NULL, 0 },
  { "index", tm_cmd_index, N_("build the index of both libraries"), P | TM_COMMAND_JOBS, NULL, 0 },
  { "match", tm_cmd_match, N_("rank one library against a record or a text"), A, match_formats, 0 },
  { "batch", tm_cmd_batch, N_("match every demand and every achievement: the nightly job"),
    A | TM_COMMAND_JOBS | TM_COMMAND_INDEX_LIST, batch_formats, 0 },
  { "merge", tm_cmd_merge, N_("merge the outputs of batch runs over shards or partitions"), C, batch_formats, 0 },
  { "explain", tm_cmd_explain, N_("show how one demand and one achievement score"), A, tsv_json, 0 },
  { "decide", tm_cmd_decide, N_("record a decision about a pair: accept, contacted, reject, clear"),
    I | TM_COMMAND_INDEX_LIST, NULL, 0 },
  { "decisions", tm_cmd_decisions, N_("list the decisions, or import a table of them"), I, tsv_csv_json, 0 },
  { "check-decisions", tm_cmd_check_decisions, N_("report decisions whose records have vanished"), I, tsv_json, 0 },
  { "show", tm_cmd_show, N_("print a record as the index stores it"), I, tsv_json, 0 },
  { "stats", tm_cmd_stats, N_("describe the index, or export its collection statistics"),
    I | TM_COMMAND_INDEX_LIST, tsv_json, 0 },
  { "tokenize", tm_cmd_tokenize, N_("show the terms the analyzer makes of a text"), 0, tsv_json, 'f' },
  { "help", tm_cmd_help, N_("show the manual page of a command"), 0, NULL, 0 },
};

#undef C
#undef P
#undef I
#undef A

static void
print_usage (FILE *out)
{
  fputs (_("Usage: techmatch [--help] [--version] COMMAND [ARGS...]\n"
           "\n"
           "Match enterprises' technical demands with research achievements.\n"
           "\n"
           "Commands:\n"), out);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-15s %s\n", commands[i].name, _(commands[i].summary));
  fputs (_("\n"
           "Run 'techmatch COMMAND --help' for a command's options and\n"
           "'techmatch help COMMAND' for its manual page.\n"), out);
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

/* "a (default), b or c" */
static char *
format_help (const char * const *formats)
{
  GString *s = g_string_new (NULL);
  guint n = g_strv_length ((char **) formats);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s%s", i == 0 ? "" : i + 1 == n ? _(" or ") : _(", "), formats[i],
                            i == 0 ? _(" (default)") : "");
  return g_string_free (s, FALSE);
}

/* -i @FILE: the indexes listed in FILE, one path a line; blank lines
 * and lines starting with # are skipped.  Into @out; FALSE with the
 * message printed. */
static gboolean
expand_index_list (const TmCommand *c, const char *list, GPtrArray *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (list, &text, NULL, &error))
    {
      fprintf (stderr, _("techmatch %s: -i @%s: %s\n"), c->name, list, error->message);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);

      if (line[0] == '\0' || line[0] == '#')
        continue;
      if (!g_utf8_validate (line, -1, NULL))
        {
          fprintf (stderr, _("techmatch %s: %s:%u: not UTF-8 text\n"), c->name, list, i + 1);
          return FALSE;
        }
      g_ptr_array_add (out, g_strdup (line));
      n++;
    }
  if (n == 0)
    {
      fprintf (stderr, _("techmatch %s: -i @%s: the file lists no index\n"), c->name, list);
      return FALSE;
    }
  return TRUE;
}

gboolean
tm_cli_parse (TmCli *cli, GOptionContext *context, int *argc, char ***argv)
{
  const TmCommand *c = cli->command;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("techmatch %s", c->name);
  g_autofree char *formats = c->formats != NULL ? format_help (c->formats) : NULL;
  GOptionEntry shared[4];
  guint n = 0;
  gboolean ok;

  memset (shared, 0, sizeof shared);
  if (c->flags & TM_COMMAND_INDEX_LIST)
    shared[n++] = (GOptionEntry) { "index", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &cli->opt_indexes,
                                   N_("The index (default: see techmatch(1)); repeat it for partitions, "
                                      "or give @FILE, a file listing them"),
                                   "INDEX" };
  else if (c->flags & TM_COMMAND_INDEX_PATH)
    shared[n++] = (GOptionEntry) { "index", 'i', 0, G_OPTION_ARG_FILENAME, &cli->opt_index,
                                   N_("The index (default: see techmatch(1))"), "INDEX" };
  if (c->formats != NULL)
    shared[n++] = (GOptionEntry) { "format", c->format_short, 0, G_OPTION_ARG_STRING, &cli->opt_format,
                                   formats, "FORMAT" };
  if (c->flags & TM_COMMAND_JOBS)
    shared[n++] = (GOptionEntry) { "jobs", 'j', 0, G_OPTION_ARG_INT, &cli->opt_jobs,
                                   N_("Threads (default: one per core)"), "N" };
  g_option_context_add_main_entries (context, shared, NULL);

  /* The options' descriptions, the parameter string and the summary
   * are in the catalogue (marked N_() where each command declares them). */
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* --help then says "techmatch check [OPTION…] CORPUS…". */
  g_set_prgname (prgname);
  ok = g_option_context_parse (context, argc, argv, &error);
  g_set_prgname ("techmatch");
  if (!ok)
    {
      fprintf (stderr, _("techmatch %s: %s\nTry 'techmatch %s --help'.\n"),
               c->name, error->message, c->name);
      return FALSE;
    }
  /* An explicit "--" ends the options; it is not an argument. */
  for (int i = 1; i < *argc; i++)
    if (strcmp ((*argv)[i], "--") == 0)
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], (gsize) (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }
  if (c->formats != NULL)
    {
      cli->format = c->formats[0];
      for (guint i = 0; cli->opt_format != NULL && c->formats[i] != NULL; i++)
        if (strcmp (cli->opt_format, c->formats[i]) == 0)
          cli->format = c->formats[i];
      if (cli->opt_format != NULL && strcmp (cli->opt_format, cli->format) != 0)
        {
          g_autoptr(GString) names = g_string_new (NULL);
          guint n_formats = g_strv_length ((char **) c->formats);

          for (guint i = 0; i < n_formats; i++)
            g_string_append_printf (names, "%s%s", i == 0 ? "" : i + 1 == n_formats ? _(" or ") : _(", "),
                                    c->formats[i]);
          fprintf (stderr, _("techmatch %s: unknown format '%s' (%s)\n"), c->name, cli->opt_format, names->str);
          return FALSE;
        }
    }
  if (cli->opt_jobs < 0 || cli->opt_jobs > TM_MAX_JOBS)
    {
      fprintf (stderr, _("techmatch %s: --jobs takes 0 (one per core) to %d\n"), c->name, TM_MAX_JOBS);
      return FALSE;
    }
  cli->jobs = (guint) cli->opt_jobs;
  if (cli->opt_indexes != NULL)
    {
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; cli->opt_indexes[i] != NULL; i++)
        if (cli->opt_indexes[i][0] != '@')
          g_ptr_array_add (paths, g_strdup (cli->opt_indexes[i]));
        else if (!expand_index_list (c, cli->opt_indexes[i] + 1, paths))
          return FALSE;
      g_ptr_array_add (paths, NULL);
      g_strfreev (cli->opt_indexes);
      cli->opt_indexes = (char **) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
    }
  if (cli->opt_indexes != NULL && cli->opt_indexes[0] != NULL)
    {
      g_free (cli->opt_index);
      cli->opt_index = g_strdup (cli->opt_indexes[0]);
    }
  return TRUE;
}

const TmConfig *
tm_cli_config (TmCli *cli, GError **error)
{
  if (cli->config != NULL)
    return cli->config;
  cli->config = g_new0 (TmConfig, 1);
  if (!tm_config_load (cli->config, error))
    {
      g_clear_pointer (&cli->config, g_free);
      return NULL;
    }
  if (cli->command->flags & TM_COMMAND_INDEX_PATH)
    cli->index_path = tm_config_index_path (cli->config, cli->opt_index);
  return cli->config;
}

static TmIndex *
open_index (const char *path, GError **error)
{
  TmIndex *index = tm_index_open (path, error);

  if (index == NULL && g_error_matches (*error, TM_ERROR, TM_ERROR_NOT_FOUND))
    g_prefix_error (error, "%s", _("no index (build one with techmatch index): "));
  return index;
}

gboolean
tm_cli_open (TmCli *cli, int *status, GError **error)
{
  TmCommandFlags flags = cli->command->flags;

  if (tm_cli_config (cli, error) == NULL)
    {
      *status = TM_EXIT_DATA;
      return FALSE;
    }
  *status = TM_EXIT_INDEX;
  if ((flags & TM_COMMAND_INDEX) && cli->index == NULL
      && (cli->index = open_index (cli->index_path, error)) == NULL)
    return FALSE;
  if ((flags & TM_COMMAND_ANALYZER) && cli->analyzer == NULL)
    {
      cli->analyzer = tm_analyzer_new (tm_index_get_analyzer_options (cli->index), error);
      if (cli->analyzer == NULL)
        {
          g_prefix_error (error, _("%s: its analyzer: "), cli->index_path);
          return FALSE;
        }
    }
  *status = TM_EXIT_OK;
  return TRUE;
}

gboolean
tm_cli_parse_enum (const TmCli *cli, const char *option, const char *value,
                   const char * const *names, int *out)
{
  g_autoptr(GString) list = g_string_new (NULL);
  guint n = g_strv_length ((char **) names);

  for (guint i = 0; i < n; i++)
    if (strcmp (value, names[i]) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  for (guint i = 0; i < n; i++)
    g_string_append_printf (list, "%s%s", i == 0 ? "" : i + 1 == n ? _(" or ") : _(", "), names[i]);
  fprintf (stderr, _("techmatch %s: %s is %s, not '%s'\n"), cli->command->name, option, list->str, value);
  return FALSE;
}

gboolean
tm_cli_parse_int (const char *command, const char *option, const char *value,
                  gint64 min, gint64 max, gint64 *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *min_text = NULL, *max_text = NULL;

  if (g_ascii_string_to_signed (value, 10, min, max, out, &error))
    return TRUE;
  /* As text: a format's G_GINT64_FORMAT cannot be in a catalogue. */
  min_text = g_strdup_printf ("%" G_GINT64_FORMAT, min);
  max_text = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  fprintf (stderr, _("techmatch %s: %s takes a whole number from %s to %s, not '%s'\n"),
           command, option, min_text, max_text, value);
  return FALSE;
}

gboolean
tm_cli_parse_partition (const char *command, const char *option, const char *value, guint *k, guint *n)
{
  g_auto(GStrv) kn = g_strsplit (value, "/", -1);
  guint64 vk, vn;

  if (g_strv_length (kn) != 2
      || !g_ascii_string_to_unsigned (kn[1], 10, 1, TM_MAX_PARTITIONS, &vn, NULL)
      || !g_ascii_string_to_unsigned (kn[0], 10, 1, vn, &vk, NULL))
    {
      fprintf (stderr, _("techmatch %s: %s takes K/N, partition K of N with 1 <= K <= N <= %d, not '%s'\n"),
               command, option, TM_MAX_PARTITIONS, value);
      return FALSE;
    }
  *k = (guint) vk;
  *n = (guint) vn;
  return TRUE;
}

gboolean
tm_cli_binary_output (const char *command, const char *format, const char *output)
{
  if (strcmp (format, "xlsx") != 0 || output != NULL || !isatty (STDOUT_FILENO))
    return TRUE;
  fprintf (stderr, _("techmatch %s: --format xlsx writes a workbook: give -o FILE.xlsx "
             "or send the output to a file\n"), command);
  return FALSE;
}

TmSprinter *
tm_cli_sprinter_stdout (const TmCli *cli, const TmSprinterOptions *options)
{
  /* The format was checked by tm_cli_parse(): this cannot fail. */
  return tm_sprinter_new (cli->format, stdout, _("standard output"), options, NULL);
}

static void
cli_clear (TmCli *cli)
{
  g_clear_pointer (&cli->analyzer, tm_analyzer_free);
  g_clear_pointer (&cli->index, tm_index_free);
  if (cli->config != NULL)
    tm_config_clear (cli->config);
  g_clear_pointer (&cli->config, g_free);
  g_clear_pointer (&cli->index_path, g_free);
  g_clear_pointer (&cli->opt_index, g_free);
  g_clear_pointer (&cli->opt_indexes, g_strfreev);
  g_clear_pointer (&cli->opt_format, g_free);
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
  if (problem->note)
    g_string_append (line, _("note: "));
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

  /* Before any thread: it may set OpenBLAS's environment. */
  tm_lsa_prepare ();
  setlocale (LC_ALL, "");
#ifdef ENABLE_NLS
  {
    /* $TECHMATCH_LOCALEDIR: the catalogues of a build tree (make check
     * sets it); otherwise where make install put them. */
    const char *localedir = g_getenv ("TECHMATCH_LOCALEDIR");

    bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE);
  }
#endif
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

        fprintf (stderr, _("techmatch: error: argument %d (\"%s\") is not valid UTF-8\n"), i, shown);
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
      TmCli cli = { &commands[i] };

      status = commands[i].fn (&cli, argc - 1, argv + 1, &error);
      cli_clear (&cli);
      if (error != NULL)
        {
          fprintf (stderr, _("techmatch: error: %s\n"), error->message);
          /* A command that chose a precise status keeps it (a missing
           * index is TM_EXIT_INDEX, whatever the error says). */
          if (status == TM_EXIT_OK || status == TM_EXIT_FAILURE)
            status = tm_cli_exit_status (error);
        }
      /* A printer that failed has said so (tm_sprinter_finish()). */
      if ((fflush (stdout) != 0 || ferror (stdout)) && error == NULL)
        {
          fprintf (stderr, _("techmatch: error: writing the output: %s\n"), g_strerror (errno));
          if (status == TM_EXIT_OK)
            status = TM_EXIT_FAILURE;
        }
      return status;
    }

  fprintf (stderr, _("techmatch: unknown command '%s'\nTry 'techmatch --help'.\n"), name);
  return TM_EXIT_USAGE;
}
