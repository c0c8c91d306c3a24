/* fuzz-analyzer.c — any bytes as text, through the analyzer in each mode. */
#include "config.h"

#include "tm-analyzer.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
ignore (const TmTerm *term, gpointer user_data)
{
  g_assert (term->end >= term->start);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static TmAnalyzer *analyzers[3];
  static TmAnalysis *analyses[3];

  if (analyzers[0] == NULL)
    for (int m = 0; m < 3; m++)
      {
        TmAnalyzerOptions o;

        tm_analyzer_options_init (&o);
        o.mode = (TmAnalyzerMode) m;
        analyzers[m] = tm_analyzer_new (&o, NULL);
        analyses[m] = tm_analysis_new (analyzers[m]);
      }
  for (int m = 0; m < 3; m++)
    {
      GError *error = NULL;

      tm_analyzer_analyze (analyzers[m], analyses[m], 0, (const char *) data, (gssize) size,
                           ignore, NULL, &error);
      g_clear_error (&error);
    }
  return 0;
}
