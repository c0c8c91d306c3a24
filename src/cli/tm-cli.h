/* tm-cli.h — what the subcommands of the techmatch program share.
 *
 * Exit statuses are defined here and nowhere else; techmatch(1) lists
 * them under EXIT STATUS and the CLI tests check them.  Change one, change
 * both.
 */
#pragma once

#include <glib.h>

#include "tm-reader.h"

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
 * prints the message and derives the status from the error instead;
 * otherwise the command has said what it had to. */
typedef int (*TmCommandFunc) (int argc, char **argv, GError **error);

typedef struct {
  const char *name;
  TmCommandFunc fn;
  const char *summary;
} TmCommand;

int tm_cmd_check (int argc, char **argv, GError **error);
int tm_cmd_help (int argc, char **argv, GError **error);
int tm_cmd_tokenize (int argc, char **argv, GError **error);

/* The exit status for an engine error. */
int tm_cli_exit_status (const GError *error);

/* Parses the options of a subcommand; on a usage error prints it with a
 * hint and returns FALSE.  @parameter describes the arguments. */
gboolean tm_cli_parse (GOptionContext *context, const char *command,
                       int *argc, char ***argv);

/* Prints a corpus problem to stderr as file:line:column: id: message. */
void tm_cli_print_problem (const TmProblem *problem, gpointer user_data);

G_END_DECLS
