/* tm-decisions.h — what technology managers decided about pairs: the
 * decisions database.
 *
 * A decision is about one (demand, achievement) pair, keyed by the two
 * record ids (never document numbers), so that it survives any rebuild
 * of the index: accepted, contacted or rejected, with its time, who took
 * it and a note.  The database is an SQLite file whose path the caller
 * gives (the engine never decides where it lives); it is written in WAL
 * mode, so readers (a batch) never wait for a writer (a decide), and
 * every change is one transaction: all of it is recorded or none.
 *
 * Schema, version 1 (PRAGMA user_version = 1, PRAGMA application_id =
 * TM_DECISIONS_APPLICATION_ID):
 *
 *   decision (demand TEXT, achievement TEXT, state TEXT, decided_at INTEGER,
 *             decided_by TEXT, note TEXT, PRIMARY KEY (demand, achievement))
 *       the current decision of each pair; state is accepted,
 *       contacted or rejected; decided_at in seconds since 1970-01-01 UTC.
 *   history  (seq INTEGER PRIMARY KEY, demand, achievement, state,
 *             decided_at, decided_by, note)
 *       every change in the order it was made, a cleared decision as
 *       state 'cleared': nothing a manager recorded is ever lost.
 *
 * A newer schema is refused (TM_ERROR_INVALID), a file that is not such
 * a database or is damaged gives TM_ERROR_CORRUPT_INDEX, a database that
 * another process keeps locked past the busy timeout TM_ERROR_LOCKED;
 * every message names the file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 'TmDc': PRAGMA application_id of a decisions database. */
#define TM_DECISIONS_APPLICATION_ID 0x546d4463
/* The schema this engine reads and writes. */
#define TM_DECISIONS_SCHEMA_VERSION 1

typedef enum {
  TM_DECISION_NONE,        /* no decision; recording it clears the pair */
  TM_DECISION_ACCEPTED,    /* worth following up */
  TM_DECISION_CONTACTED,   /* the enterprise or the lab has been called */
  TM_DECISION_REJECTED,    /* wrong: left out of later runs */
} TmDecisionState;

/* "accepted", "contacted", "rejected"; "cleared" for TM_DECISION_NONE.
 * A static string. */
const char *tm_decision_state_name (TmDecisionState state);
/* The inverse of tm_decision_state_name(), also taking "accept",
 * "contact", "reject" and "clear"; FALSE for anything else. */
gboolean    tm_decision_state_from_name (const char *name, TmDecisionState *state);

typedef struct {
  char *demand;            /* demand record id */
  char *achievement;       /* achievement record id */
  TmDecisionState state;
  gint64 time;             /* seconds since 1970-01-01 UTC */
  char *by;                /* who decided; may be NULL */
  char *note;              /* may be NULL */
} TmDecision;

/* transfer full: free with tm_decision_free(). */
TmDecision *tm_decision_new (const char *demand, const char *achievement, TmDecisionState state,
                             gint64 time, const char *by, const char *note);
void        tm_decision_free (TmDecision *decision);

typedef struct _TmDecisions TmDecisions;

typedef enum {
  TM_DECISIONS_READ,       /* read only; a missing file is TM_ERROR_NOT_FOUND */
  TM_DECISIONS_WRITE,      /* read and write; creates the file and its schema */
} TmDecisionsMode;

/* Opens the decisions database at @path.  @busy_ms is how long to wait
 * for another process's lock before failing with TM_ERROR_LOCKED.
 * transfer full: free with tm_decisions_free(). */
TmDecisions *tm_decisions_open (const char *path, TmDecisionsMode mode, guint busy_ms,
                                GError **error);
void         tm_decisions_free (TmDecisions *db);

/* The path given to tm_decisions_open().  Owned by @db. */
const char  *tm_decisions_get_path (const TmDecisions *db);

/* Records @n decisions in one transaction: all of them or, on any error,
 * none.  A state of TM_DECISION_NONE clears the pair's decision.  Ids
 * must be non-empty UTF-8 of at most TM_MAX_ID_CHARS characters, notes and names at
 * most TM_MAX_NOTE_BYTES (TM_ERROR_LIMIT / TM_ERROR_INVALID naming the
 * decision's position, 1-based).  The database must be open for writing. */
gboolean     tm_decisions_record (TmDecisions *db, TmDecision *const *decisions, guint n,
                                  GError **error);

/* The current decisions, by demand then achievement; with @history,
 * every change instead, oldest first (a cleared pair as
 * TM_DECISION_NONE).  transfer full: a GPtrArray of TmDecision * that
 * frees them. */
GPtrArray   *tm_decisions_list (TmDecisions *db, gboolean history, GError **error);

/* The current decisions as a table "demand\tachievement" → state
 * (GINT_TO_POINTER): what batch and match consult.  transfer full */
GHashTable  *tm_decisions_states (TmDecisions *db, GError **error);

/* Runs SQLite's integrity check over the whole file; a problem is
 * TM_ERROR_CORRUPT_INDEX with SQLite's first complaint. */
gboolean     tm_decisions_verify (TmDecisions *db, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDecisions, tm_decisions_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDecision, tm_decision_free)

G_END_DECLS
