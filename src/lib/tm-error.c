/* tm-error.c — the TM_ERROR domain. */
#include "config.h"

#include "tm-error.h"

G_DEFINE_QUARK (techmatch-error-quark, tm_error)
