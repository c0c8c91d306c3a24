/* fuzz-import.c — any bytes as a platform's spreadsheet export.  The
 * first byte picks the format (CSV with its delimiter sniffed, CSV with
 * ';', TSV, JSON Lines, XLSX) and the library, so that one corpus of
 * inputs reaches every reader; the rest is the file.  Every record the
 * importer hands out is also written back as corpus XML. */
#include "config.h"

#include <unistd.h>

#include "tm-import.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
ignore_problem (const TmProblem *problem, gpointer user_data)
{
}

static const struct {
  TmImportFormat format;
  char delimiter;
  const char *extension;
} kinds[] = {
  { TM_IMPORT_FORMAT_CSV, 0, "csv" },
  { TM_IMPORT_FORMAT_CSV, ';', "csv" },
  { TM_IMPORT_FORMAT_TSV, 0, "tsv" },
  { TM_IMPORT_FORMAT_JSONL, 0, "jsonl" },
  { TM_IMPORT_FORMAT_XLSX, 0, "xlsx" },
  { TM_IMPORT_FORMAT_AUTO, 0, "txt" },
};

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static char *paths[G_N_ELEMENTS (kinds)];
  TmImportOptions options;
  TmImport *import;
  TmCorpusWriter *writer;
  FILE *sink;
  guint k;

  if (size == 0)
    return 0;
  k = data[0] % G_N_ELEMENTS (kinds);
  if (paths[k] == NULL)
    paths[k] = g_strdup_printf ("%s/tm-fuzz-import-%d.%s", g_get_tmp_dir (), (int) getpid (), kinds[k].extension);
  if (!g_file_set_contents (paths[k], (const char *) data + 1, (gssize) size - 1, NULL))
    return 0;
  tm_import_options_init (&options);
  options.format = kinds[k].format;
  options.delimiter = kinds[k].delimiter;
  if (data[0] & 0x80)
    {
      options.library_set = TRUE;
      options.library = data[0] & 0x40 ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
    }
  import = tm_import_open (paths[k], &options, ignore_problem, NULL, NULL);
  if (import == NULL)
    return 0;
  sink = fopen ("/dev/null", "w");
  writer = sink != NULL ? tm_corpus_writer_new (sink, tm_import_get_library (import)) : NULL;
  for (;;)
    {
      TmRecord *record = tm_import_next (import, NULL);

      if (record == NULL)
        break;  /* the end, or an error that ends the file */
      if (writer != NULL)
        tm_corpus_writer_add (writer, record, NULL);
      tm_record_free (record);
    }
  if (writer != NULL)
    {
      tm_corpus_writer_finish (writer, NULL);
      tm_corpus_writer_free (writer);
    }
  if (sink != NULL)
    fclose (sink);
  tm_import_free (import);
  return 0;
}
