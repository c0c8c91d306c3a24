/* tm-commit.h — how the commands write files: whole or not at all.
 *
 * Every file a command writes (batch -o, batch --html, ...) goes through a
 * commit group: each file is written to a temporary beside it,
 * PATH.tmp.PID, and only tm_commit_group_commit() puts them in place, all
 * of them, after the whole run succeeded.  A run that fails, is
 * interrupted or is killed never replaces a good file with a part of one.
 *
 *   g_autoptr(TmCommitGroup) group = tm_commit_group_new ();
 *   FILE *out = tm_commit_group_open (group, "matches.tsv", error);
 *   FILE *html = tm_commit_group_open (group, "report.html", error);
 *   ... write both; on any failure return: freeing the group removes the
 *   temporaries and leaves the old files as they were ...
 *   if (!tm_commit_group_commit (group, error)) ...
 *
 * Commit first flushes, fsyncs and closes every temporary; when one fails
 * nothing is renamed.  Then each temporary is renamed onto its file (in
 * the order opened) and each folder is fsynced, so that a crash after the
 * commit keeps the new files.  A rename that fails after others succeeded
 * cannot be undone: the error says which files were replaced.
 *
 * A path that is not a regular file (/dev/null, a terminal, a named pipe)
 * is written in place, never replaced; through a symbolic link the file
 * it names is replaced, not the link.
 *
 * A new file gets the mode a shell redirection would give it (0666 less
 * the umask); a file that exists keeps its mode.  Opening also removes
 * the temporaries of the same file left by runs that were killed (their
 * process no longer exists).
 *
 * The index writer keeps its own writer (it writes sections in place).
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TmCommitGroup TmCommitGroup;

/* transfer full: free with tm_commit_group_free(). */
TmCommitGroup *tm_commit_group_new (void);

/* Opens a temporary that will become @path; the stream is the group's
 * (never fclose it).  NULL with TM_ERROR_IO naming @path when the
 * temporary cannot be made (a missing folder, no permission), or
 * TM_ERROR_INVALID when @path is a folder or already in the group. */
FILE *tm_commit_group_open (TmCommitGroup *group, const char *path, GError **error);

/* Puts every file of the group in place (see above).  FALSE with
 * TM_ERROR_IO naming the file that failed; the group is then spent
 * (temporaries not renamed are removed by tm_commit_group_free()). */
gboolean tm_commit_group_commit (TmCommitGroup *group, GError **error);

/* Removes the temporaries not committed and frees @group; NULL is fine. */
void tm_commit_group_free (TmCommitGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmCommitGroup, tm_commit_group_free)

G_END_DECLS
