/* tm-test.h — what the CUnit suites share. */
#pragma once

#include <CUnit/Basic.h>
#include <glib.h>

/* The source tree, for test data: $top_srcdir, else the current folder. */
static inline char *
tm_test_path (const char *relative)
{
  const char *top = g_getenv ("top_srcdir");

  return g_build_filename (top != NULL ? top : ".", relative, NULL);
}

/* Runs the registered suites; the exit status is what automake expects. */
static inline int
tm_test_run (void)
{
  unsigned failures;

  CU_basic_set_mode (CU_BRM_VERBOSE);
  CU_basic_run_tests ();
  failures = CU_get_number_of_failures () + CU_get_number_of_tests_failed ();
  CU_cleanup_registry ();
  return failures == 0 ? 0 : 1;
}
