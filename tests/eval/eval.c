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
 *   ti, kw         short queries, what a technology manager types: nDCG@10
 *                  on the same judgments when the query is the judged
 *                  demand's title alone (ti) or its keywords alone, joined
 *                  by spaces (kw), run as text
 *
 * Then one row per peer, the engines a user might pick instead (SQLite
 * FTS5, Xapian, scikit-learn; tests/eval/peers.py, run with --peers):
 * each indexes the same records and answers the same queries, as text
 * files, and its rankings are scored by the same code as techmatch's.
 * A peer whose modules are missing is skipped with a note.
 *
 * Usage: tm-eval [--quick] [--terms N] [--weights T,K,B] [--cat-queries N]
 *                [--peers SCRIPT [--python PATH] | --no-peers] SRCDIR SHARED_DATA_DIR
 *
 * --quick: the default configuration only, 500 known-item and 200
 * category queries.
 * --terms and --weights override the query cut-off and the field weights
 * for every row, to choose the defaults by measurement.
 * Missing data or tools: the columns that need them print "-" and a note
 * says why.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

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

/* One row: how the indexes are built and the queries run.  Today's rows
 * vary the first three; a variant (a query-time or index-time option on
 * top of a configuration) says so in @variant, which ends its label, and
 * sets its fields in config_index_options() and config_match_options(). */
typedef struct {
  TmAnalyzerMode mode;
  gboolean synonyms;
  TmModel model;
  const char *variant;  /* static, or NULL for today's rows */
  guint feedback;       /* query feedback: documents fed back, 0 = off */
  double semantic;      /* the latent layer's weight, 0 = off */
  guint latent_rank;    /* its rank, 0 = the default */
} Config;

/* --feedback-beta, --feedback-terms: for every feedback row. */
static double opt_feedback_beta = -1;
static int opt_feedback_terms = -1;

static void
config_index_options (const Config *c, TmIndexBuildOptions *o)
{
  o->analyzer.mode = c->mode;
  o->analyzer.synonyms = c->synonyms;
  o->latent_rank = c->latent_rank;
}

static void
config_match_options (const Config *c, TmMatchOptions *o)
{
  o->score.model = c->model;
  o->feedback = c->feedback;
  o->semantic = c->semantic;
  if (opt_feedback_beta >= 0)
    o->feedback_beta = opt_feedback_beta;
  if (opt_feedback_terms >= 0)
    o->feedback_terms = (guint) opt_feedback_terms;
}

static Config *
config_new (TmModel model, TmAnalyzerMode mode, gboolean synonyms, const char *variant)
{
  Config *c = g_new0 (Config, 1);

  c->model = model;
  c->mode = mode;
  c->synonyms = synonyms;
  c->variant = variant;
  return c;
}

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
  config_index_options (c, &o);
  if (!tm_index_build (paths, path, &o, &stats, &error)
      || (idx = tm_index_open (path, &error)) == NULL
      || (*analyzer = tm_analyzer_new (tm_index_get_analyzer_options (idx), &error)) == NULL)
    {
      fprintf (stderr, "tm-eval: %s\n", error->message);
      exit (1);
    }
  return idx;
}

/* The demand's keywords alone, as a manager types them. */
static char *
demand_keywords (const TmRecord *r)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < r->keywords->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? " " : "", (const char *) r->keywords->pdata[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
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

/* ---- the measures, from ranked ids -------------------------------------- */

/* One row of the table: sums, divided when printed. */
typedef struct {
  double ndcg, p5, mrr, r1, cat, disc, overlap, ndcg_title, ndcg_kw;
  guint n_judged, n_known, n_cat, n_overlap, n_title, n_kw;
} Row;

/* nDCG@10 of one judged demand's ranking; @p5 (if not NULL) gets its P@5. */
static double
ndcg_at_10 (const Judgments *j, const char *demand, GPtrArray *ids, double *p5)
{
  g_autoptr(GArray) ideal = g_array_new (FALSE, FALSE, sizeof (int));
  GHashTableIter it;
  gpointer key, value;
  double dcg = 0, idcg = 0;
  guint hits5 = 0;

  for (guint i = 0; i < MIN (10u, ids->len); i++)
    {
      int g = grade (j, demand, ids->pdata[i]);

      dcg += (pow (2, g) - 1) / log2 (i + 2.0);
      if (i < 5 && g >= 1)
        hits5++;
    }
  g_hash_table_iter_init (&it, j->grades);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (g_str_has_prefix (key, demand) && ((const char *) key)[strlen (demand)] == '\t')
      {
        int g = GPOINTER_TO_INT (value);
        g_array_append_val (ideal, g);
      }
  g_array_sort (ideal, compare_int_desc);
  for (guint i = 0; i < MIN (10u, ideal->len); i++)
    idcg += (pow (2, g_array_index (ideal, int, i)) - 1) / log2 (i + 2.0);
  if (p5 != NULL)
    *p5 = hits5 / 5.0;
  return idcg > 0 ? dcg / idcg : 0;
}

/* nDCG@10 and P@5 of one judged demand's full query. */
static void
score_judged (const Judgments *j, const char *demand, GPtrArray *ids, Row *row)
{
  double p5;

  row->ndcg += ndcg_at_10 (j, demand, ids, &p5);
  row->p5 += p5;
  row->n_judged++;
}

/* nDCG@10 of a short query (the demand's title or its keywords alone). */
static void
score_short (const Judgments *j, const char *demand, GPtrArray *ids, double *sum, guint *n)
{
  *sum += ndcg_at_10 (j, demand, ids, NULL);
  (*n)++;
}

/* MRR@10 and R@1 of a known-item query. */
static void
score_known (const char *target, GPtrArray *ids, Row *row)
{
  for (guint r = 0; r < MIN (10u, ids->len); r++)
    if (strcmp (ids->pdata[r], target) == 0)
      {
        row->mrr += 1.0 / (r + 1);
        row->r1 += r == 0;
        break;
      }
  row->n_known++;
}

/* Category and discipline agreement of an abstract's top 10, itself left
 * out. */
static void
score_agreement (GHashTable *by_id, const Paper *p, GPtrArray *ids, Row *row)
{
  guint got = 0, same_c = 0, same_d = 0;

  for (guint r = 0; r < ids->len && got < 10; r++)
    {
      const Paper *other = g_hash_table_lookup (by_id, ids->pdata[r]);

      if (strcmp (ids->pdata[r], p->id) == 0)
        continue;
      got++;
      same_c += other && g_strcmp0 (other->category, p->category) == 0;
      same_d += other && g_strcmp0 (other->discipline, p->discipline) == 0;
    }
  if (got == 0)
    return;
  row->cat += (double) same_c / got;
  row->disc += (double) same_d / got;
  row->n_cat++;
}

/* The share of two top-10 lists that is the same, whatever the order. */
static void
score_overlap (GPtrArray *a, GPtrArray *b, Row *row)
{
  guint same = 0, n = MAX (a->len, b->len);

  for (guint x = 0; x < a->len; x++)
    for (guint y = 0; y < b->len; y++)
      same += strcmp (a->pdata[x], b->pdata[y]) == 0;
  row->overlap += n > 0 ? (double) same / n : 1;
  row->n_overlap++;
}

#define TABLE_HEADER_FORMAT "%-40s %8s %6s %8s %6s %7s %7s %7s %7s %7s\n"

static void
print_header (void)
{
  printf (TABLE_HEADER_FORMAT, "configuration", "nDCG@10", "P@5", "MRR@10", "R@1", "cat@10",
          "disc@10", "script", "ti", "kw");
}

static void
print_row (const char *label, const Row *row)
{
  char c[7][16];
  double v[7] = { row->mrr / MAX (row->n_known, 1), row->r1 / MAX (row->n_known, 1),
                  row->cat / MAX (row->n_cat, 1), row->disc / MAX (row->n_cat, 1),
                  row->overlap / MAX (row->n_overlap, 1), row->ndcg_title / MAX (row->n_title, 1),
                  row->ndcg_kw / MAX (row->n_kw, 1) };
  guint n[7] = { row->n_known, row->n_known, row->n_cat, row->n_cat, row->n_overlap,
                 row->n_title, row->n_kw };

  for (int i = 0; i < 7; i++)
    if (n[i] > 0)
      g_snprintf (c[i], sizeof c[i], "%.4f", v[i]);
    else
      g_strlcpy (c[i], "-", sizeof c[i]);
  printf ("%-40s %8.4f %6.4f %8s %6s %7s %7s %7s %7s %7s\n", label,
          row->ndcg / MAX (row->n_judged, 1), row->p5 / MAX (row->n_judged, 1),
          c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
  fflush (stdout);
}

/* ---- the queries, shared by every row ---------------------------------- */

typedef struct {
  Judgments j;
  GPtrArray *judged;     /* ids of the judged demands found in the corpus */
  GPtrArray *texts;      /* their text, simplified */
  GPtrArray *titles;     /* their titles alone (the ti column) */
  GPtrArray *kws;        /* their keywords alone, joined by spaces, or "" (kw) */
  char **trad;           /* the same, traditional (OpenCC), or NULL */
  GPtrArray *papers;     /* CSL */
  GHashTable *by_id;     /* paper id → Paper */
  guint n_known;         /* known-item queries: the first n_known papers */
  GPtrArray *cat;        /* Paper *: the category queries */
  char *corpus, *csl_dir, *tmp;
  char *q_judged, *q_trad, *q_known, *q_cat, *q_title, *q_kw; /* the same, for peers.py */
} Tasks;

static char *
known_query (const Paper *p)
{
  GString *q = g_string_new (p->title);

  for (guint k = 0; k < p->keywords->len; k++)
    g_string_append_printf (q, "；%s", (const char *) p->keywords->pdata[k]);
  return g_string_free (q, FALSE);
}

static GPtrArray *
ids_of (const TmIndex *idx, TmLibrary library, const TmResults *res)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; res != NULL && i < res->results->len; i++)
    g_ptr_array_add (ids, g_strdup (tm_index_doc_id (idx, library, g_array_index (res->results, TmResult, i).doc)));
  return ids;
}

/* ---- techmatch ----------------------------------------------------------- */

static void
run_techmatch (Tasks *t, const Config *c, const TmMatchOptions *o, Row *row)
{
  g_autofree char *ipath = g_build_filename (t->tmp, "corpus.idx", NULL);
  g_autofree char *cpath = g_build_filename (t->tmp, "csl.idx", NULL);
  TmAnalyzer *analyzer = NULL;
  TmIndex *idx = build (t->corpus, ipath, c, &analyzer);
  TmMatcher *m = tm_matcher_new (idx, analyzer);

  /* The bundled judgments; the first row also collects the demands' text. */
  gboolean first = t->judged->len == 0;

  for (guint d = 0; d < t->j.demands->len; d++)
    {
      const char *demand = t->j.demands->pdata[d];
      g_autoptr(TmResults) res = NULL;
      g_autoptr(GPtrArray) ids = NULL;
      guint32 doc;

      if (!tm_index_find_doc (idx, TM_LIBRARY_DEMAND, demand, &doc))
        continue;
      if (first)
        {
          g_autoptr(TmRecord) r = tm_index_get_record (idx, TM_LIBRARY_DEMAND, doc);

          g_ptr_array_add (t->judged, g_strdup (demand));
          g_ptr_array_add (t->texts, demand_text (r));
          g_ptr_array_add (t->titles, g_strdup (r->title));
          g_ptr_array_add (t->kws, demand_keywords (r));
        }
      res = tm_matcher_run_doc (m, TM_LIBRARY_DEMAND, doc, TM_LIBRARY_ACHIEVEMENT, o, NULL);
      ids = ids_of (idx, TM_LIBRARY_ACHIEVEMENT, res);
      score_judged (&t->j, demand, ids, row);
    }

  /* Short queries: each judged demand's title alone, its keywords alone. */
  for (guint d = 0; d < t->judged->len; d++)
    {
      const char *kw = t->kws->pdata[d];
      g_autoptr(TmResults) a = tm_matcher_run_text (m, t->titles->pdata[d], -1, TM_LIBRARY_ACHIEVEMENT, o, NULL);
      g_autoptr(GPtrArray) ia = ids_of (idx, TM_LIBRARY_ACHIEVEMENT, a);

      score_short (&t->j, t->judged->pdata[d], ia, &row->ndcg_title, &row->n_title);
      if (kw[0] != '\0')
        {
          g_autoptr(TmResults) b = tm_matcher_run_text (m, kw, -1, TM_LIBRARY_ACHIEVEMENT, o, NULL);
          g_autoptr(GPtrArray) ib = ids_of (idx, TM_LIBRARY_ACHIEVEMENT, b);

          score_short (&t->j, t->judged->pdata[d], ib, &row->ndcg_kw, &row->n_kw);
        }
    }

  /* Script invariance: the same demands as text, both scripts. */
  if (t->trad == NULL && g_find_program_in_path ("opencc") != NULL)
    t->trad = to_traditional (t->texts, t->tmp);
  for (guint d = 0; t->trad != NULL && d < t->texts->len && t->trad[d] != NULL; d++)
    {
      g_autoptr(TmResults) a = tm_matcher_run_text (m, t->texts->pdata[d], -1, TM_LIBRARY_ACHIEVEMENT, o, NULL);
      g_autoptr(TmResults) b = tm_matcher_run_text (m, t->trad[d], -1, TM_LIBRARY_ACHIEVEMENT, o, NULL);
      g_autoptr(GPtrArray) ia = ids_of (idx, TM_LIBRARY_ACHIEVEMENT, a);
      g_autoptr(GPtrArray) ib = ids_of (idx, TM_LIBRARY_ACHIEVEMENT, b);

      score_overlap (ia, ib, row);
    }

  /* CSL. */
  if (t->papers->len > 0)
    {
      TmAnalyzer *canalyzer = NULL;
      TmIndex *cidx = build (t->csl_dir, cpath, c, &canalyzer);
      TmMatcher *cm = tm_matcher_new (cidx, canalyzer);
      TmMatchOptions co = *o;

      for (guint i = 0; i < t->n_known; i++)
        {
          const Paper *p = t->papers->pdata[i];
          g_autofree char *q = known_query (p);
          g_autoptr(TmResults) res = tm_matcher_run_text (cm, q, -1, TM_LIBRARY_ACHIEVEMENT, &co, NULL);
          g_autoptr(GPtrArray) ids = ids_of (cidx, TM_LIBRARY_ACHIEVEMENT, res);

          score_known (p->id, ids, row);
        }
      co.top = 11;
      for (guint i = 0; i < t->cat->len; i++)
        {
          const Paper *p = t->cat->pdata[i];
          g_autoptr(TmResults) res = tm_matcher_run_text (cm, p->abstract, -1, TM_LIBRARY_ACHIEVEMENT, &co, NULL);
          g_autoptr(GPtrArray) ids = ids_of (cidx, TM_LIBRARY_ACHIEVEMENT, res);

          score_agreement (t->by_id, p, ids, row);
        }
      tm_matcher_free (cm);
      tm_analyzer_free (canalyzer);
      tm_index_free (cidx);
    }
  tm_matcher_free (m);
  tm_analyzer_free (analyzer);
  tm_index_free (idx);
}

/* ---- the peers (tests/eval/peers.py) --------------------------------------- */

static const struct {
  const char *engine, *label;
} peers[] = {
  { "fts5", "peer: SQLite FTS5 trigram, bm25" },
  { "xapian", "peer: Xapian CJK n-grams, BM25" },
  { "sklearn", "peer: scikit-learn TF-IDF + jieba" },
};

static char *opt_peers;
static char *opt_python;

/* Runs peers.py ENGINE ARGS...: 0 when it ran, 77 when it skips, 1 when
 * it failed; @why (replaced) holds what it said on stderr. */
static int
peer (const char *engine, const char *const *args, char **why)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, opt_python);
  g_ptr_array_add (argv, opt_peers);
  g_ptr_array_add (argv, (char *) engine);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, &error))
    {
      g_free (*why);
      *why = g_strdup (error->message);
      return 77;
    }
  g_free (*why);
  *why = g_strdup (g_strstrip (err));
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    return 77;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : 1;
}

/* A queries file for peers.py: "id TAB text" per line. */
static char *
write_queries (const Tasks *t, const char *name, GPtrArray *qids, char *const *texts, guint n)
{
  char *path = g_build_filename (t->tmp, name, NULL);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < n && texts[i] != NULL; i++)
    {
      g_string_append_printf (s, "%s\t", (const char *) qids->pdata[i]);
      for (const char *p = texts[i]; *p != '\0'; p++)
        g_string_append_c (s, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
      g_string_append_c (s, '\n');
    }
  g_file_set_contents (path, s->str, (gssize) s->len, NULL);
  return path;
}

/* peers.py's results: query id → GPtrArray of ids, best first. */
static GHashTable *
read_results (const char *path)
{
  GHashTable *by_query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_ptr_array_unref);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return by_query;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 4);
      GPtrArray *ids;

      if (g_strv_length (f) < 3)
        continue;
      ids = g_hash_table_lookup (by_query, f[0]);
      if (ids == NULL)
        {
          ids = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by_query, g_strdup (f[0]), ids);
        }
      g_ptr_array_add (ids, g_strdup (f[2]));
    }
  return by_query;
}

static GPtrArray *
results_for (GHashTable *results, const char *qid)
{
  GPtrArray *ids = g_hash_table_lookup (results, qid);
  static GPtrArray *none;

  if (ids != NULL)
    return ids;
  if (none == NULL)
    none = g_ptr_array_new ();
  return none;
}

/* The queries as peers.py reads them, written once for every peer. */
static void
write_peer_queries (Tasks *t)
{
  g_autoptr(GPtrArray) kids = g_ptr_array_new ();
  g_autoptr(GPtrArray) ktexts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cids = g_ptr_array_new ();
  g_autoptr(GPtrArray) ctexts = g_ptr_array_new ();

  t->q_judged = write_queries (t, "judged.tsv", t->judged, (char **) t->texts->pdata, t->texts->len);
  if (t->trad != NULL)
    t->q_trad = write_queries (t, "judged-t.tsv", t->judged, t->trad, t->texts->len);
  t->q_title = write_queries (t, "judged-title.tsv", t->judged, (char **) t->titles->pdata, t->titles->len);
  t->q_kw = write_queries (t, "judged-kw.tsv", t->judged, (char **) t->kws->pdata, t->kws->len);
  for (guint i = 0; i < t->n_known; i++)
    {
      const Paper *p = t->papers->pdata[i];
      g_ptr_array_add (kids, p->id);
      g_ptr_array_add (ktexts, known_query (p));
    }
  g_ptr_array_add (ktexts, NULL);
  for (guint i = 0; i < t->cat->len; i++)
    {
      const Paper *p = t->cat->pdata[i];
      g_ptr_array_add (cids, p->id);
      g_ptr_array_add (ctexts, p->abstract);
    }
  g_ptr_array_add (ctexts, NULL);
  t->q_known = write_queries (t, "known.tsv", kids, (char **) ktexts->pdata, kids->len);
  t->q_cat = write_queries (t, "cat.tsv", cids, (char **) ctexts->pdata, cids->len);
}

/* peers.py ENGINE search INDEX QUERIES: the results, or NULL (@why says
 * why). */
static GHashTable *
peer_search (const Tasks *t, const char *engine, const char *index, const char *queries,
             const char *top, char **why)
{
  g_autofree char *out = g_build_filename (t->tmp, "peer-results.tsv", NULL);
  const char *search[] = { "search", index, queries, out, "--top", top, NULL };

  return peer (engine, search, why) == 0 ? read_results (out) : NULL;
}

/* Builds the peer's indexes, runs every query through it, and scores the
 * results as techmatch's.  FALSE with @why when it skipped or failed. */
static gboolean
run_peer (const Tasks *t, const char *engine, Row *row, char **why)
{
  g_autofree char *idx = g_strdup_printf ("%s/%s-corpus.idx", t->tmp, engine);
  g_autofree char *cidx = g_strdup_printf ("%s/%s-csl.idx", t->tmp, engine);
  g_autofree char *achievements = g_build_filename (t->corpus, "achievements", NULL);
  g_autoptr(GHashTable) simplified = NULL;
  const char *build[] = { "build", idx, achievements, NULL };
  const char *cbuild[] = { "build", cidx, t->csl_dir, NULL };

  if (peer (engine, build, why) != 0
      || (simplified = peer_search (t, engine, idx, t->q_judged, "10", why)) == NULL)
    return FALSE;
  for (guint d = 0; d < t->judged->len; d++)
    score_judged (&t->j, t->judged->pdata[d], results_for (simplified, t->judged->pdata[d]), row);

  /* The short queries, as techmatch's (a demand without keywords has no
   * kw query). */
  {
    g_autoptr(GHashTable) titles = peer_search (t, engine, idx, t->q_title, "10", why);
    g_autoptr(GHashTable) kws = titles != NULL ? peer_search (t, engine, idx, t->q_kw, "10", why) : NULL;

    if (kws == NULL)
      return FALSE;
    for (guint d = 0; d < t->judged->len; d++)
      {
        const char *demand = t->judged->pdata[d];

        score_short (&t->j, demand, results_for (titles, demand), &row->ndcg_title, &row->n_title);
        if (((const char *) t->kws->pdata[d])[0] != '\0')
          score_short (&t->j, demand, results_for (kws, demand), &row->ndcg_kw, &row->n_kw);
      }
  }

  if (t->q_trad != NULL)
    {
      g_autoptr(GHashTable) traditional = peer_search (t, engine, idx, t->q_trad, "10", why);

      if (traditional == NULL)
        return FALSE;
      for (guint d = 0; d < t->judged->len; d++)
        score_overlap (results_for (simplified, t->judged->pdata[d]),
                       results_for (traditional, t->judged->pdata[d]), row);
    }

  if (t->papers->len > 0)
    {
      g_autoptr(GHashTable) known = NULL;
      g_autoptr(GHashTable) cat = NULL;

      if (peer (engine, cbuild, why) != 0
          || (known = peer_search (t, engine, cidx, t->q_known, "10", why)) == NULL
          || (cat = peer_search (t, engine, cidx, t->q_cat, "11", why)) == NULL)
        return FALSE;
      for (guint i = 0; i < t->n_known; i++)
        {
          const Paper *p = t->papers->pdata[i];
          score_known (p->id, results_for (known, p->id), row);
        }
      for (guint i = 0; i < t->cat->len; i++)
        {
          const Paper *p = t->cat->pdata[i];
          score_agreement (t->by_id, p, results_for (cat, p->id), row);
        }
    }
  return TRUE;
}

/* ---- the table ----------------------------------------------------------- */

static gboolean quick, no_peers;
static int opt_terms = -1, opt_cat = -1;
static char *opt_weights;
static char *opt_feedback, *opt_semantic, *opt_ranks;

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "One configuration, fewer CSL queries", NULL },
    { "terms", 0, 0, G_OPTION_ARG_INT, &opt_terms, "Query terms kept", "N" },
    { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, "Field weights", "T,K,B" },
    { "cat-queries", 0, 0, G_OPTION_ARG_INT, &opt_cat, "Category queries (default 1000, --quick 200)", "N" },
    { "peers", 0, 0, G_OPTION_ARG_FILENAME, &opt_peers, "The peers' script (tests/eval/peers.py)", "SCRIPT" },
    { "python", 0, 0, G_OPTION_ARG_FILENAME, &opt_python, "The interpreter that has the peers' modules", "PATH" },
    { "no-peers", 0, 0, G_OPTION_ARG_NONE, &no_peers, "techmatch's rows only", NULL },
    { "feedback", 0, 0, G_OPTION_ARG_STRING, &opt_feedback,
      "Query feedback rows: documents fed back, comma-separated (default 3,5,10; 0: none)", "K,..." },
    { "semantic", 0, 0, G_OPTION_ARG_STRING, &opt_semantic,
      "Latent layer rows: weights, comma-separated (default 0.1,0.2,0.3; 0: none)", "W,..." },
    { "latent-rank", 0, 0, G_OPTION_ARG_STRING, &opt_ranks,
      "Latent layer rows: ranks, comma-separated (default 64,128,192)", "K,..." },
    { "feedback-beta", 0, 0, G_OPTION_ARG_DOUBLE, &opt_feedback_beta, "β of every feedback row", "B" },
    { "feedback-terms", 0, 0, G_OPTION_ARG_INT, &opt_feedback_terms, "Terms the feedback may add", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("SRCDIR SHARED_DATA_DIR");
  const char *srcdir, *shared;
  Tasks t;
  GPtrArray *configs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  guint n_cat_queries;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL))
    return 2;
  srcdir = argc > 1 ? argv[1] : ".";
  shared = argc > 2 ? argv[2] : "../shared/data";
  if (opt_python == NULL)
    opt_python = g_strdup ("/usr/bin/python3");

  memset (&t, 0, sizeof t);
  t.tmp = g_dir_make_tmp ("tm-eval-XXXXXX", NULL);
  t.corpus = g_build_filename (srcdir, "corpus", NULL);
  t.csl_dir = g_build_filename (t.tmp, "csl", NULL);
  t.judged = g_ptr_array_new_with_free_func (g_free);
  t.texts = g_ptr_array_new_with_free_func (g_free);
  t.titles = g_ptr_array_new_with_free_func (g_free);
  t.kws = g_ptr_array_new_with_free_func (g_free);
  t.by_id = g_hash_table_new (g_str_hash, g_str_equal);
  t.cat = g_ptr_array_new ();
  {
    g_autofree char *jpath = g_build_filename (t.corpus, "judgments.tsv", NULL);
    g_autofree char *csl_path = g_build_filename (shared, "csl_zh", "csl_full.jsonl", NULL);
    g_autofree char *csl_xml = g_build_filename (t.csl_dir, "csl.xml", NULL);

    if (!load_judgments (jpath, &t.j))
      {
        fprintf (stderr, "tm-eval: cannot read %s\n", jpath);
        return 1;
      }
    t.papers = load_csl (csl_path);
    g_mkdir_with_parents (t.csl_dir, 0755);
    if (t.papers->len > 0)
      write_csl_corpus (t.papers, csl_xml);
    else
      g_ptr_array_add (notes, g_strdup_printf ("no %s: the CSL columns are empty", csl_path));
  }
  for (guint i = 0; i < t.papers->len; i++)
    g_hash_table_insert (t.by_id, ((Paper *) t.papers->pdata[i])->id, t.papers->pdata[i]);
  t.n_known = MIN (t.papers->len, quick ? 500u : t.papers->len);
  n_cat_queries = MIN (t.papers->len, opt_cat >= 0 ? (guint) opt_cat : quick ? 200u : 1000u);
  for (guint i = 0; i < n_cat_queries; i++)
    {
      /* Spread the queries over the collection. */
      Paper *p = t.papers->pdata[(guint) ((guint64) i * t.papers->len / n_cat_queries)];

      if (p->category != NULL)
        g_ptr_array_add (t.cat, p);
    }
  if (g_find_program_in_path ("opencc") == NULL)
    g_ptr_array_add (notes, g_strdup ("OpenCC's command-line tool (Debian: opencc) is not installed: "
                                      "no script column"));

  for (int model = 0; model < 2; model++)
    for (int mode = 0; mode < 3; mode++)
      for (int syn = 1; syn >= 0; syn--)
        if (!quick || (mode == (int) DEFAULT_MODE && syn))
          g_ptr_array_add (configs, config_new ((TmModel) model, (TmAnalyzerMode) mode, syn, NULL));
  /* The variants, on top of the default configuration (with each model):
   * query feedback. */
  {
    g_auto(GStrv) ks = g_strsplit (opt_feedback != NULL ? opt_feedback : "3,5,10", ",", -1);

    for (int model = 0; model < 2; model++)
      for (guint i = 0; ks[i] != NULL; i++)
        {
          guint k = (guint) atoi (ks[i]);
          g_autofree char *label = g_strdup_printf ("feedback %u", k);
          Config *c;

          if (k == 0)
            continue;
          c = config_new ((TmModel) model, DEFAULT_MODE, TRUE, g_intern_string (label));
          c->feedback = k;
          g_ptr_array_add (configs, c);
        }
  }
  /* The latent layer: each rank with each weight (TF-IDF), the default
   * rank with each weight for BM25, and with feedback 3 on top. */
  {
    g_auto(GStrv) ws = g_strsplit (opt_semantic != NULL ? opt_semantic : "0.1,0.2,0.3", ",", -1);
    g_auto(GStrv) ks = g_strsplit (opt_ranks != NULL ? opt_ranks : "64,128,192", ",", -1);

    for (guint i = 0; ks[i] != NULL; i++)
      for (guint j = 0; ws[j] != NULL; j++)
        for (int model = 0; model < 2; model++)
          for (int fb = 0; fb < 2; fb++)
            {
              guint k = (guint) atoi (ks[i]);
              double w = g_ascii_strtod (ws[j], NULL);
              g_autofree char *label = NULL;
              Config *c;

              if (w <= 0 || k == 0 || ((model == TM_MODEL_BM25 || fb) && k != TM_DEFAULT_LATENT_RANK))
                continue;
              label = g_strdup_printf ("semantic %g rank %u%s", w, k, fb ? " feedback 3" : "");
              c = config_new ((TmModel) model, DEFAULT_MODE, TRUE, g_intern_string (label));
              c->semantic = w;
              c->latent_rank = k;
              c->feedback = fb ? 3 : 0;
              g_ptr_array_add (configs, c);
            }
  }

  print_header ();
  for (guint ci = 0; ci < configs->len; ci++)
    {
      const Config *c = configs->pdata[ci];
      g_autofree char *label = g_strdup_printf ("techmatch %s %s%s%s%s", tm_model_name (c->model),
                                                tm_analyzer_mode_name (c->mode), c->synonyms ? " +syn" : "",
                                                c->variant ? " " : "", c->variant ? c->variant : "");
      TmMatchOptions o;
      Row row;

      memset (&row, 0, sizeof row);
      tm_match_options_init (&o);
      config_match_options (c, &o);
      o.top = 10;
      if (opt_terms >= 0)
        o.max_terms = (guint) opt_terms;
      if (opt_weights != NULL)
        sscanf (opt_weights, "%lf,%lf,%lf", &o.score.weights[0], &o.score.weights[1], &o.score.weights[2]);
      run_techmatch (&t, c, &o, &row);
      print_row (label, &row);
    }

  if (opt_peers != NULL && !no_peers)
    write_peer_queries (&t);
  for (guint i = 0; opt_peers != NULL && !no_peers && i < G_N_ELEMENTS (peers); i++)
    {
      g_autofree char *why = NULL;
      Row row;

      memset (&row, 0, sizeof row);
      if (run_peer (&t, peers[i].engine, &row, &why))
        print_row (peers[i].label, &row);
      else
        g_ptr_array_add (notes, g_strdup_printf ("%s: skipped: %s", peers[i].engine,
                                                 why != NULL && why[0] != '\0' ? why : "failed"));
    }
  if (opt_peers == NULL && !no_peers)
    g_ptr_array_add (notes, g_strdup ("no --peers SCRIPT: no peers"));
  for (guint i = 0; i < notes->len; i++)
    printf ("note: %s\n", (const char *) notes->pdata[i]);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", t.tmp);
    int ignored = system (cmd);
    (void) ignored;
  }
  return 0;
}
