/* tm-decisions.c — the decisions database (schema: tm-decisions.h).
 *
 * One SQLite connection per TmDecisions, used by one thread.  Writers
 * take the write lock at the start of their transaction (BEGIN
 * IMMEDIATE), so two writers queue on the busy timeout instead of one
 * failing half-way; the database is in WAL mode, so readers see the last
 * committed state and never wait for a writer.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "tm-decisions.h"
#include "tm-error.h"
#include "tm-i18n.h"
#include "tm-limits.h"

struct _TmDecisions {
  sqlite3 *db;
  char *path;
  guint busy_ms;
  gboolean writable;
  gboolean empty;          /* read-only over a file with no schema yet */
};

static const char *const state_names[] = {
  [TM_DECISION_NONE] = "cleared",
  [TM_DECISION_ACCEPTED] = "accepted",
  [TM_DECISION_CONTACTED] = "contacted",
  [TM_DECISION_REJECTED] = "rejected",
};

const char *
tm_decision_state_name (TmDecisionState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "cleared");
  return state_names[state];
}

gboolean
tm_decision_state_from_name (const char *name, TmDecisionState *state)
{
  static const struct { const char *name; TmDecisionState state; } verbs[] = {
    { "accept", TM_DECISION_ACCEPTED }, { "contact", TM_DECISION_CONTACTED },
    { "reject", TM_DECISION_REJECTED }, { "clear", TM_DECISION_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (strcmp (name, state_names[i]) == 0)
      {
        *state = (TmDecisionState) i;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (name, verbs[i].name) == 0)
      {
        *state = verbs[i].state;
        return TRUE;
      }
  return FALSE;
}

TmDecision *
tm_decision_new (const char *demand, const char *achievement, TmDecisionState state,
                 gint64 time, const char *by, const char *note)
{
  TmDecision *d = g_new0 (TmDecision, 1);

  d->demand = g_strdup (demand);
  d->achievement = g_strdup (achievement);
  d->state = state;
  d->time = time;
  d->by = g_strdup (by);
  d->note = g_strdup (note);
  return d;
}

void
tm_decision_free (TmDecision *d)
{
  if (d == NULL)
    return;
  g_free (d->demand);
  g_free (d->achievement);
  g_free (d->by);
  g_free (d->note);
  g_free (d);
}

/* ---- errors ------------------------------------------------------------------ */

/* An SQLite failure as a GError naming the file; @doing says what was
 * being done ("recording", "reading" ...). */
static void
set_error (const char *path, sqlite3 *db, int rc, const char *doing, guint busy_ms, GError **error)
{
  const char *why = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xFF)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, TM_ERROR, TM_ERROR_LOCKED,
                   _("%s: %s: another process kept the decisions database locked for more than %.1f s; "
                      "nothing was changed: try again"), path, doing, busy_ms / 1000.0);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                   _("%s: %s: the decisions database is damaged or not one (%s); it was left as it is: "
                      "restore it from a backup, or try sqlite3 '%s' .recover"), path, doing, why, path);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s: %s", path, doing, why);
      break;
    default:
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, "%s: %s: %s", path, doing, why);
      break;
    }
}

static gboolean
exec (TmDecisions *d, const char *sql, const char *doing, GError **error)
{
  int rc = sqlite3_exec (d->db, sql, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  set_error (d->path, d->db, rc, doing, d->busy_ms, error);
  return FALSE;
}

/* The single integer a pragma or a count returns; FALSE with @error. */
static gboolean
query_int (TmDecisions *d, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (d->db, sql, -1, &st, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (st, 0);
      sqlite3_finalize (st);
      return TRUE;
    }
  set_error (d->path, d->db, rc, _("opening"), d->busy_ms, error);
  sqlite3_finalize (st);
  return FALSE;
}

/* ---- opening ------------------------------------------------------------------ */

static const char schema_sql[] =
  "CREATE TABLE decision ("
  " demand TEXT NOT NULL, achievement TEXT NOT NULL,"
  " state TEXT NOT NULL CHECK (state IN ('accepted', 'contacted', 'rejected')),"
  " decided_at INTEGER NOT NULL, decided_by TEXT, note TEXT,"
  " PRIMARY KEY (demand, achievement)) WITHOUT ROWID;"
  "CREATE TABLE history ("
  " seq INTEGER PRIMARY KEY, demand TEXT NOT NULL, achievement TEXT NOT NULL,"
  " state TEXT NOT NULL CHECK (state IN ('accepted', 'contacted', 'rejected', 'cleared')),"
  " decided_at INTEGER NOT NULL, decided_by TEXT, note TEXT);"
  "CREATE INDEX history_pair ON history (demand, achievement);";

/* Puts the file in WAL mode (a no-op once it is).  The switch takes the
 * exclusive lock, and where waiting could deadlock with another
 * connection raising its own lock (several writers opening a new file at
 * once) SQLite answers SQLITE_BUSY at once, without the busy handler: so
 * it is tried again, every 10 ms, until the busy timeout. */
static gboolean
set_wal (TmDecisions *d, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) d->busy_ms * 1000;

  for (;;)
    {
      sqlite3_stmt *st = NULL;
      int rc = sqlite3_prepare_v2 (d->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);

      if (rc == SQLITE_OK)
        rc = sqlite3_step (st);
      sqlite3_finalize (st);
      if (rc == SQLITE_ROW)
        return TRUE;
      if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time () >= deadline)
        {
          set_error (d->path, d->db, rc, _("opening"), d->busy_ms, error);
          return FALSE;
        }
      g_usleep (10 * 1000);
    }
}

/* Checks (and, for a writer, creates) the schema. */
static gboolean
check_schema (TmDecisions *d, GError **error)
{
  gint64 version, app, tables;

  /* One statement, so one consistent snapshot even while another
   * writer creates the schema. */
  {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2 (d->db,
      "SELECT (SELECT user_version FROM pragma_user_version),"
      " (SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM sqlite_master)",
      -1, &st, NULL);

    if (rc == SQLITE_OK)
      rc = sqlite3_step (st);
    if (rc != SQLITE_ROW)
      {
        set_error (d->path, d->db, rc, _("opening"), d->busy_ms, error);
        sqlite3_finalize (st);
        return FALSE;
      }
    version = sqlite3_column_int64 (st, 0);
    app = sqlite3_column_int64 (st, 1);
    tables = sqlite3_column_int64 (st, 2);
    sqlite3_finalize (st);
  }
  if ((version != 0 || tables != 0) && app != TM_DECISIONS_APPLICATION_ID)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                   _("%s: an SQLite database, but not techmatch's decisions (application id %"
                      PRId64 "); it was left as it is"), d->path, app);
      return FALSE;
    }
  if (version > TM_DECISIONS_SCHEMA_VERSION)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s: decisions schema %" PRId64 " was written by a newer techmatch "
                      "(this one knows schema %d)"), d->path, version, TM_DECISIONS_SCHEMA_VERSION);
      return FALSE;
    }
  if (version == 0 && tables != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                   _("%s: a decisions database without a schema version; it was left as it is"), d->path);
      return FALSE;
    }
  if (d->writable)
    {
      /* Only now that the file is known to be ours (or new) is it
       * changed.  WAL: readers never wait for the writer; FULL: a
       * committed decision survives a power cut. */
      if (!set_wal (d, error)
          || !exec (d, "PRAGMA synchronous = FULL", _("opening"), error))
        return FALSE;
    }
  if (version == TM_DECISIONS_SCHEMA_VERSION)
    return TRUE;
  if (!d->writable)
    {
      d->empty = TRUE;
      return TRUE;
    }

  /* A new file: create the schema in one transaction.  Another writer
   * may have done it since we looked: look again under the lock. */
  if (!exec (d, "BEGIN IMMEDIATE", _("creating the schema"), error))
    return FALSE;
  if (!query_int (d, "PRAGMA user_version", &version, error))
    goto fail;
  if (version == 0)
    {
      g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                                  TM_DECISIONS_APPLICATION_ID, TM_DECISIONS_SCHEMA_VERSION);
      if (!exec (d, schema_sql, _("creating the schema"), error)
          || !exec (d, pragmas, _("creating the schema"), error))
        goto fail;
    }
  if (!exec (d, "COMMIT", _("creating the schema"), error))
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (d->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

TmDecisions *
tm_decisions_open (const char *path, TmDecisionsMode mode, guint busy_ms, GError **error)
{
  g_autoptr(TmDecisions) d = g_new0 (TmDecisions, 1);
  int flags, rc;

  g_return_val_if_fail (path != NULL, NULL);
  d->path = g_strdup (path);
  d->busy_ms = busy_ms;
  d->writable = mode == TM_DECISIONS_WRITE;
  if (!d->writable && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_NOT_FOUND, _("%s: no decisions database"), path);
      return NULL;
    }
  flags = d->writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  rc = sqlite3_open_v2 (path, &d->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (path, d->db, rc, _("opening"), busy_ms, error);
      return NULL;
    }
  sqlite3_extended_result_codes (d->db, 1);
  sqlite3_busy_timeout (d->db, (int) MIN (busy_ms, (guint) G_MAXINT));

  if (!check_schema (d, error))
    return NULL;
  return g_steal_pointer (&d);
}

void
tm_decisions_free (TmDecisions *d)
{
  if (d == NULL)
    return;
  if (d->db != NULL)
    sqlite3_close_v2 (d->db);
  g_free (d->path);
  g_free (d);
}

const char *
tm_decisions_get_path (const TmDecisions *d)
{
  return d->path;
}

/* ---- writing ------------------------------------------------------------------- */

static gboolean
check_text (const char *what, const char *s, gsize max, gboolean is_id, guint i, GError **error)
{
  gsize len;

  if (s == NULL || s[0] == '\0')
    {
      if (!is_id)
        return TRUE;
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("decision %u: no %s id"), i, what);
      return FALSE;
    }
  len = strlen (s);
  if (!g_utf8_validate (s, (gssize) len, NULL))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("decision %u: the %s is not UTF-8"), i, what);
      return FALSE;
    }
  /* Ids are counted in characters, as the corpus schema counts them. */
  if (is_id ? (gsize) g_utf8_strlen (s, (gssize) len) > max : len > max)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT, _("decision %u: the %s is %zu %s long (the limit, %s, is %zu)"), i, what,
                   is_id ? (gsize) g_utf8_strlen (s, (gssize) len) : len,
                   is_id ? _("characters") : _("bytes"),
                   is_id ? "TM_MAX_ID_CHARS" : "TM_MAX_NOTE_BYTES", max);
      return FALSE;
    }
  if (is_id)
    for (const char *p = s; *p != '\0'; p++)
      if ((guchar) *p < 0x20 || *p == 0x7F)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("decision %u: the %s id holds a control character"), i, what);
          return FALSE;
        }
  return TRUE;
}

static void
bind_text (sqlite3_stmt *st, int col, const char *s)
{
  if (s == NULL || s[0] == '\0')
    sqlite3_bind_null (st, col);
  else
    sqlite3_bind_text (st, col, s, -1, SQLITE_STATIC);
}

gboolean
tm_decisions_record (TmDecisions *d, TmDecision *const *decisions, guint n, GError **error)
{
  sqlite3_stmt *put = NULL, *del = NULL, *log = NULL;
  int rc = SQLITE_OK;

  g_return_val_if_fail (d != NULL && (n == 0 || decisions != NULL), FALSE);
  if (!d->writable)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("%s: opened read-only"), d->path);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const TmDecision *x = decisions[i];

      if (!check_text ("demand", x->demand, TM_MAX_ID_CHARS, TRUE, i + 1, error)
          || !check_text ("achievement", x->achievement, TM_MAX_ID_CHARS, TRUE, i + 1, error)
          || !check_text ("note", x->note, TM_MAX_NOTE_BYTES, FALSE, i + 1, error)
          || !check_text ("name", x->by, TM_MAX_NOTE_BYTES, FALSE, i + 1, error))
        return FALSE;
      if ((guint) x->state >= G_N_ELEMENTS (state_names))
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("decision %u: no such state"), i + 1);
          return FALSE;
        }
    }

  if (!exec (d, "BEGIN IMMEDIATE", _("recording"), error))
    return FALSE;
  rc = sqlite3_prepare_v2 (d->db,
    "INSERT INTO decision (demand, achievement, state, decided_at, decided_by, note)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (demand, achievement) DO UPDATE SET state = excluded.state,"
    " decided_at = excluded.decided_at, decided_by = excluded.decided_by, note = excluded.note",
    -1, &put, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (d->db, "DELETE FROM decision WHERE demand = ?1 AND achievement = ?2",
                             -1, &del, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (d->db,
      "INSERT INTO history (demand, achievement, state, decided_at, decided_by, note)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &log, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < n; i++)
    {
      const TmDecision *x = decisions[i];
      sqlite3_stmt *sts[2] = { x->state == TM_DECISION_NONE ? del : put, log };

      for (int k = 0; k < 2 && rc == SQLITE_OK; k++)
        {
          sqlite3_stmt *st = sts[k];

          sqlite3_reset (st);
          sqlite3_clear_bindings (st);
          sqlite3_bind_text (st, 1, x->demand, -1, SQLITE_STATIC);
          sqlite3_bind_text (st, 2, x->achievement, -1, SQLITE_STATIC);
          if (st != del)
            {
              sqlite3_bind_text (st, 3, state_names[x->state], -1, SQLITE_STATIC);
              sqlite3_bind_int64 (st, 4, x->time);
              bind_text (st, 5, x->by);
              bind_text (st, 6, x->note);
            }
          rc = sqlite3_step (st);
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (put);
  sqlite3_finalize (del);
  sqlite3_finalize (log);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (d->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (d->path, d->db, rc, _("recording"), d->busy_ms, error);
      sqlite3_exec (d->db, "ROLLBACK", NULL, NULL, NULL);
      g_prefix_error (error, _("nothing was recorded: "));
      return FALSE;
    }
  return TRUE;
}

/* ---- reading -------------------------------------------------------------------- */

static char *
column_text (sqlite3_stmt *st, int col)
{
  const unsigned char *s = sqlite3_column_text (st, col);

  return s != NULL ? g_strdup ((const char *) s) : NULL;
}

GPtrArray *
tm_decisions_list (TmDecisions *d, gboolean history, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) tm_decision_free);
  sqlite3_stmt *st = NULL;
  int rc;

  if (d->empty)
    return g_steal_pointer (&out);
  rc = sqlite3_prepare_v2 (d->db, history
    ? "SELECT demand, achievement, state, decided_at, decided_by, note FROM history ORDER BY seq"
    : "SELECT demand, achievement, state, decided_at, decided_by, note FROM decision"
      " ORDER BY demand, achievement", -1, &st, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      TmDecision *x = g_new0 (TmDecision, 1);
      const char *state = (const char *) sqlite3_column_text (st, 2);

      x->demand = column_text (st, 0);
      x->achievement = column_text (st, 1);
      x->time = sqlite3_column_int64 (st, 3);
      x->by = column_text (st, 4);
      x->note = column_text (st, 5);
      g_ptr_array_add (out, x);
      if (state == NULL || !tm_decision_state_from_name (state, &x->state) || x->demand == NULL
          || x->achievement == NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                       _("%s: a decision of %s and %s has state '%s', which techmatch does not know"),
                       d->path, x->demand ? x->demand : "?", x->achievement ? x->achievement : "?",
                       state ? state : "");
          sqlite3_finalize (st);
          return NULL;
        }
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_DONE)
    {
      set_error (d->path, d->db, rc, _("reading"), d->busy_ms, error);
      sqlite3_finalize (st);
      return NULL;
    }
  sqlite3_finalize (st);
  return g_steal_pointer (&out);
}

GHashTable *
tm_decisions_states (TmDecisions *d, GError **error)
{
  g_autoptr(GPtrArray) list = tm_decisions_list (d, FALSE, error);
  GHashTable *states;

  if (list == NULL)
    return NULL;
  states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      const TmDecision *x = list->pdata[i];

      g_hash_table_insert (states, g_strconcat (x->demand, "\t", x->achievement, NULL),
                           GINT_TO_POINTER ((gint) x->state));
    }
  return states;
}

gboolean
tm_decisions_verify (TmDecisions *d, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (d->db, "PRAGMA integrity_check", -1, &st, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      const char *what = (const char *) sqlite3_column_text (st, 0);

      if (what != NULL && strcmp (what, "ok") == 0)
        {
          sqlite3_finalize (st);
          return TRUE;
        }
      g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                   _("%s: the decisions database is damaged (%s); it was left as it is: "
                      "restore it from a backup, or try sqlite3 '%s' .recover"), d->path,
                   what ? what : "?", d->path);
      sqlite3_finalize (st);
      return FALSE;
    }
  set_error (d->path, d->db, rc, _("checking"), d->busy_ms, error);
  sqlite3_finalize (st);
  return FALSE;
}
