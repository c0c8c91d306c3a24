/* bench-analyzer.c — analyzer throughput, per stage and end to end, and
 * the time to load its resources.
 *
 * Usage: bench-analyzer [SHARED_DATA_DIR]   (default: ../shared/data)
 *
 * Reads the Chinese abstracts of the CSL and KPPatent collections at run
 * time (nothing of them is copied into the repository), repeats them to
 * about 20 MB, and reports MB of input per second on one core for each
 * stage: normalize (NFKC, lower case, t2s), pre-tokenize (PCRE2), segment
 * (dictionary route over each Han run), and the whole analyzer in each
 * mode.  The same abstracts written in traditional characters (OpenCC's
 * s2t, at run time) go through the normalizer and the whole analyzer
 * again: folding them back costs time, which should stay within 1.5x of
 * the simplified figure end to end; so does one record of 240,000
 * traditional characters without a break.  Prints figures only; asserts nothing (machines
 * are shared and noisy: use it to compare, not to test).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <opencc.h>

#include "tm-analyzer.h"
#include "tm-dict.h"
#include "tm-normalize.h"
#include "tm-pretok.h"
#include "tm-private.h"

#define TARGET_BYTES (20u << 20)

static GPtrArray *
load_texts (const char *dir, gsize *total)
{
  const char *files[] = { "csl_zh/csl_full.jsonl", "csl_zh/csl_title_abstract.jsonl",
                          "kppatent_zh/kppatent_zh.jsonl" };
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  *total = 0;
  for (gsize f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_build_filename (dir, files[f], NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *o;
          const char *abstract;

          if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
            continue;
          o = json_node_get_object (json_parser_get_root (parser));
          abstract = json_object_get_string_member_with_default (o, "abstract", "");
          if (abstract[0] != '\0')
            {
              g_ptr_array_add (texts, g_strdup (abstract));
              *total += strlen (abstract);
            }
        }
    }
  return texts;
}

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static void
count_seg (gsize start, gsize end, gpointer data)
{
  (*(guint64 *) data)++;
}

static void
count_run (TmRunKind kind, gsize start, gsize end, const char *term, gpointer data)
{
  (*(guint64 *) data)++;
}

static void
count_term (const TmTerm *term, gpointer data)
{
  (*(guint64 *) data)++;
}

typedef struct {
  const TmDict *dict;
  TmSegScratch *scratch;
  const char *text;
  guint64 *words;
} SegRun;

static void
segment_run (TmRunKind kind, gsize start, gsize end, const char *term, gpointer data)
{
  SegRun *s = data;

  if (kind == TM_RUN_HAN)
    tm_dict_segment (s->dict, s->text + start, end - start, s->scratch, count_seg, s->words);
}

/* Each figure is the best of ROUNDS runs: the machine is shared, and the
 * fastest run is the one least disturbed by others. */
#define ROUNDS 3

static void
report (const char *stage, double seconds, gsize bytes, guint64 items, const char *what)
{
  printf ("%-22s %8.1f MB/s  %10" G_GUINT64_FORMAT " %s, best of %d: %.2f s\n",
          stage, (double) bytes / 1e6 / seconds, items / ROUNDS, what, ROUNDS, seconds);
}

#define TIMED(best, ...) \
  do { \
    best = G_MAXDOUBLE; \
    for (int round_ = 0; round_ < ROUNDS; round_++) \
      { \
        double t_ = now (); \
        __VA_ARGS__; \
        best = MIN (best, now () - t_); \
      } \
  } while (0)

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : "../shared/data";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  TmAnalyzerOptions options;
  gsize total, bytes = 0;
  guint reps, n;
  double t0, load;

  texts = load_texts (dir, &total);
  if (texts->len == 0)
    {
      printf ("SKIP: no CSL or KPPatent data under %s (the analyzer benchmark reads it at run time)\n", dir);
      return 0;
    }
  reps = (guint) MAX (1, TARGET_BYTES / total);
  n = texts->len * reps;
  bytes = total * reps;
  printf ("input: %u abstracts, %.1f MB (x%u = %.1f MB)\n", texts->len, total / 1e6, reps, bytes / 1e6);

  /* Resource load: the median of 11 builds of the analyzer. */
  {
    double times[11];

    tm_analyzer_options_init (&options);
    for (int i = 0; i < 11; i++)
      {
        t0 = now ();
        tm_analyzer_free (tm_analyzer_new (&options, &error));
        times[i] = now () - t0;
      }
    for (int i = 0; i < 11; i++)
      for (int j = i + 1; j < 11; j++)
        if (times[j] < times[i])
          {
            double t = times[i];
            times[i] = times[j];
            times[j] = t;
          }
    load = times[5];
    printf ("%-22s %8.2f ms (median of 11)\n", "load resources", load * 1e3);
  }

  {
    g_autoptr(TmAnalyzer) analyzer = tm_analyzer_new (&options, &error);
    g_autoptr(GBytes) t2s = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-chars.txt", 0, NULL);
    g_autoptr(GBytes) t2s_table = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/t2s-table.txt", 0, NULL);
    g_autoptr(GBytes) dict_bytes = g_resource_lookup_data (tm_get_resource (), "/org/techmatch/dict.bin", 0, NULL);
    g_autoptr(TmNormalizer) normalizer = tm_normalizer_new (t2s_table, t2s, &error);
    g_autoptr(TmNormalized) norm = tm_normalized_new ();
    g_autoptr(TmPretok) pretok = tm_pretok_new (&error);
    g_autoptr(TmPretokScratch) ps = tm_pretok_scratch_new (pretok);
    g_autoptr(TmDict) dict = tm_dict_new (dict_bytes, &error);
    g_autoptr(TmSegScratch) seg = tm_seg_scratch_new ();
    g_autoptr(GPtrArray) normalized = g_ptr_array_new_with_free_func (g_free);
    guint64 items = 0;
    double best;

    for (guint i = 0; i < texts->len; i++)
      {
        const char *s = texts->pdata[i];
        tm_normalizer_run (normalizer, s, strlen (s), norm, NULL);
        g_ptr_array_add (normalized, g_strdup (norm->text->str));
      }

    /* Stage by stage, each on the previous stage's output. */
    TIMED (best, {
      for (guint i = 0; i < n; i++)
        {
          const char *s = texts->pdata[i % texts->len];
          tm_normalizer_run (normalizer, s, strlen (s), norm, NULL);
          items += norm->text->len;
        }
    });
    report ("normalize", best, bytes, items, "bytes out");

    items = 0;
    TIMED (best, {
      for (guint i = 0; i < n; i++)
        {
          const char *s = normalized->pdata[i % texts->len];
          tm_pretok_run (pretok, ps, s, strlen (s), count_run, &items, NULL);
        }
    });
    report ("pre-tokenize", best, bytes, items, "runs");

    items = 0;
    TIMED (best, {
      for (guint i = 0; i < n; i++)
        {
          const char *s = normalized->pdata[i % texts->len];
          SegRun sr = { dict, seg, s, &items };
          tm_pretok_run (pretok, ps, s, strlen (s), segment_run, &sr, NULL);
        }
    });
    report ("pre-tokenize+segment", best, bytes, items, "words");

    for (int m = TM_MODE_WORDS; m <= TM_MODE_MIXED; m++)
      {
        g_autoptr(TmAnalyzer) z = NULL;
        g_autoptr(TmAnalysis) a = NULL;
        g_autofree char *label = NULL;

        options.mode = (TmAnalyzerMode) m;
        z = tm_analyzer_new (&options, &error);
        a = tm_analysis_new (z);
        items = 0;
        TIMED (best, {
          for (guint i = 0; i < n; i++)
            tm_analyzer_analyze (z, a, 0, texts->pdata[i % texts->len], -1, count_term, &items, NULL);
        });
        label = g_strdup_printf ("end to end (%s)", tm_analyzer_mode_name ((TmAnalyzerMode) m));
        report (label, best, bytes, items, "terms");
      }
    (void) analyzer;

    /* Traditional text: the same abstracts through s2t. */
    {
      opencc_t s2t = opencc_open ("s2t.json");
      g_autoptr(GPtrArray) traditional = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(TmAnalysis) a = NULL;
      gsize tbytes = 0;
      double simplified, folded;

      if (s2t == (opencc_t) -1)
        {
          printf ("SKIP traditional: OpenCC has no s2t.json\n");
          return 0;
        }
      for (guint i = 0; i < texts->len; i++)
        {
          char *t = opencc_convert_utf8 (s2t, texts->pdata[i], strlen (texts->pdata[i]));

          g_ptr_array_add (traditional, g_strdup (t));
          tbytes += strlen (t);
          opencc_convert_utf8_free (t);
        }
      opencc_close (s2t);
      tbytes *= reps;

      items = 0;
      TIMED (simplified, {
        for (guint i = 0; i < n; i++)
          {
            const char *t = texts->pdata[i % texts->len];
            tm_normalizer_run (normalizer, t, strlen (t), norm, NULL);
            items += norm->text->len;
          }
      });
      report ("normalize (simplified)", simplified, bytes, items, "bytes out");
      items = 0;
      TIMED (folded, {
        for (guint i = 0; i < n; i++)
          {
            const char *t = traditional->pdata[i % texts->len];
            tm_normalizer_run (normalizer, t, strlen (t), norm, NULL);
            items += norm->text->len;
          }
      });
      report ("normalize (traditional)", folded, tbytes, items, "bytes out");
      printf ("%-22s %8.2fx the time of simplified, per byte\n", "traditional/simplified",
              (folded / tbytes) / (simplified / bytes));

      /* One record of 240,000 traditional characters without a break
       * (the Han characters of the texts run together, 0.7 MB), 20 times:
       * the case that was once quadratic. */
      {
        g_autoptr(GString) run = g_string_new (NULL);
        glong chars = 0;

        for (guint i = 0; i < traditional->len && chars < 240000; i++)
          for (const char *p = traditional->pdata[i]; *p != '\0' && chars < 240000; p = g_utf8_next_char (p))
            if (tm_unichar_is_han (g_utf8_get_char (p)))
              {
                g_string_append_unichar (run, g_utf8_get_char (p));
                chars++;
              }
        items = 0;
        TIMED (folded, {
          for (guint r = 0; r < 20; r++)
            {
              tm_normalizer_run (normalizer, run->str, run->len, norm, NULL);
              items += norm->text->len;
            }
        });
        report ("normalize (240k run)", folded, run->len * 20, items, "bytes out");
      }

      options.mode = TM_MODE_WORDS;
      g_clear_pointer (&analyzer, tm_analyzer_free);
      analyzer = tm_analyzer_new (&options, &error);
      a = tm_analysis_new (analyzer);
      items = 0;
      TIMED (simplified, {
        for (guint i = 0; i < n; i++)
          tm_analyzer_analyze (analyzer, a, 0, texts->pdata[i % texts->len], -1, count_term, &items, NULL);
      });
      report ("end to end (simplified)", simplified, bytes, items, "terms");
      items = 0;
      TIMED (folded, {
        for (guint i = 0; i < n; i++)
          tm_analyzer_analyze (analyzer, a, 0, traditional->pdata[i % texts->len], -1, count_term, &items, NULL);
      });
      report ("end to end (traditional)", folded, tbytes, items, "terms");
      printf ("%-22s %8.2fx the time of simplified, per byte\n", "traditional/simplified",
              (folded / tbytes) / (simplified / bytes));
    }
  }
  return 0;
}
