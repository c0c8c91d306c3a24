/* tm-index.c — reading the index file (the format is specified in
 * tm-index-build.c).
 *
 * The file is mapped, never trusted: the header, the section table and
 * the block table are checked at open (CRC-32 and bounds); every other
 * byte is read only after the checksum of its 64 KiB block has been
 * checked (once per block, remembered in a bitmap), and every offset in
 * a table entry is bounds-checked when the entry is used.  Damage makes
 * accessors return empty values and is recorded; tm_index_check() turns
 * it into TM_ERROR_CORRUPT_INDEX.  A damaged index never crashes a
 * reader and never feeds it damaged bytes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "tm-error.h"
#include "tm-index-format.h"
#include "tm-index.h"
#include "tm-limits.h"
#include "tm-private.h"
#include "tm-score.h"
#include "tm-stats.h"

/* Indexes up to this size are verified whole at open (a few ms). */
#define TM_VERIFY_AT_OPEN_BYTES (32u << 20)

struct _TmIndex {
  char *path;
  GMappedFile *map;
  const guint8 *data;
  gsize size;
  TmIndexHeader header;
  TmIndexSection section_table[TM_INDEX_N_SECTIONS];
  const TmIndexSection *sections[TM_SECTION_LAST + 1]; /* by kind */
  const guint8 *block_crcs;     /* le32 each */
  guint64 n_blocks;
  gint *verified;          /* one bit per block, set atomically */
  gint corrupt;            /* set atomically when damage is found */
  char *damage;            /* the first damage found (under damage_lock) */
  GMutex damage_lock;

  const guint8 *strings;
  gsize strings_size;
  const guint8 *terms;          /* TM_INDEX_TERM_SIZE each */
  guint32 n_terms;
  const guint8 *postings;
  gsize postings_size;
  const guint8 *docs[TM_N_LIBRARIES]; /* TM_INDEX_DOC_SIZE each */
  guint32 n_docs[TM_N_LIBRARIES];
  const guint8 *stored;
  gsize stored_size;
  const guint8 *stored_index;   /* le64 each */
  guint32 n_groups;
  const guint8 *forward;
  gsize forward_size;
  const guint8 *forward_index;  /* le64 each */
  const guint8 *skips;          /* TM_INDEX_SKIP_SIZE each */
  guint32 n_skips;
  /* The statistics scoring uses: the GLOBAL section's when the index
   * was built with --global-stats, else the index's own. */
  const guint8 *global_df;      /* le32 pairs, or NULL */
  guint32 stats_n[TM_N_LIBRARIES];
  guint64 stats_lengths[TM_N_LIBRARIES][TM_N_IFIELDS];
  gboolean have_lengths;        /* the own lengths are summed on first use */
  GMutex lengths_lock;
  /* The latent layer (rank 0: none): the document vectors and their
   * scales of each library, the term entries. */
  guint latent_rank;
  const guint8 *latent_docs[TM_N_LIBRARIES];
  const guint8 *latent_scales[TM_N_LIBRARIES];
  const guint8 *latent_sigma;   /* lef64 each */
  const guint8 *latent_terms;
  guint32 n_latent_terms;
  guint partition, n_partitions;
  char *global_stats;           /* the checksum of the statistics file, or NULL */
  char *fingerprint;

  TmAnalyzerOptions analyzer;
  GPtrArray *word_lists;      /* TmWordList, names and texts owned */
  GPtrArray *word_list_ptrs; /* NULL-terminated, for the analyzer options */
  double weights[TM_N_IFIELDS];
};

static const char *const field_names[] = { "title", "keywords", "body" };

const char *
tm_index_field_name (TmIndexField field)
{
  return field_names[field];
}

static void
damaged (const TmIndex *cidx, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
damaged (const TmIndex *cidx, const char *format, ...)
{
  TmIndex *idx = (TmIndex *) cidx;
  va_list args;

  g_mutex_lock (&idx->damage_lock);
  if (idx->damage == NULL)
    {
      va_start (args, format);
      idx->damage = g_strdup_vprintf (format, args);
      va_end (args);
    }
  g_mutex_unlock (&idx->damage_lock);
  g_atomic_int_set (&idx->corrupt, 1);
}

gboolean
tm_index_check (const TmIndex *idx, GError **error)
{
  if (!g_atomic_int_get (&idx->corrupt))
    return TRUE;
  g_mutex_lock ((GMutex *) &idx->damage_lock);
  g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX, _("%s: the index is damaged (%s); rebuild it with techmatch index"),
               idx->path, idx->damage);
  g_mutex_unlock ((GMutex *) &idx->damage_lock);
  return FALSE;
}

/* Checks the blocks that hold [offset, offset + len) of the file. */
static gboolean
touch (const TmIndex *cidx, guint64 offset, guint64 len)
{
  TmIndex *idx = (TmIndex *) cidx;
  guint64 data = idx->header.data_offset;
  guint64 first, last;

  if (offset < data || offset + len > idx->size || offset + len < offset)
    {
      damaged (idx, _("a reference outside the file"));
      return FALSE;
    }
  if (len == 0)
    return TRUE;
  first = (offset - data) / TM_INDEX_BLOCK_SIZE;
  last = (offset + len - 1 - data) / TM_INDEX_BLOCK_SIZE;
  for (guint64 b = first; b <= last; b++)
    {
      guint bit = 1u << (b % 32);
      gsize start, size;

      if ((guint) g_atomic_int_get (&idx->verified[b / 32]) & bit)
        continue;
      start = data + b * TM_INDEX_BLOCK_SIZE;
      size = MIN ((gsize) TM_INDEX_BLOCK_SIZE, idx->size - start);
      if ((guint32) libdeflate_crc32 (0, idx->data + start, size) != _tm_le32 (idx->block_crcs + 4 * b))
        {
          damaged (idx, _("block %" PRIu64 " fails its checksum"), b);
          return FALSE;
        }
      g_atomic_int_or ((guint *) &idx->verified[b / 32], bit);
    }
  return TRUE;
}

/* Every block's checksum: what open runs on small indexes. */
static gboolean
verify_blocks (const TmIndex *idx, GError **error)
{
  touch (idx, idx->header.data_offset, idx->size - idx->header.data_offset);
  return tm_index_check (idx, error);
}

/* A string of the STRINGS section; "" when damaged. */
static const char *
string_at (const TmIndex *idx, guint32 off)
{
  const char *s;
  const char *nul;

  if (off >= idx->strings_size)
    {
      damaged (idx, _("a string offset out of bounds"));
      return "";
    }
  s = (const char *) idx->strings + off;
  nul = memchr (s, '\0', idx->strings_size - off);
  if (nul == NULL || !touch (idx, (guint64) ((const guint8 *) s - idx->data), (guint64) (nul - s) + 1))
    {
      if (nul == NULL)
        damaged (idx, _("an unterminated string"));
      return "";
    }
  return s;
}

static void
word_list_free (gpointer p)
{
  TmWordList *l = p;

  g_free ((char *) l->name);
  g_free ((char *) l->text);
  g_free (l);
}

/* "KIND NAME TEXT", name and text in base64. */
static gboolean
parse_word_list (TmIndex *idx, const char *value)
{
  static const char * const kinds[] = { "lexicon", "stopwords", "synonyms" };
  g_auto(GStrv) f = g_strsplit (value, " ", -1);
  TmWordList *l;
  gsize len;
  int kind = -1;

  if (g_strv_length (f) != 3)
    return FALSE;
  for (int k = 0; k < TM_N_WORD_LIST_KINDS; k++)
    if (strcmp (f[0], kinds[k]) == 0)
      kind = k;
  if (kind < 0)
    return FALSE;
  l = g_new0 (TmWordList, 1);
  l->kind = (TmWordListKind) kind;
  {
    /* A name is for messages only: whatever its bytes, a string. */
    g_autofree guchar *name = g_base64_decode (f[1], &len);

    l->name = g_utf8_make_valid ((const char *) name, (gssize) len);
  }
  {
    guchar *text = g_base64_decode (f[2], &len);
    char *copy = g_malloc (len + 1);

    memcpy (copy, text, len);
    copy[len] = '\0';
    g_free (text);
    l->text = copy;
    l->len = len;
  }
  g_ptr_array_add (idx->word_lists, l);
  return TRUE;
}

static gboolean term_at (const TmIndex *idx, guint32 t, TmIndexTerm *e);

static gboolean
parse_meta (TmIndex *idx, const char *meta, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (meta, "\n", -1);

  idx->fingerprint = _tm_stats_fingerprint (meta);
  idx->partition = idx->n_partitions = 1;
  tm_analyzer_options_init (&idx->analyzer);
  idx->weights[0] = idx->weights[1] = idx->weights[2] = 1;
  idx->word_lists = g_ptr_array_new_with_free_func (word_list_free);
  idx->word_list_ptrs = g_ptr_array_new ();
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');
      const char *key = lines[i], *value;

      if (eq == NULL)
        continue;
      *eq = '\0';
      value = eq + 1;
      if (strcmp (key, "mode") == 0)
        {
          if (!tm_analyzer_mode_from_name (value, &idx->analyzer.mode))
            goto bad;
        }
      else if (strcmp (key, "synonyms") == 0)
        idx->analyzer.synonyms = atoi (value) != 0;
      else if (strcmp (key, "stopwords") == 0)
        idx->analyzer.stopwords = atoi (value) != 0;
      else if (strcmp (key, "stem") == 0)
        idx->analyzer.stem = atoi (value) != 0;
      else if (strcmp (key, "word-list") == 0)
        {
          if (!parse_word_list (idx, value))
            goto bad;
        }
      else if (strcmp (key, "lexicon") == 0 || strcmp (key, "synonyms-file") == 0
               || strcmp (key, "stopwords-file") == 0)
        {
          /* An index of an earlier techmatch named its word-list files;
           * opening whatever path an index names is what must not be. */
          g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                       _("%s: the index names a word-list file (%s) instead of carrying it; "
                          "rebuild it with techmatch index"), idx->path, key);
          return FALSE;
        }
      else if (strcmp (key, "partition") == 0)
        {
          guint64 k, n;
          g_auto(GStrv) kn = g_strsplit (value, "/", -1);

          if (g_strv_length (kn) != 2
              || !g_ascii_string_to_unsigned (kn[1], 10, 1, TM_MAX_PARTITIONS, &n, NULL)
              || !g_ascii_string_to_unsigned (kn[0], 10, 1, n, &k, NULL))
            goto bad;
          idx->partition = (guint) k;
          idx->n_partitions = (guint) n;
        }
      else if (strcmp (key, "global-stats") == 0)
        {
          g_free (idx->global_stats);
          idx->global_stats = g_strdup (value);
        }
      else if (strcmp (key, "weights") == 0)
        {
          char *end;

          for (int f = 0; f < TM_N_IFIELDS; f++)
            {
              idx->weights[f] = g_ascii_strtod (value, &end);
              if (end == value || *end != (f < TM_N_IFIELDS - 1 ? ',' : '\0')
                  || !isfinite (idx->weights[f]) || idx->weights[f] < 0)
                goto bad;
              value = end + 1;
            }
        }
    }
  for (guint i = 0; i < idx->word_lists->len; i++)
    g_ptr_array_add (idx->word_list_ptrs, idx->word_lists->pdata[i]);
  g_ptr_array_add (idx->word_list_ptrs, NULL);
  idx->analyzer.word_lists = (const TmWordList * const *) idx->word_list_ptrs->pdata;
  return TRUE;

bad:
  g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX, _("%s: bad metadata"), idx->path);
  return FALSE;
}

static gboolean
corrupt (GError **error, const char *path, const char *what)
{
  g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
               _("%s: not a valid techmatch index (%s); rebuild it with techmatch index"), path, what);
  return FALSE;
}

/* The latent layer's head: its sizes checked against the sections. */
static gboolean
open_latent (TmIndex *idx, GError **error)
{
  const TmIndexSection *sec = idx->sections[TM_SECTION_LATENT];
  const TmIndexSection *ts = idx->sections[TM_SECTION_LATENT_TERMS];
  const guint8 *h = idx->data + sec->offset;
  guint32 k, n_terms, n_d, n_a;
  gsize scales;

  if (sec->size < TM_INDEX_LATENT_HEAD)
    return corrupt (error, idx->path, _("bad latent layer")), FALSE;
  if (!touch (idx, sec->offset, TM_INDEX_LATENT_HEAD))
    return tm_index_check (idx, error), FALSE;
  k = _tm_le32 (h);
  n_terms = _tm_le32 (h + 4);
  n_d = _tm_le32 (h + 8);
  n_a = _tm_le32 (h + 12);
  if (k == 0)
    {
      if (sec->size != TM_INDEX_LATENT_HEAD || ts->size != 0 || ts->count != 0)
        return corrupt (error, idx->path, _("bad latent layer")), FALSE;
      return TRUE;
    }
  scales = _tm_index_latent_scales_offset (n_d + n_a, k);
  if (k > TM_MAX_LATENT_RANK || n_d != idx->n_docs[TM_LIBRARY_DEMAND]
      || n_a != idx->n_docs[TM_LIBRARY_ACHIEVEMENT]
      || sec->size != scales + (guint64) (n_d + n_a) * 4
      || n_terms != ts->count || n_terms > idx->n_terms
      || ts->size != (guint64) n_terms * (TM_INDEX_LATENT_TERM_HEAD + k))
    return corrupt (error, idx->path, _("bad latent layer")), FALSE;
  idx->latent_rank = k;
  idx->latent_sigma = h + TM_INDEX_LATENT_HEAD;
  idx->latent_docs[TM_LIBRARY_DEMAND] = h + _tm_index_latent_vectors_offset (k);
  idx->latent_docs[TM_LIBRARY_ACHIEVEMENT] = h + _tm_index_latent_vectors_offset (k) + (gsize) n_d * k;
  idx->latent_scales[TM_LIBRARY_DEMAND] = h + scales;
  idx->latent_scales[TM_LIBRARY_ACHIEVEMENT] = h + scales + (gsize) n_d * 4;
  idx->latent_terms = idx->data + ts->offset;
  idx->n_latent_terms = n_terms;
  return TRUE;
}

/* transfer full */
TmIndex *
tm_index_open (const char *path, GError **error)
{
  g_autoptr(TmIndex) idx = g_new0 (TmIndex, 1);
  g_autoptr(GError) local = NULL;
  g_autofree guint8 *head = NULL;
  static const gsize entry_size[TM_SECTION_LAST + 1] = {
    [TM_SECTION_TERMS] = TM_INDEX_TERM_SIZE,
    [TM_SECTION_DOCS_DEMAND] = TM_INDEX_DOC_SIZE,
    [TM_SECTION_DOCS_ACHIEVEMENT] = TM_INDEX_DOC_SIZE,
    [TM_SECTION_BLOCKS] = 4,
    [TM_SECTION_STORED_INDEX] = 8,
    [TM_SECTION_FORWARD_INDEX] = 8,
    [TM_SECTION_SKIPS] = TM_INDEX_SKIP_SIZE,
  };
  const TmIndexSection *global;
  const char *meta;

  g_mutex_init (&idx->damage_lock);
  g_mutex_init (&idx->lengths_lock);
  idx->path = g_strdup (path);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: is a folder, not an index file"), path);
      return NULL;
    }
  idx->map = g_mapped_file_new (path, FALSE, &local);
  if (idx->map == NULL)
    {
      g_set_error (error, TM_ERROR, local->code == G_FILE_ERROR_NOENT ? TM_ERROR_NOT_FOUND : TM_ERROR_IO,
                   "%s", local->message);
      return NULL;
    }
  idx->data = (const guint8 *) g_mapped_file_get_contents (idx->map);
  idx->size = g_mapped_file_get_length (idx->map);
  if (idx->size < TM_INDEX_HEADER_SIZE || idx->data == NULL)
    return corrupt (error, path, _("too short")), NULL;
  _tm_index_header_decode (idx->data, &idx->header);
  if (memcmp (idx->header.magic, TM_INDEX_MAGIC, sizeof idx->header.magic) != 0)
    return corrupt (error, path, _("wrong magic number")), NULL;
  if (idx->header.version != TM_INDEX_VERSION)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_CORRUPT_INDEX,
                   _("%s: index format version %u, this techmatch reads version %u only; "
                      "rebuild it with techmatch index (the corpus is all it needs)"),
                   path, idx->header.version, TM_INDEX_VERSION);
      return NULL;
    }
  if (idx->header.file_size != idx->size)
    return corrupt (error, path, _("truncated or extended")), NULL;
  if (idx->header.n_sections != TM_INDEX_N_SECTIONS
      || idx->header.data_offset > idx->size
      || idx->header.data_offset < TM_INDEX_HEADER_SIZE + TM_INDEX_N_SECTIONS * TM_INDEX_SECTION_SIZE)
    return corrupt (error, path, _("bad header")), NULL;

  /* The header, section table and block table: one CRC. */
  head = g_malloc (idx->header.data_offset);
  memcpy (head, idx->data, idx->header.data_offset);
  _tm_put_le32 (head + 12, 0);   /* header_crc */
  if ((guint32) libdeflate_crc32 (0, head, idx->header.data_offset) != idx->header.header_crc)
    return corrupt (error, path, _("header checksum mismatch")), NULL;

  for (guint i = 0; i < TM_INDEX_N_SECTIONS; i++)
    {
      TmIndexSection *s = &idx->section_table[i];
      guint64 min;

      _tm_index_section_decode (idx->data + TM_INDEX_HEADER_SIZE + i * TM_INDEX_SECTION_SIZE, s);
      min = s->kind == TM_SECTION_BLOCKS ? TM_INDEX_HEADER_SIZE : idx->header.data_offset;

      if (s->kind < 1 || s->kind > TM_SECTION_LAST || idx->sections[s->kind] != NULL
          || s->offset < min || s->offset % 8 != 0 || s->size > idx->size
          || s->offset > idx->size - s->size
          || (entry_size[s->kind] != 0 && s->size != (guint64) s->count * entry_size[s->kind]))
        return corrupt (error, path, _("bad section table")), NULL;
      idx->sections[s->kind] = s;
    }
  for (guint k = 1; k <= TM_SECTION_LAST; k++)
    if (idx->sections[k] == NULL)
      return corrupt (error, path, _("a section is missing")), NULL;
  idx->n_blocks = idx->sections[TM_SECTION_BLOCKS]->count;
  if (idx->n_blocks != (idx->size - idx->header.data_offset + TM_INDEX_BLOCK_SIZE - 1) / TM_INDEX_BLOCK_SIZE)
    return corrupt (error, path, _("bad block table")), NULL;
  idx->block_crcs = idx->data + idx->sections[TM_SECTION_BLOCKS]->offset;
  idx->verified = g_new0 (gint, idx->n_blocks / 32 + 1);

  idx->strings = idx->data + idx->sections[TM_SECTION_STRINGS]->offset;
  idx->strings_size = idx->sections[TM_SECTION_STRINGS]->size;
  idx->terms = idx->data + idx->sections[TM_SECTION_TERMS]->offset;
  idx->n_terms = idx->sections[TM_SECTION_TERMS]->count;
  idx->postings = idx->data + idx->sections[TM_SECTION_POSTINGS]->offset;
  idx->postings_size = idx->sections[TM_SECTION_POSTINGS]->size;
  idx->docs[TM_LIBRARY_DEMAND] = idx->data + idx->sections[TM_SECTION_DOCS_DEMAND]->offset;
  idx->n_docs[TM_LIBRARY_DEMAND] = idx->sections[TM_SECTION_DOCS_DEMAND]->count;
  idx->docs[TM_LIBRARY_ACHIEVEMENT] = idx->data + idx->sections[TM_SECTION_DOCS_ACHIEVEMENT]->offset;
  idx->n_docs[TM_LIBRARY_ACHIEVEMENT] = idx->sections[TM_SECTION_DOCS_ACHIEVEMENT]->count;
  idx->stored = idx->data + idx->sections[TM_SECTION_STORED]->offset;
  idx->stored_size = idx->sections[TM_SECTION_STORED]->size;
  idx->stored_index = idx->data + idx->sections[TM_SECTION_STORED_INDEX]->offset;
  idx->n_groups = idx->sections[TM_SECTION_STORED_INDEX]->count;
  if (idx->n_groups == 0)
    return corrupt (error, path, _("bad stored index")), NULL;
  idx->n_groups--;
  idx->forward = idx->data + idx->sections[TM_SECTION_FORWARD]->offset;
  idx->forward_size = idx->sections[TM_SECTION_FORWARD]->size;
  idx->forward_index = idx->data + idx->sections[TM_SECTION_FORWARD_INDEX]->offset;
  idx->skips = idx->data + idx->sections[TM_SECTION_SKIPS]->offset;
  idx->n_skips = idx->sections[TM_SECTION_SKIPS]->count;
  if (idx->sections[TM_SECTION_FORWARD_INDEX]->count
      != (guint64) idx->sections[TM_SECTION_DOCS_DEMAND]->count + idx->sections[TM_SECTION_DOCS_ACHIEVEMENT]->count + 1)
    return corrupt (error, path, _("bad forward index")), NULL;
  if (idx->strings_size == 0 || idx->strings[0] != '\0')
    return corrupt (error, path, _("bad string table")), NULL;

  if (idx->size <= TM_VERIFY_AT_OPEN_BYTES && !verify_blocks (idx, error))
    return NULL;

  /* The metadata: one string, the whole section. */
  if (!touch (idx, idx->sections[TM_SECTION_META]->offset, idx->sections[TM_SECTION_META]->size)
      || idx->sections[TM_SECTION_META]->size == 0)
    return tm_index_check (idx, error), NULL;
  meta = (const char *) idx->data + idx->sections[TM_SECTION_META]->offset;
  if (memchr (meta, '\0', idx->sections[TM_SECTION_META]->size) == NULL)
    return corrupt (error, path, _("unterminated metadata")), NULL;
  if (!parse_meta (idx, meta, error))
    return NULL;

  /* The statistics scoring uses. */
  global = idx->sections[TM_SECTION_GLOBAL];
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    idx->stats_n[l] = idx->n_docs[l];
  if (global->count > 0 || global->size > 0)
    {
      const guint8 *g = idx->data + global->offset;

      if (global->count != idx->n_terms
          || global->size != TM_INDEX_GLOBAL_HEAD + (guint64) global->count * TM_INDEX_GLOBAL_ENTRY
          || idx->global_stats == NULL)
        return corrupt (error, path, _("bad global statistics")), NULL;
      if (!touch (idx, global->offset, TM_INDEX_GLOBAL_HEAD))
        return tm_index_check (idx, error), NULL;
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        {
          guint64 n = _tm_le64 (g + 8 * l);

          if (n < idx->n_docs[l] || n > G_MAXUINT32)
            return corrupt (error, path, _("bad global statistics")), NULL;
          idx->stats_n[l] = (guint32) n;
          for (int f = 0; f < TM_N_IFIELDS; f++)
            idx->stats_lengths[l][f] = _tm_le64 (g + 16 + 24 * l + 8 * f);
        }
      idx->have_lengths = TRUE;
      idx->global_df = g + TM_INDEX_GLOBAL_HEAD;
    }
  else if (idx->global_stats != NULL)
    return corrupt (error, path, _("global statistics named but missing")), NULL;
  if (!open_latent (idx, error))
    return NULL;
  return g_steal_pointer (&idx);
}

void
tm_index_free (TmIndex *idx)
{
  if (idx == NULL)
    return;
  if (idx->map != NULL)
    g_mapped_file_unref (idx->map);
  g_free (idx->verified);
  g_free (idx->damage);
  g_mutex_clear (&idx->damage_lock);
  g_mutex_clear (&idx->lengths_lock);
  g_free (idx->global_stats);
  g_free (idx->fingerprint);
  if (idx->word_lists != NULL)
    {
      g_ptr_array_unref (idx->word_lists);
      g_ptr_array_unref (idx->word_list_ptrs);
    }
  g_free (idx->path);
  g_free (idx);
}

const TmAnalyzerOptions *
tm_index_get_analyzer_options (const TmIndex *idx)
{
  return &idx->analyzer;
}

const double *
tm_index_get_norm_weights (const TmIndex *idx)
{
  return idx->weights;
}

guint
tm_index_get_n_docs (const TmIndex *idx, TmLibrary library)
{
  return idx->n_docs[library];
}

const char *
tm_index_get_fingerprint (const TmIndex *idx)
{
  return idx->fingerprint;
}

void
tm_index_get_partition (const TmIndex *idx, guint *k, guint *n)
{
  *k = idx->partition;
  *n = idx->n_partitions;
}

const char *
tm_index_get_global_stats (const TmIndex *idx)
{
  return idx->global_stats;
}

guint32
_tm_index_stats_n (const TmIndex *idx, TmLibrary library)
{
  return idx->stats_n[library];
}

void
_tm_index_stats_lengths (const TmIndex *cidx, TmLibrary library, guint64 *totals)
{
  TmIndex *idx = (TmIndex *) cidx;

  g_mutex_lock (&idx->lengths_lock);
  if (!idx->have_lengths)
    {
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        for (guint32 d = 0; d < idx->n_docs[l]; d++)
          for (int f = 0; f < TM_N_IFIELDS; f++)
            idx->stats_lengths[l][f] += tm_index_doc_length (idx, (TmLibrary) l, d, (TmIndexField) f);
      idx->have_lengths = TRUE;
    }
  g_mutex_unlock (&idx->lengths_lock);
  memcpy (totals, idx->stats_lengths[library], sizeof idx->stats_lengths[library]);
}

guint
tm_index_get_n_terms (const TmIndex *idx)
{
  return idx->n_terms;
}

guint64
tm_index_get_n_postings (const TmIndex *idx)
{
  guint64 n = 0;
  TmIndexTerm e;

  for (guint32 t = 0; t < idx->n_terms; t++)
    if (term_at (idx, t, &e))
      n += (guint64) e.df[0] + e.df[1];
  return n;
}

guint64
tm_index_get_file_size (const TmIndex *idx)
{
  return idx->size;
}

gint64
tm_index_get_build_time (const TmIndex *idx)
{
  return idx->header.build_time;
}

double
tm_index_get_build_seconds (const TmIndex *idx)
{
  return idx->header.build_seconds;
}

/* ---- documents ---------------------------------------------------------- */

/* What the writer cannot have written: a TRL past 9, a norm that is not
 * a finite number >= 0, a stored place past its group. */
static gboolean
doc_is_sane (const TmIndexDoc *d)
{
  return d->trl <= 9 && isfinite (d->norm) && d->norm >= 0 && d->stored_index < TM_STORED_GROUP;
}

/* Document @doc's entry, decoded; zeros when damaged. */
static TmIndexDoc
doc_at (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  TmIndexDoc d;
  const guint8 *p;

  memset (&d, 0, sizeof d);
  if (doc >= idx->n_docs[library])
    {
      damaged (idx, _("a document number out of bounds"));
      return d;
    }
  p = idx->docs[library] + (gsize) doc * TM_INDEX_DOC_SIZE;
  if (!touch (idx, (guint64) (p - idx->data), TM_INDEX_DOC_SIZE))
    return d;
  _tm_index_doc_decode (p, &d);
  if (!doc_is_sane (&d))
    {
      damaged (idx, _("%s document %u holds impossible values"), tm_library_name (library), doc);
      memset (&d, 0, sizeof d);
    }
  return d;
}

const char *
tm_index_doc_id (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return string_at (idx, doc_at (idx, library, doc).id);
}

const char *
tm_index_doc_title (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return string_at (idx, doc_at (idx, library, doc).title);
}

const char *
tm_index_doc_org (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return string_at (idx, doc_at (idx, library, doc).org);
}

const char *
tm_index_doc_domain (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return string_at (idx, doc_at (idx, library, doc).domain);
}

const char *
tm_index_doc_region (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return string_at (idx, doc_at (idx, library, doc).region);
}

const char *
tm_index_doc_ip (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return string_at (idx, doc_at (idx, library, doc).ip);
}

int
tm_index_doc_trl (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return doc_at (idx, library, doc).trl;
}

guint32
tm_index_doc_length (const TmIndex *idx, TmLibrary library, guint32 doc, TmIndexField field)
{
  return doc_at (idx, library, doc).length[field];
}

float
_tm_index_doc_norm (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  return doc_at (idx, library, doc).norm;
}

double *
_tm_index_copy_norms (const TmIndex *idx, TmLibrary library)
{
  guint32 n = idx->n_docs[library];
  double *norms = g_new0 (double, MAX (n, 1));

  /* One check of the whole table, then plain reads. */
  if (touch (idx, (guint64) (idx->docs[library] - idx->data), (guint64) n * TM_INDEX_DOC_SIZE))
    for (guint32 d = 0; d < n; d++)
      {
        TmIndexDoc dd;

        _tm_index_doc_decode (idx->docs[library] + (gsize) d * TM_INDEX_DOC_SIZE, &dd);
        if (!doc_is_sane (&dd))
          {
            damaged (idx, _("%s document %u holds impossible values"), tm_library_name (library), d);
            memset (norms, 0, MAX (n, 1) * sizeof *norms);
            break;
          }
        norms[d] = dd.norm;
      }
  return norms;
}


gboolean
tm_index_find_doc (const TmIndex *idx, TmLibrary library, const char *id, guint32 *doc)
{
  guint32 lo = 0, hi = idx->n_docs[library];

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      int c = strcmp (id, tm_index_doc_id (idx, library, mid));

      if (c == 0)
        {
          *doc = mid;
          return TRUE;
        }
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return FALSE;
}

/* The stored string of a document: its group inflated, then its place in
 * it.  transfer full; "" when damaged. */
static char *
stored_of (const TmIndex *idx, const TmIndexDoc *d)
{
  const guint8 *index = idx->stored_index;
  guint64 off, end;
  guint32 raw_len;
  struct libdeflate_decompressor *inflater;
  enum libdeflate_result rc;
  gsize len = 0;
  g_autofree guint8 *raw = NULL;
  const char *p;

  if (d->stored_group >= idx->n_groups
      || !touch (idx, (guint64) (index + 8 * (gsize) d->stored_group - idx->data), 2 * 8))
    goto bad;
  off = _tm_le64 (index + 8 * (gsize) d->stored_group);
  end = _tm_le64 (index + 8 * ((gsize) d->stored_group + 1));
  if (off > end || end > idx->stored_size || end - off < sizeof raw_len
      || !touch (idx, (guint64) (idx->stored - idx->data) + off, end - off))
    goto bad;
  raw_len = _tm_le32 (idx->stored + off);
  if (raw_len == 0 || raw_len > TM_STORED_GROUP * (TM_MAX_RECORD_BYTES + 4096u))
    goto bad;
  raw = g_malloc (raw_len + 1);
  if ((inflater = libdeflate_alloc_decompressor ()) == NULL)
    g_error ("out of memory for the decompressor");
  rc = libdeflate_zlib_decompress (inflater, idx->stored + off + sizeof raw_len, end - off - sizeof raw_len,
                                   raw, raw_len, &len);
  libdeflate_free_decompressor (inflater);
  if (rc != LIBDEFLATE_SUCCESS || len != raw_len)
    goto bad;
  raw[raw_len] = '\0';
  p = (const char *) raw;
  for (guint i = 0; i < d->stored_index; i++)
    {
      const char *nul = memchr (p, '\0', (gsize) ((const char *) raw + raw_len - p));
      if (nul == NULL || nul + 1 >= (const char *) raw + raw_len)
        goto bad;
      p = nul + 1;
    }
  return g_strdup (p);

bad:
  damaged (idx, _("a stored record does not decode"));
  return g_strdup ("");
}

/* transfer full */
TmRecord *
tm_index_get_record (const TmIndex *idx, TmLibrary library, guint32 doc)
{
  TmIndexDoc dd = doc_at (idx, library, doc);
  const TmIndexDoc *d = &dd;
  TmRecord *r = tm_record_new (library);
  g_autofree char *stored = stored_of (idx, d);
  g_auto(GStrv) parts = g_strsplit (stored, "\x1e", 8);
  const char *ip = string_at (idx, d->ip);

  if (stored[0] != '\0' && g_strv_length (parts) != 8)
    damaged (idx, _("the stored record of %s does not decode"), string_at (idx, d->id));

#define FIELD(i) (g_strv_length (parts) > (i) && parts[i][0] != '\0' ? g_strdup (parts[i]) : NULL)
  r->id = g_strdup (string_at (idx, d->id));
  r->title = g_strdup (string_at (idx, d->title));
  r->org = d->org ? g_strdup (string_at (idx, d->org)) : NULL;
  r->region = d->region ? g_strdup (string_at (idx, d->region)) : NULL;
  r->domain = d->domain ? g_strdup (string_at (idx, d->domain)) : NULL;
  r->trl = d->trl <= 9 ? d->trl : 0;
  if (ip[0] != '\0')
    {
      g_auto(GStrv) ips = g_strsplit (ip, "\n", -1);
      for (guint i = 0; ips[i] != NULL; i++)
        g_ptr_array_add (r->ip, g_strdup (ips[i]));
    }
  r->updated = FIELD (0);
  if (g_strv_length (parts) > 1 && parts[1][0] != '\0')
    {
      g_auto(GStrv) kws = g_strsplit (parts[1], "\x1f", -1);
      for (guint i = 0; kws[i] != NULL; i++)
        g_ptr_array_add (r->keywords, g_strdup (kws[i]));
    }
  r->body = FIELD (2);
  r->transfer = FIELD (3);
  if (g_strv_length (parts) > 4 && parts[4][0] != '\0')
    r->budget = g_ascii_strtod (parts[4], NULL);
  r->budget_unit = FIELD (5);
  r->deadline = FIELD (6);
  r->cooperation = FIELD (7);
#undef FIELD
  return r;
}

/* ---- terms and postings ---------------------------------------------------- */

/* Term @t's entry, decoded; FALSE when damaged or out of bounds. */
static gboolean
term_at (const TmIndex *idx, guint32 t, TmIndexTerm *e)
{
  const guint8 *p = idx->terms + (gsize) t * TM_INDEX_TERM_SIZE;

  if (t >= idx->n_terms || !touch (idx, (guint64) (p - idx->data), TM_INDEX_TERM_SIZE))
    return FALSE;
  _tm_index_term_decode (p, e);
  return TRUE;
}

gboolean
_tm_index_term_df (const TmIndex *idx, guint32 term, guint32 *df)
{
  TmIndexTerm e;

  if (!term_at (idx, term, &e))
    return FALSE;
  memcpy (df, e.df, sizeof e.df);
  return TRUE;
}

guint32
_tm_index_stats_df (const TmIndex *idx, guint32 term, TmLibrary library)
{
  TmIndexTerm e;

  if (idx->global_df != NULL)
    {
      const guint8 *p = idx->global_df + (gsize) term * TM_INDEX_GLOBAL_ENTRY + 4 * library;

      if (term >= idx->n_terms || !touch (idx, (guint64) (p - idx->data), 4))
        return 0;
      return _tm_le32 (p);
    }
  return term_at (idx, term, &e) ? e.df[library] : 0;
}

const char *
tm_index_term_text (const TmIndex *idx, guint32 term)
{
  TmIndexTerm e;

  return term_at (idx, term, &e) ? string_at (idx, e.text) : "";
}

gboolean
_tm_index_lookup (const TmIndex *idx, TmLibrary library, const char *term, gsize len,
                 TmPostingList *out)
{
  guint32 lo = 0, hi = idx->n_terms;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      TmIndexTerm e;
      const char *text;
      gsize tlen;
      int c;

      if (!term_at (idx, mid, &e))
        return FALSE;
      text = string_at (idx, e.text);
      tlen = strlen (text);
      c = memcmp (term, text, MIN (len, tlen));
      if (c == 0)
        c = len < tlen ? -1 : len > tlen;
      if (c == 0)
        return _tm_index_term_postings (idx, mid, library, out);
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return FALSE;
}

gboolean
_tm_index_doc_terms (const TmIndex *idx, TmLibrary library, guint32 doc, TmForwardIter *it)
{
  guint64 slot = (guint64) (library == TM_LIBRARY_DEMAND ? 0 : idx->n_docs[TM_LIBRARY_DEMAND]) + doc;
  guint64 off, end;
  TmPostingList list;

  memset (it, 0, sizeof *it);
  it->doc = -1;
  if (doc >= idx->n_docs[library]
      || !touch (idx, (guint64) (idx->forward_index + 8 * slot - idx->data), 2 * 8))
    goto bad;
  off = _tm_le64 (idx->forward_index + 8 * slot);
  end = _tm_le64 (idx->forward_index + 8 * (slot + 1));
  if (off > end || end > idx->forward_size
      || !touch (idx, (guint64) (idx->forward - idx->data) + off, end - off))
    goto bad;
  memset (&list, 0, sizeof list);
  list.postings = idx->forward + off;
  list.postings_len = end - off;
  list.n_docs = idx->n_terms;
  list.index = idx;
  list.term = (guint32) slot;
  list.forward = TRUE;
  _tm_posting_iter_init (it, &list);
  return TRUE;

bad:
  damaged (idx, _("a document's term list out of bounds"));
  return FALSE;
}

gboolean
_tm_index_term_postings (const TmIndex *idx, guint32 term, TmLibrary library, TmPostingList *out)
{
  TmIndexTerm e;
  guint64 off, len, skips;
  guint32 n_skips;

  if (!term_at (idx, term, &e) || e.df[library] == 0)
    return FALSE;
  off = e.postings[library];
  len = e.postings_len[library];
  skips = e.skips[library];
  n_skips = _tm_index_n_skips (e.df[library]);
  if (off > idx->postings_size || len > idx->postings_size - off
      || e.df[library] > idx->n_docs[library]
      || skips > idx->n_skips || n_skips > idx->n_skips - skips
      || !(e.max_weight[library] >= 0)
      || !touch (idx, (guint64) (idx->postings - idx->data) + off, len)
      || !touch (idx, (guint64) (idx->skips - idx->data) + skips * TM_INDEX_SKIP_SIZE,
                 (guint64) n_skips * TM_INDEX_SKIP_SIZE))
    {
      damaged (idx, _("postings out of bounds"));
      return FALSE;
    }
  memset (out, 0, sizeof *out);
  out->term = term;
  out->df = e.df[library];
  out->postings = idx->postings + off;
  out->postings_len = len;
  out->n_docs = idx->n_docs[library];
  out->index = idx;
  out->max_weight = e.max_weight[library];
  out->skips = n_skips > 0 ? idx->skips + skips * TM_INDEX_SKIP_SIZE : NULL;
  out->n_skips = n_skips;
  out->stats_n = idx->stats_n[library];
  out->stats_df = _tm_index_stats_df (idx, term, library);
  if (out->stats_df < out->df)
    {
      damaged (idx, _("a global document frequency below the partition's own"));
      return FALSE;
    }
  return TRUE;
}

void
_tm_posting_iter_init (TmPostingIter *it, const TmPostingList *list)
{
  it->p = list->postings;
  it->end = list->postings + list->postings_len;
  it->doc = -1;
  it->n_docs = list->n_docs ? list->n_docs : G_MAXUINT32;
  it->bad = FALSE;
  it->left = list->df > 0 ? list->df : G_MAXUINT32;
  it->index = list->index;
  it->id = list->term;
  it->forward = list->forward;
}

static gboolean
iter_bad (TmPostingIter *it)
{
  it->bad = TRUE;
  if (it->index != NULL)
    {
      if (it->forward)
        damaged (it->index, _("a document's term list does not decode (document %u)"), it->id);
      else
        damaged (it->index, _("the postings of term %u do not decode"), it->id);
    }
  return FALSE;
}

gboolean
_tm_posting_iter_next (TmPostingIter *it)
{
  guint64 delta, code, v;

  if (it->bad)
    return FALSE;
  if (it->p >= it->end)
    {
      if (it->left != 0 && it->left != G_MAXUINT32)
        return iter_bad (it);       /* fewer entries than df */
      return FALSE;
    }
  if (it->left == 0)
    return iter_bad (it);           /* more entries than df */
  if (!_tm_varint_get (&it->p, it->end, &delta) || delta == 0
      || !_tm_varint_get (&it->p, it->end, &code)
      || delta > (guint64) it->n_docs || it->doc + (gint64) delta >= (gint64) it->n_docs
      || code == 0 || (code >> 2) > G_MAXUINT32)
    return iter_bad (it);
  it->doc += (gint64) delta;
  it->tf[TM_IFIELD_BODY] = (guint32) (code >> 2);
  it->tf[TM_IFIELD_TITLE] = it->tf[TM_IFIELD_KEYWORDS] = 0;
  if (code & 1)
    {
      if (!_tm_varint_get (&it->p, it->end, &v) || v == 0 || v > G_MAXUINT32)
        return iter_bad (it);
      it->tf[TM_IFIELD_TITLE] = (guint32) v;
    }
  if (code & 2)
    {
      if (!_tm_varint_get (&it->p, it->end, &v) || v == 0 || v > G_MAXUINT32)
        return iter_bad (it);
      it->tf[TM_IFIELD_KEYWORDS] = (guint32) v;
    }
  if (it->left != G_MAXUINT32)
    it->left--;
  return TRUE;
}

gboolean
_tm_posting_iter_seek_block (TmPostingIter *it, const TmPostingList *list, guint32 block)
{
  TmIndexSkip skip;

  if (it->bad)
    return FALSE;
  if (block == 0 || block >= list->n_skips || list->skips == NULL)
    return iter_bad (it);
  _tm_index_skip_decode (list->skips + (gsize) (block - 1) * TM_INDEX_SKIP_SIZE, &skip);
  /* Forward only, inside the list, to a document of the library. */
  if (skip.end > list->postings_len || list->postings + skip.end < it->p
      || skip.last_doc >= it->n_docs || (gint64) skip.last_doc < it->doc
      || (guint64) block * TM_POSTING_BLOCK >= list->df)
    return iter_bad (it);
  it->p = list->postings + skip.end;
  it->doc = skip.last_doc;
  it->left = list->df - block * TM_POSTING_BLOCK;
  return TRUE;
}

/* ---- norms ------------------------------------------------------------------ */

gboolean
_tm_norms_compute (TmPostingsFunc postings_of, gconstpointer source, guint32 n_terms,
                   TmLibrary library, guint32 n_docs, const double *weights, double *norms)
{
  for (guint32 t = 0; t < n_terms; t++)
    {
      TmPostingList list;
      TmPostingIter it;
      double idf;

      if (!postings_of (source, t, library, &list))
        continue;
      idf = _tm_idf (list.stats_n, list.stats_df);
      _tm_posting_iter_init (&it, &list);
      while (_tm_posting_iter_next (&it))
        {
          double w = _tm_log_tf (weights[0] * it.tf[0] + weights[1] * it.tf[1] + weights[2] * it.tf[2]) * idf;

          norms[it.doc] += w * w;
        }
      if (it.bad)
        return FALSE;
    }
  for (guint32 d = 0; d < n_docs; d++)
    norms[d] = sqrt (norms[d]);
  return TRUE;
}

static gboolean
index_postings (gconstpointer source, guint32 term, TmLibrary library, TmPostingList *out)
{
  return _tm_index_term_postings (source, term, library, out);
}

double *
_tm_index_compute_norms (const TmIndex *idx, TmLibrary library, const double *weights)
{
  guint32 n = idx->n_docs[library];
  g_autofree double *norms = g_new0 (double, MAX (n, 1));

  if (!_tm_norms_compute (index_postings, idx, idx->n_terms, library, n, weights, norms))
    {
      damaged (idx, _("postings do not decode"));
      return NULL;
    }
  return g_steal_pointer (&norms);
}

/* ---- the latent layer ------------------------------------------------------- */

guint
_tm_index_latent_rank (const TmIndex *idx)
{
  return idx->latent_rank;
}

const gint8 *
_tm_index_latent_docs (const TmIndex *idx, TmLibrary library, float *scales)
{
  guint32 n = idx->n_docs[library];
  guint k = idx->latent_rank;

  if (k == 0
      || !touch (idx, (guint64) (idx->latent_docs[library] - idx->data), (guint64) n * k)
      || !touch (idx, (guint64) (idx->latent_scales[library] - idx->data), (guint64) n * 4))
    return NULL;
  for (guint32 d = 0; d < n; d++)
    {
      scales[d] = _tm_lef32 (idx->latent_scales[library] + 4 * (gsize) d);
      if (!isfinite (scales[d]) || scales[d] < 0)
        {
          damaged (idx, _("a latent vector's scale is not a number"));
          return NULL;
        }
    }
  return (const gint8 *) idx->latent_docs[library];
}

gboolean
_tm_index_latent_sigma (const TmIndex *idx, double *sigma)
{
  guint k = idx->latent_rank;

  if (k == 0 || !touch (idx, (guint64) (idx->latent_sigma - idx->data), (guint64) k * 8))
    return FALSE;
  for (guint j = 0; j < k; j++)
    {
      sigma[j] = _tm_lef64 (idx->latent_sigma + 8 * j);
      if (!isfinite (sigma[j]) || sigma[j] < 0)
        {
          damaged (idx, _("a singular value is not a number"));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_tm_index_latent_term (const TmIndex *idx, guint32 term, const gint8 **vector, float *scale)
{
  gsize entry = TM_INDEX_LATENT_TERM_HEAD + idx->latent_rank;
  guint32 lo = 0, hi = idx->n_latent_terms;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      const guint8 *e = idx->latent_terms + (gsize) mid * entry;
      guint32 t;

      if (!touch (idx, (guint64) (e - idx->data), entry))
        return FALSE;
      t = _tm_le32 (e);
      if (t == term)
        {
          *scale = _tm_lef32 (e + 4);
          *vector = (const gint8 *) e + TM_INDEX_LATENT_TERM_HEAD;
          if (!isfinite (*scale))
            {
              damaged (idx, _("a latent vector's scale is not a number"));
              return FALSE;
            }
          return TRUE;
        }
      if (t < term)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

/* The latent layer: its numbers finite, its term entries in increasing
 * term order, each a term of the dictionary. */
static void
verify_latent (const TmIndex *idx)
{
  gsize entry = TM_INDEX_LATENT_TERM_HEAD + idx->latent_rank;
  guint32 previous = 0;

  if (idx->latent_rank == 0)
    return;
  {
    g_autofree double *sigma = g_new (double, idx->latent_rank);
    g_autofree float *scales = g_new (float, MAX (idx->n_docs[TM_LIBRARY_DEMAND], idx->n_docs[TM_LIBRARY_ACHIEVEMENT]) + 1);

    if (!_tm_index_latent_sigma (idx, sigma))
      return;
    for (int l = 0; l < TM_N_LIBRARIES; l++)
      if (idx->n_docs[l] > 0 && _tm_index_latent_docs (idx, (TmLibrary) l, scales) == NULL)
        return;
  }
  for (guint32 i = 0; i < idx->n_latent_terms; i++)
    {
      const guint8 *e = idx->latent_terms + (gsize) i * entry;
      guint32 t = _tm_le32 (e);
      float scale = _tm_lef32 (e + 4);

      if (t >= idx->n_terms || (i > 0 && t <= previous))
        {
          damaged (idx, _("the latent terms are out of order"));
          return;
        }
      if (!isfinite (scale) || scale < 0)
        {
          damaged (idx, _("a latent vector's scale is not a number"));
          return;
        }
      previous = t;
    }
}

/* ---- verifying everything ------------------------------------------------------ */

/* @n le64 offsets that must rise from 0 to @size. */
static gboolean
offsets_rise (const TmIndex *idx, const guint8 *offsets, guint64 n, guint64 size)
{
  if (!touch (idx, (guint64) (offsets - idx->data), n * 8))
    return FALSE;
  if (n == 0 || _tm_le64 (offsets) != 0 || _tm_le64 (offsets + 8 * (n - 1)) != size)
    return FALSE;
  for (guint64 i = 1; i < n; i++)
    if (_tm_le64 (offsets + 8 * i) < _tm_le64 (offsets + 8 * (i - 1)))
      return FALSE;
  return TRUE;
}

/* Whether posting @k of @list (at @it) lies within the list's bound and
 * its block's, and, the last of a block, where the block's skip entry
 * says the block ends. */
static gboolean
bounds_hold (const TmIndex *idx, const TmPostingList *list, TmLibrary library, guint32 k,
             const TmPostingIter *it)
{
  const double *w = idx->weights;
  double norm = _tm_index_doc_norm (idx, library, (guint32) it->doc);
  double v = _tm_log_tf (w[0] * it->tf[0] + w[1] * it->tf[1] + w[2] * it->tf[2]) / (norm > 0 ? norm : 1);
  TmIndexSkip skip;

  /* The writer rounds the bounds up: a stored bound below a weight is
   * damage, whatever rounding the reader's arithmetic does. */
  if (v > list->max_weight * (1 + 1e-6))
    return FALSE;
  if (list->n_skips == 0)
    return TRUE;
  if (k / TM_POSTING_BLOCK >= list->n_skips)
    return FALSE;
  _tm_index_skip_decode (list->skips + (gsize) (k / TM_POSTING_BLOCK) * TM_INDEX_SKIP_SIZE, &skip);
  if (v > skip.max_weight * (1 + 1e-6))
    return FALSE;
  if ((k + 1) % TM_POSTING_BLOCK == 0 || k + 1 == list->df)
    return skip.last_doc == it->doc && skip.end == (guint64) (it->p - list->postings);
  return TRUE;
}

/* Every term, posting, document, stored record and forward list decoded
 * and cross-checked: the postings and the forward lists hold the same
 * entries, their frequencies add up to the stored field lengths, and the
 * stored norms are the norms of the postings.  Records the first damage. */
static void
verify_structure (const TmIndex *idx)
{
  g_autofree char *previous = NULL;
  guint64 entries[TM_N_LIBRARIES] = { 0, 0 };
  guint64 *sums[TM_N_LIBRARIES];
  /* The first term whose bounds fail: reported last, as the damage that
   * other checks explain better (a raised frequency breaks both). */
  guint32 bad_bound = G_MAXUINT32;

  if (!offsets_rise (idx, idx->stored_index, (guint64) idx->n_groups + 1, idx->stored_size))
    damaged (idx, _("the stored index is out of order"));
  if (!offsets_rise (idx, idx->forward_index,
                     (guint64) idx->n_docs[TM_LIBRARY_DEMAND] + idx->n_docs[TM_LIBRARY_ACHIEVEMENT] + 1,
                     idx->forward_size))
    damaged (idx, _("the forward index is out of order"));

  for (int l = 0; l < TM_N_LIBRARIES; l++)
    sums[l] = g_new0 (guint64, (gsize) MAX (idx->n_docs[l], 1) * TM_N_IFIELDS);

  /* The dictionary and its postings. */
  for (guint32 t = 0; t < idx->n_terms && !g_atomic_int_get (&idx->corrupt); t++)
    {
      TmIndexTerm entry;
      const TmIndexTerm *e = &entry;
      const char *text;

      if (!term_at (idx, t, &entry))
        break;
      text = string_at (idx, e->text);
      if (text[0] == '\0' || (previous != NULL && strcmp (previous, text) >= 0))
        {
          damaged (idx, _("term %u is out of order"), t);
          break;
        }
      g_free (previous);
      previous = g_strdup (text);
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        {
          TmPostingList list;
          TmPostingIter it;

          if (e->df[l] == 0)
            {
              if (e->postings_len[l] != 0)
                damaged (idx, _("term %u has postings but no document"), t);
              continue;
            }
          if (!_tm_index_term_postings (idx, t, (TmLibrary) l, &list))
            break;
          _tm_posting_iter_init (&it, &list);
          for (guint32 k = 0; _tm_posting_iter_next (&it); k++)
            {
              for (int f = 0; f < TM_N_IFIELDS; f++)
                sums[l][(gsize) it.doc * TM_N_IFIELDS + f] += it.tf[f];
              if (bad_bound == G_MAXUINT32 && !bounds_hold (idx, &list, (TmLibrary) l, k, &it))
                bad_bound = t;
            }
          entries[l] += e->df[l];
        }
    }

  /* The documents, their stored records and forward lists. */
  for (int l = 0; l < TM_N_LIBRARIES && !g_atomic_int_get (&idx->corrupt); l++)
    {
      g_autofree double *norms = _tm_index_compute_norms (idx, (TmLibrary) l, idx->weights);
      g_clear_pointer (&previous, g_free);

      for (guint32 doc = 0; doc < idx->n_docs[l] && !g_atomic_int_get (&idx->corrupt); doc++)
        {
          TmIndexDoc entry = doc_at (idx, (TmLibrary) l, doc);
          const TmIndexDoc *d = &entry;
          const char *id = string_at (idx, d->id);
          guint64 fwd[TM_N_IFIELDS] = { 0, 0, 0 };
          TmForwardIter it;
          TmRecord *r;

          if (id[0] == '\0' || (previous != NULL && strcmp (previous, id) >= 0))
            {
              damaged (idx, _("%s document %u is out of order"), tm_library_name ((TmLibrary) l), doc);
              break;
            }
          g_free (previous);
          previous = g_strdup (id);
          string_at (idx, d->title);
          string_at (idx, d->org);
          string_at (idx, d->region);
          string_at (idx, d->domain);
          string_at (idx, d->ip);
          r = tm_index_get_record (idx, (TmLibrary) l, doc);
          tm_record_free (r);
          if (!_tm_index_doc_terms (idx, (TmLibrary) l, doc, &it))
            break;
          while (_tm_posting_iter_next (&it))
            {
              for (int f = 0; f < TM_N_IFIELDS; f++)
                fwd[f] += it.tf[f];
              entries[l]--;
            }
          if (it.bad)
            break;
          for (int f = 0; f < TM_N_IFIELDS; f++)
            if (fwd[f] != d->length[f] || sums[l][(gsize) doc * TM_N_IFIELDS + f] != d->length[f])
              {
                damaged (idx, _("%s: the %s length disagrees with its terms"), id, field_names[f]);
                break;
              }
          if (norms != NULL && fabs (norms[doc] - d->norm) > 1e-5 * MAX (1.0, norms[doc]))
            damaged (idx, _("%s: the stored norm disagrees with its postings"), id);
        }
    }
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      if (entries[l] != 0 && !g_atomic_int_get (&idx->corrupt))
        damaged (idx, _("the forward lists and the postings of the %s library disagree"), tm_library_name ((TmLibrary) l));
      g_free (sums[l]);
    }
  if (bad_bound != G_MAXUINT32 && !g_atomic_int_get (&idx->corrupt))
    damaged (idx, _("term %u: a score bound or skip entry disagrees with its postings"), bad_bound);
}

gboolean
tm_index_verify (const TmIndex *idx, GError **error)
{
  if (!verify_blocks (idx, error))
    return FALSE;
  verify_structure (idx);
  verify_latent (idx);
  return tm_index_check (idx, error);
}
