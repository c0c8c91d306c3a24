/* tm-since.c — reading a previous batch output for --since.  A file of
 * its own so that the fuzzer can reach it.
 *
 * A nightly output holds millions of rows whose ids repeat (each source
 * has its top K targets): ids are stored once, and each row is a 64-bit
 * key (direction, source number, target number) with its rank in an
 * open-addressing table.  The file is read a block at a time, never held
 * whole, and twice: a first pass counts its lines so that the table is
 * allocated once at its final size (no doubling, whose old and new
 * tables would both be live), at most three quarters full: 16 bytes a
 * row or less, keys and ranks in arrays of their own. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tm-cli.h"
#include "tm-error.h"

struct _TmSince {
  GHashTable *ids;         /* id → its number + 1; keys in @strings */
  GStringChunk *strings;
  guint64 *keys;
  guint32 *ranks;          /* 0: an empty slot */
  guint64 n_slots;
  guint64 used;
  /* the parse */
  const char *name;
  guint lineno;
};

static guint64
mix (guint64 x)
{
  /* splitmix64's finalizer: the keys' low bits are dense numbers. */
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

/* The slot of @key: where it is, or the empty slot where it goes.  The
 * table has any size, not a power of two: the hash is taken modulo. */
static guint64
find_slot (const TmSince *s, guint64 key)
{
  guint64 i = mix (key) % s->n_slots;

  for (;; i = i + 1 == s->n_slots ? 0 : i + 1)
    if (s->ranks[i] == 0 || s->keys[i] == key)
      return i;
}

static void
resize (TmSince *s, guint64 n_slots)
{
  guint64 *old_keys = s->keys;
  guint32 *old_ranks = s->ranks;
  guint64 old_n = s->n_slots;

  s->n_slots = n_slots;
  s->keys = g_new (guint64, n_slots);
  s->ranks = g_new0 (guint32, n_slots);
  for (guint64 i = 0; i < old_n; i++)
    if (old_ranks[i] != 0)
      {
        guint64 j = find_slot (s, old_keys[i]);

        s->keys[j] = old_keys[i];
        s->ranks[j] = old_ranks[i];
      }
  g_free (old_keys);
  g_free (old_ranks);
}

/* Room for @rows rows at most three quarters full. */
static guint64
slots_for (guint64 rows)
{
  return MAX (rows + rows / 3 + 1, 1024);
}

static guint32
id_number (TmSince *s, const char *id)
{
  gpointer v = g_hash_table_lookup (s->ids, id);

  if (v == NULL)
    {
      const char *copy = g_string_chunk_insert (s->strings, id);

      v = GUINT_TO_POINTER (g_hash_table_size (s->ids) + 1);
      g_hash_table_insert (s->ids, (gpointer) copy, v);
    }
  return GPOINTER_TO_UINT (v) - 1;
}

static TmSince *
since_new (const char *name, guint64 rows)
{
  TmSince *s = g_new0 (TmSince, 1);

  s->ids = g_hash_table_new (g_str_hash, g_str_equal);
  s->strings = g_string_chunk_new (1 << 16);
  resize (s, slots_for (rows));
  s->name = name;
  return s;
}

void
tm_since_free (TmSince *s)
{
  if (s == NULL)
    return;
  g_hash_table_unref (s->ids);
  g_string_chunk_free (s->strings);
  g_free (s->keys);
  g_free (s->ranks);
  g_free (s);
}

static gboolean
bad_row (TmSince *s, GError **error)
{
  g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
               _("%s:%u: not a techmatch batch TSV row (direction, source, rank, target, score)"),
               s->name, s->lineno);
  return FALSE;
}

/* One line, without its newline. */
static gboolean
parse_line (TmSince *s, char *line, gsize len, GError **error)
{
  char *f[5];
  guint n = 0;
  gint64 rank;
  guint64 slot, key;

  s->lineno++;
  if (s->lineno == 1 && len >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
    line += 3, len -= 3;  /* a UTF-8 byte-order mark (--bom wrote it) */
  if (memchr (line, '\0', len) != NULL || !g_utf8_validate (line, (gssize) len, NULL))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE, _("%s:%u: not UTF-8 text"), s->name, s->lineno);
      return FALSE;
    }
  line[len] = '\0';
  g_strchomp (line);
  if (line[0] == '\0' || g_str_has_prefix (line, "direction\t"))
    return TRUE;
  for (char *p = line; n < 5; n++)
    {
      f[n] = p;
      p = strchr (p, '\t');
      if (p == NULL)
        {
          n++;
          break;
        }
      *p++ = '\0';
    }
  if (n < 5 || (strcmp (f[0], "d2a") != 0 && strcmp (f[0], "a2d") != 0)
      || !g_ascii_string_to_signed (f[2], 10, 1, TM_MAX_TOP, &rank, NULL)
      || f[1][0] == '\0' || f[3][0] == '\0')
    return bad_row (s, error);
  if (g_hash_table_size (s->ids) >= G_MAXINT32 - 2)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT, _("%s:%u: more than 2^31 ids"), s->name, s->lineno);
      return FALSE;
    }
  key = (guint64) (f[0][0] == 'a') << 63 | (guint64) id_number (s, f[1]) << 32 | id_number (s, f[3]);
  slot = find_slot (s, key);
  if (s->ranks[slot] == 0)
    {
      s->used++;
      s->keys[slot] = key;
    }
  s->ranks[slot] = (guint32) rank;  /* a pair listed twice: its last rank */
  if (s->used * 4 > s->n_slots * 3)
    resize (s, s->n_slots * 2);  /* only if the file grew after it was counted */
  return TRUE;
}

/* Lines of @text; @final: @text ends the file, which must end with a
 * complete line.  Returns how many bytes it consumed (whole lines). */
static gboolean
parse_block (TmSince *s, char *text, gsize len, gboolean final, gsize *consumed, GError **error)
{
  gsize at = 0;

  while (at < len)
    {
      char *nl = memchr (text + at, '\n', len - at);

      if (nl == NULL)
        break;
      if (!parse_line (s, text + at, (gsize) (nl - (text + at)), error))
        return FALSE;
      at = (gsize) (nl - text) + 1;
    }
  if (final && at < len)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_PARSE,
                   _("%s:%u: the last line has no end: the file was cut short (a batch output "
                     "always ends with a newline)"), s->name, s->lineno + 1);
      return FALSE;
    }
  *consumed = at;
  return TRUE;
}

/* transfer full */
TmSince *
tm_since_parse (const char *text, gsize len, const char *name, GError **error)
{
  TmSince *s = since_new (name, 0);
  g_autofree char *copy = g_malloc (len + 1);
  gsize consumed;

  memcpy (copy, text, len);
  copy[len] = '\0';
  if (!parse_block (s, copy, len, TRUE, &consumed, error))
    {
      tm_since_free (s);
      return NULL;
    }
  return s;
}

/* Lines longer than this are no batch rows: two ids of at most 64
 * characters, a rank, a score and a status. */
#define MAX_LINE (64 * 1024)

/* The number of lines of @fd, read through @buf (@size bytes), which is
 * then rewound.  FALSE with errno set when a read or the seek fails. */
static gboolean
count_lines (int fd, char *buf, gsize size, guint64 *lines)
{
  guint64 n = 0;

  for (;;)
    {
      ssize_t got = read (fd, buf, size);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return FALSE;
      if (got == 0)
        break;
      for (const char *p = buf, *end = buf + got; (p = memchr (p, '\n', (gsize) (end - p))) != NULL; p++)
        n++;
    }
  *lines = n;
  return lseek (fd, 0, SEEK_SET) == 0;
}

/* transfer full */
TmSince *
tm_since_load (const char *path, GError **error)
{
  TmSince *s = NULL;
  g_autofree char *buf = g_malloc (MAX_LINE * 4 + 1);
  gsize fill = 0;
  guint64 lines;
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  gboolean opened = fd >= 0 && fstat (fd, &st) == 0;
  gboolean regular = opened && S_ISREG (st.st_mode);

  if (!regular || !count_lines (fd, buf, MAX_LINE * 4, &lines))
    {
      int saved = errno;

      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path,
                   opened && !regular ? _("not a regular file") : g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  s = since_new (path, lines);
  for (;;)
    {
      ssize_t n = read (fd, buf + fill, MAX_LINE * 4 - fill);
      gsize consumed;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", path, g_strerror (saved));
          goto fail;
        }
      fill += (gsize) n;
      if (!parse_block (s, buf, fill, n == 0, &consumed, error))
        goto fail;
      if (n == 0)
        break;
      if (consumed == 0 && fill >= MAX_LINE)
        {
          s->lineno++;
          bad_row (s, error);
          goto fail;
        }
      memmove (buf, buf + consumed, fill - consumed);
      fill -= consumed;
    }
  close (fd);
  s->name = NULL;  /* @path belongs to the caller */
  return s;

fail:
  close (fd);
  tm_since_free (s);
  return NULL;
}

gboolean
tm_since_lookup (const TmSince *s, const char *direction, const char *source,
                 const char *target, guint *rank)
{
  gpointer src = g_hash_table_lookup (s->ids, source);
  gpointer tgt = g_hash_table_lookup (s->ids, target);
  guint64 slot;

  if (src == NULL || tgt == NULL)
    return FALSE;
  slot = find_slot (s, (guint64) (direction[0] == 'a') << 63
                       | (guint64) (GPOINTER_TO_UINT (src) - 1) << 32 | (GPOINTER_TO_UINT (tgt) - 1));
  if (s->ranks[slot] == 0)
    return FALSE;
  *rank = s->ranks[slot];
  return TRUE;
}
