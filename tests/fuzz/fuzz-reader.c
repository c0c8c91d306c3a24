/* fuzz-reader.c — any bytes as a corpus file. */
#include "config.h"

#include <unistd.h>

#include "tm-corpus.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
ignore_problem (const TmProblem *problem, gpointer user_data)
{
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static char *path;
  const char *paths[2] = { NULL, NULL };
  TmCorpusStats stats;

  if (path == NULL)
    path = g_strdup_printf ("%s/tm-fuzz-reader-%d.xml", g_get_tmp_dir (), (int) getpid ());
  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    return 0;
  paths[0] = path;
  tm_corpus_read (paths, ignore_problem, NULL, NULL, &stats, NULL);
  return 0;
}
