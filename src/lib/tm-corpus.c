/* tm-corpus.c — reading a whole corpus (see tm-corpus.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tm-corpus.h"
#include "tm-error.h"
#include "tm-limits.h"
#include "tm-private.h"

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static gboolean
collect (const char *path, guint depth, GPtrArray *out, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path, g_strerror (ENOENT));
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (out, g_strdup (path));
      return TRUE;
    }
  if (depth >= TM_MAX_CORPUS_DEPTH)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                   "%s: folders nested deeper than %d (TM_MAX_CORPUS_DEPTH); a symlink loop?",
                   path, TM_MAX_CORPUS_DEPTH);
      return FALSE;
    }
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_paths);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (!collect (child, depth + 1, out, error))
            return FALSE;
        }
      else if (g_str_has_suffix (child, ".xml"))
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
  return TRUE;
}

/* transfer full */
char **
tm_corpus_list_files (const char *path, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (!collect (path, 0, out, error))
    return NULL;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
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

  c->stats->problems++;
  if (c->problem_func != NULL)
    c->problem_func (problem, c->user_data);
}

static void
file_problem (Counter *c, const char *file, const char *message)
{
  TmProblem problem = { file, 0, 0, NULL, message };

  count_problem (&problem, c);
}

/* Where a record was first seen, for the duplicate-id message. */
typedef struct {
  char *file;
  guint line;
} Place;

static void
place_free (gpointer p)
{
  Place *place = p;

  g_free (place->file);
  g_free (place);
}

gboolean
tm_corpus_read (const char * const *paths,
                TmProblemFunc problem_func,
                TmRecordFunc record_func,
                gpointer user_data,
                TmCorpusStats *stats,
                GError **error)
{
  g_autoptr(GHashTable) seen_demand = NULL;
  g_autoptr(GHashTable) seen_achievement = NULL;
  GHashTable *seen[TM_N_LIBRARIES];
  g_autoptr(GHashTable) files_read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Counter counter = { problem_func, user_data, stats };

  memset (stats, 0, sizeof *stats);
  seen[TM_LIBRARY_DEMAND] = seen_demand =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, place_free);
  seen[TM_LIBRARY_ACHIEVEMENT] = seen_achievement =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, place_free);

  for (const char * const *p = paths; *p != NULL; p++)
    {
      g_autoptr(GError) local = NULL;
      g_auto(GStrv) files = tm_corpus_list_files (*p, &local);

      if (files == NULL)
        {
          TmProblem problem = { *p, 0, 0, NULL, local->message };
          /* The message already names the path. */
          const char *colon = strstr (local->message, ": ");
          problem.message = colon != NULL ? colon + 2 : local->message;
          count_problem (&problem, &counter);
          continue;
        }
      if (files[0] == NULL)
        {
          file_problem (&counter, *p, "no *.xml corpus file in this folder");
          continue;
        }

      for (char **f = files; *f != NULL; f++)
        {
          g_autoptr(TmReader) reader = NULL;
          TmRecord *record;
          TmLibrary library;
          char *real = realpath (*f, NULL);

          /* A file named twice (a folder and a file in it) is read once. */
          if (real != NULL && !g_hash_table_add (files_read, real))
            continue;
          g_clear_error (&local);
          reader = tm_reader_open (*f, count_problem, &counter, &local);
          if (reader == NULL)
            {
              TmProblem problem = { *f, 0, 0, NULL, local->message };
              /* The message starts with the location already. */
              problem.file = NULL;
              count_problem (&problem, &counter);
              continue;
            }
          library = tm_reader_get_library (reader);
          stats->files[library]++;

          while ((record = tm_reader_next (reader, &local)) != NULL)
            {
              Place *first = g_hash_table_lookup (seen[library], record->id);

              if (first != NULL)
                {
                  const char *element = tm_library_name (library);
                  g_autofree char *message =
                    g_strdup_printf ("duplicate %s id \"%s\": first defined at %s:%u:%u",
                                     element, record->id, first->file, first->line,
                                     _tm_locate_column (first->file, first->line, element));
                  TmProblem problem = {
                    record->file, record->line,
                    _tm_locate_column (record->file, record->line, element),
                    record->id, message
                  };

                  count_problem (&problem, &counter);
                  stats->bad_records[library]++;
                  tm_record_free (record);
                  continue;
                }
              if (stats->records[library] >= TM_MAX_RECORDS_PER_LIBRARY)
                {
                  g_autofree char *message =
                    g_strdup_printf ("more than %u records in the %s library (TM_MAX_RECORDS_PER_LIBRARY)",
                                     TM_MAX_RECORDS_PER_LIBRARY, tm_library_name (library));
                  TmProblem problem = { record->file, record->line, 0, record->id, message };

                  count_problem (&problem, &counter);
                  stats->bad_records[library]++;
                  tm_record_free (record);
                  continue;
                }

              {
                Place *place = g_new (Place, 1);
                place->file = g_strdup (record->file);
                place->line = record->line;
                g_hash_table_insert (seen[library], g_strdup (record->id), place);
              }
              stats->records[library]++;
              for (int field = 0; field < TM_N_FIELDS; field++)
                if (tm_record_has_field (record, field))
                  stats->fields[library][field]++;
              if (record_func != NULL)
                {
                  if (!record_func (record, user_data, error))
                    return FALSE;
                }
              else
                tm_record_free (record);
            }
          stats->bad_records[library] += tm_reader_get_n_bad (reader);
          if (local != NULL)
            {
              TmProblem problem = { NULL, 0, 0, NULL, local->message };
              count_problem (&problem, &counter);
            }
        }
    }
  return TRUE;
}
