/* tm-cli.h — what the subcommands of the techmatch program share.
 *
 * Exit statuses are defined here and nowhere else; techmatch(1) lists
 * them under EXIT STATUS and the CLI tests check them.  Change one, change
 * both.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "tm-analyzer.h"
#include "tm-decisions.h"
#include "tm-i18n.h"
#include "tm-i18n.h"
#include "tm-index.h"
#include "tm-match.h"
#include "tm-reader.h"
#include "tm-score.h"
#include "tm-sprinter.h"
#include "tm-stats.h"
#include "tm-summary.h"

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

/* What a command needs main() to provide, in the command table. */
typedef enum {
  TM_COMMAND_CONFIG = 1 << 0,      /* reads techmatch.conf(5) */
  TM_COMMAND_INDEX_PATH = 1 << 1,  /* takes -i INDEX (default: see techmatch(1)) */
  TM_COMMAND_INDEX = 1 << 2,       /* opens that index */
  TM_COMMAND_ANALYZER = 1 << 3,    /* and builds the analyzer it was made with */
  TM_COMMAND_JOBS = 1 << 4,        /* takes -j N, 0 to TM_MAX_JOBS */
  TM_COMMAND_INDEX_LIST = 1 << 5,  /* -i is repeatable (partitions); the first is opened */
} TmCommandFlags;

typedef struct _TmCli TmCli;
typedef struct _TmCommand TmCommand;

/* A subcommand: returns an exit status.  When it sets @error, main()
 * prints the message; a status of TM_EXIT_FAILURE is then refined from
 * the error's code (tm_cli_exit_status()), any other is kept.  It parses
 * its options with tm_cli_parse() and gets the configuration, the index
 * and the analyzer from tm_cli_open(); main() frees them. */
typedef int (*TmCommandFunc) (TmCli *cli, int argc, char **argv, GError **error);

struct _TmCommand {
  const char *name;
  TmCommandFunc fn;
  const char *summary;
  TmCommandFlags flags;
  /* The values --format takes, the default first; NULL: no --format. */
  const char * const *formats;
  char format_short;               /* a short name for --format, or 0 */
};


/* Limits of the command line: beyond them a request is a mistake, not a
 * wish.  The defaults are the engine's (TM_DEFAULT_TOP, TM_DEFAULT_TERMS
 * in tm-match.h). */
#define TM_MAX_TOP 100000       /* --top, [scoring] top */
#define TM_MAX_QUERY_TERMS 100000  /* --terms, [scoring] terms */
#define TM_MAX_JOBS 1024        /* --jobs */
#define TM_MAX_SHARDS 1000000   /* --shard K/N */

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
  guint feedback;           /* [scoring] feedback */
  double semantic;          /* [scoring] semantic */
  double min_score;
} TmConfig;

/* What main() prepares for one command, owned by main(). */
struct _TmCli {
  const TmCommand *command;
  const char *format;        /* --format, checked against the command's */
  guint jobs;                /* -j: 0 is one per core */
  TmConfig *config;          /* tm_cli_config() */
  char *index_path;          /* TM_COMMAND_INDEX_PATH: by tm_cli_config() */
  TmIndex *index;            /* TM_COMMAND_INDEX: by tm_cli_open() */
  TmAnalyzer *analyzer;      /* TM_COMMAND_ANALYZER: by tm_cli_open() */
  /* the shared options' values */
  char *opt_index, *opt_format;
  char **opt_indexes;        /* TM_COMMAND_INDEX_LIST: every -i, or NULL */
  int opt_jobs;
};

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

/* "K/N" with 1 <= K <= N <= TM_MAX_PARTITIONS; prints the usage error
 * otherwise. */
gboolean tm_cli_parse_partition (const char *command, const char *option, const char *value,
                                 guint *k, guint *n);

int tm_cmd_check (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_import (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_index (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_match (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_explain (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_batch (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_merge (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_stats (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_show (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_help (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_tokenize (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_decide (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_decisions (TmCli *cli, int argc, char **argv, GError **error);
int tm_cmd_check_decisions (TmCli *cli, int argc, char **argv, GError **error);

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

/* cmd-batch.c: the decision about a pair ("accepted" ...), or NULL;
 * @states as tm_cli_load_decisions() gives, or NULL. */
const char *tm_cli_decision_of (GHashTable *states, const char *demand, const char *achievement);
/* Prints a pair's decision: a last cell ("none" for none) in tables, a
 * "decision" member when there is one in trees. */
void        tm_cli_print_decision (TmSprinter *sp, const char *decision);

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

/* Parses the options of @cli's command: its own @context plus the
 * shared ones its flags and formats call for (-i, --format, -j), which
 * are checked here, once, for every command.  On a usage error prints it
 * with a hint and returns FALSE. */
gboolean tm_cli_parse (TmCli *cli, GOptionContext *context, int *argc, char ***argv);

/* The configuration (loaded once; with TM_COMMAND_INDEX_PATH also
 * cli->index_path).  NULL with TM_ERROR_PARSE for a bad file; the
 * command then exits TM_EXIT_DATA.  Owned by @cli. */
const TmConfig *tm_cli_config (TmCli *cli, GError **error);

/* Opens what the command's flags ask for, once: the configuration, the
 * index at cli->index_path, its analyzer.  Errors name the path; FALSE
 * with the status to exit with in @status. */
gboolean tm_cli_open (TmCli *cli, int *status, GError **error);

/* Parses @value of @option as one of @names (NULL-terminated): its
 * position in @out.  Prints "--OPTION is A, B or C, not 'VALUE'" naming
 * the command and returns FALSE otherwise. */
gboolean tm_cli_parse_enum (const TmCli *cli, const char *option, const char *value,
                            const char * const *names, int *out);

/* A printer of the command's --format on standard output.  transfer full */
/* FALSE, after a usage error, when @format is a binary one (xlsx) that
 * would go to a terminal: it wants -o FILE or a redirection. */
gboolean tm_cli_binary_output (const char *command, const char *format, const char *output);
TmSprinter *tm_cli_sprinter_stdout (const TmCli *cli, const TmSprinterOptions *options);

/* tm-output.c: what several commands print. */
/* @score rounded to 4 decimals (TM_SPRINTER_SCORE_DECIMALS). */
double tm_output_round (double score);
/* Match's results: the member "results" of the current map, a row each
 * (rank, id, score, title, decision; in tree formats also the owner,
 * domain, region, TRL and, with @explain, the breakdown).  Column names
 * for the header.  The decisions are those of @states about the pairs of
 * the record @query_id (NULL for a text: none). */
void   tm_output_results (TmSprinter *sp, const TmIndex *index, const TmResults *results,
                          gboolean explain, GHashTable *states, const char *query_id);
/* The breakdown of @result's score: the members "terms" (a row per
 * matched term, prefix "+") and "missing" (a line per missing term,
 * prefix "-") of the current map. */
void   tm_output_explanation (TmSprinter *sp, const TmResult *result);
/* With the latent layer (result->neighbours set): a key "latent" and a
 * map of the result's latent cosine, share and neighbours (list
 * "neighbour" of query_term, term, similarity); nothing otherwise. */
void   tm_output_latent (TmSprinter *sp, const TmResult *result);

/* The match options from the configuration and option values (NULL when
 * not given); FALSE after printing a usage error. */
gboolean tm_cli_match_options (const char *command, const TmConfig *config, TmMatchOptions *o,
                               const char *top, const char *terms, const char *min_score,
                               const char *model, const char *weights, const char *feedback,
                               const char *semantic);

/* tm-html.c: the batch report, for technology managers. */
typedef struct {
  const TmIndex *const *indexes;    /* the index, or the partitions the batch ran over */
  const TmAnalyzer *analyzer;
  struct _TmBatch *const *batches;  /* [2]: the d2a and the a2d run, either NULL */
  const char *const *index_paths;   /* each index's, NULL-terminated: for the page's decide commands */
  const char *decisions_path;       /* likewise; NULL: the default beside the index */
  GHashTable *states;               /* "demand\tachievement" → TmDecisionState, or NULL */
  const TmSummary *summary;         /* or NULL */
} TmHtmlReport;

/* Writes the report to @out (@name in messages; a file of a commit
 * group, tm-commit.h).  FALSE with TM_ERROR_IO when the write fails. */
gboolean tm_html_write (FILE *out, const char *name, const TmHtmlReport *report, GError **error);

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

/* cmd-batch.c: the rows of batch's output, which merge prints too.  A
 * match as the outputs show it: */
typedef struct {
  const char *target;        /* its id */
  double score;
  const char *decision;      /* "accepted" ..., or NULL */
} TmBatchRow;

/* How they are shown: the status against @since (or none), only the new
 * and risen pairs, the scores with every digit (tsv only: what merge
 * reads back to the last bit). */
typedef struct {
  const TmSince *since;
  gboolean only_new;
  gboolean exact_scores;
} TmBatchOutput;

/* The document, then a call per source with its matches best first
 * (ranked from 1 in that order), then the end. */
void tm_cli_batch_begin (TmSprinter *sp, gboolean with_status);
void tm_cli_batch_source (TmSprinter *sp, const TmBatchOutput *out, const char *dir, const char *source,
                          const TmBatchRow *rows, guint n_rows);
void tm_cli_batch_end (TmSprinter *sp);

/* Batch's and merge's output options (@command names the command in
 * messages): --only-new needs --since, --exact-scores the tsv format,
 * then the --since file at @since_path (or none) is loaded.  TRUE with
 * @out filled and *@since set (transfer full: tm_since_free(); NULL
 * without --since; @out points into it).  FALSE with the status to exit
 * with in @status: a usage error printed here (TM_EXIT_USAGE), or a
 * --since file that cannot be read (TM_EXIT_FAILURE) or parsed
 * (TM_EXIT_DATA) in @error. */
gboolean tm_cli_batch_output_options (const char *command, const char *format, const char *since_path,
                                      gboolean only_new, gboolean exact_scores, TmBatchOutput *out,
                                      TmSince **since, int *status, GError **error);

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
