/* tm-config.c — techmatch.conf(5): where the index lives and the
 * defaults of analysis and scoring.  Read with GKeyFile from
 * $TECHMATCH_CONFIG, else $XDG_CONFIG_HOME/techmatch/techmatch.conf; a
 * missing file is no error.  The engine never reads it: the commands
 * hand the engine what it says.  Change a key, change techmatch.conf.5.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "tm-cli.h"
#include "tm-error.h"

static char **
string_list (GKeyFile *kf, const char *group, const char *key)
{
  return g_key_file_get_string_list (kf, group, key, NULL, NULL);
}

/* Here, not in main.c, so that the units linking the config reader
 * alone (the parsers' fuzzer, test-cli) have it. */
gboolean
tm_cli_number (const char *text, double min, double max, double *out)
{
  const char *p = text;
  char *end;
  double v;

  /* Plain decimal notation only: strtod() alone would also take "inf",
   * "nan", hexadecimal and leading white space. */
  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p) && !(*p == '.' && g_ascii_isdigit (p[1])))
    return FALSE;
  while (g_ascii_isdigit (*p) || *p == '.')
    p++;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (*end != '\0' || !isfinite (v) || v < min || v > max)
    return FALSE;
  *out = v == 0 ? 0 : v;  /* no -0 */
  return TRUE;
}

/* A number through tm_cli_number(), as the command line reads it. */
static gboolean
get_number (GKeyFile *kf, const char *group, const char *key, double *out, double min,
            double max, const char *path, GError **error)
{
  g_autofree char *text = NULL;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  text = g_key_file_get_value (kf, group, key, NULL);
  if (text == NULL || !tm_cli_number (g_strstrip (text), min, max, out))
    {
      if (max == G_MAXDOUBLE)
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [%s] %s: a number of at least %g, not \"%s\""),
                     path, group, key, min, text != NULL ? text : "");
      else
        g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [%s] %s: a number from %g to %g, not \"%s\""),
                     path, group, key, min, max, text != NULL ? text : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_double (GKeyFile *kf, const char *group, const char *key, double *out, double min,
            const char *path, GError **error)
{
  return get_number (kf, group, key, out, min, G_MAXDOUBLE, path, error);
}

/* Every line of the file valid UTF-8: GKeyFile would silently skip a
 * value that is not (an index path, a mode), so it is refused here with
 * its line. */
static gboolean
check_utf8 (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len;
  guint lineno = 1;
  const char *line;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return TRUE;  /* the loader says why */
  line = contents;
  for (const char *p = contents; p <= contents + len; p++)
    if (p == contents + len || *p == '\n')
      {
        if (!g_utf8_validate (line, p - line, NULL) || memchr (line, '\0', (gsize) (p - line)) != NULL)
          {
            g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%u: not valid UTF-8 text"), path, lineno);
            return FALSE;
          }
        lineno++;
        line = p + 1;
      }
  return TRUE;
}

static gboolean
get_boolean (GKeyFile *kf, const char *group, const char *key, gboolean *out,
             const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean v;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  v = g_key_file_get_boolean (kf, group, key, &local);
  if (local != NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [%s] %s: true or false"), path, group, key);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean load (TmConfig *c, GError **error);

/* On failure @c holds nothing to free. */
gboolean
tm_config_load (TmConfig *c, GError **error)
{
  if (load (c, error))
    return TRUE;
  tm_config_clear (c);
  return FALSE;
}

static gboolean
load (TmConfig *c, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *mode = NULL, *model = NULL;
  const char *env = g_getenv ("TECHMATCH_CONFIG");
  double top = TM_DEFAULT_TOP, terms = TM_DEFAULT_TERMS, busy = TM_DECISIONS_BUSY_MS;
  double feedback = TM_DEFAULT_FEEDBACK;

  if (env != NULL && env[0] == '\0')
    env = NULL;  /* empty: unset, as for TECHMATCH_INDEX */

  memset (c, 0, sizeof *c);
  tm_analyzer_options_init (&c->analyzer);
  tm_score_params_init (&c->score);
  c->top = TM_DEFAULT_TOP;
  c->terms = TM_DEFAULT_TERMS;
  c->feedback = TM_DEFAULT_FEEDBACK;
  c->semantic = TM_DEFAULT_SEMANTIC;
  c->busy_ms = TM_DECISIONS_BUSY_MS;
  c->path = env != NULL ? g_strdup (env)
                        : g_build_filename (g_get_user_config_dir (), "techmatch", "techmatch.conf", NULL);
  if (!check_utf8 (c->path, error))
    return FALSE;
  if (!g_key_file_load_from_file (kf, c->path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) && env == NULL)
        return TRUE;
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, "%s: %s", c->path, local->message);
      return FALSE;
    }

  c->index = g_key_file_get_string (kf, "index", "path", NULL);
  c->decisions = g_key_file_get_string (kf, "decisions", "path", NULL);
  if (!get_double (kf, "decisions", "busy-timeout", &busy, 0, c->path, error))
    return FALSE;
  if (busy != floor (busy) || busy > 3600000)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s: [decisions] busy-timeout: a whole number of milliseconds from 0 to 3600000"), c->path);
      return FALSE;
    }
  c->busy_ms = (guint) busy;
  mode = g_key_file_get_string (kf, "analyzer", "mode", NULL);
  if (mode != NULL && !tm_analyzer_mode_from_name (mode, &c->analyzer.mode))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [analyzer] mode: words, bigrams or mixed, not \"%s\""),
                   c->path, mode);
      return FALSE;
    }
  if (!get_boolean (kf, "analyzer", "synonyms", &c->analyzer.synonyms, c->path, error)
      || !get_boolean (kf, "analyzer", "stopwords", &c->analyzer.stopwords, c->path, error)
      || !get_boolean (kf, "analyzer", "stem", &c->analyzer.stem, c->path, error))
    return FALSE;
  c->lexicons = string_list (kf, "analyzer", "lexicons");
  c->synonym_files = string_list (kf, "analyzer", "synonym-files");
  c->stopword_files = string_list (kf, "analyzer", "stopword-files");

  model = g_key_file_get_string (kf, "scoring", "model", NULL);
  if (model != NULL && !tm_model_from_name (model, &c->score.model))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [scoring] model: tfidf or bm25, not \"%s\""),
                   c->path, model);
      return FALSE;
    }
  if (!get_double (kf, "scoring", "title-weight", &c->score.weights[0], 0, c->path, error)
      || !get_double (kf, "scoring", "keywords-weight", &c->score.weights[1], 0, c->path, error)
      || !get_double (kf, "scoring", "body-weight", &c->score.weights[2], 0, c->path, error)
      || !get_double (kf, "scoring", "k1", &c->score.k1, 0, c->path, error)
      || !get_double (kf, "scoring", "b", &c->score.b, 0, c->path, error)
      || !get_double (kf, "scoring", "top", &top, 0, c->path, error)
      || !get_double (kf, "scoring", "terms", &terms, 0, c->path, error)
      || !get_double (kf, "scoring", "feedback", &feedback, 0, c->path, error)
      || !get_number (kf, "scoring", "semantic", &c->semantic, 0, 1, c->path, error)
      || !get_number (kf, "scoring", "min-score", &c->min_score, 0, TM_MAX_MIN_SCORE, c->path, error))
    return FALSE;
  /* The ranges the command line checks too (tm_score_params_check()). */
  if (!tm_score_params_check (&c->score, &local))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [scoring] %s"), c->path, local->message);
      return FALSE;
    }
  if (top != floor (top) || top < 1 || top > TM_MAX_TOP)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [scoring] top: a whole number from 1 to %d"),
                   c->path, TM_MAX_TOP);
      return FALSE;
    }
  if (terms != floor (terms) || terms > TM_MAX_QUERY_TERMS)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [scoring] terms: a whole number from 0 to %d"),
                   c->path, TM_MAX_QUERY_TERMS);
      return FALSE;
    }
  if (feedback != floor (feedback) || feedback > TM_MAX_FEEDBACK)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s: [scoring] feedback: a whole number from 0 to %d"),
                   c->path, TM_MAX_FEEDBACK);
      return FALSE;
    }
  c->top = (guint) top;
  c->terms = (guint) terms;
  c->feedback = (guint) feedback;
  return TRUE;
}

void
tm_config_clear (TmConfig *c)
{
  g_clear_pointer (&c->path, g_free);
  g_clear_pointer (&c->index, g_free);
  g_clear_pointer (&c->decisions, g_free);
  g_clear_pointer (&c->lexicons, g_strfreev);
  g_clear_pointer (&c->synonym_files, g_strfreev);
  g_clear_pointer (&c->stopword_files, g_strfreev);
}

/* -i, else $TECHMATCH_INDEX, else [index] path, else the user data
 * folder.  transfer full */
char *
tm_config_index_path (const TmConfig *c, const char *option)
{
  const char *env = g_getenv ("TECHMATCH_INDEX");

  if (option != NULL)
    return g_strdup (option);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (c->index != NULL)
    return g_strdup (c->index);
  return g_build_filename (g_get_user_data_dir (), "techmatch", "techmatch.index", NULL);
}

char *
tm_config_decisions_path (const TmConfig *c, const char *option, const char *index_path)
{
  const char *env = g_getenv ("TECHMATCH_DECISIONS");

  if (option != NULL)
    return g_strdup (option);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (c->decisions != NULL)
    return g_strdup (c->decisions);
  return g_strconcat (index_path, ".decisions", NULL);
}
