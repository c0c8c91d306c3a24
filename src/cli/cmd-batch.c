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
static char *opt_terms, *opt_shard, *opt_since, *opt_output, *opt_min_trl, *opt_html;
static char **opt_domains, **opt_regions, **opt_ips;
static gboolean opt_only_new, opt_bom, opt_quiet, opt_header;

static GOptionEntry entries[] = {
  { "direction", 0, 0, G_OPTION_ARG_STRING, &opt_direction,
    "d2a (each demand, its achievements), a2d (each achievement, its demands) or both (default)", "DIR" },
  { "top", 'k', 0, G_OPTION_ARG_STRING, &opt_top, "Matches per source (default " G_STRINGIFY (TM_DEFAULT_TOP) ")", "K" },
  { "min-score", 0, 0, G_OPTION_ARG_STRING, &opt_min_score, "Drop matches scoring less", "S" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model, "tfidf (default) or bm25", "MODEL" },
  { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, "Field weights title,keywords,body", "T,K,B" },
  { "terms", 0, 0, G_OPTION_ARG_STRING, &opt_terms, "Keep each query's N strongest terms; 0 keeps all (default " G_STRINGIFY (TM_DEFAULT_TERMS) ")", "N" },
  { "domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_domains, "Only targets of this domain (repeatable)", "DOMAIN" },
  { "region", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_regions, "Only targets whose region holds TEXT (repeatable)", "TEXT" },
  { "min-trl", 0, 0, G_OPTION_ARG_STRING, &opt_min_trl, "Only targets of at least this TRL", "N" },
  { "ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_ips, "Only targets with this kind of IP (repeatable)", "KIND" },
  { "shard", 0, 0, G_OPTION_ARG_STRING, &opt_shard, "Only the sources of shard K of N (1 <= K <= N)", "K/N" },
  { "since", 0, 0, G_OPTION_ARG_FILENAME, &opt_since, "A previous TSV output: mark pairs new, up, same or down", "FILE" },
  { "only-new", 0, 0, G_OPTION_ARG_NONE, &opt_only_new, "With --since: only new pairs and pairs that rose", NULL },
  { "header", 0, 0, G_OPTION_ARG_NONE, &opt_header, "A header line before TSV rows", NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom, "Start CSV with a byte order mark (for spreadsheets)", NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, "Write to FILE (replaced only when complete)", "FILE" },
  { "html", 0, 0, G_OPTION_ARG_FILENAME, &opt_html,
    "Also write a self-contained HTML report for technology managers", "FILE" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "No progress on stderr", NULL },
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
  fprintf (stderr, "\r%s: %u/%u sources, %.0f/s, %.0f s left   ", p->label, done, total, rate,
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

/* ---- output ------------------------------------------------------------------- */

/* A source with the matches it shows: a row (direction, source) holding
 * a row per match (rank, target, score, status), so that table formats
 * print a line per match; nothing when no match is shown. */
static void
write_source (TmSprinter *sp, const TmSince *since, const TmIndex *index, const char *dir,
              const char *source, const TmResults *r)
{
  g_autofree const char **status = g_new0 (const char *, r->results->len + 1);
  g_autofree gboolean *shown = g_new0 (gboolean, r->results->len + 1);
  guint n_shown = 0;

  for (guint i = 0; i < r->results->len; i++)
    {
      const TmResult *m = &g_array_index (r->results, TmResult, i);
      const char *target = tm_index_doc_id (index, r->target, m->doc);

      status[i] = since != NULL ? status_of (since, dir, source, target, i + 1) : NULL;
      shown[i] = !opt_only_new || status[i] == NULL
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
  for (guint i = 0; i < r->results->len; i++)
    {
      const TmResult *m = &g_array_index (r->results, TmResult, i);

      if (!shown[i])
        continue;
      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "rank");
      tm_sprinter_integer (sp, i + 1);
      tm_sprinter_key (sp, "target");
      tm_sprinter_string (sp, tm_index_doc_id (index, r->target, m->doc));
      tm_sprinter_key (sp, "score");
      tm_sprinter_score (sp, m->score);
      if (status[i] != NULL)
        {
          tm_sprinter_key (sp, "status");
          tm_sprinter_string (sp, status[i]);
        }
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
}

static void
write_batch (TmSprinter *sp, const TmSince *since, const TmIndex *index, TmBatch *const batches[2])
{
  static const char * const columns[] = { "direction", "source_id", "rank", "target_id", "score", "status", NULL };
  g_autofree char **names = g_strdupv ((char **) columns);

  if (since == NULL)
    {
      g_free (names[5]);
      names[5] = NULL;
    }
  tm_sprinter_begin_document (sp, "batch", 1);
  tm_sprinter_columns (sp, (const char * const *) names);
  tm_sprinter_key (sp, "sources");
  tm_sprinter_begin_stream (sp, "source");
  for (int d = 0; d < 2; d++)
    {
      TmBatch *b = batches[d];

      for (guint i = 0; b != NULL && i < b->docs->len; i++)
        write_source (sp, since, index, d == 0 ? "d2a" : "a2d",
                      tm_index_doc_id (index, b->source, g_array_index (b->docs, guint32, i)),
                      b->results->pdata[i]);
    }
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
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
  FILE *out = stdout, *html = NULL;
  TmBatch *batches[2] = { NULL, NULL };
  TmBatchOptions o;
  gboolean d2a = TRUE, a2d = TRUE;
  struct sigaction sa;
  int status = TM_EXIT_OK;

  g_option_context_set_summary (context,
    "Match every demand against the achievements and every achievement\n"
    "against the demands.  Rows: direction, source id, rank, target id,\n"
    "score (and the status against --since).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "techmatch batch: unexpected argument '%s'\n", argv[1]);
      return TM_EXIT_USAGE;
    }
  if (!tm_cli_binary_output ("batch", cli->format, opt_output))
    return TM_EXIT_USAGE;
  if (opt_direction != NULL)
    {
      int d;

      if (!tm_cli_parse_enum (cli, "--direction", opt_direction, directions, &d))
        return TM_EXIT_USAGE;
      d2a = d != 1;
      a2d = d != 0;
    }
  if (opt_only_new && opt_since == NULL)
    {
      fprintf (stderr, "techmatch batch: --only-new needs --since\n");
      return TM_EXIT_USAGE;
    }
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  memset (&o, 0, sizeof o);
  if (!tm_cli_match_options ("batch", config, &o.match, opt_top, opt_terms, opt_min_score, opt_model, opt_weights))
    return TM_EXIT_USAGE;
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
          fprintf (stderr, "techmatch batch: --shard takes K/N with 1 <= K <= N, not '%s'\n", opt_shard);
          return TM_EXIT_USAGE;
        }
      o.shard = (guint) k;
      o.n_shards = (guint) n;
    }
  o.cancel = &cancelled;
  /* The report highlights the terms each pair matched on. */
  o.match.explain = opt_html != NULL;

  if (opt_since != NULL)
    {
      since = tm_since_load (opt_since, error);
      if (since == NULL)
        return g_error_matches (*error, TM_ERROR, TM_ERROR_IO) ? TM_EXIT_FAILURE : TM_EXIT_DATA;
    }

  if (!tm_cli_open (cli, &status, error))
    return status;
  index = cli->index;
  analyzer = cli->analyzer;
  path = cli->index_path;

  /* Every file is written to a temporary and put in place only when the
   * whole run succeeded (tm-commit.h). */
  if (opt_output != NULL && (out = tm_commit_group_open (group, opt_output, error)) == NULL)
    return TM_EXIT_FAILURE;
  if (opt_html != NULL && (html = tm_commit_group_open (group, opt_html, error)) == NULL)
    return TM_EXIT_FAILURE;
  sp = tm_sprinter_new (cli->format, out, opt_output != NULL ? opt_output : "standard output",
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
      batches[d] = tm_batch_run (index, analyzer, source, &o, error);
      if (batches[d] == NULL)
        {
          status = g_error_matches (*error, TM_ERROR, TM_ERROR_CANCELLED) ? TM_EXIT_INTERRUPTED : TM_EXIT_FAILURE;
          goto out;
        }
    }

  write_batch (sp, since, index, batches);
  if (!tm_sprinter_finish (sp, error)
      || (html != NULL && !tm_html_write (html, opt_html, index, analyzer, batches, path, error)))
    {
      status = TM_EXIT_FAILURE;
      goto out;
    }
  if (!tm_index_check (index, error))
    {
      status = TM_EXIT_INDEX;
      goto out;
    }
  if (g_atomic_int_get (&cancelled))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_CANCELLED, "interrupted");
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
