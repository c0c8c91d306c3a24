/* test-decisions.c — the decisions database: recording, clearing,
 * history, all-or-nothing transactions, bad input, damaged and foreign
 * files, a newer schema, a writer holding the lock. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tm-decisions.h"
#include "tm-error.h"
#include "tm-limits.h"
#include "tm-test.h"

static char *
db_path (const char *name)
{
  return tm_test_file (name);
}

static gboolean
record1 (TmDecisions *db, const char *d, const char *a, TmDecisionState s, gint64 t,
         const char *by, const char *note, GError **error)
{
  g_autoptr(TmDecision) x = tm_decision_new (d, a, s, t, by, note);

  return tm_decisions_record (db, &x, 1, error);
}

static void
test_state_names (void)
{
  TmDecisionState s;

  CU_ASSERT_STRING_EQUAL (tm_decision_state_name (TM_DECISION_ACCEPTED), "accepted");
  CU_ASSERT_STRING_EQUAL (tm_decision_state_name (TM_DECISION_NONE), "cleared");
  CU_ASSERT (tm_decision_state_from_name ("reject", &s) && s == TM_DECISION_REJECTED);
  CU_ASSERT (tm_decision_state_from_name ("contacted", &s) && s == TM_DECISION_CONTACTED);
  CU_ASSERT (tm_decision_state_from_name ("clear", &s) && s == TM_DECISION_NONE);
  CU_ASSERT_FALSE (tm_decision_state_from_name ("", &s));
  CU_ASSERT_FALSE (tm_decision_state_from_name ("Accepted", &s));
}

static void
test_record_and_list (void)
{
  g_autofree char *path = db_path ("a.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDecisions) db = tm_decisions_open (path, TM_DECISIONS_WRITE, 1000, &error);
  g_autoptr(GPtrArray) list = NULL, history = NULL;
  g_autoptr(GHashTable) states = NULL;
  const TmDecision *x;

  CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  CU_ASSERT (record1 (db, "D2", "A1", TM_DECISION_ACCEPTED, 100, "王工", "电话已联系", &error));
  CU_ASSERT (record1 (db, "D1", "A9", TM_DECISION_REJECTED, 101, NULL, NULL, &error));
  CU_ASSERT (record1 (db, "D2", "A1", TM_DECISION_CONTACTED, 102, "李", "tab\there\nnewline", &error));
  CU_ASSERT (record1 (db, "D3", "A3", TM_DECISION_ACCEPTED, 103, NULL, NULL, &error));
  CU_ASSERT (record1 (db, "D3", "A3", TM_DECISION_NONE, 104, NULL, NULL, &error));
  /* Clearing a pair with no decision is no error. */
  CU_ASSERT (record1 (db, "D4", "A4", TM_DECISION_NONE, 105, NULL, NULL, &error));
  CU_ASSERT_PTR_NULL (error);

  list = tm_decisions_list (db, FALSE, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (list);
  CU_ASSERT_EQUAL_FATAL (list->len, 2);
  x = list->pdata[0];
  CU_ASSERT_STRING_EQUAL (x->demand, "D1");
  CU_ASSERT_EQUAL (x->state, TM_DECISION_REJECTED);
  CU_ASSERT_PTR_NULL (x->by);
  x = list->pdata[1];
  CU_ASSERT_STRING_EQUAL (x->demand, "D2");
  CU_ASSERT_STRING_EQUAL (x->achievement, "A1");
  CU_ASSERT_EQUAL (x->state, TM_DECISION_CONTACTED);
  CU_ASSERT_EQUAL (x->time, 102);
  CU_ASSERT_STRING_EQUAL (x->by, "李");
  CU_ASSERT_STRING_EQUAL (x->note, "tab\there\nnewline");

  history = tm_decisions_list (db, TRUE, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (history);
  CU_ASSERT_EQUAL_FATAL (history->len, 6);
  x = history->pdata[0];
  CU_ASSERT_STRING_EQUAL (x->note, "电话已联系");
  x = history->pdata[4];
  CU_ASSERT_EQUAL (x->state, TM_DECISION_NONE);
  CU_ASSERT_EQUAL (x->time, 104);

  states = tm_decisions_states (db, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (states);
  CU_ASSERT_EQUAL (g_hash_table_size (states), 2);
  CU_ASSERT_EQUAL (GPOINTER_TO_INT (g_hash_table_lookup (states, "D1\tA9")), TM_DECISION_REJECTED);
  CU_ASSERT (tm_decisions_verify (db, &error));
}

/* Survives closing and reopening, read-only too; a reader sees what a
 * writer committed while it stays open. */
static void
test_reopen (void)
{
  g_autofree char *path = db_path ("b.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDecisions) w = tm_decisions_open (path, TM_DECISIONS_WRITE, 1000, &error);
  g_autoptr(TmDecisions) r = NULL;
  g_autoptr(GPtrArray) list = NULL;

  CU_ASSERT_PTR_NOT_NULL_FATAL (w);
  CU_ASSERT (record1 (w, "D", "A", TM_DECISION_ACCEPTED, 1, NULL, NULL, &error));
  r = tm_decisions_open (path, TM_DECISIONS_READ, 1000, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  CU_ASSERT (record1 (w, "D", "B", TM_DECISION_REJECTED, 2, NULL, NULL, &error));
  list = tm_decisions_list (r, FALSE, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (list);
  CU_ASSERT_EQUAL (list->len, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  CU_ASSERT_FALSE (record1 (r, "D", "C", TM_DECISION_REJECTED, 3, NULL, NULL, &error));
  CU_ASSERT_PTR_NOT_NULL (error);
  g_clear_error (&error);
  g_clear_pointer (&w, tm_decisions_free);
  g_clear_pointer (&r, tm_decisions_free);

  w = tm_decisions_open (path, TM_DECISIONS_WRITE, 1000, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (w);
  list = tm_decisions_list (w, FALSE, &error);
  CU_ASSERT_EQUAL (list->len, 2);
}

static void
test_missing (void)
{
  g_autofree char *path = db_path ("none.db");
  g_autoptr(GError) error = NULL;
  TmDecisions *db = tm_decisions_open (path, TM_DECISIONS_READ, 10, &error);

  CU_ASSERT_PTR_NULL (db);
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_NOT_FOUND));
  CU_ASSERT_FALSE (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* One bad decision in a batch: none of them is recorded. */
static void
test_all_or_nothing (void)
{
  g_autofree char *path = db_path ("c.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDecisions) db = tm_decisions_open (path, TM_DECISIONS_WRITE, 1000, &error);
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *long_id = g_strnfill (TM_MAX_ID_CHARS + 1, 'x');
  g_autofree char *long_note = g_strnfill (TM_MAX_NOTE_BYTES + 1, 'n');
  TmDecision *xs[3];

  CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  xs[0] = tm_decision_new ("D1", "A1", TM_DECISION_ACCEPTED, 1, NULL, NULL);
  xs[1] = tm_decision_new ("D2", "A2", TM_DECISION_ACCEPTED, 1, NULL, NULL);
  xs[2] = tm_decision_new ("D3", long_id, TM_DECISION_ACCEPTED, 1, NULL, NULL);
  CU_ASSERT_FALSE (tm_decisions_record (db, xs, 3, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LIMIT));
  CU_ASSERT (error != NULL && strstr (error->message, "decision 3") != NULL);
  g_clear_error (&error);
  g_free (xs[2]->achievement);
  xs[2]->achievement = g_strdup ("");
  CU_ASSERT_FALSE (tm_decisions_record (db, xs, 3, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  g_clear_error (&error);
  g_free (xs[2]->achievement);
  xs[2]->achievement = g_strdup ("A\tB");
  CU_ASSERT_FALSE (tm_decisions_record (db, xs, 3, &error));
  g_clear_error (&error);
  g_free (xs[2]->achievement);
  xs[2]->achievement = g_strdup ("\xff\xfe");
  CU_ASSERT_FALSE (tm_decisions_record (db, xs, 3, &error));
  g_clear_error (&error);
  g_free (xs[2]->achievement);
  xs[2]->achievement = g_strdup ("A3");
  xs[2]->note = g_strdup (long_note);
  CU_ASSERT_FALSE (tm_decisions_record (db, xs, 3, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LIMIT));
  g_clear_error (&error);

  list = tm_decisions_list (db, TRUE, &error);
  CU_ASSERT_EQUAL (list->len, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&xs[2]->note, g_free);
  CU_ASSERT (tm_decisions_record (db, xs, 3, &error));
  list = tm_decisions_list (db, FALSE, &error);
  CU_ASSERT_EQUAL (list->len, 3);
  for (int i = 0; i < 3; i++)
    tm_decision_free (xs[i]);
}

/* A database another process holds the write lock of: a clear
 * TM_ERROR_LOCKED after the busy timeout, and nothing lost; reading
 * still works (WAL). */
static void
test_locked (void)
{
  g_autofree char *path = db_path ("d.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(TmDecisions) db = tm_decisions_open (path, TM_DECISIONS_WRITE, 50, &error);
  g_autoptr(TmDecisions) r = NULL;
  g_autoptr(GPtrArray) list = NULL;
  sqlite3 *other = NULL;

  CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  CU_ASSERT (record1 (db, "D", "A", TM_DECISION_ACCEPTED, 1, NULL, NULL, &error));
  CU_ASSERT_EQUAL_FATAL (sqlite3_open (path, &other), SQLITE_OK);
  CU_ASSERT_EQUAL_FATAL (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  CU_ASSERT_FALSE (record1 (db, "D", "B", TM_DECISION_REJECTED, 2, NULL, NULL, &error));
  CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_LOCKED));
  CU_ASSERT (error != NULL && strstr (error->message, path) != NULL);
  g_clear_error (&error);
  r = tm_decisions_open (path, TM_DECISIONS_READ, 50, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (r);
  list = tm_decisions_list (r, FALSE, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (list);
  CU_ASSERT_EQUAL (list->len, 1);
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  CU_ASSERT (record1 (db, "D", "B", TM_DECISION_REJECTED, 2, NULL, NULL, &error));
}

static void
expect_open_fails (const char *path, TmDecisionsMode mode, int code)
{
  g_autoptr(GError) error = NULL;
  TmDecisions *db = tm_decisions_open (path, mode, 10, &error);

  CU_ASSERT_PTR_NULL (db);
  CU_ASSERT (g_error_matches (error, TM_ERROR, code));
  CU_ASSERT (error != NULL && strstr (error->message, path) != NULL);
  tm_decisions_free (db);
}

static void
test_damaged (void)
{
  g_autofree char *junk = db_path ("junk.db"), *foreign = db_path ("foreign.db");
  g_autofree char *newer = db_path ("newer.db"), *trunc = db_path ("trunc.db");
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  sqlite3 *h = NULL;

  /* Not a database: refused either way, and left as it is. */
  g_file_set_contents (junk, "demand,achievement\nD1,A1\n", -1, NULL);
  expect_open_fails (junk, TM_DECISIONS_READ, TM_ERROR_CORRUPT_INDEX);
  expect_open_fails (junk, TM_DECISIONS_WRITE, TM_ERROR_CORRUPT_INDEX);
  g_file_get_contents (junk, &after, &len, NULL);
  CU_ASSERT_STRING_EQUAL (after, "demand,achievement\nD1,A1\n");
  g_clear_pointer (&after, g_free);

  /* Some other program's SQLite database. */
  sqlite3_open (foreign, &h);
  sqlite3_exec (h, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL);
  sqlite3_close (h);
  expect_open_fails (foreign, TM_DECISIONS_WRITE, TM_ERROR_CORRUPT_INDEX);

  /* A newer schema. */
  {
    g_autoptr(TmDecisions) db = tm_decisions_open (newer, TM_DECISIONS_WRITE, 10, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL (db);
  }
  sqlite3_open (newer, &h);
  sqlite3_exec (h, "PRAGMA user_version = 99", NULL, NULL, NULL);
  sqlite3_close (h);
  expect_open_fails (newer, TM_DECISIONS_READ, TM_ERROR_INVALID);

  /* Damaged pages: many decisions, then the middle of the file zeroed. */
  {
    g_autoptr(TmDecisions) db = tm_decisions_open (trunc, TM_DECISIONS_WRITE, 10, &error);
    g_autoptr(GPtrArray) xs = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_decision_free);

    CU_ASSERT_PTR_NOT_NULL_FATAL (db);
    for (int i = 0; i < 3000; i++)
      {
        g_autofree char *d = g_strdup_printf ("D-%05d", i);
        g_ptr_array_add (xs, tm_decision_new (d, "A-1", TM_DECISION_REJECTED, i, "someone", "a note long enough to fill pages"));
      }
    CU_ASSERT (tm_decisions_record (db, (TmDecision **) xs->pdata, xs->len, &error));
  }
  sqlite3_open (trunc, &h);
  sqlite3_exec (h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close (h);
  CU_ASSERT (g_file_get_contents (trunc, &before, &len, NULL));
  CU_ASSERT_FATAL (len > 8 * 4096);
  memset (before + 2 * 4096, 0x5A, 4 * 4096);
  g_file_set_contents (trunc, before, (gssize) len, NULL);
  {
    g_autoptr(TmDecisions) db = tm_decisions_open (trunc, TM_DECISIONS_READ, 10, &error);
    g_autoptr(GPtrArray) list = NULL;

    if (db == NULL)
      {
        CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX));
      }
    else
      {
        list = tm_decisions_list (db, TRUE, &error);
        if (list != NULL)
          {
            g_clear_error (&error);
            CU_ASSERT_FALSE (tm_decisions_verify (db, &error));
          }
        CU_ASSERT (g_error_matches (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX));
        CU_ASSERT (error != NULL && strstr (error->message, "damaged") != NULL);
      }
  }
}

int
main (void)
{
  CU_pSuite s;
  int status;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  s = CU_add_suite ("decisions", NULL, NULL);
  CU_add_test (s, "state names", test_state_names);
  CU_add_test (s, "record, clear, list, history", test_record_and_list);
  CU_add_test (s, "reopen, read-only, reader beside a writer", test_reopen);
  CU_add_test (s, "a missing file read", test_missing);
  CU_add_test (s, "all or nothing", test_all_or_nothing);
  CU_add_test (s, "locked by another process", test_locked);
  CU_add_test (s, "damaged, foreign, newer files", test_damaged);
  status = tm_test_run ();
  return status;
}
