/* tm-error.c — the TM_ERROR domain, and the limits it reports. */
#include "config.h"

#include "tm-error.h"
#include "tm-limits.h"
#include "tm-private.h"

G_DEFINE_QUARK (techmatch-error-quark, tm_error)

TmLimits _tm_limits = {
  TM_MAX_RECORDS_PER_LIBRARY,
  TM_MAX_STRINGS_BYTES,
  TM_MAX_TERMS,
};

void
_tm_limits_set_for_test (const TmLimits *limits)
{
  static const TmLimits defaults = {
    TM_MAX_RECORDS_PER_LIBRARY,
    TM_MAX_STRINGS_BYTES,
    TM_MAX_TERMS,
  };

  if (limits == NULL)
    {
      _tm_limits = defaults;
      return;
    }
  if (limits->records_per_library != 0)
    _tm_limits.records_per_library = limits->records_per_library;
  if (limits->strings_bytes != 0)
    _tm_limits.strings_bytes = limits->strings_bytes;
  if (limits->terms != 0)
    _tm_limits.terms = limits->terms;
}
