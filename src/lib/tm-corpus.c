/* tm-corpus.c — reading a whole corpus (see tm-corpus.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tm-corpus.h"
#include "tm-error.h"
#include "tm-import.h"
#include "tm-limits.h"
#include "tm-private.h"

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* A folder being walked, for finding loops of symbolic links. */
typedef struct _Ancestor {
  dev_t dev;
  ino_t ino;
  const struct _Ancestor *parent;
} Ancestor;

static const char *
file_kind (mode_t mode)
{
  return S_ISFIFO (mode) ? _("a FIFO") : S_ISSOCK (mode) ? _("a socket")
    : S_ISCHR (mode) || S_ISBLK (mode) ? _("a device") : _("not a regular file");
}

/* Collects the *.xml files under @path into @out.  What cannot be read
 * without harm (a FIFO would block, a symlink loop would recurse) is
 * skipped with a "path\tmessage" in @problems, and the other files are
 * kept.  FALSE only when @path itself does not exist. */
static gboolean
collect (const char *path, guint depth, const Ancestor *parent, GPtrArray *out,
         GPtrArray *problems, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local = NULL;
  Ancestor self;
  struct stat st;
  const char *name;

  if (stat (path, &st) != 0)
    {
      int saved = errno;
      struct stat lst;

      if (depth == 0 && saved == ENOENT && lstat (path, &lst) != 0)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path, g_strerror (ENOENT));
          return FALSE;
        }
      g_ptr_array_add (problems, g_strdup_printf ("%s\t%s", path,
                                                  saved == ELOOP ? _("a loop of symbolic links; skipped")
                                                  : saved == ENOENT ? _("a symbolic link to nothing; skipped")
                                                  : g_strerror (saved)));
      return TRUE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      if (S_ISREG (st.st_mode))
        g_ptr_array_add (out, g_strdup (path));
      else
        g_ptr_array_add (problems, g_strdup_printf (_("%s\t%s, not a corpus file; skipped"),
                                                    path, file_kind (st.st_mode)));
      return TRUE;
    }
  for (const Ancestor *a = parent; a != NULL; a = a->parent)
    if (a->dev == st.st_dev && a->ino == st.st_ino)
      {
        g_ptr_array_add (problems, g_strdup_printf (_("%s\ta symbolic link back to a folder "
                                                       "that contains it (a loop); skipped"), path));
        return TRUE;
      }
  if (depth >= TM_MAX_CORPUS_DEPTH)
    {
      g_ptr_array_add (problems, g_strdup_printf (_("%s\tfolders nested deeper than %d "
                                                     "(TM_MAX_CORPUS_DEPTH); skipped"),
                                                  path, TM_MAX_CORPUS_DEPTH));
      return TRUE;
    }
  dir = g_dir_open (path, 0, &local);
  if (dir == NULL)
    {
      g_ptr_array_add (problems, g_strdup_printf ("%s\t%s", path, local->message));
      return TRUE;
    }
  self.dev = st.st_dev;
  self.ino = st.st_ino;
  self.parent = parent;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_paths);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      struct stat cst;

      /* *.xml entries are read (or reported when they cannot be),
       * folders walked, a link loop reported, anything else ignored. */
      if (g_str_has_suffix (child, ".xml")
          || (stat (child, &cst) == 0 ? S_ISDIR (cst.st_mode) : errno == ELOOP))
        {
          if (!collect (child, depth + 1, &self, out, problems, error))
            return FALSE;
        }
    }
  return TRUE;
}

static char **
list_files (const char *path, GPtrArray *problems, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (!collect (path, 0, NULL, out, problems, error))
    return NULL;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* transfer full */
char **
tm_corpus_list_files (const char *path, GError **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  return list_files (path, problems, error);
}

typedef struct {
  TmProblemFunc problem_func;
  gpointer user_data;
  TmCorpusStats *stats;
} Counter;

static void
count_problem (const TmProblem *problem, gpointer data)
{
  Counter *c = data;

  if (!problem->note)
    c->stats->problems++;
  if (c->problem_func != NULL)
    c->problem_func (problem, c->user_data);
}

/* Where a record was first seen, for the duplicate-id message: the file
 * and the id (the table's key) in the walk's chunk of names, the files
 * once each.  At 10^6 records a copy of each record's file name and id
 * of their own were 150 MB of the read. */
typedef struct {
  const char *file;
  guint line;
} Place;

typedef struct {
  Counter counter;
  TmCorpusStats *stats;
  GHashTable *seen[TM_N_LIBRARIES];
  GStringChunk *names;     /* the keys and files of seen[] */
  TmRecordFunc record_func;
  gpointer user_data;
  GHashTable *locators;    /* "first"/"again" and a file → TmLocator */
  const TmImportOptions *import;
} Walk;

/* Duplicates' columns: the first places and the repeated ones each move
 * forward through their files, so each kind has locators of its own. */
static guint
locate (Walk *w, const char *kind, const char *file, guint line, const char *element)
{
  g_autofree char *key = g_strconcat (kind, "\t", file, NULL);
  TmLocator *loc = g_hash_table_lookup (w->locators, key);

  if (loc == NULL)
    {
      loc = _tm_locator_new (file);
      g_hash_table_insert (w->locators, g_steal_pointer (&key), loc);
    }
  return _tm_locator_column (loc, line, element);
}

/* One good record: checked against the ids seen so far, then handed on.
 * FALSE only when the record callback fails. */
static gboolean
accept_record (Walk *w, TmRecord *record, GError **error)
{
  TmLibrary library = record->library;
  TmCorpusStats *stats = w->stats;
  Place *first = g_hash_table_lookup (w->seen[library], record->id);
  Place *place;

  if (first != NULL)
    {
      const char *element = tm_library_name (library);
      g_autofree char *message =
        g_strdup_printf (_("duplicate %s id \"%s\": first defined at %s:%u:%u"),
                         element, record->id, first->file, first->line,
                         locate (w, "first", first->file, first->line, element));
      TmProblem problem = {
        record->file, record->line,
        locate (w, "again", record->file, record->line, element),
        record->id, message
      };

      count_problem (&problem, &w->counter);
      stats->bad_records[library]++;
      tm_record_free (record);
      return TRUE;
    }
  if (stats->records[library] >= _tm_limits.records_per_library)
    {
      g_autofree char *message =
        g_strdup_printf (_("more than %u records in the %s library (TM_MAX_RECORDS_PER_LIBRARY)"),
                         _tm_limits.records_per_library, tm_library_name (library));
      TmProblem problem = { record->file, record->line, 0, record->id, message };

      count_problem (&problem, &w->counter);
      stats->bad_records[library]++;
      tm_record_free (record);
      return TRUE;
    }

  place = g_new (Place, 1);
  place->file = g_string_chunk_insert_const (w->names, record->file);
  place->line = record->line;
  g_hash_table_insert (w->seen[library], g_string_chunk_insert (w->names, record->id), place);
  stats->records[library]++;
  for (int field = 0; field < TM_N_FIELDS; field++)
    if (tm_record_has_field (record, field))
      stats->fields[library][field]++;
  if (w->record_func == NULL)
    {
      tm_record_free (record);
      return TRUE;
    }
  return w->record_func (record, w->user_data, error);
}

/* A file read ahead by a worker thread: its records and problems, replayed
 * in file order by the walk. */
typedef struct {
  char *path;
  const TmImportOptions *import;
  gboolean opened;
  TmLibrary library;
  GPtrArray *records;      /* TmRecord */
  GPtrArray *problems;     /* TmProblem with owned strings */
  guint n_bad;
  GMutex lock;
  GCond done_cond;
  gboolean done;
} Prefetch;

static void
keep_problem (const TmProblem *p, gpointer data)
{
  Prefetch *f = data;
  TmProblem *copy = g_new (TmProblem, 1);

  copy->file = g_strdup (p->file);
  copy->line = p->line;
  copy->column = p->column;
  copy->record_id = g_strdup (p->record_id);
  copy->message = g_strdup (p->message);
  copy->note = p->note;
  g_ptr_array_add (f->problems, copy);
}

static void
owned_problem_free (gpointer p)
{
  TmProblem *x = p;

  g_free ((char *) x->file);
  g_free ((char *) x->record_id);
  g_free ((char *) x->message);
  g_free (x);
}

static void
prefetch_file (gpointer data, gpointer unused)
{
  Prefetch *f = data;
  g_autoptr(GError) local = NULL;
  g_autoptr(TmReader) reader = tm_reader_open_full (f->path, f->import, keep_problem, f, &local);
  TmRecord *record;

  if (reader != NULL)
    {
      f->opened = TRUE;
      f->library = tm_reader_get_library (reader);
      while ((record = tm_reader_next (reader, &local)) != NULL)
        g_ptr_array_add (f->records, record);
      f->n_bad = tm_reader_get_n_bad (reader);
    }
  if (local != NULL)
    {
      TmProblem problem = { NULL, 0, 0, NULL, local->message };
      keep_problem (&problem, f);
    }
  g_mutex_lock (&f->lock);
  f->done = TRUE;
  g_cond_signal (&f->done_cond);
  g_mutex_unlock (&f->lock);
}

static void
prefetch_free (gpointer p)
{
  Prefetch *f = p;

  if (f == NULL)
    return;  /* a path with no file: nothing was read ahead */
  g_free (f->path);
  g_ptr_array_unref (f->records);
  g_ptr_array_unref (f->problems);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->done_cond);
  g_free (f);
}

/* Reads one file through the walk: streaming, or from its prefetch. */
static gboolean
walk_file (Walk *w, const char *path, Prefetch *f, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(TmReader) reader = NULL;
  TmRecord *record;
  TmLibrary library;

  if (f != NULL)
    {
      g_mutex_lock (&f->lock);
      while (!f->done)
        g_cond_wait (&f->done_cond, &f->lock);
      g_mutex_unlock (&f->lock);
      /* Problems come before the file's records: the order a streaming
       * read reports them in may interleave, the content is the same. */
      for (guint i = 0; i < f->problems->len; i++)
        count_problem (f->problems->pdata[i], &w->counter);
      if (!f->opened)
        return TRUE;
      w->stats->files[f->library]++;
      for (guint i = 0; i < f->records->len; i++)
        {
          record = f->records->pdata[i];
          f->records->pdata[i] = NULL;
          if (!accept_record (w, record, error))
            return FALSE;
        }
      w->stats->bad_records[f->library] += f->n_bad;
      return TRUE;
    }

  reader = tm_reader_open_full (path, w->import, count_problem, &w->counter, &local);
  if (reader == NULL)
    {
      /* The message starts with the location already. */
      TmProblem problem = { NULL, 0, 0, NULL, local->message };
      count_problem (&problem, &w->counter);
      return TRUE;
    }
  library = tm_reader_get_library (reader);
  w->stats->files[library]++;
  while ((record = tm_reader_next (reader, &local)) != NULL)
    if (!accept_record (w, record, error))
      return FALSE;
  w->stats->bad_records[library] += tm_reader_get_n_bad (reader);
  if (local != NULL)
    {
      TmProblem problem = { NULL, 0, 0, NULL, local->message };
      count_problem (&problem, &w->counter);
    }
  return TRUE;
}

gboolean
tm_corpus_read (const char * const *paths,
                TmProblemFunc problem_func,
                TmRecordFunc record_func,
                gpointer user_data,
                TmCorpusStats *stats,
                GError **error)
{
  return tm_corpus_read_parallel (paths, 1, problem_func, record_func, user_data, stats, error);
}

gboolean
tm_corpus_read_parallel (const char * const *paths,
                         guint jobs,
                         TmProblemFunc problem_func,
                         TmRecordFunc record_func,
                         gpointer user_data,
                         TmCorpusStats *stats,
                         GError **error)
{
  return tm_corpus_read_with (paths, jobs, NULL, problem_func, record_func, user_data, stats, error);
}

gboolean
tm_corpus_read_with (const char * const *paths,
                     guint jobs,
                     const TmImportOptions *import,
                     TmProblemFunc problem_func,
                     TmRecordFunc record_func,
                     gpointer user_data,
                     TmCorpusStats *stats,
                     GError **error)
{
  g_autoptr(GHashTable) seen_demand = NULL;
  g_autoptr(GHashTable) seen_achievement = NULL;
  GStringChunk *names;
  g_autoptr(GHashTable) locators =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) _tm_locator_free);
  g_autoptr(GHashTable) files_read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func (g_free);  /* file paths, or NULL */
  g_autoptr(GPtrArray) plan_problems = g_ptr_array_new_with_free_func (g_free); /* "path\tmessage" */
  g_autoptr(GPtrArray) prefetches = g_ptr_array_new_with_free_func (prefetch_free);
  GThreadPool *pool = NULL;
  Walk w;
  gboolean ok = TRUE;

  memset (stats, 0, sizeof *stats);
  w.counter.problem_func = problem_func;
  w.counter.user_data = user_data;
  w.counter.stats = stats;
  w.stats = stats;
  w.record_func = record_func;
  w.user_data = user_data;
  w.locators = locators;
  w.import = import;
  w.seen[TM_LIBRARY_DEMAND] = seen_demand =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  w.seen[TM_LIBRARY_ACHIEVEMENT] = seen_achievement =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  w.names = names = g_string_chunk_new (1 << 16);

  /* The plan: every file in order, with the problems of the paths. */
  for (const char * const *p = paths; *p != NULL; p++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_auto(GStrv) files = list_files (*p, problems, &local);

      for (guint i = 0; i < problems->len; i++)
        {
          g_ptr_array_add (plan, NULL);
          g_ptr_array_add (plan_problems, g_strdup (problems->pdata[i]));
        }
      if (files == NULL || (files[0] == NULL && problems->len == 0))
        {
          const char *colon = local != NULL ? strstr (local->message, ": ") : NULL;

          g_ptr_array_add (plan, NULL);
          g_ptr_array_add (plan_problems,
                           g_strdup_printf ("%s\t%s", *p, local == NULL ? _("no *.xml corpus file in this folder")
                                                        : colon != NULL ? colon + 2 : local->message));
          continue;
        }
      for (char **f = files; *f != NULL; f++)
        {
          char *real = realpath (*f, NULL);

          /* A file named twice (a folder and a file in it) is read once. */
          if (real != NULL && !g_hash_table_add (files_read, real))
            continue;
          g_ptr_array_add (plan, g_strdup (*f));
          g_ptr_array_add (plan_problems, NULL);
        }
    }

  if (jobs > 1)
    {
      pool = g_thread_pool_new (prefetch_file, NULL, (gint) jobs, FALSE, NULL);
      for (guint i = 0; i < plan->len; i++)
        {
          Prefetch *f = NULL;

          if (plan->pdata[i] != NULL)
            {
              f = g_new0 (Prefetch, 1);
              f->path = g_strdup (plan->pdata[i]);
              f->import = import;
              f->records = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_record_free);
              f->problems = g_ptr_array_new_with_free_func (owned_problem_free);
              g_mutex_init (&f->lock);
              g_cond_init (&f->done_cond);
              g_thread_pool_push (pool, f, NULL);
            }
          g_ptr_array_add (prefetches, f);
        }
    }

  for (guint i = 0; i < plan->len && ok; i++)
    {
      if (plan->pdata[i] == NULL)
        {
          g_auto(GStrv) pm = g_strsplit (plan_problems->pdata[i], "\t", 2);
          TmProblem problem = { pm[0], 0, 0, NULL, pm[1] };

          count_problem (&problem, &w.counter);
          continue;
        }
      ok = walk_file (&w, plan->pdata[i], pool != NULL ? prefetches->pdata[i] : NULL, error);
    }
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);
  g_string_chunk_free (names);
  return ok;
}
