/* cmd-batch.c — techmatch batch [-i INDEX] [OPTIONS]
 *
 * Every demand against every achievement and back: the nightly job.
 * Options: change one, change man/techmatch-batch.1 too.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tm-batch.h"
#include "tm-cli.h"
#include "tm-commit.h"
#include "tm-error.h"

static char *opt_direction, *opt_top, *opt_min_score, *opt_model, *opt_weights;
static char *opt_terms, *opt_shard, *opt_since, *opt_output, *opt_min_trl, *opt_html, *opt_feedback, *opt_semantic;
static char *opt_decisions, *opt_strong, *opt_target_partition;
static char **opt_domains, **opt_regions, **opt_ips;
static gboolean opt_only_new, opt_bom, opt_quiet, opt_header, opt_show_rejected, opt_summary, opt_exhaustive;
static gboolean opt_exact_scores;

/* The defaults are written out in the --help texts (a catalogue's
 * message cannot be put together from macros). */
G_STATIC_ASSERT (TM_DEFAULT_TOP == 10);
/* In tenths: a floating expression is not an integer constant to every
 * compiler (clang refuses it). */
G_STATIC_ASSERT (TM_DEFAULT_SEMANTIC_TENTHS == 2);
G_STATIC_ASSERT (TM_DEFAULT_TERMS == 50);

static GOptionEntry entries[] = {
  { "direction", 0, 0, G_OPTION_ARG_STRING, &opt_direction,
    N_("d2a (each demand, its achievements), a2d (each achievement, its demands) or both (default)"), "DIR" },
  { "top", 'k', 0, G_OPTION_ARG_STRING, &opt_top, N_("Matches per source (default 10)"), "K" },
  { "min-score", 0, 0, G_OPTION_ARG_STRING, &opt_min_score, N_("Drop matches scoring less"), "S" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model, N_("tfidf (default) or bm25"), "MODEL" },
  { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, N_("Field weights title,keywords,body"), "T,K,B" },
  { "terms", 0, 0, G_OPTION_ARG_STRING, &opt_terms, N_("Keep each query's N strongest terms; 0 keeps all (default 50)"), "N" },
  { "feedback", 0, 0, G_OPTION_ARG_STRING, &opt_feedback, N_("Feed the top K results back into the query and run it again (0: off, the default)"), "K" },
  { "semantic", 0, 0, G_OPTION_ARG_STRING, &opt_semantic, N_("Weight W of the latent layer in the score, from 0 (off) to 1 (the default: 0.2)"), "W" },
  { "exhaustive", 0, 0, G_OPTION_ARG_NONE, &opt_exhaustive,
    N_("Score every target instead of pruning (the same results, slower)"), NULL },
  { "domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_domains, N_("Only targets of this domain (repeatable)"), "DOMAIN" },
  { "region", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_regions, N_("Only targets whose region holds TEXT (repeatable)"), "TEXT" },
  { "min-trl", 0, 0, G_OPTION_ARG_STRING, &opt_min_trl, N_("Only targets of at least this TRL"), "N" },
  { "ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_ips, N_("Only targets with this kind of IP (repeatable)"), "KIND" },
  { "shard", 0, 0, G_OPTION_ARG_STRING, &opt_shard, N_("Only the sources of shard K of N (1 <= K <= N)"), "K/N" },
  { "target-partition", 0, 0, G_OPTION_ARG_STRING, &opt_target_partition,
    N_("With the partitions as -i: only the targets of partition K (techmatch-partitions(7))"), "K" },
  { "since", 0, 0, G_OPTION_ARG_FILENAME, &opt_since, N_("A previous TSV output: mark pairs new, up, same or down"), "FILE" },
  { "only-new", 0, 0, G_OPTION_ARG_NONE, &opt_only_new, N_("With --since: only new pairs and pairs that rose"), NULL },
  { "header", 0, 0, G_OPTION_ARG_NONE, &opt_header, N_("A header line before TSV rows"), NULL },
  { "exact-scores", 0, 0, G_OPTION_ARG_NONE, &opt_exact_scores,
    N_("TSV scores with every digit, for techmatch merge (techmatch-merge(1))"), NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom, N_("Start CSV with a byte order mark (for spreadsheets)"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Write to FILE (replaced only when complete)"), "FILE" },
  { "html", 0, 0, G_OPTION_ARG_FILENAME, &opt_html,
    N_("Also write a self-contained HTML report for technology managers"), "FILE" },
  { "decisions", 'D', 0, G_OPTION_ARG_FILENAME, &opt_decisions,
    N_("The decisions database (default: INDEX.decisions)"), "DB" },
  { "show-rejected", 0, 0, G_OPTION_ARG_NONE, &opt_show_rejected,
    N_("Keep the pairs a manager rejected (marked rejected)"), NULL },
  { "summary", 0, 0, G_OPTION_ARG_NONE, &opt_summary,
    N_("Print the summary per domain and the unmatched demands instead of the pairs"), NULL },
  { "strong", 0, 0, G_OPTION_ARG_STRING, &opt_strong,
    N_("The score of a strong match, for --summary and --html (default 0.15)"), "S" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No progress on stderr"), NULL },
  { NULL }
};

/* ---- signals ---------------------------------------------------------------- */

static gint cancelled;

static void
on_signal (int sig)
{
  g_atomic_int_set (&cancelled, 1);
}

/* ---- progress ---------------------------------------------------------------- */

typedef struct {
  const char *label;
  gint64 start;
  gint64 last;
} Progress;

static void
show_progress (guint done, guint total, gpointer data)
{
  Progress *p = data;
  gint64 now = g_get_monotonic_time ();
  double secs = (now - p->start) / 1e6;
  double rate = secs > 0 ? done / secs : 0;

  if (now - p->last < G_USEC_PER_SEC / 5 && done < total)
    return;
  p->last = now;
  fputc ('\r', stderr);
  fprintf (stderr, _("%s: %u/%u sources, %.0f/s, %.0f s left   "), p->label, done, total, rate,
           rate > 0 ? (total - done) / rate : 0.0);
  if (done == total)
    fputc ('\n', stderr);
}

/* ---- --since ------------------------------------------------------------------ */

static const char *
status_of (const TmSince *since, const char *dir, const char *source, const char *target, guint rank)
{
  guint prev;

  if (!tm_since_lookup (since, dir, source, target, &prev))
    return "new";
  if (prev > rank)
    return "up";
  return prev == rank ? "same" : "down";
}

/* ---- decisions ------------------------------------------------------------------ */

/* The decisions as seen by the run: the state of each pair by its ids,
 * and the rejected pairs by document numbers (demand << 32 | achievement)
 * for the matcher's exclude callback, which worker threads read. */
typedef struct {
  GHashTable *states;       /* "demand\tachievement" → TmDecisionState */
  GHashTable *rejected;     /* guint64 * → itself */
} Decisions;

static gboolean
exclude_rejected (TmLibrary target, guint32 source_doc, guint32 target_doc, gpointer data)
{
  const Decisions *dec = data;
  guint64 key = target == TM_LIBRARY_ACHIEVEMENT ? (guint64) source_doc << 32 | target_doc
                                                 : (guint64) target_doc << 32 | source_doc;

  return source_doc != G_MAXUINT32 && g_hash_table_contains (dec->rejected, &key);
}

/* The keys are batch numbers (tm-batch.h): a document's number in its
 * index plus @offsets[library][part], the documents of that library in
 * the indexes before it. */
static void
rejected_pairs (Decisions *dec, const TmIndex *const *indexes, guint n_indexes, guint32 *const offsets[2])
{
  GHashTableIter it;
  gpointer key, value;

  dec->rejected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_iter_init (&it, dec->states);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      g_auto(GStrv) ids = g_strsplit (key, "\t", 2);
      guint32 d = G_MAXUINT32, a = G_MAXUINT32, doc;
      guint64 *k;

      if (GPOINTER_TO_INT (value) != TM_DECISION_REJECTED)
        continue;
      for (guint p = 0; p < n_indexes; p++)
        {
          if (d == G_MAXUINT32 && tm_index_find_doc (indexes[p], TM_LIBRARY_DEMAND, ids[0], &doc))
            d = doc + offsets[TM_LIBRARY_DEMAND][p];
          if (a == G_MAXUINT32 && tm_index_find_doc (indexes[p], TM_LIBRARY_ACHIEVEMENT, ids[1], &doc))
            a = doc + offsets[TM_LIBRARY_ACHIEVEMENT][p];
        }
      if (d == G_MAXUINT32 || a == G_MAXUINT32)
        continue;
      k = g_new (guint64, 1);
      *k = (guint64) d << 32 | a;
      g_hash_table_add (dec->rejected, k);
    }
}

const char *
tm_cli_decision_of (GHashTable *states, const char *demand, const char *achievement)
{
  g_autofree char *key = NULL;
  int state;

  if (states == NULL)
    return NULL;
  key = g_strconcat (demand, "\t", achievement, NULL);
  state = GPOINTER_TO_INT (g_hash_table_lookup (states, key));
  return state == TM_DECISION_NONE ? NULL : tm_decision_state_name ((TmDecisionState) state);
}

void
tm_cli_print_decision (TmSprinter *sp, const char *decision)
{
  /* Tables have the column on every line ("none" when none, batch and
   * match format 2); trees a member only when there is one. */
  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  tm_sprinter_string (sp, decision != NULL ? decision : "none");
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  if (decision != NULL)
    {
      tm_sprinter_key (sp, "decision");
      tm_sprinter_string (sp, decision);
    }
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
}

/* ---- output ------------------------------------------------------------------- */

/* The TSV cell of a score with --exact-scores: enough digits to read
 * back the same double (tm_cli_batch_source()). */
#define EXACT_SCORE_FORMAT "%.17g"

void
tm_cli_batch_begin (TmSprinter *sp, gboolean with_status)
{
  static const char * const with_status_columns[] = { "direction", "source_id", "rank", "target_id", "score",
                                                      "status", "decision", NULL };
  static const char * const columns[] = { "direction", "source_id", "rank", "target_id", "score", "decision", NULL };

  /* Tables: format 2, with the decision column (techmatch-batch(1));
   * trees only gained an optional member: still version 1. */
  tm_sprinter_begin_document (sp, "batch", 1);
  tm_sprinter_columns (sp, with_status ? with_status_columns : columns);
  tm_sprinter_key (sp, "sources");
  tm_sprinter_begin_stream (sp, "source");
}

void
tm_cli_batch_end (TmSprinter *sp)
{
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
}

gboolean
tm_cli_batch_output_options (const char *command, const char *format, const char *since_path,
                             gboolean only_new, gboolean exact_scores, TmBatchOutput *out,
                             TmSince **since, int *status, GError **error)
{
  *since = NULL;
  if (only_new && since_path == NULL)
    {
      fprintf (stderr, _("techmatch %s: --only-new needs --since\n"), command);
      *status = TM_EXIT_USAGE;
      return FALSE;
    }
  if (exact_scores && strcmp (format, "tsv") != 0)
    {
      fprintf (stderr, _("techmatch %s: --exact-scores is for the tsv format\n"), command);
      *status = TM_EXIT_USAGE;
      return FALSE;
    }
  if (since_path != NULL && (*since = tm_since_load (since_path, error)) == NULL)
    {
      *status = g_error_matches (*error, TM_ERROR, TM_ERROR_IO) ? TM_EXIT_FAILURE : TM_EXIT_DATA;
      return FALSE;
    }
  *out = (TmBatchOutput) { *since, only_new, exact_scores };
  return TRUE;
}

/* A source with the matches it shows: a row (direction, source) holding
 * a row per match (rank, target, score, status), so that table formats
 * print a line per match; nothing when no match is shown. */
void
tm_cli_batch_source (TmSprinter *sp, const TmBatchOutput *out, const char *dir, const char *source,
                     const TmBatchRow *rows, guint n_rows)
{
  g_autofree const char **status = g_new0 (const char *, n_rows + 1);
  g_autofree gboolean *shown = g_new0 (gboolean, n_rows + 1);
  guint n_shown = 0;

  for (guint i = 0; i < n_rows; i++)
    {
      status[i] = out->since != NULL ? status_of (out->since, dir, source, rows[i].target, i + 1) : NULL;
      shown[i] = !out->only_new || status[i] == NULL
                 || strcmp (status[i], "new") == 0 || strcmp (status[i], "up") == 0;
      n_shown += shown[i];
    }
  if (n_shown == 0)
    return;
  tm_sprinter_begin_row (sp);
  tm_sprinter_key (sp, "direction");
  tm_sprinter_string (sp, dir);
  tm_sprinter_key (sp, "source");
  tm_sprinter_string (sp, source);
  tm_sprinter_key (sp, "matches");
  tm_sprinter_begin_list (sp, "match");
  for (guint i = 0; i < n_rows; i++)
    {
      if (!shown[i])
        continue;
      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "rank");
      tm_sprinter_integer (sp, i + 1);
      tm_sprinter_key (sp, "target");
      tm_sprinter_string (sp, rows[i].target);
      tm_sprinter_key (sp, "score");
      if (out->exact_scores)
        {
          char cell[G_ASCII_DTOSTR_BUF_SIZE];

          tm_sprinter_string (sp, g_ascii_formatd (cell, sizeof cell, EXACT_SCORE_FORMAT, rows[i].score));
        }
      else
        tm_sprinter_score (sp, rows[i].score);
      if (status[i] != NULL)
        {
          tm_sprinter_key (sp, "status");
          tm_sprinter_string (sp, status[i]);
        }
      tm_cli_print_decision (sp, rows[i].decision);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
}

static void
write_batch (TmSprinter *sp, const TmBatchOutput *out, GHashTable *states, const TmIndex *const *indexes,
             TmBatch *const batches[2])
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (TmBatchRow));

  tm_cli_batch_begin (sp, out->since != NULL);
  for (int d = 0; d < 2; d++)
    {
      TmBatch *b = batches[d];

      for (guint i = 0; b != NULL && i < b->docs->len; i++)
        {
          const char *source = tm_batch_source_id (b, indexes, i);
          const TmResults *r = b->results->pdata[i];
          gboolean d2a = r->target == TM_LIBRARY_ACHIEVEMENT;

          g_array_set_size (rows, 0);
          for (guint j = 0; j < r->results->len; j++)
            {
              const TmResult *m = &g_array_index (r->results, TmResult, j);
              TmBatchRow row;

              row.target = tm_index_doc_id (indexes[m->part], r->target, m->doc);
              row.score = m->score;
              row.decision = tm_cli_decision_of (states, d2a ? source : row.target, d2a ? row.target : source);
              g_array_append_val (rows, row);
            }
          tm_cli_batch_source (sp, out, d == 0 ? "d2a" : "a2d", source, (const TmBatchRow *) (gpointer) rows->data, rows->len);
        }
    }
  tm_cli_batch_end (sp);
}

/* The summary (tm-summary.h): a line per domain and one for the total,
 * then a line per unmatched demand and per unwanted achievement; each
 * line's first cell says which. */
static void
write_summary (TmSprinter *sp, const TmIndex *const *indexes, const TmSummary *s)
{
  static const char * const columns[] = { "kind", "domain", "demands", "achievements", "strong",
                                          "unmatched", "unwanted", NULL };

  tm_sprinter_begin_document (sp, "summary", 1);
  tm_sprinter_columns (sp, columns);
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "threshold");
  tm_sprinter_number (sp, s->threshold, 2);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  for (int pass = 0; pass < 2; pass++)
    {
      guint n = pass == 0 ? s->domains->len : 1;

      tm_sprinter_key (sp, pass == 0 ? "domains" : "total");
      if (pass == 0)
        tm_sprinter_begin_list (sp, "domain");
      for (guint i = 0; i < n; i++)
        {
          const TmDomainSummary *d = pass == 0 ? &g_array_index (s->domains, TmDomainSummary, i) : &s->total;

          tm_sprinter_begin_row (sp);
          tm_sprinter_only (sp, TM_SPRINTER_TABLE);
          tm_sprinter_string (sp, pass == 0 ? "domain" : "total");
          tm_sprinter_only (sp, TM_SPRINTER_ALL);
          if (pass == 0)
            {
              tm_sprinter_key (sp, "domain");
              tm_sprinter_string (sp, d->domain);
            }
          else
            {
              tm_sprinter_only (sp, TM_SPRINTER_TABLE);
              tm_sprinter_string (sp, "-");
              tm_sprinter_only (sp, TM_SPRINTER_ALL);
            }
          tm_sprinter_key (sp, "demands");
          tm_sprinter_integer (sp, d->demands);
          tm_sprinter_key (sp, "achievements");
          tm_sprinter_integer (sp, d->achievements);
          tm_sprinter_key (sp, "strong");
          tm_sprinter_integer (sp, d->strong);
          tm_sprinter_key (sp, "unmatched");
          tm_sprinter_integer (sp, d->unmatched);
          tm_sprinter_key (sp, "unwanted");
          tm_sprinter_integer (sp, d->unwanted);
          tm_sprinter_end (sp);
        }
      if (pass == 0)
        tm_sprinter_end (sp);
    }
  for (int pass = 0; pass < 2; pass++)
    {
      GArray *docs = pass == 0 ? s->unmatched : s->unwanted;
      GArray *parts = pass == 0 ? s->unmatched_parts : s->unwanted_parts;
      TmLibrary lib = pass == 0 ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;

      tm_sprinter_key (sp, pass == 0 ? "unmatched" : "unwanted");
      tm_sprinter_begin_list (sp, pass == 0 ? "demand" : "achievement");
      for (guint i = 0; i < docs->len; i++)
        {
          guint32 doc = g_array_index (docs, guint32, i);
          const TmIndex *index = indexes[g_array_index (parts, guint, i)];

          tm_sprinter_begin_row (sp);
          tm_sprinter_only (sp, TM_SPRINTER_TABLE);
          tm_sprinter_string (sp, pass == 0 ? "unmatched" : "unwanted");
          tm_sprinter_only (sp, TM_SPRINTER_ALL);
          tm_sprinter_key (sp, "id");
          tm_sprinter_string (sp, tm_index_doc_id (index, lib, doc));
          if (pass == 0)
            {
              tm_sprinter_key (sp, "best");
              tm_sprinter_score (sp, g_array_index (s->unmatched_best, double, i));
            }
          tm_sprinter_key (sp, "domain");
          tm_sprinter_string (sp, tm_index_doc_domain (index, lib, doc));
          tm_sprinter_key (sp, pass == 0 ? "org" : "institution");
          tm_sprinter_string (sp, tm_index_doc_org (index, lib, doc));
          tm_sprinter_key (sp, "title");
          tm_sprinter_string (sp, tm_index_doc_title (index, lib, doc));
          tm_sprinter_end (sp);
        }
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
}

/* ---- partitions ------------------------------------------------------------------ */

/* The indexes of every -i into @indexes, in partition order (partition k
 * at k - 1), @owned keeping those opened here: with several, they must
 * be the N partitions of one corpus, each once, built with the same
 * analyzer settings and the same global statistics (techmatch-partitions(7)),
 * so that their merged run is the whole index's. */
static gboolean
open_partitions (TmCli *cli, GPtrArray *indexes, GPtrArray *owned, GError **error)
{
  char **paths = cli->opt_indexes;
  guint n = paths != NULL ? g_strv_length (paths) : 0;
  g_autofree const char **where = NULL;
  const char *fingerprint = NULL, *stats = NULL;

  if (n <= 1)
    {
      g_ptr_array_add (indexes, cli->index);
      return TRUE;
    }
  where = g_new0 (const char *, n);
  g_ptr_array_set_size (indexes, n);
  for (guint i = 0; i < n; i++)
    {
      TmIndex *index = cli->index;
      guint k, n_parts;

      if (i > 0)
        {
          if ((index = tm_index_open (paths[i], error)) == NULL)
            return FALSE;
          g_ptr_array_add (owned, index);
        }
      tm_index_get_partition (index, &k, &n_parts);
      if (n_parts != n)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("%s: partition %u/%u, but %u indexes were given: give each of the %u partitions once"),
                       paths[i], k, n_parts, n, n_parts);
          return FALSE;
        }
      if (where[k - 1] != NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("%s: partition %u/%u is given twice (also %s)"),
                       paths[i], k, n_parts, where[k - 1]);
          return FALSE;
        }
      if (tm_index_get_global_stats (index) == NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("%s: built without --global-stats: its scores are not the whole corpus's "
                         "(techmatch-partitions(7))"), paths[i]);
          return FALSE;
        }
      if (i == 0)
        {
          fingerprint = tm_index_get_fingerprint (index);
          stats = tm_index_get_global_stats (index);
        }
      else if (strcmp (fingerprint, tm_index_get_fingerprint (index)) != 0)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("%s: built with other analyzer settings than %s"),
                       paths[i], paths[0]);
          return FALSE;
        }
      else if (strcmp (stats, tm_index_get_global_stats (index)) != 0)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("%s: built with other global statistics than %s"),
                       paths[i], paths[0]);
          return FALSE;
        }
      where[k - 1] = paths[i];
      indexes->pdata[k - 1] = index;
    }
  return TRUE;
}

/* ---- the command ---------------------------------------------------------------- */

int
tm_cmd_batch (TmCli *cli, int argc, char **argv, GError **error)
{
  static const char * const directions[] = { "d2a", "a2d", "both", NULL };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmSince) since = NULL;
  g_autoptr(TmCommitGroup) group = tm_commit_group_new ();
  g_autoptr(TmSprinter) sp = NULL;
  const TmConfig *config;
  const char *path;
  TmIndex *index;
  TmAnalyzer *analyzer;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) abs_paths = NULL;
  g_autoptr(TmSummary) summary = NULL;
  g_autoptr(GHashTable) states = NULL, rejected = NULL;
  Decisions dec = { NULL, NULL };
  double strong = TM_STRONG_SCORE;
  FILE *out = stdout, *html = NULL;
  TmBatch *batches[2] = { NULL, NULL };
  g_autoptr(GPtrArray) indexes = g_ptr_array_new ();
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_index_free);
  g_autofree guint32 *offsets = NULL;
  guint32 *by_library[2];
  guint n_given;
  TmBatchOptions o;
  TmBatchOutput shown;
  gboolean d2a = TRUE, a2d = TRUE;
  struct sigaction sa;
  int status = TM_EXIT_OK;

  g_option_context_set_summary (context,
    N_("Match every demand against the achievements and every achievement\n"
       "against the demands.  Rows: direction, source id, rank, target id,\n"
       "score (the status against --since), decision.  Pairs a manager\n"
       "rejected (techmatch decide) are left out unless --show-rejected."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("techmatch batch: unexpected argument '%s'\n"), argv[1]);
      return TM_EXIT_USAGE;
    }
  if (!tm_cli_binary_output ("batch", cli->format, opt_output))
    return TM_EXIT_USAGE;
  n_given = cli->opt_indexes != NULL ? g_strv_length (cli->opt_indexes) : 1;
  if (opt_direction != NULL)
    {
      int d;

      if (!tm_cli_parse_enum (cli, "--direction", opt_direction, directions, &d))
        return TM_EXIT_USAGE;
      d2a = d != 1;
      a2d = d != 0;
    }
  if (!tm_cli_batch_output_options ("batch", cli->format, opt_since, opt_only_new, opt_exact_scores,
                                    &shown, &since, &status, error))
    return status;
  if (opt_strong != NULL && !tm_cli_number (opt_strong, 0, G_MAXDOUBLE, &strong))
    {
      fprintf (stderr, _("techmatch batch: --strong takes a score of at least 0, not '%s'\n"), opt_strong);
      return TM_EXIT_USAGE;
    }
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  memset (&o, 0, sizeof o);
  if (!tm_cli_match_options ("batch", config, &o.match, opt_top, opt_terms, opt_min_score, opt_model, opt_weights, opt_feedback, opt_semantic))
    return TM_EXIT_USAGE;
  o.match.exhaustive = opt_exhaustive;
  if (opt_min_trl != NULL)
    {
      gint64 v;
      if (!tm_cli_parse_int ("batch", "--min-trl", opt_min_trl, 1, 9, &v))
        return TM_EXIT_USAGE;
      o.match.min_trl = (int) v;
    }
  o.match.domains = (const char * const *) opt_domains;
  o.match.regions = (const char * const *) opt_regions;
  o.match.ips = (const char * const *) opt_ips;
  o.jobs = cli->jobs;
  o.n_shards = 1;
  o.shard = 1;
  if (opt_shard != NULL)
    {
      g_auto(GStrv) kn = g_strsplit (opt_shard, "/", 2);
      gint64 k, n;

      if (g_strv_length (kn) != 2
          || !g_ascii_string_to_signed (kn[1], 10, 1, TM_MAX_SHARDS, &n, NULL)
          || !g_ascii_string_to_signed (kn[0], 10, 1, n, &k, NULL))
        {
          fprintf (stderr, _("techmatch batch: --shard takes K/N with 1 <= K <= N, not '%s'\n"), opt_shard);
          return TM_EXIT_USAGE;
        }
      o.shard = (guint) k;
      o.n_shards = (guint) n;
    }
  if (opt_target_partition != NULL)
    {
      gint64 v;

      if (n_given < 2)
        {
          fprintf (stderr, _("techmatch batch: --target-partition needs the partitions, each as -i\n"));
          return TM_EXIT_USAGE;
        }
      if (!tm_cli_parse_int ("batch", "--target-partition", opt_target_partition, 1, n_given, &v))
        return TM_EXIT_USAGE;
      o.target_part = (guint) v;
    }
  /* Each partition would feed back its own top results, not the
   * corpus's: the run would not be the whole index's. */
  if (n_given > 1 && o.match.feedback > 0)
    {
      fprintf (stderr, _("techmatch batch: query feedback (--feedback, [scoring] feedback) takes one index, "
                         "not several partitions: give --feedback 0 or run the whole index\n"));
      return TM_EXIT_USAGE;
    }
  o.cancel = &cancelled;
  /* The report highlights the terms each pair matched on. */
  o.match.explain = opt_html != NULL;

  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  analyzer = cli->analyzer;
  path = cli->index_path;
  if (!open_partitions (cli, indexes, owned, error))
    return g_error_matches (*error, TM_ERROR, TM_ERROR_INVALID) ? TM_EXIT_DATA : TM_EXIT_INDEX;
  offsets = g_new0 (guint32, 2 * indexes->len);
  for (int l = 0; l < 2; l++)
    {
      by_library[l] = offsets + l * indexes->len;
      for (guint p = 1; p < indexes->len; p++)
        by_library[l][p] = by_library[l][p - 1] + tm_index_get_n_docs (indexes->pdata[p - 1], (TmLibrary) l);
    }
  /* With partitions, the decisions of the first -i. */
  db_path = tm_config_decisions_path (config, opt_decisions, path);

  /* The decisions as they stand now: a decide during the run changes
   * the next run, never half of this one. */
  dec.states = states = tm_cli_load_decisions (db_path, config->busy_ms, error);
  if (dec.states == NULL)
    return TM_EXIT_FAILURE;
  rejected_pairs (&dec, (const TmIndex *const *) indexes->pdata, indexes->len, by_library);
  rejected = dec.rejected;
  if (!opt_show_rejected && g_hash_table_size (dec.rejected) > 0)
    {
      o.match.exclude = exclude_rejected;
      o.match.exclude_data = &dec;
    }

  /* Every file is written to a temporary and put in place only when the
   * whole run succeeded (tm-commit.h). */
  if (opt_output != NULL && (out = tm_commit_group_open (group, opt_output, error)) == NULL)
    return TM_EXIT_FAILURE;
  if (opt_html != NULL && (html = tm_commit_group_open (group, opt_html, error)) == NULL)
    return TM_EXIT_FAILURE;
  sp = tm_sprinter_new (cli->format, out, opt_output != NULL ? opt_output : _("standard output"),
                        &(TmSprinterOptions) { .header = opt_header, .bom = opt_bom }, error);
  if (sp == NULL)
    return TM_EXIT_FAILURE;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);

  for (int d = 0; d < 2; d++)
    {
      TmLibrary source = d == 0 ? TM_LIBRARY_DEMAND : TM_LIBRARY_ACHIEVEMENT;
      Progress p = { d == 0 ? "d2a" : "a2d", g_get_monotonic_time (), 0 };

      if ((d == 0 && !d2a) || (d == 1 && !a2d))
        continue;
      o.progress = !opt_quiet && isatty (STDERR_FILENO) ? show_progress : NULL;
      o.user_data = &p;
      if (indexes->len > 1)
        batches[d] = tm_batch_run_partitions ((const TmIndex *const *) indexes->pdata, indexes->len, analyzer,
                                              source, &o, error);
      else
        batches[d] = tm_batch_run (index, analyzer, source, &o, error);
      if (batches[d] == NULL)
        {
          status = g_error_matches (*error, TM_ERROR, TM_ERROR_CANCELLED) ? TM_EXIT_INTERRUPTED : TM_EXIT_FAILURE;
          goto out;
        }
    }

  if (opt_summary || html != NULL)
    summary = tm_summary_new_over ((const TmIndex *const *) indexes->pdata, indexes->len, batches, strong);
  if (opt_summary)
    write_summary (sp, (const TmIndex *const *) indexes->pdata, summary);
  else
    write_batch (sp, &shown, states,
                 (const TmIndex *const *) indexes->pdata, batches);
  /* The report's decide commands name every -i, in the order given. */
  abs_paths = g_new0 (char *, n_given + 1);
  for (guint i = 0; i < n_given; i++)
    abs_paths[i] = g_canonicalize_filename (n_given > 1 ? cli->opt_indexes[i] : path, NULL);
  if (!tm_sprinter_finish (sp, error)
      || (html != NULL
          && !tm_html_write (html, opt_html,
                             &(TmHtmlReport) { (const TmIndex *const *) indexes->pdata, analyzer, batches,
                                               (const char *const *) abs_paths, opt_decisions != NULL ? db_path : NULL, states,
                                               summary },
                             error)))
    {
      status = TM_EXIT_FAILURE;
      goto out;
    }
  for (guint p = 0; p < indexes->len; p++)
    if (!tm_index_check (indexes->pdata[p], error))
      {
        status = TM_EXIT_INDEX;
        goto out;
      }
  if (g_atomic_int_get (&cancelled))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_CANCELLED, _("interrupted"));
      status = TM_EXIT_INTERRUPTED;
      goto out;
    }
  if (!tm_commit_group_commit (group, error))
    status = TM_EXIT_FAILURE;

out:
  tm_batch_free (batches[0]);
  tm_batch_free (batches[1]);
  return status;
}
