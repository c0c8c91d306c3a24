/* fuzz-parsers.c — any bytes as a --since file, as techmatch.conf and as
 * a number option. */
#include "config.h"

#include <unistd.h>

#include "tm-cli.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static char *path;
  GError *error = NULL;
  TmSince *since;
  TmConfig config;

  since = tm_since_parse ((const char *) data, size, "since", &error);
  if (since != NULL)
    {
      guint rank;

      tm_since_lookup (since, "d2a", "D-1", "A-1", &rank);
      tm_since_free (since);
    }
  g_clear_error (&error);

  {
    g_autofree char *text = g_strndup ((const char *) data, size);
    double v;

    if (tm_cli_number (text, 0, 1e6, &v) && !(v >= 0 && v <= 1e6))
      __builtin_trap ();  /* a number outside its range got through */
  }

  if (path == NULL)
    {
      path = g_strdup_printf ("%s/tm-fuzz-conf-%d.conf", g_get_tmp_dir (), (int) getpid ());
      g_setenv ("TECHMATCH_CONFIG", path, TRUE);
    }
  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    return 0;
  if (tm_config_load (&config, &error))
    {
      g_free (tm_config_index_path (&config, NULL));
      tm_config_clear (&config);
    }
  g_clear_error (&error);
  return 0;
}
