/* tm-cli.h — what the subcommands of the techmatch program share.
 *
 * Exit statuses are defined here and nowhere else; techmatch(1) lists
 * them under EXIT STATUS and the CLI tests check them.  Change one, change
 * both.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include <json-glib/json-glib.h>

#include "tm-analyzer.h"
#include "tm-decisions.h"
#include "tm-index.h"
#include "tm-match.h"
#include "tm-reader.h"
#include "tm-score.h"
#include "tm-sprinter.h"

G_BEGIN_DECLS

typedef enum {
  TM_EXIT_OK = 0,          /* success */
  TM_EXIT_FAILURE = 1,     /* an operation failed: I/O, resources, anything else */
  TM_EXIT_USAGE = 2,       /* the command line is wrong */
  TM_EXIT_DATA = 3,        /* the input has problems: corpus errors, a bad query */
  TM_EXIT_INDEX = 4,       /* the index is missing, damaged or locked */
  TM_EXIT_NOT_FOUND = 5,   /* a record id that the index does not hold */
  TM_EXIT_INTERRUPTED = 130, /* stopped by SIGINT or SIGTERM (128 + SIGINT) */
} TmExitStatus;

/* A subcommand: returns an exit status.  When it sets @error, main()
 * prints the message; a status of TM_EXIT_FAILURE is then refined from
 * the error's code (tm_cli_exit_status()), any other is kept. */
typedef int (*TmCommandFunc) (int argc, char **argv, GError **error);

typedef struct {
  const char *name;
  TmCommandFunc fn;
  const char *summary;
} TmCommand;

/* The largest --top: beyond it a request is a mistake, not a wish. */
#define TM_MAX_TOP 100000

/* techmatch.conf(5), as tm-config.c reads it. */
typedef struct {
  char *path;               /* the file read (or that would be) */
  char *index;              /* [index] path */
  char *decisions;          /* [decisions] path */
  guint busy_ms;            /* [decisions] busy-timeout, in ms */
  TmAnalyzerOptions analyzer;
  char **lexicons, **synonym_files, **stopword_files;
  TmScoreParams score;
  guint top, terms;
  double min_score;
} TmConfig;

gboolean tm_config_load (TmConfig *config, GError **error);
void     tm_config_clear (TmConfig *config);
char    *tm_config_index_path (const TmConfig *config, const char *option);
/* --decisions, else $TECHMATCH_DECISIONS, else [decisions] path, else
 * @index_path with ".decisions" appended.  transfer full */
char    *tm_config_decisions_path (const TmConfig *config, const char *option,
                                   const char *index_path);

/* How long a command waits for another's lock on the decisions database
 * unless [decisions] busy-timeout says: a decide holds it for
 * milliseconds, an import of a whole spreadsheet for well under a
 * second; ten seconds covers a slow disk without leaving a script
 * hanging. */
#define TM_DECISIONS_BUSY_MS 10000

int tm_cmd_check (int argc, char **argv, GError **error);
int tm_cmd_index (int argc, char **argv, GError **error);
int tm_cmd_match (int argc, char **argv, GError **error);
int tm_cmd_explain (int argc, char **argv, GError **error);
int tm_cmd_batch (int argc, char **argv, GError **error);
int tm_cmd_stats (int argc, char **argv, GError **error);
int tm_cmd_show (int argc, char **argv, GError **error);
int tm_cmd_help (int argc, char **argv, GError **error);
int tm_cmd_tokenize (int argc, char **argv, GError **error);
int tm_cmd_decide (int argc, char **argv, GError **error);
int tm_cmd_decisions (int argc, char **argv, GError **error);
int tm_cmd_check_decisions (int argc, char **argv, GError **error);

/* The current decisions of the database at @path as a table
 * "demand\tachievement" → TmDecisionState (GINT_TO_POINTER); an empty
 * table when the file does not exist.  transfer full */
GHashTable *tm_cli_load_decisions (const char *path, guint busy_ms, GError **error);

/* FALSE with TM_ERROR_NOT_FOUND (naming @index_path) when @index has no
 * record @id in @library. */
gboolean tm_cli_check_record (const TmIndex *index, TmLibrary library, const char *id,
                              const char *index_path, GError **error);

/* Which records of decision @x @index lacks: "demand", "achievement",
 * "both", or NULL when it holds both.  A static string. */
const char *tm_cli_decision_vanished (const TmIndex *index, const TmDecision *x);

/* tm-import.c: a table of decisions a manager edited in a spreadsheet,
 * CSV or TSV (the separator of its header line), with a header naming
 * the columns (demand, achievement, state; optionally time, by, note).
 * Rows without a time get @now, rows without a name @by.  transfer full:
 * a GPtrArray of TmDecision *, and in *@lines (guint, transfer full) the
 * line each came from; NULL with TM_ERROR_PARSE naming @name:LINE and
 * the field. */
GPtrArray *tm_import_parse (const char *text, gsize len, const char *name, gint64 now,
                            const char *by, GArray **lines, GError **error);

/* A decision time as ISO 8601 UTC (2025-11-01T09:30:00Z).  transfer full */
char      *tm_cli_format_time (gint64 time);

/* The exit status for an engine error. */
int tm_cli_exit_status (const GError *error);

/* Parses the options of a subcommand; on a usage error prints it with a
 * hint and returns FALSE.  @parameter describes the arguments. */
gboolean tm_cli_parse (GOptionContext *context, const char *command,
                       int *argc, char ***argv);

/* Opens the index at @path (see tm_config_index_path()) and builds the
 * analyzer it was built with.  Errors name the path. */
gboolean tm_cli_open_index (const char *path, TmIndex **index, TmAnalyzer **analyzer,
                            GError **error);
/* The index alone, with the same message for a missing one.
 * transfer full */
TmIndex *tm_cli_open_index_only (const char *path, GError **error);

/* Prints a JSON document built with @builder to stdout.  Going away:
 * decisions and check-decisions are its last users (tm-sprinter.h). */
void tm_cli_print_json (JsonBuilder *builder);

/* The output format named by --format (@value; NULL: the first of
 * @formats), when @formats (NULL-terminated) holds it; else NULL after
 * printing a usage error naming @command. */
const char *tm_cli_format (const char *command, const char *value, const char * const *formats);

/* A printer of @format on standard output.  transfer full */
TmSprinter *tm_cli_sprinter_stdout (const char *format, const TmSprinterOptions *options);

/* tm-output.c: what several commands print. */
/* @score rounded to 4 decimals (TM_SPRINTER_SCORE_DECIMALS). */
double tm_output_round (double score);
/* Match's results: the member "results" of the current map, a row each
 * (rank, id, score, title; in tree formats also the owner, domain, region,
 * TRL and, with @explain, the breakdown).  Column names for the header. */
void   tm_output_results (TmSprinter *sp, const TmIndex *index, const TmResults *results,
                          gboolean explain);
/* The breakdown of @result's score: the members "terms" (a row per
 * matched term, prefix "+") and "missing" (a line per missing term,
 * prefix "-") of the current map. */
void   tm_output_explanation (TmSprinter *sp, const TmResult *result);

/* The match options from the configuration and option values (NULL when
 * not given); FALSE after printing a usage error. */
gboolean tm_cli_match_options (const char *command, const TmConfig *config, TmMatchOptions *o,
                               const char *top, const char *terms, const char *min_score,
                               const char *model, const char *weights);

/* tm-html.c: the batch report, written to @out (@name in messages; a
 * file of a commit group, tm-commit.h).  FALSE with TM_ERROR_IO when the
 * write fails. */
struct _TmBatch;
gboolean tm_html_write (FILE *out, const char *name, const TmIndex *index, const TmAnalyzer *analyzer,
                        struct _TmBatch *const batches[2], const char *index_path, GError **error);

/* tm-since.c: a previous batch TSV output, (direction, source, target)
 * → rank.  A file that does not end with a complete line is refused (it
 * was cut short); a UTF-8 byte-order mark at its start is skipped.
 * tm_since_parse() reads @text (@name for messages), tm_since_load() the
 * file at @path, a block at a time.  transfer full: free with
 * tm_since_free(); NULL with TM_ERROR_PARSE naming the file and line, or
 * TM_ERROR_IO. */
typedef struct _TmSince TmSince;
TmSince *tm_since_parse (const char *text, gsize len, const char *name, GError **error);
TmSince *tm_since_load (const char *path, GError **error);
/* The rank of the pair in the previous output; FALSE when it was not there. */
gboolean tm_since_lookup (const TmSince *since, const char *direction, const char *source,
                          const char *target, guint *rank);
void     tm_since_free (TmSince *since);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmSince, tm_since_free)

/* A number written in plain decimal notation (an optional minus, digits
 * with at most one point, an optional exponent: no "inf", "nan" or
 * hexadecimal), finite and in [@min, @max].  Options and configuration
 * keys both read numbers through it.  FALSE, printing nothing, otherwise. */
gboolean tm_cli_number (const char *text, double min, double max, double *out);

/* Parses an integer option value in [min, max]; prints a usage error
 * naming the option otherwise. */
gboolean tm_cli_parse_int (const char *command, const char *option, const char *value,
                           gint64 min, gint64 max, gint64 *out);

/* Prints a corpus problem to stderr as file:line:column: id: message. */
void tm_cli_print_problem (const TmProblem *problem, gpointer user_data);

G_END_DECLS
