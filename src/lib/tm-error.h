/* tm-error.h — techmatch's one error domain.
 *
 * Every engine function that can fail takes a GError ** last and returns
 * FALSE (or NULL) exactly when it sets it.  The codes say what kind of
 * problem it is, so the command line can choose its exit status.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TM_ERROR (tm_error_quark ())

typedef enum {
  TM_ERROR_FAILED,        /* anything without a more precise code */
  TM_ERROR_IO,            /* a file could not be read or written */
  TM_ERROR_PARSE,         /* malformed input: XML, UTF-8, a resource file */
  TM_ERROR_INVALID,       /* well-formed input that breaks the format's rules */
  TM_ERROR_CORRUPT_INDEX, /* an index file that fails validation */
  TM_ERROR_NOT_FOUND,     /* an id or a file that does not exist */
  TM_ERROR_BAD_QUERY,     /* a query that cannot be run */
  TM_ERROR_LOCKED,        /* another process holds the index lock */
  TM_ERROR_LIMIT,         /* input beyond one of the named limits */
  TM_ERROR_CANCELLED,     /* stopped by a signal or the caller */
} TmErrorCode;

GQuark tm_error_quark (void);

G_END_DECLS
