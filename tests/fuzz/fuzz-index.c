/* fuzz-index.c — any bytes as an index file: opened, read through,
 * queried and verified; it must fail cleanly or answer.  Each input is
 * tried twice: as it is (the checksums catch nearly every change), and
 * with its checksums recomputed (tests/lib/tm-index-mutate.h), so that
 * the structural checks of every decoder are what the fuzzer reaches. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "tm-index-mutate.h"
#include "tm-index.h"
#include "tm-match.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
read_index (const char *path, const TmAnalyzer *analyzer, const guint8 *data, size_t size)
{
  GError *error = NULL;
  TmIndex *idx;

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    return;
  idx = tm_index_open (path, &error);
  if (idx == NULL)
    {
      g_clear_error (&error);
      return;
    }
  tm_index_get_n_postings (idx);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    for (guint32 d = 0; d < MIN (tm_index_get_n_docs (idx, l), 50u); d++)
      {
        TmMatcher *m = tm_matcher_new (idx, analyzer);
        TmMatchOptions o;
        TmResults *r;

        tm_record_free (tm_index_get_record (idx, l, d));
        tm_match_options_init (&o);
        o.explain = TRUE;
        r = tm_matcher_run_doc (m, l, d, l == 0 ? 1 : 0, &o, NULL);
        if (r != NULL)
          tm_results_free (r);
        r = tm_matcher_run_text (m, "电池 laser 30w", -1, l, &o, NULL);
        if (r != NULL)
          tm_results_free (r);
        tm_matcher_free (m);
      }
  tm_index_verify (idx, NULL);
  tm_index_free (idx);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static char *path;
  static TmAnalyzer *analyzer;
  guint8 *copy;

  if (path == NULL)
    {
      TmAnalyzerOptions o;

      path = g_strdup_printf ("%s/tm-fuzz-index-%d.idx", g_get_tmp_dir (), (int) getpid ());
      tm_analyzer_options_init (&o);
      analyzer = tm_analyzer_new (&o, NULL);
    }
  read_index (path, analyzer, data, size);
  copy = g_malloc (MAX (size, 1));
  memcpy (copy, data, size);
  if (tm_mutate_rechecksum (copy, size))
    read_index (path, analyzer, copy, size);
  g_free (copy);
  return 0;
}
