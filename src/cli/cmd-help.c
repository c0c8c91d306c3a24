/* cmd-help.c — techmatch help [COMMAND]: the manual page of a command. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "tm-cli.h"
#include "tm-error.h"

int
tm_cmd_help (TmCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *page = NULL;
  g_autofree char *path = NULL;

  if (argc > 2)
    {
      fprintf (stderr, _("techmatch help: one command at most\n"));
      return TM_EXIT_USAGE;
    }
  page = argc == 2 ? g_strdup_printf ("techmatch-%s", argv[1]) : g_strdup ("techmatch");
  if (argc == 2 && g_strcmp0 (argv[1], "corpus") != 0 && g_strcmp0 (argv[1], "conf") != 0)
    path = g_strdup_printf ("%s/man1/%s.1", TM_MANDIR, page);
  else if (argc == 2)
    path = g_strdup_printf ("%s/man5/%s.5", TM_MANDIR,
                            g_strcmp0 (argv[1], "conf") == 0 ? "techmatch.conf" : page);
  else
    path = g_strdup_printf ("%s/man1/%s.1", TM_MANDIR, page);

  fflush (stdout);
  /* The installed page when there is one (so an uninstalled MANPATH does
   * not matter), else whatever man finds by name. */
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    execlp ("man", "man", "-l", path, NULL);
  else
    execlp ("man", "man", page, NULL);
  g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("cannot run man: %s"), g_strerror (errno));
  return TM_EXIT_FAILURE;
}
