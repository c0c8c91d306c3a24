/* cmd-merge.c — techmatch merge [OPTIONS] FILE...
 *
 * Puts the TSV outputs of separate batch runs (shards of the sources,
 * runs over one partition's targets each) back together into the rows of
 * one run over the whole index: each source's matches from every file,
 * best first, ties by target id, cut to --top, ranked again.
 *
 * Each file is one batch run's output, in the order batch writes it, so
 * the files are merged as they are read (as sort -m does): what is held
 * in memory is one source's matches from every file, however long the
 * files.  The order and the ranks are checked on the way: a file that
 * was sorted, cut or edited is refused at its line.  Options: change
 * one, change man/techmatch-merge.1 too.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-commit.h"
#include "tm-error.h"

static char *opt_top, *opt_since, *opt_output;
static gboolean opt_only_new, opt_header, opt_bom, opt_exact_scores;

G_STATIC_ASSERT (TM_DEFAULT_TOP == 10);

static GOptionEntry entries[] = {
  { "top", 'k', 0, G_OPTION_ARG_STRING, &opt_top,
    N_("Matches per source (default 10, or [scoring] top); the runs must have kept at least as many"), "K" },
  { "since", 0, 0, G_OPTION_ARG_FILENAME, &opt_since, N_("A previous TSV output: mark pairs new, up, same or down"), "FILE" },
  { "only-new", 0, 0, G_OPTION_ARG_NONE, &opt_only_new, N_("With --since: only new pairs and pairs that rose"), NULL },
  { "header", 0, 0, G_OPTION_ARG_NONE, &opt_header, N_("A header line before TSV rows"), NULL },
  { "exact-scores", 0, 0, G_OPTION_ARG_NONE, &opt_exact_scores,
    N_("TSV scores with every digit, for a further merge"), NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom, N_("Start CSV with a byte order mark (for spreadsheets)"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Write to FILE (replaced only when complete)"), "FILE" },
  { NULL }
};

static gint cancelled;

static void
on_signal (int sig)
{
  g_atomic_int_set (&cancelled, 1);
}

/* Whether a signal came: then @error becomes "interrupted", in place of
 * what a read or a write it broke off (EINTR on a pipe) may have set. */
static gboolean
stopped (GError **error)
{
  if (!g_atomic_int_get (&cancelled))
    return FALSE;
  g_clear_error (error);
  g_set_error (error, TM_ERROR, TM_ERROR_CANCELLED, _("interrupted"));
  return TRUE;
}

/* ---- one input ------------------------------------------------------------ */

/* A line of a batch TSV, its fields cut in place. */
typedef struct {
  char *text;
  size_t cap;
  int dir;                   /* 0: d2a, 1: a2d */
  const char *source, *target, *decision;  /* decision NULL for none */
  double score;
  guint rank;
} Line;

typedef struct {
  const char *name;          /* as given; "-" is standard input */
  FILE *file;
  guint64 lineno;
  gboolean done;             /* no current line */
  Line cur, prev;            /* the current line and the one before it */
  gboolean has_prev;
  guint64 n_lines, n_rounded;  /* matches read; of them, scores of 4 decimals */
} Input;

static const char * const directions[] = { "d2a", "a2d" };
static const char * const decisions[] = { "accepted", "contacted", "rejected", NULL };

static gboolean
bad_field (Input *in, const char *field, const char *value, GError **error)
{
  g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%" PRIu64 ": field %s: '%s' is not one"),
               in->name, in->lineno, field, value);
  return FALSE;
}

/* Cuts @line into its six fields and checks each.  TRUE with the fields
 * set; FALSE with TM_ERROR_PARSE naming the file, the line and the
 * field. */
static gboolean
parse_line (Input *in, Line *line, GError **error)
{
  char *f[7];
  guint n = 0;
  gint64 rank;
  char *end;

  for (char *p = line->text; n < G_N_ELEMENTS (f); )
    {
      f[n++] = p;
      if ((p = strchr (p, '\t')) == NULL)
        break;
      *p++ = '\0';
    }
  if (n == 7)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s:%" PRIu64 ": a line with a status field (a run with --since): "
                     "merge the runs made without --since, and give --since to merge"),
                   in->name, in->lineno);
      return FALSE;
    }
  if (n != 6)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s:%" PRIu64 ": %u fields, not the 6 of a batch TSV line "
                     "(direction, source, rank, target, score, decision)"),
                   in->name, in->lineno, n);
      return FALSE;
    }
  if (strcmp (f[0], directions[0]) == 0)
    line->dir = 0;
  else if (strcmp (f[0], directions[1]) == 0)
    line->dir = 1;
  else
    return bad_field (in, "direction", f[0], error);
  if (f[1][0] == '\0')
    return bad_field (in, "source", f[1], error);
  if (!g_ascii_string_to_signed (f[2], 10, 1, TM_MAX_TOP, &rank, NULL))
    return bad_field (in, "rank", f[2], error);
  if (f[3][0] == '\0')
    return bad_field (in, "target", f[3], error);
  errno = 0;
  line->score = g_ascii_strtod (f[4], &end);
  if (f[4][0] == '\0' || *end != '\0' || errno != 0 || !(line->score >= 0) || !isfinite (line->score))
    return bad_field (in, "score", f[4], error);
  line->decision = NULL;
  if (strcmp (f[5], "none") != 0)
    {
      for (guint i = 0; decisions[i] != NULL && line->decision == NULL; i++)
        if (strcmp (f[5], decisions[i]) == 0)
          line->decision = decisions[i];
      if (line->decision == NULL)
        return bad_field (in, "decision", f[5], error);
    }
  /* What batch writes without --exact-scores: "0.1234". */
  if (strlen (f[4]) == 6 && g_ascii_isdigit (f[4][0]) && f[4][1] == '.' && strspn (f[4] + 2, "0123456789") == 4)
    in->n_rounded++;
  in->n_lines++;
  line->source = f[1];
  line->rank = (guint) rank;
  line->target = f[3];
  return TRUE;
}

static int
compare_keys (int dir_a, const char *source_a, int dir_b, const char *source_b)
{
  if (dir_a != dir_b)
    return dir_a < dir_b ? -1 : 1;
  return strcmp (source_a, source_b);
}

/* Whether @in's current line may follow its previous one in one run's
 * output: sources in batch's order, each source's matches ranked 1, 2,
 * ... and best first. */
static gboolean
check_order (Input *in, GError **error)
{
  const Line *p = &in->prev, *c = &in->cur;
  int order = in->has_prev ? compare_keys (p->dir, p->source, c->dir, c->source) : -1;
  guint due = order == 0 ? p->rank + 1 : 1;

  if (order > 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s:%" PRIu64 ": source %s %s comes after %s %s: not in the order batch writes "
                     "(sorted or edited?)"),
                   in->name, in->lineno, directions[c->dir], c->source, directions[p->dir], p->source);
      return FALSE;
    }
  if (c->rank != due)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s:%" PRIu64 ": rank %u of source %s where rank %u was due: "
                     "not a whole batch output (cut or edited?)"),
                   in->name, in->lineno, c->rank, c->source, due);
      return FALSE;
    }
  if (order == 0 && c->score > p->score)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s:%" PRIu64 ": rank %u of source %s scores more than rank %u: not in the order "
                     "batch writes (edited?)"),
                   in->name, in->lineno, c->rank, c->source, p->rank);
      return FALSE;
    }
  return TRUE;
}

/* Reads @in's next line into cur (the one before it into prev).  At the
 * end of the file, done.  FALSE with the error set. */
static gboolean
advance (Input *in, GError **error)
{
  for (;;)
    {
      ssize_t len;

      /* The line read last becomes the previous one, if it was a match
       * (not the header): its buffer is kept, the older one reused. */
      if (in->cur.source != NULL)
        {
          Line t = in->prev;

          in->prev = in->cur;
          in->cur = t;
          in->cur.source = NULL;
          in->has_prev = TRUE;
        }
      errno = 0;
      len = getline (&in->cur.text, &in->cur.cap, in->file);
      if (len < 0)
        {
          if (ferror (in->file))
            {
              g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: %s"), in->name, g_strerror (errno));
              return FALSE;
            }
          in->done = TRUE;
          /* Ties at four decimals were broken by the exact scores in the
           * run, by id here: the order of such pairs (and which of them
           * make the top) can differ from one run's. */
          if (in->n_lines > 0 && in->n_rounded == in->n_lines)
            fprintf (stderr, _("%s: note: scores of four decimals (a run without --exact-scores): matches whose "
                               "scores round alike are ranked by id, which one run over the whole index may not do\n"),
                     in->name);
          return TRUE;
        }
      in->lineno++;
      if (in->cur.text[len - 1] != '\n')
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                       _("%s:%" PRIu64 ": the last line has no end: a run that was cut short?"),
                       in->name, in->lineno);
          return FALSE;
        }
      in->cur.text[--len] = '\0';
      if (memchr (in->cur.text, '\0', len) != NULL || !g_utf8_validate (in->cur.text, len, NULL))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%" PRIu64 ": not UTF-8 text"),
                       in->name, in->lineno);
          return FALSE;
        }
      /* batch --header's line, the first of its file. */
      if (in->lineno == 1 && g_str_has_prefix (in->cur.text, "direction\t"))
        {
          if (strcmp (in->cur.text, "direction\tsource_id\trank\ttarget_id\tscore\tdecision") != 0)
            {
              g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                           _("%s:1: not the header of a batch TSV without --since"), in->name);
              return FALSE;
            }
          continue;
        }
      if (!parse_line (in, &in->cur, error))
        return FALSE;
      return check_order (in, error);
    }
}

/* ---- the merge ------------------------------------------------------------- */

/* The inputs with a current line, a binary heap by that line's source
 * (direction first), ties by the input's position. */
typedef struct {
  Input **in;
  guint n;
} Heap;

static gboolean
heap_less (const Heap *h, guint i, guint j)
{
  const Input *a = h->in[i], *b = h->in[j];
  int c = compare_keys (a->cur.dir, a->cur.source, b->cur.dir, b->cur.source);

  return c < 0 || (c == 0 && a < b);
}

static void
heap_swap (Heap *h, guint i, guint j)
{
  Input *t = h->in[i];

  h->in[i] = h->in[j];
  h->in[j] = t;
}

static void
heap_push (Heap *h, Input *in)
{
  guint i = h->n++;

  h->in[i] = in;
  while (i > 0 && heap_less (h, i, (i - 1) / 2))
    {
      heap_swap (h, i, (i - 1) / 2);
      i = (i - 1) / 2;
    }
}

static Input *
heap_pop (Heap *h)
{
  Input *top = h->in[0];
  guint i = 0;

  h->in[0] = h->in[--h->n];
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;

      if (l < h->n && heap_less (h, l, m))
        m = l;
      if (r < h->n && heap_less (h, r, m))
        m = r;
      if (m == i)
        return top;
      heap_swap (h, i, m);
      i = m;
    }
}

/* A match of the source being merged, with where it came from. */
typedef struct {
  TmBatchRow row;
  const Input *in;
  guint64 lineno;
} Match;

static int
compare_by_target (gconstpointer a, gconstpointer b)
{
  const Match *x = a, *y = b;
  int c = strcmp (x->row.target, y->row.target);

  if (c != 0)
    return c;
  return x->in != y->in ? (x->in < y->in ? -1 : 1) : (x->lineno < y->lineno ? -1 : x->lineno > y->lineno);
}

/* Best first, ties by id: the order of batch's matches. */
static int
compare_best (gconstpointer a, gconstpointer b)
{
  const Match *x = a, *y = b;

  if (x->row.score != y->row.score)
    return x->row.score > y->row.score ? -1 : 1;
  return strcmp (x->row.target, y->row.target);
}

/* The matches of one source from every file, @n of them: a pair given by
 * two files once (the same file given twice, a run repeated), refused
 * when they disagree; then the best @top, in batch's order. */
static gboolean
merge_source (GArray *matches, const char *dir, const char *source, guint top, GError **error)
{
  guint kept = 0;

  g_array_sort (matches, compare_by_target);
  for (guint i = 0; i < matches->len; i++)
    {
      Match *m = &g_array_index (matches, Match, i);
      Match *last = kept > 0 ? &g_array_index (matches, Match, kept - 1) : NULL;

      if (last != NULL && strcmp (last->row.target, m->row.target) == 0)
        {
          if (last->row.score != m->row.score || last->row.decision != m->row.decision)
            {
              g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                           _("%s:%" PRIu64 " and %s:%" PRIu64 ": the pair %s %s, %s "
                             "twice, scored or decided differently: runs of different indexes or options?"),
                           last->in->name, last->lineno, m->in->name, m->lineno, dir, source, m->row.target);
              return FALSE;
            }
          continue;
        }
      g_array_index (matches, Match, kept++) = *m;
    }
  g_array_set_size (matches, kept);
  g_array_sort (matches, compare_best);
  if (matches->len > top)
    g_array_set_size (matches, top);
  return TRUE;
}

int
tm_cmd_merge (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE..."));
  g_autoptr(TmCommitGroup) group = tm_commit_group_new ();
  g_autoptr(TmSprinter) sp = NULL;
  g_autoptr(TmSince) since = NULL;
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (Match));
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (TmBatchRow));
  g_autoptr(GStringChunk) strings = g_string_chunk_new (4096);
  g_autofree Input *inputs = NULL;
  g_autofree Input **heap_space = NULL;
  Heap heap = { NULL, 0 };
  const TmConfig *config;
  TmBatchOutput shown;
  FILE *out = stdout;
  struct sigaction sa;
  guint n_inputs, top, n_stdin = 0;
  int status = TM_EXIT_OK;

  g_option_context_set_summary (context,
    N_("Merge the TSV outputs of batch runs over shards or partitions into\n"
       "the rows of one run over the whole index: each source's best\n"
       "matches from every file, ties by target id, ranked again.  Give\n"
       "the runs --exact-scores for the same rows to the last digit."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!tm_cli_parse (cli, context, &argc, &argv))
    return TM_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, _("techmatch merge: give the batch outputs to merge (- for standard input)\n"));
      return TM_EXIT_USAGE;
    }
  if (!tm_cli_binary_output ("merge", cli->format, opt_output))
    return TM_EXIT_USAGE;
  if (!tm_cli_batch_output_options ("merge", cli->format, opt_since, opt_only_new, opt_exact_scores,
                                    &shown, &since, &status, error))
    return status;
  if ((config = tm_cli_config (cli, error)) == NULL)
    return TM_EXIT_DATA;
  top = config->top;
  if (opt_top != NULL)
    {
      gint64 v;

      if (!tm_cli_parse_int ("merge", "--top", opt_top, 1, TM_MAX_TOP, &v))
        return TM_EXIT_USAGE;
      top = (guint) v;
    }

  n_inputs = (guint) argc - 1;
  inputs = g_new0 (Input, n_inputs);
  heap.in = heap_space = g_new0 (Input *, n_inputs);
  for (guint i = 0; i < n_inputs; i++)
    {
      Input *in = &inputs[i];

      in->name = argv[i + 1];
      if (strcmp (in->name, "-") == 0)
        {
          if (n_stdin++ > 0)
            {
              fprintf (stderr, _("techmatch merge: standard input (-) given twice\n"));
              status = TM_EXIT_USAGE;
              goto out;
            }
          in->file = stdin;
          in->name = _("standard input");
        }
      else if ((in->file = fopen (in->name, "r")) == NULL)
        {
          int saved = errno;

          g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: %s"), in->name, g_strerror (saved));
          status = saved == ENOENT ? TM_EXIT_DATA : TM_EXIT_FAILURE;
          goto out;
        }
    }

  if (opt_output != NULL && (out = tm_commit_group_open (group, opt_output, error)) == NULL)
    {
      status = TM_EXIT_FAILURE;
      goto out;
    }
  sp = tm_sprinter_new (cli->format, out, opt_output != NULL ? opt_output : _("standard output"),
                        &(TmSprinterOptions) { .header = opt_header, .bom = opt_bom }, error);
  if (sp == NULL)
    {
      status = TM_EXIT_FAILURE;
      goto out;
    }

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);

  for (guint i = 0; i < n_inputs; i++)
    {
      if (!advance (&inputs[i], error))
        goto bad_input;
      if (!inputs[i].done)
        heap_push (&heap, &inputs[i]);
    }

  tm_cli_batch_begin (sp, since != NULL);
  while (heap.n > 0)
    {
      int dir = heap.in[0]->cur.dir;
      g_autofree char *source = g_strdup (heap.in[0]->cur.source);

      if (stopped (error))
        {
          status = TM_EXIT_INTERRUPTED;
          goto out;
        }
      g_array_set_size (matches, 0);
      g_string_chunk_clear (strings);
      /* Every file's lines of this source, which follow each other. */
      while (heap.n > 0 && compare_keys (heap.in[0]->cur.dir, heap.in[0]->cur.source, dir, source) == 0)
        {
          Input *in = heap_pop (&heap);

          do
            {
              Match m;

              m.row.target = g_string_chunk_insert (strings, in->cur.target);
              m.row.score = in->cur.score;
              m.row.decision = in->cur.decision;
              m.in = in;
              m.lineno = in->lineno;
              g_array_append_val (matches, m);
              if (!advance (in, error))
                goto bad_input;
            }
          while (!in->done && compare_keys (in->cur.dir, in->cur.source, dir, source) == 0);
          if (!in->done)
            heap_push (&heap, in);
        }
      if (!merge_source (matches, directions[dir], source, top, error))
        goto bad_input;
      g_array_set_size (rows, 0);
      for (guint i = 0; i < matches->len; i++)
        g_array_append_val (rows, g_array_index (matches, Match, i).row);
      tm_cli_batch_source (sp, &shown, directions[dir], source, (const TmBatchRow *) (gpointer) rows->data, rows->len);
    }
  tm_cli_batch_end (sp);

  /* As batch: a signal during the last source or the flush stops the
   * merge too, before -o is put in place. */
  if (!tm_sprinter_finish (sp, error) || g_atomic_int_get (&cancelled))
    status = stopped (error) ? TM_EXIT_INTERRUPTED : TM_EXIT_FAILURE;
  else if (!tm_commit_group_commit (group, error))
    status = TM_EXIT_FAILURE;
  goto out;

bad_input:
  stopped (error);
  status = tm_cli_exit_status (*error);
out:
  for (guint i = 0; inputs != NULL && i < n_inputs; i++)
    {
      if (inputs[i].file != NULL && inputs[i].file != stdin)
        fclose (inputs[i].file);
      free (inputs[i].cur.text);
      free (inputs[i].prev.text);
    }
  return status;
}
