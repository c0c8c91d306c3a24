/* tm-commit.c — commit groups: files written to temporaries and renamed
 * into place together (tm-commit.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tm-commit.h"
#include "tm-error.h"
#include "tm-i18n.h"

typedef struct {
  char *path;
  char *tmp;      /* NULL once renamed, and for a device or a pipe */
  FILE *out;      /* NULL once closed */
  gboolean direct;  /* a device or a pipe, written in place */
} Entry;

struct _TmCommitGroup {
  GArray *entries;
  gboolean spent;
};

static void
clear_entry (gpointer data)
{
  Entry *e = data;

  if (e->out != NULL)
    fclose (e->out);
  if (e->tmp != NULL)
    unlink (e->tmp);
  g_free (e->tmp);
  g_free (e->path);
}

TmCommitGroup *
tm_commit_group_new (void)
{
  TmCommitGroup *g = g_new0 (TmCommitGroup, 1);

  g->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (g->entries, clear_entry);
  return g;
}

void
tm_commit_group_free (TmCommitGroup *g)
{
  if (g == NULL)
    return;
  g_array_unref (g->entries);
  g_free (g);
}

/* Removes PATH.tmp.PID files whose process is gone: a killed run's. */
static void
remove_stale (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *stem = g_strconcat (base, ".tmp.", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      guint64 pid;
      g_autofree char *full = NULL;

      if (!g_str_has_prefix (name, stem)
          || !g_ascii_string_to_unsigned (name + strlen (stem), 10, 1, G_MAXINT, &pid, NULL))
        continue;
      /* Our own pid: a run before us that had it, since our temporaries
       * are not made yet.  Another: stale when no such process exists. */
      if ((pid_t) pid != getpid () && (kill ((pid_t) pid, 0) == 0 || errno != ESRCH))
        continue;
      full = g_build_filename (dir, name, NULL);
      unlink (full);
    }
}

FILE *
tm_commit_group_open (TmCommitGroup *g, const char *path, GError **error)
{
  Entry e = { NULL, NULL, NULL, FALSE };
  struct stat st;
  gboolean exists;
  int fd, saved;

  g_return_val_if_fail (!g->spent, NULL);
  for (guint i = 0; i < g->entries->len; i++)
    if (strcmp (g_array_index (g->entries, Entry, i).path, path) == 0)
      {
        g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("%s: written twice by one run"), path);
        return NULL;
      }
  exists = stat (path, &st) == 0;
  if (exists && S_ISDIR (st.st_mode))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("%s: is a folder"), path);
      return NULL;
    }
  if (exists && !S_ISREG (st.st_mode))
    {
      /* /dev/null, a terminal, a pipe: written as they are, never
       * replaced by a file. */
      e.out = fopen (path, "we");
      if (e.out == NULL)
        {
          saved = errno;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path, g_strerror (saved));
          return NULL;
        }
      e.path = g_strdup (path);
      e.direct = TRUE;
      g_array_append_val (g->entries, e);
      return e.out;
    }
  /* Through a symbolic link, the file it names is replaced, not the link. */
  if (exists && g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    e.path = realpath (path, NULL);
  if (e.path == NULL)
    e.path = g_strdup (path);
  remove_stale (e.path);

  e.tmp = g_strdup_printf ("%s.tmp.%d", e.path, (int) getpid ());
  fd = open (e.tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd >= 0 && exists && S_ISREG (st.st_mode) && fchmod (fd, st.st_mode & 07777) != 0)
    {
      saved = errno;
      close (fd);
      unlink (e.tmp);
      errno = saved;
      fd = -1;
    }
  if (fd < 0 || (e.out = fdopen (fd, "w")) == NULL)
    {
      saved = errno;
      if (fd >= 0)
        {
          close (fd);
          unlink (e.tmp);
        }
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path, g_strerror (saved));
      g_free (e.tmp);
      g_free (e.path);
      return NULL;
    }
  g_array_append_val (g->entries, e);
  return e.out;
}

/* fsyncs the folder of @path, so that its rename lasts.  Folders that
 * cannot be synced (some file systems) are no error. */
static gboolean
sync_folder (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved;

  if (fd < 0)
    return TRUE;
  if (fsync (fd) == 0 || errno == EINVAL || errno == ENOTSUP || errno == EBADF)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  close (fd);
  g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: syncing its folder: %s"), path, g_strerror (saved));
  return FALSE;
}

gboolean
tm_commit_group_commit (TmCommitGroup *g, GError **error)
{
  g_autoptr(GString) done = g_string_new (NULL);

  g_return_val_if_fail (!g->spent, FALSE);
  g->spent = TRUE;
  for (guint i = 0; i < g->entries->len; i++)
    {
      Entry *e = &g_array_index (g->entries, Entry, i);
      FILE *out = g_steal_pointer (&e->out);
      gboolean ok = fflush (out) == 0 && !ferror (out) && (e->direct || fsync (fileno (out)) == 0);
      int saved = errno;

      if (fclose (out) != 0 && ok)
        {
          ok = FALSE;
          saved = errno;
        }
      if (!ok)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"), e->path, g_strerror (saved));
          return FALSE;
        }
    }
  for (guint i = 0; i < g->entries->len; i++)
    {
      Entry *e = &g_array_index (g->entries, Entry, i);

      if (e->direct)
        continue;
      if (rename (e->tmp, e->path) != 0)
        {
          int saved = errno;

          if (done->len > 0)
            /* TRANSLATORS: renaming TMP to FILE: ERROR (FILES already replaced) */
            g_set_error (error, TM_ERROR, TM_ERROR_IO, _("renaming %s to %s: %s (%s already replaced)"),
                         e->tmp, e->path, g_strerror (saved), done->str);
          else
            g_set_error (error, TM_ERROR, TM_ERROR_IO, _("renaming %s to %s: %s"), e->tmp, e->path,
                         g_strerror (saved));
          return FALSE;
        }
      g_clear_pointer (&e->tmp, g_free);
      g_string_append_printf (done, "%s%s", done->len > 0 ? ", " : "", e->path);
    }
  for (guint i = 0; i < g->entries->len; i++)
    if (!g_array_index (g->entries, Entry, i).direct
        && !sync_folder (g_array_index (g->entries, Entry, i).path, error))
      return FALSE;
  return TRUE;
}
