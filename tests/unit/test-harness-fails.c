/* test-harness-fails.c — a suite whose setup fails, and nothing else:
 * CUnit runs none of its tests and counts no test as failed, so a
 * harness that looked at failed tests only would pass it.  It must exit
 * non-zero; tests/cli/T005-harness.sh runs it and checks that. */
#include "config.h"

#include "tm-test.h"

static int
failing_setup (void)
{
  return 1;
}

static void
test_never_runs (void)
{
  CU_PASS ("the suite's setup failed: this does not run");
}

int
main (void)
{
  CU_pSuite suite;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  suite = CU_add_suite ("setup fails", failing_setup, NULL);
  CU_add_test (suite, "never runs", test_never_runs);
  return tm_test_run ();
}
