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

#include <libxml/xmlwriter.h>

#include "tm-batch.h"
#include "tm-cli.h"
#include "tm-error.h"

static char *opt_index, *opt_direction, *opt_top, *opt_min_score, *opt_model, *opt_weights;
static char *opt_terms, *opt_shard, *opt_since, *opt_format, *opt_output, *opt_min_trl, *opt_html;
static char **opt_domains, **opt_regions, **opt_ips;
static int opt_jobs;
static gboolean opt_only_new, opt_bom, opt_quiet, opt_header;

static GOptionEntry entries[] = {
  { "index", 'i', 0, G_OPTION_ARG_FILENAME, &opt_index, "The index (default: see techmatch(1))", "INDEX" },
  { "direction", 0, 0, G_OPTION_ARG_STRING, &opt_direction,
    "d2a (each demand, its achievements), a2d (each achievement, its demands) or both (default)", "DIR" },
  { "top", 'k', 0, G_OPTION_ARG_STRING, &opt_top, "Matches per source (default 10)", "K" },
  { "min-score", 0, 0, G_OPTION_ARG_STRING, &opt_min_score, "Drop matches scoring less", "S" },
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model, "tfidf (default) or bm25", "MODEL" },
  { "weights", 0, 0, G_OPTION_ARG_STRING, &opt_weights, "Field weights title,keywords,body", "T,K,B" },
  { "terms", 0, 0, G_OPTION_ARG_STRING, &opt_terms, "Keep each query's N strongest terms; 0 keeps all", "N" },
  { "domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_domains, "Only targets of this domain (repeatable)", "DOMAIN" },
  { "region", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_regions, "Only targets whose region holds TEXT (repeatable)", "TEXT" },
  { "min-trl", 0, 0, G_OPTION_ARG_STRING, &opt_min_trl, "Only targets of at least this TRL", "N" },
  { "ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_ips, "Only targets with this kind of IP (repeatable)", "KIND" },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs, "Worker threads (default: one per core)", "N" },
  { "shard", 0, 0, G_OPTION_ARG_STRING, &opt_shard, "Only the sources of shard K of N (1 <= K <= N)", "K/N" },
  { "since", 0, 0, G_OPTION_ARG_FILENAME, &opt_since, "A previous TSV output: mark pairs new, up, same or down", "FILE" },
  { "only-new", 0, 0, G_OPTION_ARG_NONE, &opt_only_new, "With --since: only new pairs and pairs that rose", NULL },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "tsv (default), csv, json or xml", "FORMAT" },
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
status_of (GHashTable *since, const char *dir, const char *source, const char *target, guint rank)
{
  g_autofree char *key = g_strdup_printf ("%s\t%s\t%s", dir, source, target);
  gpointer prev;

  if (!g_hash_table_lookup_extended (since, key, NULL, &prev))
    return "new";
  if ((guint) GPOINTER_TO_INT (prev) > rank)
    return "up";
  return (guint) GPOINTER_TO_INT (prev) == rank ? "same" : "down";
}

/* ---- output ------------------------------------------------------------------- */

typedef struct {
  FILE *out;
  const char *format;
  GHashTable *since;
  xmlTextWriterPtr xml;
  gboolean first_json;
} Writer;

static void
csv_field (FILE *out, const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      fputs (s, out);
      return;
    }
  fputc ('"', out);
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        fputc ('"', out);
      fputc (*s, out);
    }
  fputc ('"', out);
}

static void
write_begin (Writer *w)
{
  gboolean status = w->since != NULL;

  if (strcmp (w->format, "tsv") == 0 && opt_header)
    fprintf (w->out, "direction\tsource_id\trank\ttarget_id\tscore%s\n", status ? "\tstatus" : "");
  else if (strcmp (w->format, "csv") == 0)
    {
      if (opt_bom)
        fputs ("\xEF\xBB\xBF", w->out);
      fprintf (w->out, "direction,source_id,rank,target_id,score%s\r\n", status ? ",status" : "");
    }
  else if (strcmp (w->format, "json") == 0)
    {
      fprintf (w->out, "{\n  \"version\" : 1,\n  \"sources\" : [");
      w->first_json = TRUE;
    }
  else if (strcmp (w->format, "xml") == 0)
    {
      xmlOutputBufferPtr buf = xmlOutputBufferCreateFile (w->out, NULL);

      w->xml = xmlNewTextWriter (buf);
      xmlTextWriterSetIndent (w->xml, 1);
      xmlTextWriterSetIndentString (w->xml, BAD_CAST "  ");
      xmlTextWriterStartDocument (w->xml, NULL, "UTF-8", NULL);
      xmlTextWriterStartElementNS (w->xml, NULL, BAD_CAST "batch", BAD_CAST "urn:techmatch:batch:1");
      xmlTextWriterWriteAttribute (w->xml, BAD_CAST "version", BAD_CAST "1");
    }
}

static void
write_source (Writer *w, const TmIndex *index, const char *dir, const char *source,
              const TmResults *r)
{
  g_autoptr(JsonBuilder) b = NULL;
  guint shown = 0;

  for (guint i = 0; i < r->results->len; i++)
    {
      const TmResult *m = &g_array_index (r->results, TmResult, i);
      const char *target = tm_index_doc_id (index, r->target, m->doc);
      const char *status = w->since ? status_of (w->since, dir, source, target, i + 1) : NULL;
      char score[16];

      if (opt_only_new && status != NULL && strcmp (status, "new") != 0 && strcmp (status, "up") != 0)
        continue;
      g_snprintf (score, sizeof score, "%.4f", tm_output_round (m->score));
      if (strcmp (w->format, "tsv") == 0)
        fprintf (w->out, "%s\t%s\t%u\t%s\t%s%s%s\n", dir, source, i + 1, target, score,
                 status ? "\t" : "", status ? status : "");
      else if (strcmp (w->format, "csv") == 0)
        {
          fprintf (w->out, "%s,", dir);
          csv_field (w->out, source);
          fprintf (w->out, ",%u,", i + 1);
          csv_field (w->out, target);
          fprintf (w->out, ",%s%s%s\r\n", score, status ? "," : "", status ? status : "");
        }
      else if (strcmp (w->format, "json") == 0)
        {
          if (b == NULL)
            {
              b = json_builder_new ();
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "direction");
              json_builder_add_string_value (b, dir);
              json_builder_set_member_name (b, "source");
              json_builder_add_string_value (b, source);
              json_builder_set_member_name (b, "matches");
              json_builder_begin_array (b);
            }
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "rank");
          json_builder_add_int_value (b, i + 1);
          json_builder_set_member_name (b, "target");
          json_builder_add_string_value (b, target);
          json_builder_set_member_name (b, "score");
          json_builder_add_double_value (b, tm_output_round (m->score));
          if (status != NULL)
            {
              json_builder_set_member_name (b, "status");
              json_builder_add_string_value (b, status);
            }
          json_builder_end_object (b);
        }
      else
        {
          if (shown == 0)
            {
              xmlTextWriterStartElement (w->xml, BAD_CAST "source");
              xmlTextWriterWriteAttribute (w->xml, BAD_CAST "direction", BAD_CAST dir);
              xmlTextWriterWriteAttribute (w->xml, BAD_CAST "id", BAD_CAST source);
            }
          xmlTextWriterStartElement (w->xml, BAD_CAST "match");
          xmlTextWriterWriteFormatAttribute (w->xml, BAD_CAST "rank", "%u", i + 1);
          xmlTextWriterWriteAttribute (w->xml, BAD_CAST "target", BAD_CAST target);
          xmlTextWriterWriteAttribute (w->xml, BAD_CAST "score", BAD_CAST score);
          if (status != NULL)
            xmlTextWriterWriteAttribute (w->xml, BAD_CAST "status", BAD_CAST status);
          xmlTextWriterEndElement (w->xml);
        }
      shown++;
    }
  if (b != NULL)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      fprintf (w->out, "%s\n    %s", w->first_json ? "" : ",", text);
      w->first_json = FALSE;
    }
  if (w->xml != NULL && shown > 0)
    xmlTextWriterEndElement (w->xml);
}

static void
write_end (Writer *w)
{
  if (strcmp (w->format, "json") == 0)
    fprintf (w->out, "\n  ]\n}\n");
  else if (w->xml != NULL)
    {
      xmlTextWriterEndElement (w->xml);
      xmlTextWriterEndDocument (w->xml);
      xmlFreeTextWriter (w->xml);   /* flushes; the FILE stays open */
      w->xml = NULL;
    }
}

/* ---- the command ---------------------------------------------------------------- */

int
tm_cmd_batch (int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TmIndex) index = NULL;
  g_autoptr(TmAnalyzer) analyzer = NULL;
  g_autoptr(GHashTable) since = NULL;
  g_autofree char *path = NULL, *tmp = NULL;
  TmBatch *batches[2] = { NULL, NULL };
  TmBatchOptions o;
  TmConfig config;
  Writer w;
  gboolean d2a = TRUE, a2d = TRUE;
  struct sigaction sa;
  int status = TM_EXIT_OK;

  g_option_context_set_summary (context,
    "Match every demand against the achievements and every achievement\n"
    "against the demands.  Rows: direction, source id, rank, target id,\n"
    "score (and the status against --since).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (context, "batch", &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "techmatch batch: unexpected argument '%s'\n", argv[1]);
      return TM_EXIT_USAGE;
    }
  if (opt_direction != NULL)
    {
      d2a = strcmp (opt_direction, "d2a") == 0 || strcmp (opt_direction, "both") == 0;
      a2d = strcmp (opt_direction, "a2d") == 0 || strcmp (opt_direction, "both") == 0;
      if (!d2a && !a2d)
        {
          fprintf (stderr, "techmatch batch: --direction is d2a, a2d or both, not '%s'\n", opt_direction);
          return TM_EXIT_USAGE;
        }
    }
  if (opt_format == NULL)
    opt_format = g_strdup ("tsv");
  if (strcmp (opt_format, "tsv") != 0 && strcmp (opt_format, "csv") != 0
      && strcmp (opt_format, "json") != 0 && strcmp (opt_format, "xml") != 0)
    {
      fprintf (stderr, "techmatch batch: unknown format '%s' (tsv, csv, json or xml)\n", opt_format);
      return TM_EXIT_USAGE;
    }
  if (opt_jobs < 0 || opt_jobs > 1024)
    {
      fprintf (stderr, "techmatch batch: --jobs takes 0 (one per core) to 1024\n");
      return TM_EXIT_USAGE;
    }
  if (opt_only_new && opt_since == NULL)
    {
      fprintf (stderr, "techmatch batch: --only-new needs --since\n");
      return TM_EXIT_USAGE;
    }
  if (!tm_config_load (&config, error))
    return TM_EXIT_DATA;
  memset (&o, 0, sizeof o);
  if (!tm_cli_match_options ("batch", &config, &o.match, opt_top, opt_terms, opt_min_score, opt_model, opt_weights))
    {
      tm_config_clear (&config);
      return TM_EXIT_USAGE;
    }
  path = tm_config_index_path (&config, opt_index);
  tm_config_clear (&config);
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
  o.jobs = (guint) opt_jobs;
  o.n_shards = 1;
  o.shard = 1;
  if (opt_shard != NULL)
    {
      g_auto(GStrv) kn = g_strsplit (opt_shard, "/", 2);
      gint64 k, n;

      if (g_strv_length (kn) != 2
          || !g_ascii_string_to_signed (kn[1], 10, 1, 1000000, &n, NULL)
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
      g_autofree char *contents = NULL;
      gsize len;

      g_autoptr(GError) local = NULL;

      if (!g_file_get_contents (opt_since, &contents, &len, &local))
        {
          g_set_error_literal (error, TM_ERROR, TM_ERROR_IO, local->message);
          return TM_EXIT_FAILURE;
        }
      since = tm_since_parse (contents, len, opt_since, error);
      if (since == NULL)
        return TM_EXIT_DATA;
    }

  if (!tm_cli_open_index (path, &index, &analyzer, error))
    return TM_EXIT_INDEX;

  /* Output: a temporary file beside the target, renamed when complete,
   * so that an interrupted or failed run never replaces a good file. */
  memset (&w, 0, sizeof w);
  w.format = opt_format;
  w.since = since;
  if (opt_output != NULL)
    {
      int fd;

      tmp = g_strdup_printf ("%s.tmp.%d", opt_output, (int) getpid ());
      fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0 || (w.out = fdopen (fd, "w")) == NULL)
        {
          int saved = errno;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", opt_output, g_strerror (saved));
          g_clear_pointer (&tmp, g_free);
          if (fd >= 0)
            close (fd);
          return TM_EXIT_FAILURE;
        }
    }
  else
    w.out = stdout;

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

  write_begin (&w);
  for (int d = 0; d < 2; d++)
    {
      TmBatch *b = batches[d];

      for (guint i = 0; b != NULL && i < b->docs->len; i++)
        write_source (&w, index, d == 0 ? "d2a" : "a2d",
                      tm_index_doc_id (index, b->source, g_array_index (b->docs, guint32, i)),
                      b->results->pdata[i]);
    }
  write_end (&w);
  if (opt_html != NULL && !tm_html_write (opt_html, index, analyzer, batches, path, error))
    {
      status = TM_EXIT_FAILURE;
      goto out;
    }
  if (!tm_index_check (index, error))
    {
      status = TM_EXIT_INDEX;
      goto out;
    }
  if (fflush (w.out) != 0 || ferror (w.out)
      || (tmp != NULL && (fsync (fileno (w.out)) != 0)))
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "writing %s: %s",
                   opt_output ? opt_output : "the output", g_strerror (saved));
      status = TM_EXIT_FAILURE;
      goto out;
    }
  if (g_atomic_int_get (&cancelled))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_CANCELLED, "interrupted");
      status = TM_EXIT_INTERRUPTED;
      goto out;
    }
  if (tmp != NULL)
    {
      if (fclose (w.out) != 0)
        {
          int saved = errno;
          w.out = NULL;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "writing %s: %s", opt_output, g_strerror (saved));
          status = TM_EXIT_FAILURE;
          goto out;
        }
      w.out = NULL;
      if (rename (tmp, opt_output) != 0)
        {
          int saved = errno;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "renaming %s to %s: %s", tmp, opt_output, g_strerror (saved));
          status = TM_EXIT_FAILURE;
          goto out;
        }
      g_clear_pointer (&tmp, g_free);
    }

out:
  if (tmp != NULL)
    {
      if (w.out != NULL)
        fclose (w.out);
      unlink (tmp);
    }
  tm_batch_free (batches[0]);
  tm_batch_free (batches[1]);
  return status;
}
