/* tm-pretok.c — runs of Han text and technical tokens (see tm-pretok.h). */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "tm-error.h"
#include "tm-limits.h"
#include "tm-pretok.h"
#include "tm-private.h"

/* Group 1: a Han run.  Group 2: a technical token: letters (any script
 * but Han) and digits, joined by . - / · ° or _ when a letter or digit
 * follows, with trailing + # % ‰ (g8.5+, c++, c#, 27.3%).  The text is
 * lower case already. */
#define HAN "\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{323AF}\\x{3007}"
/* Han is spelled out as code point ranges (those of tm_unichar_is_han()):
 * PCRE2's \p{Han} follows script extensions, which take in the CJK
 * punctuation (、。「」) as well. */
/* [^\P{Xan}HAN] is "a letter or digit that is not Han": one class, so
 * that a megabyte-long token repeats it without backtracking state. */
#define ALNUM "[^\\P{Xan}" HAN "]"
static const char PATTERN[] =
  "([" HAN "]+)"
  "|(" ALNUM "++"
  "(?:[.\\-/·°_]" ALNUM "++)*+"
  "[+#%‰]*+)";

/* Units that join a number across one space ("30 w" = "30w"), as they
 * appear after normalization (lower case, ℃ → °c, µ → μ). */
static const char *const UNITS[] = {
  "a", "ah", "bar", "c", "cm", "db", "dbm", "g", "gb", "ghz", "gpa", "h", "hz",
  "k", "ka", "kg", "khz", "km", "kn", "kpa", "kv", "kw", "kwh", "l", "m", "ma",
  "mah", "mb", "mg", "mhz", "min", "ml", "mm", "mpa", "ms", "mv", "mw", "mwh",
  "n", "nm", "ns", "pa", "ppm", "rpm", "s", "t", "tb", "thz", "v", "w", "wh",
  "μm", "μs", "°c", "%",
};

struct _TmPretok {
  pcre2_code *code;
  GHashTable *units;
};

struct _TmPretokScratch {
  pcre2_match_data *match;
  pcre2_match_context *context;  /* PCRE2's default limits, unless a test lowers them */
  GString *joined;
};

/* transfer full */
TmPretok *
tm_pretok_new (GError **error)
{
  g_autoptr(TmPretok) p = g_new0 (TmPretok, 1);
  int code;
  PCRE2_SIZE offset;

  p->code = pcre2_compile ((PCRE2_SPTR) PATTERN, PCRE2_ZERO_TERMINATED,
                           PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &code, &offset, NULL);
  if (p->code == NULL)
    {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message (code, message, sizeof message);
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("pre-tokenizer pattern, offset %zu: %s"),
                   (size_t) offset, (const char *) message);
      return NULL;
    }
  /* JIT is an optimization: without it (an unsupported CPU), the
   * interpreter gives the same matches. */
  pcre2_jit_compile (p->code, PCRE2_JIT_COMPLETE);
  p->units = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize i = 0; i < G_N_ELEMENTS (UNITS); i++)
    g_hash_table_add (p->units, (gpointer) UNITS[i]);
  return g_steal_pointer (&p);
}

void
tm_pretok_free (TmPretok *p)
{
  if (p == NULL)
    return;
  pcre2_code_free (p->code);
  if (p->units != NULL)
    g_hash_table_unref (p->units);
  g_free (p);
}

/* transfer full */
TmPretokScratch *
tm_pretok_scratch_new (const TmPretok *p)
{
  TmPretokScratch *s = g_new0 (TmPretokScratch, 1);

  s->match = pcre2_match_data_create_from_pattern (p->code, NULL);
  s->context = pcre2_match_context_create (NULL);
  s->joined = g_string_new (NULL);
  return s;
}

void
_tm_pretok_scratch_set_match_limit (TmPretokScratch *s, guint32 limit)
{
  pcre2_set_match_limit (s->context, limit);
}

void
tm_pretok_scratch_free (TmPretokScratch *s)
{
  if (s == NULL)
    return;
  pcre2_match_data_free (s->match);
  pcre2_match_context_free (s->context);
  g_string_free (s->joined, TRUE);
  g_free (s);
}

static gboolean
is_number (const char *s, gsize len)
{
  gboolean digit = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (s[i]))
        digit = TRUE;
      else if (s[i] != '.' && s[i] != '%' && s[i] != ',' && s[i] != '+')
        return FALSE;
    }
  return digit;
}

/* A token that starts with a digit and has a letter is a number with a
 * unit (30w, 1200°c) when what follows the digits is a known unit. */
static TmRunKind
token_kind (const TmPretok *p, const char *s, gsize len)
{
  gsize i = 0;
  char unit[16];

  if (is_number (s, len))
    return TM_RUN_NUMBER;
  while (i < len && (g_ascii_isdigit (s[i]) || s[i] == '.'))
    i++;
  if (i == 0 || len - i >= sizeof unit)
    return TM_RUN_LATIN;
  memcpy (unit, s + i, len - i);
  unit[len - i] = '\0';
  return g_hash_table_contains (p->units, unit) ? TM_RUN_NUMBER : TM_RUN_LATIN;
}

/* A failure of the matcher (a resource limit: never seen with PCRE2's
 * default limits on the texts the limits allow) as a GError. */
static gboolean
match_failed (int rc, gsize at, GError **error)
{
  PCRE2_UCHAR message[256];

  pcre2_get_error_message (rc, message, sizeof message);
  g_set_error (error, TM_ERROR, TM_ERROR_LIMIT, _("byte %zu: the pre-tokenizer's pattern failed: %s"),
               at, (const char *) message);
  return FALSE;
}

/* Where the unit that starts at @at ends in *@unit_end, 0 when no unit
 * starts there: a symbol (°c, %) or a letter token of the unit list.
 * FALSE when the matcher fails. */
static gboolean
joined_unit (const TmPretok *p, TmPretokScratch *s, const char *text, gsize len, gsize at,
             gsize *unit_end, GError **error)
{
  static const char *const symbols[] = { "°c", "%" };
  PCRE2_SIZE *ov;
  char unit[16];

  int rc;

  *unit_end = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (symbols); i++)
    {
      gsize n = strlen (symbols[i]);

      if (at + n <= len && strncmp (text + at, symbols[i], n) == 0
          && (at + n == len || !g_ascii_isalnum (text[at + n])))
        {
          *unit_end = at + n;
          return TRUE;
        }
    }
  rc = pcre2_match (p->code, (PCRE2_SPTR) text, len, at, PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED,
                    s->match, s->context);
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
    return match_failed (rc, at, error);
  if (rc < 3)
    return TRUE;
  ov = pcre2_get_ovector_pointer (s->match);
  if (ov[4] == PCRE2_UNSET || ov[1] - ov[0] >= sizeof unit)
    return TRUE;
  memcpy (unit, text + ov[0], ov[1] - ov[0]);
  unit[ov[1] - ov[0]] = '\0';
  if (g_hash_table_contains (p->units, unit))
    *unit_end = ov[1];
  return TRUE;
}

gboolean
tm_pretok_run (const TmPretok *p, TmPretokScratch *s, const char *text, gsize len,
               TmRunFunc func, gpointer user_data, GError **error)
{
  PCRE2_SIZE at = 0;

  while (at < len)
    {
      int rc = pcre2_match (p->code, (PCRE2_SPTR) text, len, at, PCRE2_NO_UTF_CHECK,
                            s->match, s->context);
      PCRE2_SIZE *ov;
      gsize start, end;

      if (rc == PCRE2_ERROR_NOMATCH)
        break;
      if (rc < 0)
        return match_failed (rc, at, error);
      ov = pcre2_get_ovector_pointer (s->match);
      start = ov[0];
      end = ov[1];
      at = end > start ? end : start + 1;

      if (rc >= 2 && ov[2] != PCRE2_UNSET)
        {
          func (TM_RUN_HAN, start, end, NULL, user_data);
          continue;
        }

      /* A plain number, then one space, then a unit: one token. */
      if (is_number (text + start, end - start) && end + 1 < len && text[end] == ' ')
        {
          gsize unit_end;

          if (!joined_unit (p, s, text, len, end + 1, &unit_end, error))
            return FALSE;
          if (unit_end > 0)
            {
              g_string_assign (s->joined, "");
              g_string_append_len (s->joined, text + start, end - start);
              g_string_append_len (s->joined, text + end + 1, unit_end - end - 1);
              at = unit_end;
              func (TM_RUN_NUMBER, start, unit_end, s->joined->str, user_data);
              continue;
            }
        }
      func (token_kind (p, text + start, end - start), start, end, NULL, user_data);
    }
  return TRUE;
}
