/* tm-test.h — what the CUnit suites share. */
#pragma once

#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <glib.h>
#include <glib/gstdio.h>

/* The source tree, for test data: $top_srcdir, else the current folder. */
static inline char *
tm_test_path (const char *relative)
{
  const char *top = g_getenv ("top_srcdir");

  return g_build_filename (top != NULL ? top : ".", relative, NULL);
}

/* The binary's temporary folder, under $TMPDIR: made on first use,
 * removed with everything in it by tm_test_run().  Every file a test
 * writes goes there (tm_test_file(), tm_test_write()), so nothing is
 * left behind whatever $TMPDIR holds.  Owned by the harness. */
static char *tm_test_tmpdir_;

static inline const char *
tm_test_dir (void)
{
  g_autoptr(GError) error = NULL;

  if (tm_test_tmpdir_ == NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s-XXXXXX", g_get_prgname () != NULL ? g_get_prgname () : "tm-test");

      tm_test_tmpdir_ = g_dir_make_tmp (name, &error);
      if (tm_test_tmpdir_ == NULL)
        g_error ("no temporary folder: %s", error->message);
    }
  return tm_test_tmpdir_;
}

/* @name's path in tm_test_dir().  transfer full */
static inline char *
tm_test_file (const char *name)
{
  return g_build_filename (tm_test_dir (), name, NULL);
}

/* Writes @len bytes of @contents (-1: a string) to @name in
 * tm_test_dir(); returns its path.  transfer full */
static inline char *
tm_test_write (const char *name, const char *contents, gssize len)
{
  char *path = tm_test_file (name);

  CU_ASSERT_FATAL (g_file_set_contents (path, contents, len, NULL));
  return path;
}

/* Removes @path and, if it is a folder, everything in it (no shell: any
 * name works).  FALSE, with the reason printed, when something stays. */
static inline gboolean
tm_test_remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  gboolean ok = TRUE;

  if (d != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          /* A test may leave a read-only folder behind. */
          g_chmod (child, 0700);
          ok = tm_test_remove_tree (child) && ok;
        }
      g_dir_close (d);
    }
  if (g_remove (path) != 0 && errno != ENOENT)
    {
      g_printerr ("cannot remove %s: %s\n", path, g_strerror (errno));
      ok = FALSE;
    }
  return ok;
}

/* Runs the registered suites; the exit status is what automake expects:
 * 1 when a test failed or a suite's setup or teardown did (CUnit then
 * runs none of that suite's tests, and counts no test as failed), 99
 * when CUnit itself failed (the registry or a suite could not be made).
 * The temporary folder goes last: a file that cannot be removed fails. */
static inline int
tm_test_run (void)
{
  unsigned failures;
  CU_ErrorCode rc;

  if (CU_get_registry () == NULL || CU_get_error () != CUE_SUCCESS)
    return 99;
  CU_basic_set_mode (CU_BRM_VERBOSE);
  rc = CU_basic_run_tests ();
  failures = CU_get_number_of_failures () + CU_get_number_of_tests_failed ()
             + CU_get_number_of_suites_failed ();
  CU_cleanup_registry ();
  if (tm_test_tmpdir_ != NULL)
    {
      if (!tm_test_remove_tree (tm_test_tmpdir_))
        failures++;
      g_clear_pointer (&tm_test_tmpdir_, g_free);
    }
  if (rc != CUE_SUCCESS && rc != CUE_SINIT_FAILED && rc != CUE_SCLEAN_FAILED)
    return 99;
  return failures == 0 && rc == CUE_SUCCESS ? 0 : 1;
}
