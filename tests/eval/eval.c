/* eval.c — ranking quality, one table: `make eval`.
 *
 * Rows: techmatch configurations (TF-IDF / BM25 × analyzer mode ×
 * synonyms on/off).  Columns:
 *
 *   nDCG@10, P@5   the bundled corpus's judgments (corpus/judgments.tsv):
 *                  each judged demand ranks the achievements; gain 2^g − 1
 *                  for grade g, relevant for P@5 means grade ≥ 1
 *   MRR@10, R@1    CSL known item (../shared/data/csl_zh/csl_full.jsonl):
 *                  the library holds the abstracts; the query is a record's
 *                  title and keywords; the target is its own abstract
 *   cat@10, disc@10  CSL category agreement: the query is an abstract; the
 *                  share of its top 10 (itself left out) with the same
 *                  category (门类) and discipline (学科)
 *   script         each judged demand as text, simplified and converted to
 *                  traditional by OpenCC's tool: the mean overlap of the
 *                  two top-10 lists
 *
 * Usage: tm-eval [--quick] [--terms N] [--weights T,K,B] SRCDIR SHARED_DATA_DIR
 *
 * --quick: the default configuration only, 500 known-item and 200
 * category queries (make check runs it to keep the harness working).
 * --terms and --weights override the query cut-off and the field weights
 * for every row, to choose the defaults by measurement.
 * Missing data or tools: the columns that need them print "-" and a note
 * says why.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tm-error.h"
#include "tm-index.h"
#include "tm-match.h"

/* The row --quick runs: the default configuration. */
#define DEFAULT_MODE TM_MODE_WORDS

typedef struct {
  char *id, *title, *abstract, *category, *discipline;
  GPtrArray *keywords;
} Paper;

static void
paper_free (gpointer p)
{
  Paper *x = p;

  g_free (x->id);
  g_free (x->title);
  g_free (x->abstract);
  g_free (x->category);
  g_free (x->discipline);
  g_ptr_array_unref (x->keywords);
  g_free (x);
}

static GPtrArray *
load_csl (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *papers = g_ptr_array_new_with_free_func (paper_free);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return papers;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;
      Paper *p;
      JsonArray *kw;

      if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      o = json_node_get_object (json_parser_get_root (parser));
      p = g_new0 (Paper, 1);
      p->id = g_strdup (json_object_get_string_member_with_default (o, "id", ""));
      p->title = g_strdup (json_object_get_string_member_with_default (o, "title", ""));
      p->abstract = g_strdup (json_object_get_string_member_with_default (o, "abstract", ""));
      p->category = json_object_has_member (o, "category") && !json_object_get_null_member (o, "category")
        ? g_strdup (json_object_get_string_member (o, "category")) : NULL;
      p->discipline = json_object_has_member (o, "discipline") && !json_object_get_null_member (o, "discipline")
        ? g_strdup (json_object_get_string_member (o, "discipline")) : NULL;
      p->keywords = g_ptr_array_new_with_free_func (g_free);
      kw = json_object_has_member (o, "keywords") ? json_object_get_array_member (o, "keywords") : NULL;
      for (guint k = 0; kw != NULL && k < json_array_get_length (kw); k++)
        g_ptr_array_add (p->keywords, g_strdup (json_array_get_string_element (kw, k)));
      if (p->abstract[0] != '\0' && p->title[0] != '\0')
        g_ptr_array_add (papers, p);
      else
        paper_free (p);
    }
  return papers;
}

/* The abstracts as an achievement library; titles are left out (the title
 * is the query), the record id stands in for the required title. */
static gboolean
write_csl_corpus (GPtrArray *papers, const char *path)
{
  g_autoptr(GString) s = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                       "<corpus xmlns=\"urn:techmatch:corpus:1\" library=\"achievement\">\n");

  for (guint i = 0; i < papers->len; i++)
    {
      Paper *p = papers->pdata[i];
      g_autofree char *a = g_markup_escape_text (p->abstract, -1);

      g_string_append_printf (s, "<achievement id=\"%s\"><title>%s</title><abstract>%s</abstract></achievement>\n",
                              p->id, p->id, a);
    }
  g_string_append (s, "</corpus>\n");
  return g_file_set_contents (path, s->str, (gssize) s->len, NULL);
}

typedef struct {
  GHashTable *grades;   /* "demand\tachievement" → grade */
  GPtrArray *demands;   /* judged demand ids, sorted */
} Judgments;

static gboolean
load_judgments (const char *path, Judgments *j)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  j->grades = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  j->demands = g_ptr_array_new_with_free_func (g_free);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);

      if (lines[i][0] == '#' || g_strv_length (f) != 3)
        continue;
      g_hash_table_insert (j->grades, g_strdup_printf ("%s\t%s", f[0], f[1]), GINT_TO_POINTER (atoi (f[2])));
      if (!g_hash_table_contains (seen, f[0]))
        {
          char *id = g_strdup (f[0]);
          g_hash_table_add (seen, id);
          g_ptr_array_add (j->demands, id);
        }
    }
  return j->demands->len > 0;
}

static int
grade (const Judgments *j, const char *demand, const char *achievement)
{
  g_autofree char *key = g_strdup_printf ("%s\t%s", demand, achievement);

  return GPOINTER_TO_INT (g_hash_table_lookup (j->grades, key));
}

static int
compare_int_desc (gconstpointer a, gconstpointer b)
{
  return *(const int *) b - *(const int *) a;
}

typedef struct {
  TmAnalyzerMode mode;
  gboolean synonyms;
  TmModel model;
} Config;

static TmIndex *
build (const char *corpus, const char *path, const Config *c, TmAnalyzer **analyzer)
{
  g_autoptr(GError) error = NULL;
  const char *paths[] = { corpus, NULL };
  TmIndexBuildOptions o;
  TmIndexBuildStats stats;
  TmIndex *idx;

  memset (&o, 0, sizeof o);
  tm_analyzer_options_init (&o.analyzer);
  o.analyzer.mode = c->mode;
  o.analyzer.synonyms = c->synonyms;
  if (!tm_index_build (paths, path, &o, &stats, &error)
      || (idx = tm_index_open (path, &error)) == NULL
      || (*analyzer = tm_analyzer_new (tm_index_get_analyzer_options (idx), &error)) == NULL)
    {
      fprintf (stderr, "tm-eval: %s\n", error->message);
      exit (1);
    }
  return idx;
}

/* The demand's text, for the script test. */
static char *
demand_text (const TmRecord *r)
{
  g_autoptr(GString) s = g_string_new (r->title);

  for (guint i = 0; i < r->keywords->len; i++)
    g_string_append_printf (s, " %s", (const char *) r->keywords->pdata[i]);
  g_string_append_printf (s, " %s", r->body ? r->body : "");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* OpenCC's own tool turns the texts (one per line) into traditional. */
static char **
to_traditional (GPtrArray *texts, const char *tmp)
{
  g_autofree char *in = g_build_filename (tmp, "s.txt", NULL);
  g_autofree char *out = g_build_filename (tmp, "t.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  const char *argv[] = { "opencc", "-c", "s2t", "-i", in, "-o", out, NULL };
  int status = -1;

  for (guint i = 0; i < texts->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) texts->pdata[i]);
  g_file_set_contents (in, s->str, (gssize) s->len, NULL);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || status != 0 || !g_file_get_contents (out, &contents, NULL, NULL))
    return NULL;
  return g_strsplit (contents, "\n", -1);
}

static gboolean quick;
static int opt_terms = -1;
static char *opt_weights;

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "One configuration, fewer CSL queries", NULL },
    { "terms", 0, 0, G_OPTION_ARG_INT, &opt_terms, "Query terms kept", "N" },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, "Field weights", "T,K,B" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("SRCDIR SHARED_DATA_DIR");
  const char *srcdir, *shared;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL))
    return 2;
  srcdir = argc > 1 ? argv[1] : ".";
  shared = argc > 2 ? argv[2] : "../shared/data";
  g_autofree char *tmp = g_dir_make_tmp ("tm-eval-XXXXXX", NULL);
  g_autofree char *corpus = g_build_filename (srcdir, "corpus", NULL);
  g_autofree char *jpath = g_build_filename (corpus, "judgments.tsv", NULL);
  g_autofree char *csl_path = g_build_filename (shared, "csl_zh", "csl_full.jsonl", NULL);
  g_autofree char *csl_dir = g_build_filename (tmp, "csl", NULL);
  g_autofree char *csl_xml = g_build_filename (csl_dir, "csl.xml", NULL);
  g_autoptr(GPtrArray) papers = load_csl (csl_path);
  gboolean have_opencc = g_find_program_in_path ("opencc") != NULL;
  Judgments j;
  GPtrArray *configs = g_ptr_array_new_with_free_func (g_free);
  guint n_cat_queries;

  if (!load_judgments (jpath, &j))
    {
      fprintf (stderr, "tm-eval: cannot read %s\n", jpath);
      return 1;
    }
  g_mkdir_with_parents (csl_dir, 0755);
  if (papers->len > 0)
    write_csl_corpus (papers, csl_xml);
  n_cat_queries = MIN (papers->len, quick ? 200u : 1000u);

  for (int model = 0; model < 2; model++)
    for (int mode = 0; mode < 3; mode++)
      for (int syn = 1; syn >= 0; syn--)
        {
          Config *c = g_new (Config, 1);
          c->model = (TmModel) model;
          c->mode = (TmAnalyzerMode) mode;
          c->synonyms = syn;
          if (!quick || (mode == (int) DEFAULT_MODE && syn))
            g_ptr_array_add (configs, c);
          else
            g_free (c);
        }

  printf ("%-26s %8s %6s %8s %6s %7s %7s %7s\n", "configuration", "nDCG@10", "P@5",
          "MRR@10", "R@1", "cat@10", "disc@10", "script");
  for (guint ci = 0; ci < configs->len; ci++)
    {
      const Config *c = configs->pdata[ci];
      g_autofree char *label = g_strdup_printf ("%s %s%s", tm_model_name (c->model),
                                                tm_analyzer_mode_name (c->mode), c->synonyms ? " +syn" : "");
      g_autofree char *ipath = g_build_filename (tmp, "corpus.idx", NULL);
      g_autofree char *cpath = g_build_filename (tmp, "csl.idx", NULL);
      TmAnalyzer *analyzer = NULL;
      TmIndex *idx = build (corpus, ipath, c, &analyzer);
      TmMatcher *m = tm_matcher_new (idx, analyzer);
      TmMatchOptions o;
      double ndcg = 0, p5 = 0, mrr = 0, r1 = 0, cat = 0, disc = 0, overlap = 0;
      guint n_overlap = 0;
      char mrr_s[16] = "-", r1_s[16] = "-", cat_s[16] = "-", disc_s[16] = "-", script_s[16] = "-";
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) tops = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

      tm_match_options_init (&o);
      o.score.model = c->model;
      o.top = 10;
      if (opt_terms >= 0)
        o.max_terms = (guint) opt_terms;
      if (opt_weights != NULL)
        sscanf (opt_weights, "%lf,%lf,%lf", &o.score.weights[0], &o.score.weights[1], &o.score.weights[2]);

      /* The bundled judgments. */
      for (guint d = 0; d < j.demands->len; d++)
        {
          const char *demand = j.demands->pdata[d];
          g_autoptr(TmRecord) r = NULL;
          g_autoptr(TmResults) res = NULL;
          g_autoptr(GArray) ideal = g_array_new (FALSE, FALSE, sizeof (int));
          GHashTableIter it;
          gpointer key, value;
          double dcg = 0, idcg = 0;
          guint hits5 = 0;
          guint32 doc;
          GPtrArray *ids = g_ptr_array_new ();

          if (!tm_index_find_doc (idx, TM_LIBRARY_DEMAND, demand, &doc))
            continue;
          r = tm_index_get_record (idx, TM_LIBRARY_DEMAND, doc);
          res = tm_matcher_run_doc (m, TM_LIBRARY_DEMAND, doc, TM_LIBRARY_ACHIEVEMENT, &o, NULL);
          for (guint i = 0; res != NULL && i < res->results->len; i++)
            {
              const char *a = tm_index_doc_id (idx, TM_LIBRARY_ACHIEVEMENT,
                                               g_array_index (res->results, TmResult, i).doc);
              int g = grade (&j, demand, a);

              dcg += (pow (2, g) - 1) / log2 (i + 2.0);
              if (i < 5 && g >= 1)
                hits5++;
              g_ptr_array_add (ids, g_strdup (a));
            }
          g_ptr_array_add (ids, NULL);
          g_ptr_array_add (tops, g_ptr_array_free (ids, FALSE));
          g_hash_table_iter_init (&it, j.grades);
          while (g_hash_table_iter_next (&it, &key, &value))
            if (g_str_has_prefix (key, demand) && ((const char *) key)[strlen (demand)] == '\t')
              {
                int g = GPOINTER_TO_INT (value);
                g_array_append_val (ideal, g);
              }
          g_array_sort (ideal, compare_int_desc);
          for (guint i = 0; i < MIN (10u, ideal->len); i++)
            idcg += (pow (2, g_array_index (ideal, int, i)) - 1) / log2 (i + 2.0);
          ndcg += idcg > 0 ? dcg / idcg : 0;
          p5 += hits5 / 5.0;
          g_ptr_array_add (texts, demand_text (r));
        }
      ndcg /= j.demands->len;
      p5 /= j.demands->len;

      /* Script invariance: the same demands as text, both scripts. */
      if (have_opencc)
        {
          g_auto(GStrv) trad = to_traditional (texts, tmp);

          for (guint d = 0; trad != NULL && d < texts->len && trad[d] != NULL; d++)
            {
              g_autoptr(TmResults) a = tm_matcher_run_text (m, texts->pdata[d], -1, TM_LIBRARY_ACHIEVEMENT, &o, NULL);
              g_autoptr(TmResults) b = tm_matcher_run_text (m, trad[d], -1, TM_LIBRARY_ACHIEVEMENT, &o, NULL);
              guint same = 0, n = 0;

              if (a == NULL || b == NULL)
                continue;
              n = MAX (a->results->len, b->results->len);
              for (guint x = 0; x < a->results->len; x++)
                for (guint y = 0; y < b->results->len; y++)
                  if (g_array_index (a->results, TmResult, x).doc == g_array_index (b->results, TmResult, y).doc)
                    same++;
              overlap += n > 0 ? (double) same / n : 1;
              n_overlap++;
            }
          if (n_overlap > 0)
            g_snprintf (script_s, sizeof script_s, "%.4f", overlap / n_overlap);
        }

      /* CSL. */
      if (papers->len > 0)
        {
          TmAnalyzer *canalyzer = NULL;
          TmIndex *cidx = build (csl_dir, cpath, c, &canalyzer);
          TmMatcher *cm = tm_matcher_new (cidx, canalyzer);
          guint n_known = 0, n_cat = 0, n_disc = 0;
          TmMatchOptions co = o;

          for (guint i = 0; i < papers->len; i++)
            {
              Paper *p = papers->pdata[i];
              g_autoptr(GString) q = g_string_new (p->title);
              g_autoptr(TmResults) res = NULL;

              if (quick && i >= 500)
                break;
              for (guint k = 0; k < p->keywords->len; k++)
                g_string_append_printf (q, "；%s", (const char *) p->keywords->pdata[k]);
              res = tm_matcher_run_text (cm, q->str, -1, TM_LIBRARY_ACHIEVEMENT, &co, NULL);
              n_known++;
              for (guint r = 0; res != NULL && r < res->results->len; r++)
                if (strcmp (tm_index_doc_id (cidx, TM_LIBRARY_ACHIEVEMENT, g_array_index (res->results, TmResult, r).doc), p->id) == 0)
                  {
                    mrr += 1.0 / (r + 1);
                    r1 += r == 0;
                    break;
                  }
            }
          g_snprintf (mrr_s, sizeof mrr_s, "%.4f", mrr / MAX (n_known, 1));
          g_snprintf (r1_s, sizeof r1_s, "%.4f", r1 / MAX (n_known, 1));

          co.top = 11;
          for (guint i = 0; i < n_cat_queries; i++)
            {
              /* Spread the queries over the collection. */
              Paper *p = papers->pdata[(guint) ((guint64) i * papers->len / n_cat_queries)];
              g_autoptr(TmResults) res = NULL;
              guint got = 0, same_c = 0, same_d = 0;

              if (p->category == NULL)
                continue;
              res = tm_matcher_run_text (cm, p->abstract, -1, TM_LIBRARY_ACHIEVEMENT, &co, NULL);
              for (guint r = 0; res != NULL && r < res->results->len && got < 10; r++)
                {
                  guint32 doc = g_array_index (res->results, TmResult, r).doc;
                  const char *id = tm_index_doc_id (cidx, TM_LIBRARY_ACHIEVEMENT, doc);
                  Paper *other = NULL;

                  if (strcmp (id, p->id) == 0)
                    continue;
                  got++;
                  for (guint k = 0; k < papers->len && other == NULL; k++)
                    if (strcmp (((Paper *) papers->pdata[k])->id, id) == 0)
                      other = papers->pdata[k];
                  same_c += other && g_strcmp0 (other->category, p->category) == 0;
                  same_d += other && g_strcmp0 (other->discipline, p->discipline) == 0;
                }
              if (got > 0)
                {
                  cat += (double) same_c / got;
                  disc += (double) same_d / got;
                  n_cat++;
                  n_disc++;
                }
            }
          if (n_cat > 0)
            {
              g_snprintf (cat_s, sizeof cat_s, "%.4f", cat / n_cat);
              g_snprintf (disc_s, sizeof disc_s, "%.4f", disc / n_disc);
            }
          tm_matcher_free (cm);
          tm_analyzer_free (canalyzer);
          tm_index_free (cidx);
        }

      printf ("%-26s %8.4f %6.4f %8s %6s %7s %7s %7s\n", label, ndcg, p5, mrr_s, r1_s, cat_s, disc_s, script_s);
      fflush (stdout);
      tm_matcher_free (m);
      tm_analyzer_free (analyzer);
      tm_index_free (idx);
    }
  if (papers->len == 0)
    printf ("note: no %s: the CSL columns are empty\n", csl_path);
  if (!have_opencc)
    printf ("note: OpenCC's command-line tool (Debian: opencc) is not installed: no script column\n");
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    int ignored = system (cmd);
    (void) ignored;
  }
  return 0;
}
