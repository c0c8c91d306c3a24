/* cmd-import.c — techmatch import --library L [--map FILE] [-o OUT.xml] FILE...
 *
 * Turns the platforms' spreadsheets (CSV, TSV, XLSX, JSON Lines; corpus
 * XML too) into one corpus file of one library.  The output is written
 * to a temporary file and only then put in place of -o (tm-commit.h) or
 * copied to stdout, so a failed import leaves nothing behind.  Options: change one, change
 * man/techmatch-import.1 and the shell completion too.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tm-cli.h"
#include "tm-commit.h"
#include "tm-corpus.h"
#include "tm-error.h"
#include "tm-import.h"

static char *opt_library;
static char *opt_map;
static char *opt_output;
static char *opt_delimiter;
static char *opt_sheet;
static char *opt_from;
static gboolean opt_skip_bad;
static gboolean opt_quiet;

static GOptionEntry entries[] = {
  { "library", 'l', 0, G_OPTION_ARG_STRING, &opt_library,
    N_("The library the files hold: achievement or demand (required)"), "LIBRARY" },
  { "map", 0, 0, G_OPTION_ARG_FILENAME, &opt_map,
    N_("Column names from FILE: lines FIELD = HEADER"), "FILE" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write the corpus to FILE, replaced only when complete (default: stdout)"), "FILE" },
  { "delimiter", 'd', 0, G_OPTION_ARG_STRING, &opt_delimiter,
    N_("CSV delimiter: one character, or tab (default: from the first line)"), "CHAR" },
  { "sheet", 0, 0, G_OPTION_ARG_STRING, &opt_sheet,
    N_("XLSX: read the sheet NAME (default: the first)"), "NAME" },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from,
    N_("Read every file as csv, tsv, xlsx, jsonl or xml (default: from content and name)"), "FORMAT" },
  { "skip-bad", 0, 0, G_OPTION_ARG_NONE, &opt_skip_bad,
    N_("Report bad rows and write the good ones (default: any problem writes nothing)"), NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("Print nothing but problems"), NULL },
  { NULL }
};

static gboolean
parse_format (const char *name, TmImportFormat *out)
{
  static const struct { const char *name; TmImportFormat format; } formats[] = {
    { "csv", TM_IMPORT_FORMAT_CSV }, { "tsv", TM_IMPORT_FORMAT_TSV },
    { "xlsx", TM_IMPORT_FORMAT_XLSX }, { "jsonl", TM_IMPORT_FORMAT_JSONL },
    { "xml", TM_IMPORT_FORMAT_XML },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (name, formats[i].name) == 0)
      {
        *out = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_delimiter (const char *value, char *out)
{
  if (g_ascii_strcasecmp (value, "tab") == 0 || strcmp (value, "\\t") == 0
      || strcmp (value, "\t") == 0)
    *out = '\t';
  else if (strlen (value) == 1 && value[0] != '"' && value[0] != '\n' && value[0] != '\r')
    *out = value[0];
  else
    return FALSE;
  return TRUE;
}

/* The map file: FIELD = HEADER lines, under a [columns] group or none.
 * transfer full: field, header, ..., NULL. */
static char **
load_map (const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL, *grouped = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  const char *p;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("--map: %s"), local->message);
      return NULL;
    }
  for (p = text; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
    ;
  grouped = *p == '[' ? g_strdup (text) : g_strconcat ("[columns]\n", text, NULL);
  if (!g_key_file_load_from_data (kf, grouped, (gsize) -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: %s (a map holds lines FIELD = HEADER)"),
                   path, local->message);
      return NULL;
    }
  if (!g_key_file_has_group (kf, "columns"))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: no [columns] group"), path);
      return NULL;
    }
  keys = g_key_file_get_keys (kf, "columns", NULL, NULL);
  for (char **k = keys; k != NULL && *k != NULL; k++)
    {
      char *header = g_key_file_get_string (kf, "columns", *k, NULL);

      g_ptr_array_add (out, g_strdup (*k));
      g_ptr_array_add (out, header != NULL ? header : g_strdup (""));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

typedef struct {
  TmCorpusWriter *writer;
  guint written;
} Sink;

static gboolean
write_record (TmRecord *record, gpointer data, GError **error)
{
  Sink *sink = data;
  gboolean ok = tm_corpus_writer_add (sink->writer, record, error);

  tm_record_free (record);
  sink->written++;
  return ok;
}

/* Copies the finished corpus to stdout. */
static gboolean
copy_to_stdout (const char *path, GError **error)
{
  FILE *in = fopen (path, "rb");
  char buf[65536];
  size_t n;

  if (in == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  while ((n = fread (buf, 1, sizeof buf, in)) > 0)
    if (fwrite (buf, 1, n, stdout) != n)
      break;
  fclose (in);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing the output: %s"), g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

int
tm_cmd_import (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE...");
  g_auto(GStrv) map = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(TmCorpusWriter) writer = NULL;
  g_autoptr(TmCommitGroup) group = tm_commit_group_new ();
  TmImportOptions options;
  TmCorpusStats stats;
  Sink sink = { NULL, 0 };
  FILE *out = NULL;
  int fd, status = TM_EXIT_FAILURE;

  g_option_context_set_summary (context,
    N_("Turn a platform's own files into a corpus file of one library: CSV\n"
       "(the delimiter found from the first line), TSV, XLSX (the first sheet)\n"
       "and JSON Lines, with column headers in Chinese or English\n"
       "(techmatch-corpus(5) lists them).  Every bad row is listed on stderr as\n"
       "FILE:ROW:COLUMN: ID: MESSAGE."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;

  tm_import_options_init (&options);
  if (opt_library == NULL)
    {
      fprintf (stderr, _("techmatch import: --library achievement or --library demand is required\n"
                 "Try 'techmatch import --help'.\n"));
      return TM_EXIT_USAGE;
    }
  if (!tm_library_from_name (opt_library, &options.library))
    {
      fprintf (stderr, _("techmatch import: unknown library '%s' (achievement or demand)\n"), opt_library);
      return TM_EXIT_USAGE;
    }
  options.library_set = TRUE;
  if (opt_delimiter != NULL && !parse_delimiter (opt_delimiter, &options.delimiter))
    {
      fprintf (stderr, _("techmatch import: --delimiter takes one character or 'tab', not '%s'\n"),
               opt_delimiter);
      return TM_EXIT_USAGE;
    }
  if (opt_from != NULL && !parse_format (opt_from, &options.format))
    {
      fprintf (stderr, _("techmatch import: unknown format '%s' (csv, tsv, xlsx, jsonl or xml)\n"), opt_from);
      return TM_EXIT_USAGE;
    }
  options.sheet = opt_sheet;
  if (argc < 2)
    {
      fprintf (stderr, _("techmatch import: no file given\nTry 'techmatch import --help'.\n"));
      return TM_EXIT_USAGE;
    }
  if (opt_map != NULL)
    {
      map = load_map (opt_map, error);
      if (map == NULL)
        return TM_EXIT_DATA;
      options.map = (const char * const *) map;
    }

  /* -o goes through a commit group (tm-commit.h: a temporary beside it,
   * renamed when complete; a device such as /dev/null written in place);
   * stdout gets a temporary file of its own, copied when complete. */
  if (opt_output != NULL)
    {
      out = tm_commit_group_open (group, opt_output, error);
      if (out == NULL)
        return TM_EXIT_FAILURE;
      fd = -1;
    }
  else if ((fd = g_file_open_tmp ("techmatch-import-XXXXXX.xml", &tmp, NULL)) < 0
           || (out = fdopen (fd, "w")) == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s",
                   opt_output != NULL ? opt_output : _("a temporary file"), g_strerror (errno));
      if (fd >= 0)
        close (fd);
      if (fd >= 0 && tmp != NULL)
        unlink (tmp);
      return TM_EXIT_FAILURE;
    }

  writer = tm_corpus_writer_new (out, options.library);
  sink.writer = writer;
  if (!tm_corpus_read_with ((const char * const *) argv + 1, 1, &options, tm_cli_print_problem,
                            write_record, &sink, &stats, error))
    goto out;
  if (stats.problems > 0 && !opt_skip_bad)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   P_("%u problem; nothing was written (--skip-bad writes the good records)",
                      "%u problems; nothing was written (--skip-bad writes the good records)",
                      stats.problems), stats.problems);
      status = TM_EXIT_DATA;
      goto out;
    }
  if (!tm_corpus_writer_finish (writer, error))
    goto out;
  /* The writer flushes into @out as it is freed: before the close. */
  g_clear_pointer (&writer, tm_corpus_writer_free);
  if (opt_output != NULL)
    {
      out = NULL;  /* the group's */
      if (!tm_commit_group_commit (group, error))
        goto out;
      goto written;
    }
  if (fsync (fileno (out)) != 0 && errno != EINVAL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", tmp, g_strerror (errno));
      goto out;
    }
  if (fclose (out) != 0)
    {
      out = NULL;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", tmp, g_strerror (errno));
      goto out;
    }
  out = NULL;
  if (!copy_to_stdout (tmp, error))
    goto out;

written:

  if (stats.problems > 0)
    {
      guint bad = stats.bad_records[options.library];
      g_autofree char *problems = g_strdup_printf (P_("%u problem", "%u problems", stats.problems),
                                                   stats.problems);
      g_autofree char *skipped = g_strdup_printf (P_("%u bad row skipped", "%u bad rows skipped", bad), bad);

      /* TRANSLATORS: techmatch import: N problems; N bad rows skipped */
      fprintf (stderr, _("techmatch import: %s; %s\n"), problems, skipped);
    }
  if (!opt_quiet)
    {
      guint files = stats.files[options.library];
      g_autofree char *records =
        g_strdup_printf (options.library == TM_LIBRARY_DEMAND
                           ? P_("%u demand", "%u demands", sink.written)
                           : P_("%u achievement", "%u achievements", sink.written), sink.written);
      g_autofree char *from = g_strdup_printf (P_("%u file", "%u files", files), files);

      /* TRANSLATORS: techmatch import: N achievements from N files [to FILE] */
      if (opt_output != NULL)
        fprintf (stderr, _("techmatch import: %s from %s to %s\n"), records, from, opt_output);
      else
        fprintf (stderr, _("techmatch import: %s from %s\n"), records, from);
    }
  status = TM_EXIT_OK;

out:
  g_clear_pointer (&writer, tm_corpus_writer_free);
  if (out != NULL && opt_output == NULL)
    fclose (out);
  if (tmp != NULL)
    unlink (tmp);
  return status;
}
