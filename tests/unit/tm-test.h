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

/* Runs the registered suites; the exit status is what automake expects:
 * 1 when a test failed or a suite's setup or teardown did (CUnit then
 * runs none of that suite's tests, and counts no test as failed), 99
 * when CUnit itself failed (the registry or a suite could not be made). */
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
  if (rc != CUE_SUCCESS && rc != CUE_SINIT_FAILED && rc != CUE_SCLEAN_FAILED)
    return 99;
  return failures == 0 && rc == CUE_SUCCESS ? 0 : 1;
}
