/* tm-index-build.c — building the index file.
 *
 * THE FILE FORMAT (version 4).  Little-endian by definition: every
 * multi-byte field is written and read field by field through the
 * helpers of tm-index-format.h, which gives each structure's offsets, so
 * the file is the same bytes whatever machine built it.  Floats are IEEE
 * 754.  Offsets and sizes are 64-bit except the string offsets (bounded
 * by TM_MAX_STRINGS_BYTES) and a single posting list's length (bounded by
 * TM_MAX_RECORDS_PER_LIBRARY × TM_POSTING_MAX).  Version 1 was in host
 * byte order, without SKIPS; version 2 had no GLOBAL, version 3 no
 * LATENT: the reader refuses them with "rebuild it".
 *
 *   offset 0    TmIndexHeader (56 bytes): magic "TMINDEX\n", version,
 *               header_crc, file size, build time, build duration,
 *               data_offset, number of sections
 *   56          TmIndexSection[n_sections] (24 bytes each): kind, count,
 *               offset, size of each section
 *   (8-aligned) the BLOCKS section: one le32 CRC-32 per 64 KiB block of
 *               the data region, the last block possibly short
 *   data_offset the data region: the other sections, each 8-aligned
 *
 *   header_crc is the CRC-32 of the header (with header_crc as 0), the
 *   section table and the block table; it is checked at open.  Each data
 *   block is checked the first time anything in it is read, so a query
 *   pays for the blocks it touches, not for the whole file, and damaged
 *   bytes are never used.
 *
 *   STRINGS     NUL-terminated UTF-8 strings; offset 0 is "".
 *   TERMS       TmIndexTerm[count] (64 bytes each) sorted by the bytes of
 *               their text: text (string offset), and per library df, the
 *               offset and length of its postings in POSTINGS, the bound
 *               of its weights (max_weight) and its first entry in SKIPS.
 *   POSTINGS    per term and library, one entry per document holding the
 *               term, in increasing document order:
 *                 varint  doc - previous doc (the first: doc + 1)
 *                 varint  tf_body << 2 | (tf_title > 0) | (tf_keywords > 0) << 1
 *                 varint  tf_title      if present
 *                 varint  tf_keywords   if present
 *   DOCS_DEMAND, DOCS_ACHIEVEMENT
 *               TmIndexDoc[count] (48 bytes each) sorted by id (the document number is
 *               the position): string offsets of id, title, org, region,
 *               domain, ip (types joined by '\n'); field lengths in
 *               terms; where its stored fields are; trl; the TF-IDF norm
 *               for the weights the index was built with.
 *   STORED      the fields no table column holds (see store_record()),
 *               in groups of up to TM_STORED_GROUP records: a le32 raw
 *               size, then the group's NUL-terminated strings deflated.
 *   STORED_INDEX le64 offset of each group in STORED, then the end.
 *   FORWARD     each document's terms, in term order, encoded as postings
 *               are with term numbers in place of document numbers: what a
 *               query made from a stored record holds, without analysis.
 *   FORWARD_INDEX le64 offset of each document's terms: the demands,
 *               then the achievements, then the end.
 *   META        one string of key=value lines: the analyzer options, the
 *               word lists added to the built-in ones ("word-list=KIND
 *               NAME TEXT", name and text in base64) and the scoring
 *               weights the norms were computed with.
 *   SKIPS       TmIndexSkip[count] (12 bytes each): for each posting list
 *               of more than TM_POSTING_BLOCK (128) postings, one entry per
 *               block of 128: its last document, where it ends (bytes from
 *               the list's start), and the largest (1 + ln tf') / norm in
 *               it, rounded up to a float.  The deltas run on across
 *               blocks: a reader starts a block from the entry before it.
 *   GLOBAL      empty, or for a partition built with --global-stats
 *               (tm-stats.h): le64 documents per library, le64 terms per
 *               library and field, then le32 df[term][library], the whole
 *               corpus's; idf, norms and bounds were computed from them.
 *               META then also says partition=K/N and global-stats=SHA-256
 *               of the statistics file.
 *   LATENT      the latent layer (tm-index-latent.c): a 64-byte head
 *               (rank k, 0 for none; its terms; documents per library;
 *               the SVD's seed, oversampling, power passes; the largest
 *               singular value), then each document's unit latent vector
 *               as k int8, demands first, then (8-aligned) a lef32 scale
 *               per document (tm-index-format.h).
 *   LATENT_TERMS for each term held by two documents or more, in term
 *               order: le32 term number, lef32 scale, k int8: its
 *               projection, what a query's terms are folded in with.
 *
 * Building, in phases (tm_index_build() calls them in order):
 *   collect   records are read (build_collect), those of other partitions
 *             dropped as they come (collect_record), and sorted by id;
 *   analyze   batches of them, in id order, are analyzed in slices by
 *             worker threads, each into postings of its own
 *             (build_analyze);
 *   join      the slices are joined term by term, only the first delta
 *             of each slice re-encoded, its deflated stored groups
 *             appended to a temporary beside the index that the write
 *             copies in (build_join_slice); past the
 *             memory budget the postings so far are spilled, sorted, to a
 *             run (build_spill); at the end the runs are merged the same
 *             way (build_merge), or without runs the terms sorted, into
 *             the dictionary (build_dictionary); the global statistics,
 *             if any, matched to it (build_global);
 *   norms     norms, score bounds and skip entries, and forward lists,
 *             from the joined postings (build_norms, build_bounds);
 *   tables    the document tables (build_doc_tables), after which the
 *             records are let go (build_drop_records);
 *   latent    the truncated SVD of the weighted document × term matrix
 *             of both libraries, from the forward lists (build_latent);
 *   layout    the sections by kind, the block checksums and the head
 *             (build_layout);
 *   write     PATH.tmp.PID written, fsync'd, renamed over PATH, and the
 *             folder fsync'd (build_write).
 */
#include "config.h"

#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include "tm-corpus.h"
#include "tm-error.h"
#include "tm-index-format.h"
#include "tm-index.h"
#include "tm-limits.h"
#include "tm-private.h"
#include "tm-score.h"
#include "tm-stats.h"

/* ---- collecting records ------------------------------------------------ */

/* Where a record's stored string waits in the spool. */
typedef struct {
  guint64 offset;
  guint32 len;
} SpoolSpan;

/* A section that waits in an unlinked temporary beside the index until
 * the write copies it in (layout_add_file): the stored groups and the
 * postings as they are made, the forward lists as they are inverted.
 * fd -1: none yet. */
typedef struct {
  int fd;
  char *name;
  guint64 len;
} Aside;

/* Every record of the corpus is read before any is analyzed (documents
 * are numbered in id order), but the bulk of a record (its body, its
 * keywords, the fields only the stored record holds) is needed only
 * when it is analyzed and stored: its stored string (store_record())
 * waits in an unlinked temporary file beside the index, the spool, and
 * each slice reads it back (pread) when it comes to the record, taking
 * the body and keywords to analyze from it.  What stays in memory is the
 * fields of the document tables (id, title, org, region, domain, ip,
 * trl) and where the record was, for messages: a Kept per record, its
 * strings in one chunk (the files, organisations, regions, domains and
 * ip lines once each), not a TmRecord of a dozen allocations. */
typedef struct {
  const char *id, *title, *org, *region, *domain;
  const char *ip;                     /* the ip lines joined by \n */
  const char *file;
  guint line;
  int trl;
} Kept;

typedef struct {
  GArray *kept[TM_N_LIBRARIES];       /* Kept, bodies in the spool */
  GStringChunk *strings;              /* theirs */
  GArray *spans[TM_N_LIBRARIES];      /* SpoolSpan, one per record */
  guint partition, n_partitions;      /* only the records of this partition */
  char *spool_name;
  FILE *spool;
  guint64 spool_len;
} Collected;

/* A temporary file of the build beside the index, PATH.tmp.PID.WHAT,
 * unlinked at once: nothing is left behind however the build ends.  Its
 * name (for messages) in *@name.  The descriptor, or -1 with @error. */
static int
temporary_open (const char *index_path, const char *what, char **name, GError **error)
{
  int fd;

  *name = g_strdup_printf ("%s.tmp.%d.%s", index_path, (int) getpid (), what);
  fd = open (*name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: cannot create a temporary file of the build: %s"),
                   *name, g_strerror (saved));
      return -1;
    }
  unlink (*name);
  return fd;
}

static gboolean
spool_open (Collected *c, const char *index_path, GError **error)
{
  int fd = temporary_open (index_path, "spool", &c->spool_name, error);

  if (fd < 0)
    return FALSE;
  c->spool = fdopen (fd, "w+");
  if (c->spool == NULL)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", c->spool_name, g_strerror (saved));
      return FALSE;
    }
  setvbuf (c->spool, NULL, _IOFBF, 1 << 20);
  return TRUE;
}

static gboolean
spool_error (Collected *c, GError **error)
{
  int saved = errno;

  g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: writing a temporary file of the build: %s"),
               c->spool_name, g_strerror (saved));
  return FALSE;
}

static char *store_record (const TmRecord *r);

/* @text in @chunk (once, if @shared), or NULL for none. */
static const char *
kept_string (GStringChunk *chunk, const char *text, gboolean shared)
{
  if (text == NULL)
    return NULL;
  return shared ? g_string_chunk_insert_const (chunk, text) : g_string_chunk_insert (chunk, text);
}

static gboolean
collect_record (TmRecord *record, gpointer data, GError **error)
{
  Collected *c = data;
  SpoolSpan span = { c->spool_len, 0 };
  g_autofree char *stored = NULL;
  gsize len;

  if (c->n_partitions > 1 && tm_partition_of (record->id, c->n_partitions) != c->partition)
    {
      tm_record_free (record);
      return TRUE;
    }
  stored = store_record (record);
  len = strlen (stored);
  /* A record is at most TM_MAX_RECORD_BYTES: the length fits. */
  if (fwrite (stored, 1, len, c->spool) != len)
    {
      tm_record_free (record);
      return spool_error (c, error);
    }
  span.len = (guint32) len;
  c->spool_len += len;
  {
    g_autofree char *ip = NULL;
    Kept k;

    g_ptr_array_add (record->ip, NULL);
    ip = g_strjoinv ("\n", (char **) record->ip->pdata);
    k.id = kept_string (c->strings, record->id, FALSE);
    k.title = kept_string (c->strings, record->title, FALSE);
    k.org = kept_string (c->strings, record->org, TRUE);
    k.region = kept_string (c->strings, record->region, TRUE);
    k.domain = kept_string (c->strings, record->domain, TRUE);
    k.ip = kept_string (c->strings, ip, TRUE);
    k.file = kept_string (c->strings, record->file, TRUE);
    k.line = record->line;
    k.trl = record->trl;
    g_array_append_val (c->kept[record->library], k);
  }
  g_array_append_val (c->spans[record->library], span);
  tm_record_free (record);
  return TRUE;
}

/* The stored string of a record back from the spool (transfer full), or
 * NULL with @error set. */
/* Reads @len bytes at @off of the build's temporary @fd (@name), all
 * of them: an early end is an error too. */
static gboolean
read_at (int fd, const char *name, void *buf, gsize len, guint64 off, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, (guint8 *) buf + done, len - done, (off_t) (off + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: reading a temporary file of the build: %s"),
                       name, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static char *
spool_read (int fd, const char *name, const SpoolSpan *span, GError **error)
{
  char *body = g_malloc ((gsize) span->len + 1);

  if (!read_at (fd, name, body, span->len, span->offset, error))
    {
      g_free (body);
      return NULL;
    }
  body[span->len] = '\0';
  return body;
}

typedef struct {
  Kept kept;
  SpoolSpan span;
} Collect1;

static int
compare_records (gconstpointer a, gconstpointer b)
{
  const Collect1 *x = a, *y = b;

  return strcmp (x->kept.id, y->kept.id);
}

/* Sorts the records of @l by id, their spans with them. */
static void
sort_records (Collected *c, TmLibrary l)
{
  GArray *kept = c->kept[l];
  GArray *spans = c->spans[l];
  g_autofree Collect1 *all = g_new (Collect1, MAX (kept->len, 1));

  for (guint i = 0; i < kept->len; i++)
    {
      all[i].kept = g_array_index (kept, Kept, i);
      all[i].span = g_array_index (spans, SpoolSpan, i);
    }
  qsort (all, kept->len, sizeof *all, compare_records);
  for (guint i = 0; i < kept->len; i++)
    {
      g_array_index (kept, Kept, i) = all[i].kept;
      g_array_index (spans, SpoolSpan, i) = all[i].span;
    }
}

/* ---- analysis, one slice per thread ------------------------------------- */

/* A term of one slice: the key first, so that the entry is its own key,
 * and the key's text right after the entry, so that comparing it costs
 * no second trip to memory. */
typedef struct {
  TmSpan key;                    /* its text follows the structure */
  GByteArray *postings;
  guint32 first_doc;
  guint32 last_doc;
  guint32 df;
  guint32 doc;                   /* the document being counted, + 1 */
  guint32 tf[TM_N_IFIELDS];      /* its frequencies there */
} SliceTerm;

/* A slice's terms: open addressing with the hash beside each entry, so
 * that a probe costs one cache line and the entry one more; a GHashTable
 * costs four, and this lookup runs for every term of every document. */
typedef struct {
  guint32 hash;
  SliceTerm *term;
} Slot;

typedef struct {
  Slot *slots;
  guint32 mask;                  /* capacity - 1, a power of two */
  guint32 n;
} TermTable;

static void
table_init (TermTable *t)
{
  t->mask = (1u << 14) - 1;
  t->slots = g_new0 (Slot, t->mask + 1);
  t->n = 0;
}

static void
table_grow (TermTable *t)
{
  Slot *old = t->slots;
  guint32 old_size = t->mask + 1;

  t->mask = old_size * 2 - 1;
  t->slots = g_new0 (Slot, t->mask + 1);
  for (guint32 i = 0; i < old_size; i++)
    if (old[i].term != NULL)
      {
        guint32 j = old[i].hash & t->mask;

        while (t->slots[j].term != NULL)
          j = (j + 1) & t->mask;
        t->slots[j] = old[i];
      }
  g_free (old);
}

/* The slot of @text: its entry, or the empty slot where it goes. */
static Slot *
table_find (TermTable *t, const char *text, gsize len, guint32 hash)
{
  for (guint32 j = hash & t->mask;; j = (j + 1) & t->mask)
    {
      Slot *s = &t->slots[j];

      if (s->term == NULL
          || (s->hash == hash && s->term->key.len == len && memcmp (s->term->key.text, text, len) == 0))
        return s;
    }
}

typedef struct {
  const TmAnalyzer *analyzer;
  const Kept *kept;
  TmLibrary library;
  const SpoolSpan *spans;        /* where their bodies are */
  int spool_fd;
  const char *spool_name;
  guint32 begin, end;            /* documents of this slice */
  guint32 (*lengths)[TM_N_IFIELDS]; /* shared array, one row per document */
  TermTable terms;
  GStringChunk *strings;
  TmBuf stored;                  /* this slice's deflated groups */
  GArray *stored_offsets;        /* guint64, into stored */
  guint32 *stored_group;         /* shared, one per document: group in the slice */
  guint8 *stored_index;          /* shared, one per document */
  GError *error;
  /* While counting one document. */
  guint32 doc;
  GArray *pending;               /* Pending: the terms of one of its fields */
  int field;                     /* that field */
  GPtrArray *touched;            /* SliceTerm * seen in it */
} Slice;

static void
slice_term_free (gpointer p)
{
  SliceTerm *t = p;

  g_byte_array_unref (t->postings);
  g_free (t);
}

/* One occurrence of a term, held until its field is counted. */
typedef struct {
  const char *text;              /* the analyzer's, valid until the field is done */
  guint32 len;
  guint32 hash;
} Pending;

/* The analyzer's terms are buffered per field, and the table is probed
 * only once the whole field is known: each probe then finds its slot and
 * its entry already on their way from memory (prefetched several terms
 * ahead), where a probe as each term arrives waits for both. */
static void
buffer_term (const TmTerm *term, gpointer data)
{
  Slice *s = data;
  TmSpan probe = { term->text, term->len };
  Pending p;

  p.text = term->text;
  p.len = (guint32) term->len;
  p.hash = _tm_span_hash (&probe);
  s->field = term->field;
  g_array_append_val (s->pending, p);
  __builtin_prefetch (&s->terms.slots[p.hash & s->terms.mask]);
}

/* How many terms ahead the entries are fetched. */
#define PREFETCH_AHEAD 8

/* Counts the field's buffered terms: one lookup each in the slice's
 * table, which also collects the document's frequencies (no table per
 * document). */
static void
count_terms (gpointer data)
{
  Slice *s = data;
  const Pending *pending = (const Pending *) s->pending->data;
  guint n = s->pending->len;
  int field = s->field;

  for (guint i = 0; i < n; i++)
    {
      const Pending *p = &pending[i];
      Slot *slot;
      SliceTerm *t;

      if (i + PREFETCH_AHEAD < n)
        {
          const Slot *ahead = &s->terms.slots[pending[i + PREFETCH_AHEAD].hash & s->terms.mask];

          if (ahead->term != NULL)
            __builtin_prefetch (ahead->term);
        }
      slot = table_find (&s->terms, p->text, p->len, p->hash);
      t = slot->term;
      if (t == NULL)
        {
          t = g_malloc0 (sizeof (SliceTerm) + p->len + 1);
          memcpy (t + 1, p->text, p->len);
          t->key.text = (const char *) (t + 1);
          t->key.len = p->len;
          t->postings = g_byte_array_new ();
          t->first_doc = s->doc;
          slot->hash = p->hash;
          slot->term = t;
          /* At most half full: probes stay short. */
          if (++s->terms.n * 2 > s->terms.mask + 1)
            table_grow (&s->terms);
        }
      if (t->doc != s->doc + 1)
        {
          t->doc = s->doc + 1;
          memset (t->tf, 0, sizeof t->tf);
          g_ptr_array_add (s->touched, t);
        }
      t->tf[field]++;
      s->lengths[s->doc][field]++;
    }
  g_array_set_size (s->pending, 0);
}

/* Deflates the group in @raw into the slice's stored blob, a zlib
 * stream.  libdeflate at level 1: twice zlib's speed at its level 1 on
 * this text (189 MB/s against 88 here), and a little smaller.  It cannot
 * fail into a buffer of its bound's size. */
static gboolean
flush_group (Slice *s, struct libdeflate_compressor *deflater, GByteArray *raw, GError **error)
{
  guint64 offset = s->stored.len;
  gsize size = libdeflate_zlib_compress_bound (deflater, raw->len);

  if (raw->len == 0)
    return TRUE;
  g_array_append_val (s->stored_offsets, offset);
  /* The raw size (le32: a group is at most TM_STORED_GROUP records of
   * TM_MAX_RECORD_BYTES), then the deflated bytes. */
  _tm_buf_set_size (&s->stored, offset + 4 + size);
  _tm_put_le32 (s->stored.data + offset, raw->len);
  size = libdeflate_zlib_compress (deflater, raw->data, raw->len, s->stored.data + offset + 4, size);
  if (size == 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("deflating the stored records failed"));
      return FALSE;
    }
  _tm_buf_set_size (&s->stored, offset + 4 + size);
  g_byte_array_set_size (raw, 0);
  return TRUE;
}

static char *
joined_keywords (const TmRecord *r)
{
  /* "；" keeps keywords apart: no term spans two of them. */
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < r->keywords->len; i++)
    {
      if (i > 0)
        g_string_append (s, " ； ");
      g_string_append (s, r->keywords->pdata[i]);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The fields of @record as the index sees them: title, keywords, body.
 * A term's text lasts until its field is done: @field_done (if not NULL)
 * is called then. */
gboolean
_tm_index_analyze_record (const TmAnalyzer *analyzer, TmAnalysis *analysis,
                          const TmRecord *record, TmTermFunc func,
                          void (*field_done) (gpointer user_data), gpointer user_data,
                          GError **error)
{
  g_autofree char *keywords = joined_keywords (record);
  const char *texts[TM_N_IFIELDS];

  texts[TM_IFIELD_TITLE] = record->title;
  texts[TM_IFIELD_KEYWORDS] = keywords;
  texts[TM_IFIELD_BODY] = record->body ? record->body : "";
  for (int f = 0; f < TM_N_IFIELDS; f++)
    {
      if (!tm_analyzer_analyze (analyzer, analysis, f, texts[f], -1, func, user_data, error))
        return FALSE;
      if (field_done != NULL)
        field_done (user_data);
    }
  return TRUE;
}

/* The fields no table column holds, in one string: updated, keywords
 * (joined by \x1f), body, transfer, budget, budget unit, deadline,
 * cooperation, separated by \x1e.  tm_index_get_record() splits it. */
static char *
store_record (const TmRecord *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char budget[G_ASCII_DTOSTR_BUF_SIZE] = "";

  if (r->budget >= 0)
    g_ascii_dtostr (budget, sizeof budget, r->budget);
  g_string_append (s, r->updated ? r->updated : "");
  g_string_append_c (s, '\x1e');
  for (guint i = 0; i < r->keywords->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, '\x1f');
      g_string_append (s, r->keywords->pdata[i]);
    }
  g_string_append_printf (s, "\x1e%s\x1e%s\x1e%s\x1e%s\x1e%s\x1e%s",
                          r->body ? r->body : "", r->transfer ? r->transfer : "",
                          budget, r->budget_unit ? r->budget_unit : "",
                          r->deadline ? r->deadline : "", r->cooperation ? r->cooperation : "");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The keywords and the body of @r, for the analysis, from its stored
 * string (store_record()'s, read back from the spool).  The separators
 * are control characters that no corpus text holds (XML forbids them
 * and the reader refuses them). */
static gboolean
unstore_for_analysis (TmRecord *r, const char *stored, GError **error)
{
  const char *keywords = strchr (stored, '\x1e');
  const char *body = keywords != NULL ? strchr (keywords + 1, '\x1e') : NULL;
  const char *end = body != NULL ? strchr (body + 1, '\x1e') : NULL;

  if (end == NULL)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_FAILED, _("%s: a record read back from the build's "
                   "temporary file is not whole"), r->id);
      return FALSE;
    }
  keywords++;
  body++;
  for (const char *k = keywords; k < body - 1;)
    {
      const char *e = memchr (k, '\x1f', (gsize) (body - 1 - k));

      if (e == NULL)
        e = body - 1;
      g_ptr_array_add (r->keywords, g_strndup (k, (gsize) (e - k)));
      k = e + 1;
    }
  r->body = g_strndup (body, (gsize) (end - body));
  return TRUE;
}

static gpointer
analyze_slice (gpointer data)
{
  Slice *s = data;
  g_autoptr(TmAnalysis) analysis = tm_analysis_new (s->analyzer);
  g_autoptr(GByteArray) group = g_byte_array_new ();
  /* Level 1: most of deflate's gain on this text for a fraction of the
   * time of the default level.  NULL only for want of memory, which
   * aborts as g_malloc() does. */
  struct libdeflate_compressor *deflater = libdeflate_alloc_compressor (1);
  guint in_group = 0;
  /* The record as the analysis reads it: the kept fields borrowed, the
   * keywords and the body its own, from the spool. */
  TmRecord r;

  if (deflater == NULL)
    g_error ("out of memory for the compressor");
  memset (&r, 0, sizeof r);
  r.library = s->library;
  r.keywords = g_ptr_array_new_with_free_func (g_free);

  memset (&s->stored, 0, sizeof s->stored);
  s->stored_offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  s->touched = g_ptr_array_new ();
  s->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  for (guint32 doc = s->begin; doc < s->end; doc++)
    {
      const Kept *k = &s->kept[doc];
      g_autofree char *stored = spool_read (s->spool_fd, s->spool_name, &s->spans[doc], &s->error);

      r.id = (char *) k->id;
      r.title = (char *) k->title;
      if (stored == NULL || !unstore_for_analysis (&r, stored, &s->error))
        break;

      g_byte_array_append (group, (const guint8 *) stored, (guint) strlen (stored) + 1);
      s->stored_group[doc] = s->stored_offsets->len;
      s->stored_index[doc] = (guint8) in_group;
      if (++in_group == TM_STORED_GROUP)
        {
          if (!flush_group (s, deflater, group, &s->error))
            break;
          in_group = 0;
        }

      s->doc = doc;
      g_ptr_array_set_size (s->touched, 0);
      if (!_tm_index_analyze_record (s->analyzer, analysis, &r, buffer_term, count_terms, s, &s->error))
        {
          g_prefix_error (&s->error, "%s:%u: %s: ", k->file, k->line, k->id);
          break;
        }
      /* Stored and analyzed: the bulk of the record is no longer needed
       * (the document tables want its kept fields only). */
      g_clear_pointer (&r.body, g_free);
      g_ptr_array_set_size (r.keywords, 0);

      for (guint i = 0; i < s->touched->len; i++)
        {
          SliceTerm *t = s->touched->pdata[i];
          /* The first posting of a term in the slice: doc + 1. */
          guint64 delta = t->df == 0 ? (guint64) doc + 1 : doc - t->last_doc;
          guint8 entry[TM_POSTING_MAX];

          g_byte_array_append (t->postings, entry,
                               (guint) (_tm_posting_write (entry, delta, t->tf) - entry));
          t->last_doc = doc;
          t->df++;
        }
    }
  if (s->error == NULL)
    flush_group (s, deflater, group, &s->error);
  libdeflate_free_compressor (deflater);
  g_free (r.body);
  g_ptr_array_unref (r.keywords);
  g_ptr_array_unref (s->touched);
  g_array_unref (s->pending);
  return NULL;
}

/* ---- joining slices ----------------------------------------------------- */

typedef struct {
  const char *text;
  GByteArray *postings[TM_N_LIBRARIES];
  guint32 first_doc[TM_N_LIBRARIES];
  guint32 last_doc[TM_N_LIBRARIES];
  guint32 df[TM_N_LIBRARIES];
} Term;

static void
term_free (gpointer p)
{
  Term *t = p;

  for (int l = 0; l < TM_N_LIBRARIES; l++)
    if (t->postings[l] != NULL)
      g_byte_array_unref (t->postings[l]);
  g_free (t);
}

/* Appends a slice's postings for one term: the first delta, relative to
 * "before document 0" in the slice, is re-encoded relative to the last
 * document already there.  Returns the bytes added. */
static gsize
join_postings (Term *t, TmLibrary l, const SliceTerm *s)
{
  const guint8 *p = s->postings->data;
  const guint8 *end = p + s->postings->len;
  guint64 first;

  if (t->postings[l] == NULL)
    {
      t->postings[l] = g_byte_array_ref (s->postings);
      t->first_doc[l] = s->first_doc;
      t->last_doc[l] = s->last_doc;
      t->df[l] = s->df;
      return s->postings->len;
    }
  _tm_varint_get (&p, end, &first);
  _tm_varint_put (t->postings[l], (guint64) s->first_doc - t->last_doc[l]);
  g_byte_array_append (t->postings[l], p, (guint) (end - p));
  t->last_doc[l] = s->last_doc;
  t->df[l] += s->df;
  return s->postings->len;
}

static int
compare_terms (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(Term * const *) a)->text, (*(Term * const *) b)->text);
}

/* ---- norms and forward lists -------------------------------------------- */

/* The global statistics a partition is built with (see build_global()):
 * the documents per library and each term's document frequencies. */
typedef struct {
  guint32 n_docs[TM_N_LIBRARIES];
  guint32 *df;                   /* [term][library] */
} Global;

/* A temporary read back in increasing offsets through a window of at
 * least WINDOW_BYTES: the postings, for the norms, the bounds and the
 * forward lists, which thus never need all of them in memory.  The
 * first read that fails is kept in @error; every get after it fails. */
#define WINDOW_BYTES ((gsize) 4 << 20)

typedef struct {
  const Aside *file;
  guint8 *buf;
  gsize cap, have;
  guint64 start;                 /* buf holds [start, start + have) */
  GError *error;
} Window;

static void
window_clear (Window *w)
{
  g_clear_pointer (&w->buf, g_free);
  g_clear_error (&w->error);
}

/* @len bytes at @off, valid until the next get. */
static const guint8 *
window_get (Window *w, guint64 off, gsize len)
{
  gsize want;

  if (off >= w->start && off + len <= w->start + w->have)
    return w->buf + (off - w->start);
  if (w->error != NULL)
    return NULL;
  g_assert (off + len <= w->file->len);
  want = (gsize) MIN ((guint64) MAX (len, WINDOW_BYTES), w->file->len - off);
  if (want > w->cap)
    {
      g_free (w->buf);
      w->buf = g_malloc (want);
      w->cap = want;
    }
  w->have = 0;
  if (!read_at (w->file->fd, w->file->name, w->buf, want, off, &w->error))
    return NULL;
  w->start = off;
  w->have = want;
  return w->buf;
}

/* The postings being built, as _tm_norms_compute() reads them, and the
 * statistics idf takes (global, or NULL: the index's own).  Terms are
 * asked for in increasing order, as the postings lie in their file. */
typedef struct {
  const TmIndexTerm *term_table;
  Window *postings;
  const guint *n_docs;
  const Global *global;
} BuiltPostings;

/* Term @term's postings of library @l, in the tables being built.  FALSE
 * when the library lacks the term, or when they could not be read back
 * (the window's error says so). */
static gboolean
built_postings (gconstpointer data, guint32 term, TmLibrary l, TmPostingList *list)
{
  const BuiltPostings *b = data;
  const TmIndexTerm *e = &b->term_table[term];

  memset (list, 0, sizeof *list);
  list->term = term;
  list->df = e->df[l];
  list->postings_len = e->postings_len[l];
  list->n_docs = b->n_docs[l];
  list->stats_n = b->global != NULL ? b->global->n_docs[l] : b->n_docs[l];
  list->stats_df = b->global != NULL ? b->global->df[(gsize) term * 2 + l] : e->df[l];
  if (list->df == 0)
    return FALSE;
  list->postings = window_get (b->postings, e->postings[l], list->postings_len);
  return list->postings != NULL;
}

static gboolean write_all (int fd, const void *data, gsize len, const char *path, GError **error);

/* The forward lists are inverted FORWARD_CHUNK bytes of them at a time
 * (build_forward()). */
#define FORWARD_CHUNK ((gsize) 32 << 20)

static gsize forward_chunk = FORWARD_CHUNK;

void
_tm_index_build_set_forward_chunk_for_test (gsize bytes)
{
  forward_chunk = bytes > 0 ? bytes : FORWARD_CHUNK;
}

typedef struct {
  guint32 offset;                /* in the list: the next posting */
  guint32 left;                  /* postings still to come */
  gint64 doc;                    /* the last one taken, -1: none */
} Resume;

typedef struct {
  const TmIndexTerm *term_table;
  guint32 n_terms;
  const Aside *postings;
  const guint *n_docs;
  const char *index_path;
  Aside *out;
  GArray *offsets;
  GError *error;
} Forward;

/* The delta of term @t in document @d's forward list, from the last
 * term there (@last: term + 1, 0: none yet), which @t becomes. */
static inline guint64
forward_delta (guint32 *last, guint d, guint32 t)
{
  guint64 delta = last[d] == 0 ? (guint64) t + 1 : t - (last[d] - 1);

  last[d] = t + 1;
  return delta;
}

/* Each document's terms, inverted from the postings, written to the
 * temporary f->out.  One pass over the postings gives every document's
 * size, so its offset; then the documents are inverted forward_chunk
 * bytes of them at a time, each a pass that takes every term's postings
 * up from where the pass before stopped (Resume), so that no more than
 * a chunk is ever in memory.  Offsets: the demands, then the
 * achievements, then the end. */
static gboolean
build_forward (Forward *f, GError **error)
{
  const guint *n_docs = f->n_docs;
  guint n = n_docs[TM_LIBRARY_DEMAND] + n_docs[TM_LIBRARY_ACHIEVEMENT];
  g_autofree guint64 *cursor = g_new0 (guint64, n + 1);
  g_autofree guint32 *last = g_new0 (guint32, n + 1); /* last term + 1; 0: none yet */
  g_autofree Resume *resume = g_new (Resume, (gsize) MAX (f->n_terms, 1) * TM_N_LIBRARIES);
  Window w = { f->postings, NULL, 0, 0, 0, NULL };
  BuiltPostings built = { f->term_table, &w, n_docs, NULL };
  TmBuf chunk = { NULL, 0, 0 };
  guint64 total = 0;
  gboolean ok = FALSE;

  for (guint32 t = 0; t < f->n_terms; t++)
    for (int l = 0; l < TM_N_LIBRARIES; l++)
      {
        TmPostingList list;
        TmPostingIter it;
        guint base = l == TM_LIBRARY_DEMAND ? 0 : n_docs[TM_LIBRARY_DEMAND];
        Resume *r = &resume[(gsize) t * TM_N_LIBRARIES + l];

        r->offset = 0;
        r->left = f->term_table[t].df[l];
        r->doc = -1;
        if (!built_postings (&built, t, (TmLibrary) l, &list))
          {
            if (w.error != NULL)
              goto out;
            continue;
          }
        _tm_posting_iter_init (&it, &list);
        while (_tm_posting_iter_next (&it))
          {
            guint d = base + (guint) it.doc;
            guint8 entry[TM_POSTING_MAX];

            cursor[d] += (guint64) (_tm_posting_write (entry, forward_delta (last, d, t), it.tf) - entry);
          }
        g_assert (!it.bad);
      }
  g_array_set_size (f->offsets, n + 1);
  for (guint d = 0; d < n; d++)
    {
      guint64 size = cursor[d];

      g_array_index (f->offsets, guint64, d) = total;
      cursor[d] = total;
      total += size;
    }
  g_array_index (f->offsets, guint64, n) = total;
  memset (last, 0, (n + 1) * sizeof *last);

  f->out->fd = temporary_open (f->index_path, "forward", &f->out->name, error);
  if (f->out->fd < 0)
    goto out;
  for (guint first = 0; first < n;)
    {
      const guint64 *offsets = (const guint64 *) (gpointer) f->offsets->data;
      guint end = first + 1;

      while (end < n && offsets[end + 1] - offsets[first] <= forward_chunk)
        end++;
      _tm_buf_set_size (&chunk, (gsize) (offsets[end] - offsets[first]));
      for (guint32 t = 0; t < f->n_terms; t++)
        for (int l = 0; l < TM_N_LIBRARIES; l++)
          {
            Resume *r = &resume[(gsize) t * TM_N_LIBRARIES + l];
            guint base = l == TM_LIBRARY_DEMAND ? 0 : n_docs[TM_LIBRARY_DEMAND];
            TmPostingList list;
            TmPostingIter it;

            /* Done, or not yet: the list's next document is past the
             * chunk (its library starts after it). */
            if (r->left == 0 || base >= end)
              continue;
            if (!built_postings (&built, t, (TmLibrary) l, &list))
              goto out;
            _tm_posting_iter_init (&it, &list);
            it.p += r->offset;
            it.left = r->left;
            it.doc = r->doc;
            for (;;)
              {
                TmPostingIter before = it;
                guint d;

                if (!_tm_posting_iter_next (&it))
                  break;
                d = base + (guint) it.doc;
                if (d >= end)
                  {
                    it = before;
                    break;
                  }
                cursor[d] = (guint64) (_tm_posting_write (chunk.data + (cursor[d] - offsets[first]),
                                                          forward_delta (last, d, t), it.tf)
                                       - chunk.data) + offsets[first];
              }
            g_assert (!it.bad);
            r->offset = (guint32) (it.p - list.postings);
            r->left = it.left;
            r->doc = it.doc;
          }
      if (!write_all (f->out->fd, chunk.data, chunk.len, f->out->name, error))
        goto out;
      f->out->len += chunk.len;
      first = end;
    }
  ok = TRUE;

out:
  if (!ok && w.error != NULL)
    g_propagate_error (error, g_steal_pointer (&w.error));
  window_clear (&w);
  _tm_buf_clear (&chunk);
  return ok;
}

static gpointer
forward_thread (gpointer data)
{
  Forward *f = data;

  build_forward (f, &f->error);
  return NULL;
}

/* ---- writing -------------------------------------------------------------- */

typedef struct {
  GByteArray *bytes;
  GHashTable *offsets; /* dedup of repeated strings (domains, regions, orgs) */
  gboolean full;       /* a string did not fit under TM_MAX_STRINGS_BYTES */
} Strings;

/* Adds @text to the string table; @shared strings (organisations,
 * regions, domains: few and repeated) are stored once.  Past the limit
 * of the table's 32-bit offsets, nothing is added and s->full is set. */
static guint32
add_string (Strings *s, const char *text, gboolean shared)
{
  gpointer found;
  guint32 off;
  gsize len;

  if (text == NULL || text[0] == '\0')
    return 0;
  if (shared && g_hash_table_lookup_extended (s->offsets, text, NULL, &found))
    return GPOINTER_TO_UINT (found);
  len = strlen (text) + 1;
  if ((guint64) s->bytes->len + len > _tm_limits.strings_bytes)
    {
      s->full = TRUE;
      return 0;
    }
  off = s->bytes->len;
  g_byte_array_append (s->bytes, (const guint8 *) text, (guint) len);
  if (shared)
    g_hash_table_insert (s->offsets, g_strdup (text), GUINT_TO_POINTER (off));
  return off;
}

static gboolean
strings_check (const Strings *s, GError **error)
{
  if (!s->full)
    return TRUE;
  g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
               _("the corpus's ids, titles, organisations and other table fields take more than "
                  "%" PRIu64 " bytes, the most one index addresses (TM_MAX_STRINGS_BYTES)"),
               _tm_limits.strings_bytes);
  return FALSE;
}

static gboolean
write_all (int fd, const void *data, gsize len, const char *path, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* The zeros after @len bytes that end on a multiple of 8. */
static gsize
pad_of (gsize len)
{
  return (8 - len % 8) % 8;
}

/* The checksums of the data area's blocks, computed as its parts go by. */
typedef struct {
  gsize fill;                    /* bytes of the current block so far */
  guint32 crc;                   /* theirs */
} BlockCrc;

static void
block_crc_feed (BlockCrc *b, GArray *crcs, const guint8 *p, gsize len)
{
  while (len > 0)
    {
      gsize take = MIN (len, TM_INDEX_BLOCK_SIZE - b->fill);

      b->crc = (guint32) libdeflate_crc32 (b->crc, p, take);
      b->fill += take;
      p += take;
      len -= take;
      if (b->fill == TM_INDEX_BLOCK_SIZE)
        {
          g_array_append_val (crcs, b->crc);
          b->crc = 0;
          b->fill = 0;
        }
    }
}

/* ---- the lock ------------------------------------------------------------- */

/* Takes PATH.lock; fails with the PID of the build that holds it.  The
 * lock is never a symlink (a link planted there would have the build
 * write its PID into the file it points at) nor anything but a regular
 * file. */
static int
take_lock (const char *path, GError **error)
{
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  char pid[32];
  struct stat st;
  int fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0644);

  if (fd < 0)
    {
      int saved = errno;

      if (saved == ELOOP)
        g_set_error (error, TM_ERROR, TM_ERROR_IO,
                     _("%s: the lock file is a symbolic link; remove it (techmatch never follows one)"), lock);
      else
        g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", lock, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: the lock file is not a regular file; remove it"), lock);
      close (fd);
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      ssize_t n = pread (fd, pid, sizeof pid - 1, 0);
      gint64 holder = 0;

      pid[n > 0 ? n : 0] = '\0';
      g_strchomp (pid);
      /* The holder writes its PID just after it takes the lock: the file
       * may still be empty, or hold anything if someone else wrote it. */
      if (g_ascii_string_to_signed (pid, 10, 1, G_MAXINT, &holder, NULL))
        g_set_error (error, TM_ERROR, TM_ERROR_LOCKED,
                     _("%s is being rebuilt by another techmatch (locked by PID %" PRId64
                        ", lock file %s)"), path, holder, lock);
      else
        g_set_error (error, TM_ERROR, TM_ERROR_LOCKED,
                     _("%s is being rebuilt by another techmatch (lock file %s, held by a process "
                        "that has not written its PID there yet)"), path, lock);
      close (fd);
      return -1;
    }
  /* The PID, for the message of the next build that finds it locked. */
  g_snprintf (pid, sizeof pid, "%d\n", (int) getpid ());
  errno = ENOSPC;  /* what a short write means */
  if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, strlen (pid), 0) != (ssize_t) strlen (pid))
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: writing the PID: %s"), lock, g_strerror (saved));
      close (fd);
      return -1;
    }
  return fd;
}

/* The file a build replaces: @path itself, or the file a symbolic link
 * there points at (followed to the end, created when missing), so that
 * the link keeps pointing at the index and builds through the link and
 * through the target take the same lock.  A loop of links is refused.
 * transfer full */
static char *
resolve_index_path (const char *path, GError **error)
{
  g_autofree char *current = g_strdup (path);

  /* 40: the kernel's own limit on links in one path. */
  for (int hops = 0; hops < 40; hops++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *target = NULL;
      struct stat st;

      if (lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);
      target = g_file_read_link (current, &local);
      if (target == NULL)
        break;
      if (!g_path_is_absolute (target))
        {
          g_autofree char *dir = g_path_get_dirname (current);
          g_autofree char *joined = g_build_filename (dir, target, NULL);

          g_free (target);
          target = g_steal_pointer (&joined);
        }
      g_free (current);
      current = g_steal_pointer (&target);
    }
  g_set_error (error, TM_ERROR, TM_ERROR_IO,
               _("%s: a loop of symbolic links (or an unreadable one); point it at an index or remove it"),
               path);
  return NULL;
}

/* Removes what an interrupted build left: PATH.tmp.* files. */
static void
remove_stale_temporaries (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".tmp.", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *full = g_build_filename (dir, name, NULL);
        unlink (full);
      }
}

/* ---- runs: postings spilled to temporary files -------------------------- */

/* A run holds the postings the build had in memory when they passed the
 * budget (TmIndexBuildOptions.memory), term by term in byte order:
 *   varint  the length of the term's text (0 ends the run), the text
 *   for each library:
 *     varint  df (0: the term has no posting there in this run)
 *     varint  first document, varint last document, varint length,
 *             then the postings, the first delta from "before document 0"
 * Runs are written in document order (every document of a run comes
 * after those of the runs before it), so that merging them is joining
 * each term's lists end to end, as slices are joined.  The file,
 * PATH.tmp.PID.run-N, is unlinked as soon as it is open: whatever ends
 * the build (success, an error, a kill), nothing of it stays behind. */
typedef struct {
  int fd;
  char *name;                    /* for messages */
  guint64 size;
  /* Reading. */
  guint8 *buf;
  gsize pos, len;
  guint64 offset;                /* of buf[len] in the file */
  GByteArray *text;              /* the current term, NUL-terminated */
  gboolean done;
  guint32 df[TM_N_LIBRARIES];
  guint32 first_doc[TM_N_LIBRARIES];
  guint32 last_doc[TM_N_LIBRARIES];
  GByteArray *postings[TM_N_LIBRARIES];
} Run;

/* Read from a run this much at a time. */
#define RUN_BUFFER (256u << 10)

static void
run_free (gpointer p)
{
  Run *run = p;

  if (run->fd >= 0)
    close (run->fd);
  g_free (run->name);
  g_free (run->buf);
  if (run->text != NULL)
    g_byte_array_unref (run->text);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    if (run->postings[l] != NULL)
      g_byte_array_unref (run->postings[l]);
  g_free (run);
}

static Run *
run_create (const char *path, guint n, GError **error)
{
  Run *run = g_new0 (Run, 1);

  run->name = g_strdup_printf ("%s.tmp.%d.run-%u", path, (int) getpid (), n);
  run->fd = open (run->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (run->fd < 0)
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("%s: cannot create a temporary file of the build: %s"),
                   run->name, g_strerror (saved));
      run_free (run);
      return NULL;
    }
  unlink (run->name);
  return run;
}

static gboolean
run_flush (Run *run, GByteArray *out, GError **error)
{
  if (!write_all (run->fd, out->data, out->len, run->name, error))
    {
      g_prefix_error (error, _("spilling postings to a temporary file: "));
      return FALSE;
    }
  run->size += out->len;
  g_byte_array_set_size (out, 0);
  return TRUE;
}

/* Writes the terms of @terms (Term *) in byte order to a new run. */
static Run *
run_write (GHashTable *terms, const char *path, guint n, GError **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (g_hash_table_size (terms));
  g_autoptr(GByteArray) out = g_byte_array_sized_new (RUN_BUFFER + 4096);
  GHashTableIter iter;
  gpointer value;
  Run *run;

  g_hash_table_iter_init (&iter, terms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_terms);
  run = run_create (path, n, error);
  if (run == NULL)
    return NULL;
  for (guint i = 0; i <= sorted->len; i++)
    {
      const Term *t = i < sorted->len ? sorted->pdata[i] : NULL;
      gsize len = t != NULL ? strlen (t->text) : 0;

      _tm_varint_put (out, len);
      if (t == NULL)
        break;
      g_byte_array_append (out, (const guint8 *) t->text, (guint) len);
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        {
          _tm_varint_put (out, t->postings[l] != NULL ? t->df[l] : 0);
          if (t->postings[l] == NULL)
            continue;
          _tm_varint_put (out, t->first_doc[l]);
          _tm_varint_put (out, t->last_doc[l]);
          _tm_varint_put (out, t->postings[l]->len);
          if (out->len + t->postings[l]->len > RUN_BUFFER && !run_flush (run, out, error))
            goto fail;
          if (t->postings[l]->len >= RUN_BUFFER)
            {
              if (!write_all (run->fd, t->postings[l]->data, t->postings[l]->len, run->name, error))
                {
                  g_prefix_error (error, _("spilling postings to a temporary file: "));
                  goto fail;
                }
              run->size += t->postings[l]->len;
            }
          else
            g_byte_array_append (out, t->postings[l]->data, t->postings[l]->len);
        }
      if (out->len >= RUN_BUFFER && !run_flush (run, out, error))
        goto fail;
    }
  if (!run_flush (run, out, error))
    goto fail;
  return run;

fail:
  run_free (run);
  return NULL;
}

/* Reading a run back: @n bytes into @dst (NULL: skipped). */
static gboolean
run_read (Run *run, void *dst, gsize n, GError **error)
{
  guint8 *d = dst;

  while (n > 0)
    {
      gsize take;

      if (run->pos == run->len)
        {
          ssize_t got;

          if (run->offset >= run->size)
            goto truncated;
          got = pread (run->fd, run->buf, MIN (RUN_BUFFER, run->size - run->offset), (off_t) run->offset);
          if (got < 0 && errno == EINTR)
            continue;
          if (got < 0)
            {
              int saved = errno;
              g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading the temporary file %s: %s"),
                           run->name, g_strerror (saved));
              return FALSE;
            }
          if (got == 0)
            goto truncated;
          run->pos = 0;
          run->len = (gsize) got;
          run->offset += (guint64) got;
        }
      take = MIN (n, run->len - run->pos);
      memcpy (d, run->buf + run->pos, take);
      d += take;
      run->pos += take;
      n -= take;
    }
  return TRUE;

truncated:
  g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading the temporary file %s: it ends early"), run->name);
  return FALSE;
}

static gboolean
run_varint (Run *run, guint64 *v, GError **error)
{
  guint64 r = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (run->pos < run->len)
        byte = run->buf[run->pos++];
      else if (!run_read (run, &byte, 1, error))
        return FALSE;
      r |= (guint64) (byte & 0x7F) << shift;
      if (!(byte & 0x80))
        {
          *v = r;
          return TRUE;
        }
    }
  g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading the temporary file %s: damaged"), run->name);
  return FALSE;
}

/* The run's next term into run->text and run->postings; run->done at
 * the end. */
static gboolean
run_next (Run *run, GError **error)
{
  guint64 len;

  if (run->buf == NULL)
    {
      run->buf = g_malloc (RUN_BUFFER);
      run->text = g_byte_array_new ();
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        run->postings[l] = g_byte_array_new ();
    }
  if (!run_varint (run, &len, error))
    return FALSE;
  if (len == 0)
    {
      run->done = TRUE;
      return TRUE;
    }
  if (len > TM_MAX_TERM_BYTES * 4)
    goto damaged;
  g_byte_array_set_size (run->text, (guint) len + 1);
  if (!run_read (run, run->text->data, len, error))
    return FALSE;
  run->text->data[len] = '\0';
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      guint64 df, first, last, size;

      if (!run_varint (run, &df, error))
        return FALSE;
      run->df[l] = (guint32) df;
      g_byte_array_set_size (run->postings[l], 0);
      if (df == 0)
        continue;
      if (!run_varint (run, &first, error) || !run_varint (run, &last, error)
          || !run_varint (run, &size, error))
        return FALSE;
      if (df > G_MAXUINT32 || first > last || last >= TM_MAX_RECORDS_PER_LIBRARY
          || size > (guint64) df * TM_POSTING_MAX)
        goto damaged;
      run->first_doc[l] = (guint32) first;
      run->last_doc[l] = (guint32) last;
      g_byte_array_set_size (run->postings[l], (guint) size);
      if (!run_read (run, run->postings[l]->data, size, error))
        return FALSE;
    }
  return TRUE;

damaged:
  g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading the temporary file %s: damaged"), run->name);
  return FALSE;
}

/* ---- sections put aside ------------------------------------------------ */

static void
aside_clear (Aside *a)
{
  if (a->fd >= 0)
    close (a->fd);
  a->fd = -1;
  g_clear_pointer (&a->name, g_free);
}

/* ---- the build -------------------------------------------------------------- */

/* The word lists go in whole (kind, name and text, base64): a query
 * analyzes as the build did without opening any file the index names. */
static void
print_meta (GString *meta, const TmAnalyzer *analyzer, const TmScoreParams *params,
            const TmIndexBuildOptions *options)
{
  const TmAnalyzerOptions *a = tm_analyzer_get_options (analyzer);
  static const char * const kinds[] = { "lexicon", "stopwords", "synonyms" };
  guint n_lists;
  const TmWordList *lists = tm_analyzer_get_word_lists (analyzer, &n_lists);

  g_string_append_printf (meta, "mode=%s\nsynonyms=%d\nstopwords=%d\nstem=%d\n",
                          tm_analyzer_mode_name (a->mode), a->synonyms, a->stopwords, a->stem);
  for (guint i = 0; i < n_lists; i++)
    {
      g_autofree char *name = g_base64_encode ((const guchar *) lists[i].name, strlen (lists[i].name));
      g_autofree char *text = g_base64_encode ((const guchar *) lists[i].text, lists[i].len);

      g_string_append_printf (meta, "word-list=%s %s %s\n", kinds[lists[i].kind], name, text);
    }
  g_string_append_printf (meta, "weights=%.17g,%.17g,%.17g\n",
                          params->weights[0], params->weights[1], params->weights[2]);
  if (options != NULL && options->n_partitions > 1)
    g_string_append_printf (meta, "partition=%u/%u\n", options->partition, options->n_partitions);
  if (options != NULL && options->global_stats != NULL)
    g_string_append_printf (meta, "global-stats=%s\n", options->global_stats->checksum);
}

/* Everything a build holds between its phases, in the order the phases
 * fill it in. */
typedef struct {
  const TmIndexBuildOptions *options;
  TmIndexBuildStats *stats;
  gint64 t0;
  guint jobs;
  TmScoreParams params;
  /* collect */
  Collected collected;
  /* analyze */
  TmAnalyzer *analyzer;
  guint32 (*lengths[TM_N_LIBRARIES])[TM_N_IFIELDS];
  guint32 *stored_group[TM_N_LIBRARIES];
  guint8 *stored_index[TM_N_LIBRARIES];
  /* join */
  const char *path;              /* the index: temporary files go beside it */
  guint64 memory;                /* the budget of the postings in terms */
  GHashTable *terms;             /* text → Term: the postings since the last run */
  GStringChunk *term_strings;
  guint64 terms_bytes;           /* what terms holds, about */
  GPtrArray *runs;               /* Run, in document order */
  /* The deflated stored groups, appended as each slice joins: kept in an
   * unlinked temporary beside the index until the write copies them in,
   * not in memory (they are the largest section but the postings). */
  Aside stored;
  GArray *stored_offsets;        /* guint64, then the end */
  TmIndexTerm *term_table;       /* n_terms of them, decoded */
  guint32 n_terms;
  TmBuf postings;                /* the bytes not yet written to: */
  Aside postings_aside;
  Strings strings;
  /* norms */
  double *norms[TM_N_LIBRARIES];
  Aside forward_aside;
  GMappedFile *forward_map;      /* while the latent layer reads them */
  GArray *forward_offsets;       /* guint64 */
  TmBuf skips;                   /* TmIndexSkip, encoded */
  /* global statistics (build_global) */
  Global *global_stats;          /* NULL: the index's own */
  TmBuf global;                  /* the GLOBAL section, encoded */
  /* the latent layer (build_latent) */
  TmBuf latent, latent_terms;
  /* layout: the tables encoded */
  TmBuf doc_tables[TM_N_LIBRARIES];
  TmBuf terms_part;
  GByteArray *meta;
} Build;

static void
build_init (Build *b, const TmIndexBuildOptions *options, TmIndexBuildStats *stats)
{
  memset (b, 0, sizeof *b);
  b->t0 = g_get_monotonic_time ();
  b->options = options;
  b->stats = stats;
  memset (stats, 0, sizeof *stats);
  tm_score_params_init (&b->params);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      b->collected.kept[l] = g_array_new (FALSE, FALSE, sizeof (Kept));
      b->collected.spans[l] = g_array_new (FALSE, FALSE, sizeof (SpoolSpan));
    }
  b->collected.strings = g_string_chunk_new (1 << 16);
  b->terms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, term_free);
  b->term_strings = g_string_chunk_new (1 << 16);
  b->memory = options->memory > 0 ? options->memory : TM_INDEX_DEFAULT_MEMORY;
  b->runs = g_ptr_array_new_with_free_func (run_free);
  b->stored_offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  b->stored.fd = -1;
  b->postings_aside.fd = -1;
  b->forward_aside.fd = -1;
  b->strings.bytes = g_byte_array_new ();
  b->strings.offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_byte_array_append (b->strings.bytes, (const guint8 *) "", 1);
  b->forward_offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  b->meta = g_byte_array_new ();
}

static void
build_clear (Build *b)
{
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      g_clear_pointer (&b->collected.kept[l], g_array_unref);
      g_clear_pointer (&b->collected.spans[l], g_array_unref);
      g_free (b->lengths[l]);
      g_free (b->norms[l]);
      g_free (b->stored_group[l]);
      g_free (b->stored_index[l]);
      _tm_buf_clear (&b->doc_tables[l]);
    }
  if (b->collected.spool != NULL)
    fclose (b->collected.spool);
  g_free (b->collected.spool_name);
  g_clear_pointer (&b->collected.strings, g_string_chunk_free);
  g_clear_pointer (&b->analyzer, tm_analyzer_free);
  g_hash_table_unref (b->terms);
  g_string_chunk_free (b->term_strings);
  g_ptr_array_unref (b->runs);
  aside_clear (&b->stored);
  g_array_unref (b->stored_offsets);
  g_free (b->term_table);
  _tm_buf_clear (&b->postings);
  aside_clear (&b->postings_aside);
  _tm_buf_clear (&b->terms_part);
  _tm_buf_clear (&b->skips);
  _tm_buf_clear (&b->global);
  _tm_buf_clear (&b->latent);
  _tm_buf_clear (&b->latent_terms);
  if (b->global_stats != NULL)
    g_free (b->global_stats->df);
  g_free (b->global_stats);
  g_byte_array_unref (b->strings.bytes);
  g_hash_table_unref (b->strings.offsets);
  g_clear_pointer (&b->forward_map, g_mapped_file_unref);
  aside_clear (&b->forward_aside);
  g_array_unref (b->forward_offsets);
  g_byte_array_unref (b->meta);
}

static void
build_progress (const Build *b, const char *what)
{
  g_debug ("index: %s in %.2f s", what, (g_get_monotonic_time () - b->t0) / 1e6);
}

/* Phase 1: both libraries read, several files at once. */
static gboolean
build_collect (Build *b, const char * const *corpus_paths, GError **error)
{
  const TmIndexBuildOptions *options = b->options;
  TmCorpusStats cstats;

  b->jobs = options->jobs > 0 ? options->jobs : g_get_num_processors ();
  b->collected.partition = options->partition;
  b->collected.n_partitions = options->n_partitions;
  if (!spool_open (&b->collected, b->path, error))
    return FALSE;
  if ((b->stored.fd = temporary_open (b->path, "stored", &b->stored.name, error)) < 0)
    return FALSE;
  if (!tm_corpus_read_parallel (corpus_paths, b->jobs, options->problem_func, collect_record,
                                &b->collected, &cstats, error))
    return FALSE;
  if (fflush (b->collected.spool) != 0 || ferror (b->collected.spool))
    return spool_error (&b->collected, error);
#ifdef HAVE_MALLOC_TRIM
  /* The reader's buffers, and the fields that went to the spool. */
  malloc_trim (0);
#endif
  b->stats->problems = cstats.problems;
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    b->stats->bad_records += cstats.bad_records[l];
  if (cstats.problems > 0 && !options->skip_bad)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   P_("the corpus has %u problem; nothing was indexed (--skip-bad indexes the good records)",
                      "the corpus has %u problems; nothing was indexed (--skip-bad indexes the good records)",
                      cstats.problems), cstats.problems);
      return FALSE;
    }
  /* A partition may be empty: its index is, and the pipeline goes on. */
  if (b->collected.kept[0]->len + b->collected.kept[1]->len == 0 && options->n_partitions <= 1)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID, _("the corpus holds no record"));
      return FALSE;
    }
  build_progress (b, "read the corpus");
  return TRUE;
}

/* Phase 3 (for one slice): its stored groups and its terms join the
 * file's.  Frees what the slice held. */
static gboolean
build_join_slice (Build *b, TmLibrary l, Slice *s, GError **error)
{
  guint32 first_group = b->stored_offsets->len;
  gboolean ok;

  for (guint g = 0; g < s->stored_offsets->len; g++)
    {
      guint64 off = b->stored.len + g_array_index (s->stored_offsets, guint64, g);
      g_array_append_val (b->stored_offsets, off);
    }
  ok = error == NULL || write_all (b->stored.fd, s->stored.data, s->stored.len, b->stored.name, error);
  b->stored.len += s->stored.len;
  for (guint32 doc = s->begin; doc < s->end; doc++)
    b->stored_group[l][doc] += first_group;
  _tm_buf_clear (&s->stored);
  g_array_unref (s->stored_offsets);
  for (guint32 j = 0; j <= s->terms.mask; j++)
    {
      SliceTerm *st = s->terms.slots[j].term;
      Term *t;

      if (st == NULL)
        continue;
      t = g_hash_table_lookup (b->terms, st->key.text);
      if (t == NULL)
        {
          t = g_new0 (Term, 1);
          t->text = g_string_chunk_insert_const (b->term_strings, st->key.text);
          g_hash_table_insert (b->terms, (gpointer) t->text, t);
          /* The entry, its text, its slot in the table. */
          b->terms_bytes += sizeof (Term) + st->key.len + 1 + 4 * sizeof (gpointer);
        }
      /* A list's bytes, and what its array holds in reserve. */
      b->terms_bytes += join_postings (t, l, st) * 3 / 2;
      slice_term_free (st);
    }
  g_free (s->terms.slots);
  g_string_chunk_free (s->strings);
  return ok;
}

/* Documents analyzed at once, in slices of whole stored groups (one
 * thread each), before the postings are joined and the budget looked at:
 * enough that the threads' start and the join cost little, few enough
 * that the slices' tables stay small. */
#define TM_INDEX_BATCH_DOCS 4096
G_STATIC_ASSERT (TM_INDEX_BATCH_DOCS % TM_STORED_GROUP == 0);

static guint batch_docs = TM_INDEX_BATCH_DOCS;

void
_tm_index_build_set_batch_for_test (guint docs)
{
  g_return_if_fail (docs % TM_STORED_GROUP == 0);
  batch_docs = docs > 0 ? docs : TM_INDEX_BATCH_DOCS;
}

/* The postings in memory written to a run, and forgotten. */
static gboolean
build_spill (Build *b, GError **error)
{
  Run *run = run_write (b->terms, b->path, b->runs->len, error);

  if (run == NULL)
    return FALSE;
  g_ptr_array_add (b->runs, run);
  g_hash_table_remove_all (b->terms);
  g_string_chunk_clear (b->term_strings);
  b->terms_bytes = 0;
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
  build_progress (b, "spilled a run");
  return TRUE;
}

/* Phase 2: one library analyzed in batches of documents in id order,
 * each in slices, one thread each, then (phase 3) the slices joined in
 * document order, and the postings spilled to a run when they pass the
 * budget.  The slices split a batch at whole stored groups, so that
 * the groups, like everything else in the file, are the same whatever
 * --jobs and --memory.  A slice's error is kept, the first one wins;
 * every slice is joined all the same, so that nothing leaks. */
static gboolean
build_analyze (Build *b, TmLibrary l, GError **error)
{
  guint n = b->collected.kept[l]->len;
  g_autofree Slice *slices = g_new0 (Slice, MAX (b->jobs, 1));
  g_autofree GThread **threads = g_new0 (GThread *, MAX (b->jobs, 1));
  GError *first_error = NULL;

  sort_records (&b->collected, l);
  b->stats->records[l] = n;
  b->lengths[l] = (guint32 (*)[TM_N_IFIELDS]) g_new0 (guint32, (gsize) MAX (n, 1) * TM_N_IFIELDS);
  b->stored_group[l] = g_new0 (guint32, MAX (n, 1));
  b->stored_index[l] = g_new0 (guint8, MAX (n, 1));
  for (guint start = 0; start < n && first_error == NULL; start += batch_docs)
    {
      guint end = MIN (n, start + batch_docs);
      guint n_groups = (end - start + TM_STORED_GROUP - 1) / TM_STORED_GROUP;
      guint n_slices = MAX (1, MIN (b->jobs, n_groups));

      memset (slices, 0, sizeof *slices * n_slices);
      for (guint k = 0; k < n_slices; k++)
        {
          Slice *s = &slices[k];

          s->analyzer = b->analyzer;
          s->kept = (const Kept *) (gpointer) b->collected.kept[l]->data;
          s->library = l;
          s->spans = (const SpoolSpan *) (gpointer) b->collected.spans[l]->data;
          s->spool_fd = fileno (b->collected.spool);
          s->spool_name = b->collected.spool_name;
          s->begin = start + TM_STORED_GROUP * (guint32) ((guint64) n_groups * k / n_slices);
          s->end = MIN (end, start + TM_STORED_GROUP * (guint32) ((guint64) n_groups * (k + 1) / n_slices));
          s->lengths = b->lengths[l];
          s->stored_group = b->stored_group[l];
          s->stored_index = b->stored_index[l];
          table_init (&s->terms);
          s->strings = g_string_chunk_new (1 << 16);
          threads[k] = n_slices > 1 ? g_thread_new ("tm-index", analyze_slice, s) : NULL;
          if (threads[k] == NULL)
            analyze_slice (s);
        }
      for (guint k = 0; k < n_slices; k++)
        if (threads[k] != NULL)
          g_thread_join (threads[k]);

      for (guint k = 0; k < n_slices; k++)
        {
          if (slices[k].error != NULL && first_error == NULL)
            first_error = g_steal_pointer (&slices[k].error);
          g_clear_error (&slices[k].error);
          /* Every slice is joined, to free what it holds; after an error
           * nothing more is written. */
          build_join_slice (b, l, &slices[k], first_error == NULL ? &first_error : NULL);
        }
      if (first_error == NULL && b->terms_bytes > b->memory && !build_spill (b, &first_error))
        break;
    }
  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }
  return TRUE;
}

/* Phase 3 writes the postings to their temporary as it makes them, a
 * piece of POSTINGS_PIECE at a time: at 10^6 achievements they are a
 * quarter of a gigabyte, which the norms, the bounds and the forward
 * lists read back through windows (Window) and never hold whole. */
#define POSTINGS_PIECE ((gsize) 1 << 20)

static gboolean
postings_open (Build *b, GError **error)
{
  g_assert (b->postings_aside.fd < 0);
  b->postings_aside.fd = temporary_open (b->path, "postings", &b->postings_aside.name, error);
  b->postings_aside.len = 0;
  return b->postings_aside.fd >= 0;
}

/* Where the next byte appended goes. */
static guint64
postings_tell (const Build *b)
{
  return b->postings_aside.len + b->postings.len;
}

/* The bytes waiting in memory written out. */
static gboolean
postings_write (Build *b, GError **error)
{
  if (!write_all (b->postings_aside.fd, b->postings.data, b->postings.len, b->postings_aside.name, error))
    return FALSE;
  b->postings_aside.len += b->postings.len;
  b->postings.len = 0;
  return TRUE;
}

static gboolean
postings_append (Build *b, const void *data, gsize len, GError **error)
{
  _tm_buf_append (&b->postings, data, len);
  return b->postings.len < POSTINGS_PIECE || postings_write (b, error);
}

/* The last bytes written, and the buffer given back. */
static gboolean
postings_flush (Build *b, GError **error)
{
  if (!postings_write (b, error))
    return FALSE;
  _tm_buf_clear (&b->postings);
  return TRUE;
}

/* Phase 3, the end, when runs were spilled: the rest spilled too, and the
 * runs merged term by term into the dictionary and the postings.  The
 * lists of a term are joined in the runs' order, the first delta of each
 * re-encoded: the same bytes as a build that never spilled. */
static gboolean
build_merge (Build *b, GError **error)
{
  g_autoptr(GArray) table = g_array_new (FALSE, TRUE, sizeof (TmIndexTerm));
  char term[TM_MAX_TERM_BYTES * 4 + 1];
  guint k;

  if (g_hash_table_size (b->terms) > 0 && !build_spill (b, error))
    return FALSE;
  k = b->runs->len;
  for (guint r = 0; r < k; r++)
    if (!run_next (b->runs->pdata[r], error))
      return FALSE;
  if (!postings_open (b, error))
    return FALSE;
  for (;;)
    {
      const char *min = NULL;
      TmIndexTerm e;

      for (guint r = 0; r < k; r++)
        {
          const Run *run = b->runs->pdata[r];

          if (!run->done && (min == NULL || strcmp ((const char *) run->text->data, min) < 0))
            min = (const char *) run->text->data;
        }
      if (min == NULL)
        break;
      if (table->len >= _tm_limits.terms)
        {
          g_autofree char *most = g_strdup_printf ("%" G_GUINT64_FORMAT, _tm_limits.terms);

          g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                       _("the corpus has more than %s distinct terms, the most one index numbers (TM_MAX_TERMS)"),
                       most);
          return FALSE;
        }
      g_strlcpy (term, min, sizeof term);
      memset (&e, 0, sizeof e);
      e.text = add_string (&b->strings, term, FALSE);
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        {
          guint32 last = 0;
          guint64 begin = postings_tell (b);

          for (guint r = 0; r < k; r++)
            {
              const Run *run = b->runs->pdata[r];
              const guint8 *p, *end;
              guint64 first;

              if (run->done || run->df[l] == 0 || strcmp ((const char *) run->text->data, term) != 0)
                continue;
              p = run->postings[l]->data;
              end = p + run->postings[l]->len;
              if (e.df[l] > 0)
                {
                  guint8 delta[10];

                  if (!_tm_varint_get (&p, end, &first))
                    {
                      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading the temporary file %s: damaged"),
                                   run->name);
                      return FALSE;
                    }
                  if (!postings_append (b, delta, (gsize) (_tm_varint_write (delta, (guint64) run->first_doc[l] - last) - delta),
                                        error))
                    return FALSE;
                }
              if (!postings_append (b, p, (gsize) (end - p), error))
                return FALSE;
              last = run->last_doc[l];
              e.df[l] += run->df[l];
            }
          if (e.df[l] > 0)
            {
              e.postings[l] = begin;
              e.postings_len[l] = (guint32) (postings_tell (b) - begin);
              b->stats->postings += e.df[l];
            }
        }
      g_array_append_val (table, e);
      for (guint r = 0; r < k; r++)
        {
          Run *run = b->runs->pdata[r];

          if (!run->done && strcmp ((const char *) run->text->data, term) == 0 && !run_next (run, error))
            return FALSE;
        }
    }
  if (!postings_flush (b, error))
    return FALSE;
  g_ptr_array_set_size (b->runs, 0);
  b->stats->terms = table->len;
  b->n_terms = table->len;
  b->term_table = (TmIndexTerm *) g_array_free (g_steal_pointer (&table), FALSE);
  if (b->term_table == NULL)
    b->term_table = g_new0 (TmIndexTerm, 1);
  build_progress (b, "merged the runs");
  return strings_check (&b->strings, error);
}

/* Phase 3, the end: the dictionary in byte order, and the postings
 * behind it. */
static gboolean
build_dictionary (Build *b, GError **error)
{
  g_autoptr(GPtrArray) sorted = NULL;
  GHashTableIter iter;
  gpointer value;

  if (b->runs->len > 0)
    return build_merge (b, error);
  sorted = g_ptr_array_sized_new (g_hash_table_size (b->terms));
  g_hash_table_iter_init (&iter, b->terms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  if (sorted->len > _tm_limits.terms)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_LIMIT,
                   _("the corpus has %u distinct terms, more than the %" PRIu64
                      " one index numbers (TM_MAX_TERMS)"), sorted->len, _tm_limits.terms);
      return FALSE;
    }
  g_ptr_array_sort (sorted, compare_terms);
  if (!postings_open (b, error))
    return FALSE;
  b->stats->terms = sorted->len;
  b->n_terms = sorted->len;
  b->term_table = g_new0 (TmIndexTerm, MAX (sorted->len, 1));
  for (guint i = 0; i < sorted->len; i++)
    {
      Term *t = sorted->pdata[i];
      TmIndexTerm *e = &b->term_table[i];

      e->text = add_string (&b->strings, t->text, FALSE);
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        {
          if (t->postings[l] == NULL)
            continue;
          e->df[l] = t->df[l];
          e->postings[l] = postings_tell (b);
          e->postings_len[l] = t->postings[l]->len;
          if (!postings_append (b, t->postings[l]->data, t->postings[l]->len, error))
            return FALSE;
          b->stats->postings += t->df[l];
        }
    }
  g_ptr_array_set_size (sorted, 0);
  g_hash_table_remove_all (b->terms);
  return postings_flush (b, error) && strings_check (&b->strings, error);
}

/* @v as a float no smaller than it: a bound stays a bound. */
static float
float_up (double v)
{
  float f = (float) v;

  if ((double) f < v)
    f = nextafterf (f, G_MAXFLOAT);
  return f;
}

/* ---- global statistics ------------------------------------------------------- */

/* Before the analysis: statistics of the same analyzer, word lists and
 * weights, and of every partition of this build's count.  The lines
 * named are those of the statistics file (tm-stats.h). */
static gboolean
build_check_global (Build *b, GError **error)
{
  const TmCollectionStats *g = b->options->global_stats;
  const char *path;
  guint n = MAX (b->options->n_partitions, 1);
  g_autoptr(GString) meta = g_string_new (NULL);
  g_autofree char *fingerprint = NULL;

  if (g == NULL)
    return TRUE;
  path = g->path != NULL ? g->path : _("the global statistics");
  print_meta (meta, b->analyzer, &b->params, NULL);
  fingerprint = _tm_stats_fingerprint (meta->str);
  if (strcmp (fingerprint, g->analyzer) != 0)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s:2: the statistics were computed with other analyzer settings, word lists or "
                     "weights than this build's"), path);
      return FALSE;
    }
  if (g->n_partitions != n)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s:3: the statistics are of %u partitions; this build is one of %u"),
                   path, g->n_partitions, n);
      return FALSE;
    }
  if (g->partitions->len != n)
    {
      g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                   _("%s:3: the statistics hold %u of the %u partitions; sum those of every partition "
                     "(techmatch stats --export-df -i P1 -i P2 ...)"), path, g->partitions->len, n);
      return FALSE;
    }
  return TRUE;
}

/* After the dictionary: each term's global document frequencies, found
 * by walking the two sorted lists together, and the GLOBAL section.
 * The partition must be part of the statistics: no term, document or
 * field length beyond them. */
static gboolean
build_global (Build *b, GError **error)
{
  const TmCollectionStats *g = b->options->global_stats;
  const char *path;
  guint j = 0;
  guint64 lengths[TM_N_LIBRARIES][TM_N_IFIELDS];
  guint8 *p;

  if (g == NULL)
    return TRUE;
  path = g->path != NULL ? g->path : _("the global statistics");
  memset (lengths, 0, sizeof lengths);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    for (guint d = 0; d < b->stats->records[l]; d++)
      for (int f = 0; f < TM_N_IFIELDS; f++)
        lengths[l][f] += b->lengths[l][d][f];
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      gboolean over = b->stats->records[l] > g->n_docs[l];

      for (int f = 0; f < TM_N_IFIELDS; f++)
        over |= lengths[l][f] > g->lengths[l][f];
      if (over)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       _("%s: this partition has more %s documents or terms than the whole corpus's "
                         "statistics: they were computed from another corpus"), path,
                       tm_library_name ((TmLibrary) l));
          return FALSE;
        }
    }
  b->global_stats = g_new0 (Global, 1);
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    b->global_stats->n_docs[l] = (guint32) g->n_docs[l];
  b->global_stats->df = g_new0 (guint32, (gsize) MAX (b->n_terms, 1) * 2);
  _tm_buf_set_size (&b->global, TM_INDEX_GLOBAL_HEAD + (gsize) b->n_terms * TM_INDEX_GLOBAL_ENTRY);
  p = b->global.data;
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      _tm_put_le64 (p + 8 * l, g->n_docs[l]);
      for (int f = 0; f < TM_N_IFIELDS; f++)
        _tm_put_le64 (p + 16 + 24 * l + 8 * f, g->lengths[l][f]);
    }
  for (guint32 t = 0; t < b->n_terms; t++)
    {
      const TmIndexTerm *e = &b->term_table[t];
      const char *text = (const char *) b->strings.bytes->data + e->text;
      const TmStatsTerm *st = NULL;

      while (j < g->terms->len)
        {
          const TmStatsTerm *c = &g_array_index (g->terms, TmStatsTerm, j);
          int cmp = strcmp (c->text, text);

          if (cmp >= 0)
            {
              st = cmp == 0 ? c : NULL;
              break;
            }
          j++;
        }
      if (st == NULL || st->df[0] < e->df[0] || st->df[1] < e->df[1])
        {
          g_set_error (error, TM_ERROR, TM_ERROR_INVALID,
                       st == NULL ? _("%s: the term '%s' of this partition is not in the statistics: they "
                                      "were computed from another corpus")
                                  : _("%s: the term '%s' is in more documents here than in the statistics: "
                                      "they were computed from another corpus"),
                       path, text);
          return FALSE;
        }
      for (int l = 0; l < TM_N_LIBRARIES; l++)
        {
          b->global_stats->df[(gsize) t * 2 + l] = st->df[l];
          _tm_put_le32 (p + TM_INDEX_GLOBAL_HEAD + (gsize) t * TM_INDEX_GLOBAL_ENTRY + 4 * l, st->df[l]);
        }
    }
  return TRUE;
}

/* Phase 4b: the score bounds pruning reads (tm-match.c): for each posting
 * list and each of its blocks of TM_POSTING_BLOCK postings, the largest
 * (1 + ln tf') / norm, with the norm as stored (a float); and for a list
 * of more than one block, the skip entries that find its blocks. */
static void
build_bounds (Build *b, Window *window)
{
  BuiltPostings built = { b->term_table, window, b->stats->records, b->global_stats };
  double *inv[TM_N_LIBRARIES];

  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      guint n = b->stats->records[l];

      inv[l] = g_new (double, MAX (n, 1));
      for (guint d = 0; d < n; d++)
        {
          double norm = (double) (float) b->norms[l][d];

          inv[l][d] = 1 / (norm > 0 ? norm : 1);
        }
    }
  for (guint32 t = 0; t < b->n_terms; t++)
    for (int l = 0; l < TM_N_LIBRARIES; l++)
      {
        TmIndexTerm *e = &b->term_table[t];
        TmPostingList list;
        TmPostingIter it;
        double list_max = 0, block_max = 0;
        guint32 in_block = 0, n_skips = _tm_index_n_skips (e->df[l]);

        e->skips[l] = b->skips.len / TM_INDEX_SKIP_SIZE;
        if (!built_postings (&built, t, (TmLibrary) l, &list))
          continue;
        _tm_posting_iter_init (&it, &list);
        while (_tm_posting_iter_next (&it))
          {
            const double *w = b->params.weights;
            double v = _tm_log_tf (w[0] * it.tf[0] + w[1] * it.tf[1] + w[2] * it.tf[2]) * inv[l][it.doc];

            block_max = MAX (block_max, v);
            if (++in_block == TM_POSTING_BLOCK || it.p == it.end)
              {
                if (n_skips > 0)
                  {
                    TmIndexSkip skip = { (guint32) it.doc, (guint32) (it.p - list.postings), float_up (block_max) };
                    guint8 *p;

                    _tm_buf_set_size (&b->skips, b->skips.len + TM_INDEX_SKIP_SIZE);
                    p = b->skips.data + b->skips.len - TM_INDEX_SKIP_SIZE;
                    _tm_index_skip_encode (&skip, p);
                  }
                list_max = MAX (list_max, block_max);
                block_max = 0;
                in_block = 0;
              }
          }
        g_assert (!it.bad);
        g_assert (b->skips.len / TM_INDEX_SKIP_SIZE == e->skips[l] + n_skips);
        e->max_weight[l] = float_up (list_max);
      }
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    g_free (inv[l]);
}

/* Phase 4: the norms and the bounds here and the forward lists in a
 * thread of their own, each reading the postings back from their
 * temporary through a window of its own. */
static gboolean
build_norms (Build *b, GError **error)
{
  Window w = { &b->postings_aside, NULL, 0, 0, 0, NULL };
  BuiltPostings built = { b->term_table, &w, b->stats->records, b->global_stats };
  Forward fw = { b->term_table, b->n_terms, &b->postings_aside, b->stats->records, b->path,
                 &b->forward_aside, b->forward_offsets, NULL };
  GThread *thread = g_thread_new ("tm-forward", forward_thread, &fw);
  guint n_terms = b->n_terms;
  gboolean ok = TRUE;

  for (int l = 0; l < TM_N_LIBRARIES && w.error == NULL; l++)
    {
      b->norms[l] = g_new0 (double, MAX (b->stats->records[l], 1));
      /* The postings were written here: that they do not decode is a
       * bug, never bad input; only reading them back may fail. */
      if (!_tm_norms_compute (built_postings, &built, n_terms, (TmLibrary) l, b->stats->records[l],
                              b->params.weights, b->norms[l]))
        g_assert_not_reached ();
    }
  if (w.error == NULL)
    build_bounds (b, &w);
  g_thread_join (thread);
  if (w.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&w.error));
      ok = FALSE;
    }
  else if (fw.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&fw.error));
      ok = FALSE;
    }
  g_clear_error (&fw.error);
  window_clear (&w);
  if (ok)
    build_progress (b, "postings, norms and bounds");
  return ok;
}

static gboolean
forward_unmap (gpointer data, GError **error)
{
  Build *b = data;

  g_clear_pointer (&b->forward_map, g_mapped_file_unref);
  return TRUE;
}

/* Phase 5a: the latent layer, from the norms and the forward lists
 * (tm-index-latent.c), mapped from their temporary until the layer's
 * matrix is made from them: the factorization is the build's peak. */
static gboolean
build_latent (Build *b, GError **error)
{
  static const guint8 none[1];
  const TmIndexBuildOptions *o = b->options;
  g_autofree guint32 *df = g_new (guint32, (gsize) MAX (b->n_terms, 1) * 2);
  TmLatentInput in;

  memset (&in, 0, sizeof in);
  for (guint32 t = 0; t < b->n_terms; t++)
    for (int l = 0; l < TM_N_LIBRARIES; l++)
      df[2 * t + l] = b->term_table[t].df[l];
  in.n_terms = b->n_terms;
  in.df = df;
  in.stats_df = b->global_stats != NULL ? b->global_stats->df : df;
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      in.n_docs[l] = b->stats->records[l];
      in.stats_n[l] = b->global_stats != NULL ? b->global_stats->n_docs[l] : b->stats->records[l];
      in.norms[l] = b->norms[l];
    }
  in.forward = none;
  in.forward_offsets = (const guint64 *) b->forward_offsets->data;
  in.weights = b->params.weights;
  in.rank = o->no_latent ? 0 : o->latent_rank > 0 ? MIN (o->latent_rank, TM_MAX_LATENT_RANK) : TM_DEFAULT_LATENT_RANK;
  /* A partition's own SVD would give it a space of its own, and its
   * scores would no longer be the whole index's: none. */
  if (o->n_partitions > 1 || o->global_stats != NULL)
    in.rank = 0;
  in.jobs = b->jobs;
  in.read_done = forward_unmap;
  in.user_data = b;
  if (in.rank > 0 && b->forward_aside.len > 0)
    {
      g_autoptr(GError) local = NULL;

      b->forward_map = g_mapped_file_new_from_fd (b->forward_aside.fd, FALSE, &local);
      if (b->forward_map == NULL)
        {
          g_set_error (error, TM_ERROR, TM_ERROR_IO, _("reading the temporary file %s: %s"),
                       b->forward_aside.name, local->message);
          return FALSE;
        }
      in.forward = (const guint8 *) g_mapped_file_get_contents (b->forward_map);
    }
  if (!_tm_index_latent_build (&in, &b->latent, &b->latent_terms, error))
    return FALSE;
  forward_unmap (b, NULL);
  build_progress (b, "latent layer");
  return TRUE;
}

/* Phase 4c: the document tables, and the metadata, before the latent
 * layer: the records can then go (build_drop_records()). */
static gboolean
build_doc_tables (Build *b, GError **error)
{
  g_autoptr(GString) meta = g_string_new (NULL);

  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      GArray *kept = b->collected.kept[l];

      _tm_buf_set_size (&b->doc_tables[l], (gsize) kept->len * TM_INDEX_DOC_SIZE);
      for (guint i = 0; i < kept->len; i++)
        {
          const Kept *r = &g_array_index (kept, Kept, i);
          TmIndexDoc d;

          memset (&d, 0, sizeof d);
          d.id = add_string (&b->strings, r->id, FALSE);
          d.title = add_string (&b->strings, r->title, FALSE);
          d.org = add_string (&b->strings, r->org, TRUE);
          d.region = add_string (&b->strings, r->region, TRUE);
          d.domain = add_string (&b->strings, r->domain, TRUE);
          d.ip = add_string (&b->strings, r->ip, TRUE);
          d.stored_group = b->stored_group[l][i];
          d.stored_index = b->stored_index[l][i];
          d.trl = (guint8) r->trl;
          for (int f = 0; f < TM_N_IFIELDS; f++)
            d.length[f] = b->lengths[l][i][f];
          d.norm = (float) b->norms[l][i];
          _tm_index_doc_encode (&d, b->doc_tables[l].data + (gsize) i * TM_INDEX_DOC_SIZE);
        }
      if (!strings_check (&b->strings, error))
        return FALSE;
    }
  print_meta (meta, b->analyzer, &b->params, b->options);
  g_byte_array_append (b->meta, (const guint8 *) meta->str, (guint) meta->len + 1);
  build_progress (b, "document tables");
  return TRUE;
}

/* Once the document tables hold what the index keeps of the records,
 * the records themselves, their per-document arrays and the analyzer are
 * given back before the latent layer's factorization, the build's peak:
 * at 100,000 achievements they are most of what the build holds then. */
static void
build_drop_records (Build *b)
{
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    {
      g_clear_pointer (&b->collected.kept[l], g_array_unref);
      g_clear_pointer (&b->collected.spans[l], g_array_unref);
      g_clear_pointer (&b->lengths[l], g_free);
      g_clear_pointer (&b->stored_group[l], g_free);
      g_clear_pointer (&b->stored_index[l], g_free);
    }
  g_clear_pointer (&b->collected.strings, g_string_chunk_free);
  g_clear_pointer (&b->analyzer, tm_analyzer_free);
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
}

/* One section of the data region, and where its bytes are. */
typedef struct {
  TmIndexSectionKind kind;
  const guint8 *data;            /* NULL: the @len bytes of @fd, from 0 */
  guint64 len;
  guint32 count;                 /* entries, for tables */
  int fd;                        /* a temporary of the build, or -1 */
  const char *fd_name;           /* its name, for messages */
} Part;

/* The file as it will be written: the head (header, section table,
 * block table), then each part padded to 8 bytes. */
typedef struct {
  GArray *parts;                 /* Part, in file order */
  GByteArray *head;
  TmIndexHeader header;
} Layout;

static void
layout_add (Layout *lay, TmIndexSectionKind kind, const void *data, gsize len, guint32 count)
{
  Part p = { kind, data, len, count, -1, NULL };

  g_array_append_val (lay->parts, p);
}

/* A part that waits in a temporary file of the build. */
static void
layout_add_file (Layout *lay, TmIndexSectionKind kind, int fd, const char *name, guint64 len, guint32 count)
{
  Part p = { kind, NULL, len, count, fd, name };

  g_array_append_val (lay->parts, p);
}

/* Hands @p's bytes to @fn in order: at once from memory, or read back
 * from its file a piece at a time. */
typedef gboolean (*PartFunc) (const guint8 *data, gsize len, gpointer user_data, GError **error);

#define PART_PIECE (1 << 20)

static gboolean
part_each (const Part *p, PartFunc fn, gpointer user_data, GError **error)
{
  g_autofree guint8 *piece = NULL;

  if (p->data != NULL || p->len == 0)
    return fn (p->data, p->len, user_data, error);
  piece = g_malloc (PART_PIECE);
  for (guint64 at = 0; at < p->len; at += PART_PIECE)
    {
      gsize n = (gsize) MIN (p->len - at, PART_PIECE);

      if (!read_at (p->fd, p->fd_name, piece, n, at, error) || !fn (piece, n, user_data, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  BlockCrc *running;
  GArray *crcs;
} CrcPass;

static gboolean
crc_piece (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  CrcPass *c = user_data;

  block_crc_feed (c->running, c->crcs, data, len);
  return TRUE;
}

typedef struct {
  int fd;
  const char *path;
} WritePass;

static gboolean
write_piece (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  WritePass *w = user_data;

  return write_all (w->fd, data, len, w->path, error);
}

/* Phase 5b: the sections in file order, their checksums, the head.
 * FALSE with @error when a temporary cannot be read back. */
static gboolean
build_layout (Build *b, Layout *lay, GError **error)
{
  static const guint8 zeros[8] = { 0 };
  guint64 end = b->stored.len;
  g_autoptr(GArray) crcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) table = g_array_new (FALSE, TRUE, sizeof (TmIndexSection));
  BlockCrc running = { 0, 0 };
  guint64 data_len = 0, n_blocks, blocks_offset, data_offset;
  TmIndexSection blocks;

  g_array_append_val (b->stored_offsets, end);
  /* Every multi-byte field little-endian (tm-index-format.h): the term
   * table encoded, the offset arrays turned in place. */
  _tm_buf_set_size (&b->terms_part, (gsize) b->n_terms * TM_INDEX_TERM_SIZE);
  for (guint32 t = 0; t < b->n_terms; t++)
    _tm_index_term_encode (&b->term_table[t], b->terms_part.data + (gsize) t * TM_INDEX_TERM_SIZE);
  for (guint i = 0; i < b->stored_offsets->len; i++)
    _tm_put_le64 (&g_array_index (b->stored_offsets, guint64, i), g_array_index (b->stored_offsets, guint64, i));
  for (guint i = 0; i < b->forward_offsets->len; i++)
    _tm_put_le64 (&g_array_index (b->forward_offsets, guint64, i), g_array_index (b->forward_offsets, guint64, i));

  lay->parts = g_array_new (FALSE, FALSE, sizeof (Part));
  layout_add (lay, TM_SECTION_STRINGS, b->strings.bytes->data, b->strings.bytes->len, 0);
  layout_add (lay, TM_SECTION_TERMS, b->terms_part.data, b->terms_part.len, b->n_terms);
  layout_add_file (lay, TM_SECTION_POSTINGS, b->postings_aside.fd, b->postings_aside.name, b->postings_aside.len, 0);
  layout_add (lay, TM_SECTION_DOCS_DEMAND, b->doc_tables[TM_LIBRARY_DEMAND].data,
              b->doc_tables[TM_LIBRARY_DEMAND].len, b->stats->records[TM_LIBRARY_DEMAND]);
  layout_add (lay, TM_SECTION_DOCS_ACHIEVEMENT, b->doc_tables[TM_LIBRARY_ACHIEVEMENT].data,
              b->doc_tables[TM_LIBRARY_ACHIEVEMENT].len, b->stats->records[TM_LIBRARY_ACHIEVEMENT]);
  layout_add (lay, TM_SECTION_META, b->meta->data, b->meta->len, 0);
  layout_add_file (lay, TM_SECTION_STORED, b->stored.fd, b->stored.name, b->stored.len, 0);
  layout_add (lay, TM_SECTION_STORED_INDEX, b->stored_offsets->data,
              (gsize) b->stored_offsets->len * 8, b->stored_offsets->len);
  layout_add_file (lay, TM_SECTION_FORWARD, b->forward_aside.fd, b->forward_aside.name, b->forward_aside.len, 0);
  layout_add (lay, TM_SECTION_FORWARD_INDEX, b->forward_offsets->data,
              (gsize) b->forward_offsets->len * 8, b->forward_offsets->len);
  layout_add (lay, TM_SECTION_SKIPS, b->skips.data, b->skips.len,
              (guint32) (b->skips.len / TM_INDEX_SKIP_SIZE));
  layout_add (lay, TM_SECTION_GLOBAL, b->global.data, b->global.len,
              b->global_stats != NULL ? b->n_terms : 0);
  layout_add (lay, TM_SECTION_LATENT, b->latent.data, b->latent.len, 0);
  layout_add (lay, TM_SECTION_LATENT_TERMS, b->latent_terms.data, b->latent_terms.len,
              b->latent.len >= 8 ? _tm_le32 (b->latent.data + 4) : 0);

  /* The data region is the parts one after the other, each padded to 8
   * bytes; it is checksummed here and written from the parts in place. */
  for (guint i = 0; i < lay->parts->len; i++)
    {
      const Part *p = &g_array_index (lay->parts, Part, i);
      TmIndexSection s = { p->kind, p->count, data_len /* relative for now */, p->len };

      g_array_append_val (table, s);
      if (!part_each (p, crc_piece, &(CrcPass) { &running, crcs }, error))
        return FALSE;
      block_crc_feed (&running, crcs, zeros, pad_of (p->len));
      data_len += p->len + pad_of (p->len);
    }
  if (running.fill > 0)
    g_array_append_val (crcs, running.crc);

  n_blocks = (data_len + TM_INDEX_BLOCK_SIZE - 1) / TM_INDEX_BLOCK_SIZE;
  g_assert (crcs->len == n_blocks);
  g_assert (table->len + 1 == TM_INDEX_N_SECTIONS);
  blocks_offset = TM_INDEX_HEADER_SIZE + TM_INDEX_N_SECTIONS * TM_INDEX_SECTION_SIZE;
  blocks_offset = (blocks_offset + 7) & ~(guint64) 7;
  data_offset = blocks_offset + ((n_blocks * 4 + 7) & ~(guint64) 7);
  for (guint i = 0; i < table->len; i++)
    g_array_index (table, TmIndexSection, i).offset += data_offset;
  blocks.kind = TM_SECTION_BLOCKS;
  blocks.count = (guint32) n_blocks;
  blocks.offset = blocks_offset;
  blocks.size = n_blocks * 4;
  g_array_append_val (table, blocks);

  memset (&lay->header, 0, sizeof lay->header);
  memcpy (lay->header.magic, TM_INDEX_MAGIC, sizeof lay->header.magic);
  lay->header.version = TM_INDEX_VERSION;
  lay->header.file_size = data_offset + data_len;
  lay->header.build_time = g_get_real_time () / G_USEC_PER_SEC;
  lay->header.build_seconds = (g_get_monotonic_time () - b->t0) / 1e6;
  lay->header.data_offset = data_offset;
  lay->header.n_sections = table->len;

  lay->head = g_byte_array_sized_new ((guint) data_offset);
  g_byte_array_set_size (lay->head, (guint) data_offset);
  memset (lay->head->data, 0, lay->head->len);
  for (guint64 i = 0; i < n_blocks; i++)
    _tm_put_le32 (lay->head->data + blocks_offset + 4 * i, g_array_index (crcs, guint32, i));
  for (guint i = 0; i < table->len; i++)
    _tm_index_section_encode (&g_array_index (table, TmIndexSection, i),
                              lay->head->data + TM_INDEX_HEADER_SIZE + i * TM_INDEX_SECTION_SIZE);
  _tm_index_header_encode (&lay->header, lay->head->data);
  lay->header.header_crc = (guint32) libdeflate_crc32 (0, lay->head->data, lay->head->len);
  _tm_index_header_encode (&lay->header, lay->head->data);
  return TRUE;
}

static void
layout_clear (Layout *lay)
{
  g_clear_pointer (&lay->parts, g_array_unref);
  g_clear_pointer (&lay->head, g_byte_array_unref);
}

/* Phase 6: the file written to PATH.tmp.PID, fsync'd, renamed over
 * @path, and the rename made durable. */
static gboolean
build_write (const Layout *lay, const char *path, GError **error)
{
  static const guint8 zeros[8] = { 0 };
  g_autofree char *tmp = g_strdup_printf ("%s.tmp.%d", path, (int) getpid ());
  g_autofree char *dir = g_path_get_dirname (path);
  int fd, dfd;

  struct stat old;

  /* A new index is created as any new file is (0666 less the umask); a
   * rebuilt one keeps the mode and, where allowed, the owner and group of
   * the file it replaces. */
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", tmp, g_strerror (saved));
      return FALSE;
    }
  if (stat (path, &old) == 0 && S_ISREG (old.st_mode))
    {
      /* Not ours to give away: keep at least the group if we may. */
      if (fchown (fd, old.st_uid, old.st_gid) != 0 && fchown (fd, (uid_t) -1, old.st_gid) != 0)
        {
        }
      if (fchmod (fd, old.st_mode & 0777) != 0)
        {
          int saved = errno;
          g_set_error (error, TM_ERROR, TM_ERROR_IO, "%s: %s", tmp, g_strerror (saved));
          goto fail;
        }
    }
  if (!write_all (fd, lay->head->data, lay->head->len, tmp, error))
    goto fail;
  for (guint i = 0; i < lay->parts->len; i++)
    {
      const Part *p = &g_array_index (lay->parts, Part, i);

      if (!part_each (p, write_piece, &(WritePass) { fd, tmp }, error)
          || !write_all (fd, zeros, pad_of (p->len), tmp, error))
        goto fail;
    }
  if (fsync (fd) != 0)
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"), tmp, g_strerror (saved));
      goto fail;
    }
  if (close (fd) != 0)
    {
      int saved = errno;
      fd = -1;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"), tmp, g_strerror (saved));
      goto fail;
    }
  fd = -1;
  if (rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("renaming %s to %s: %s"), tmp, path, g_strerror (saved));
      goto fail;
    }
  /* The rename itself must reach the disk.  A file system that cannot
   * sync a folder says EINVAL: nothing more can be done there. */
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || (fsync (dfd) != 0 && errno != EINVAL))
    {
      int saved = errno;
      if (dfd >= 0)
        close (dfd);
      g_set_error (error, TM_ERROR, TM_ERROR_IO,
                   _("%s: the index was renamed into place, but syncing the folder %s failed: %s"),
                   path, dir, g_strerror (saved));
      return FALSE;
    }
  close (dfd);
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  return FALSE;
}

gboolean
tm_index_build (const char * const *corpus_paths, const char *path,
                const TmIndexBuildOptions *options, TmIndexBuildStats *stats,
                GError **error)
{
  Build b;
  Layout lay = { NULL, NULL, { { 0 } } };
  g_autofree char *resolved = NULL;
  int lock_fd = -1;
  gboolean ok = FALSE;

  build_init (&b, options, stats);
#ifdef M_MMAP_THRESHOLD
  /* Buffers from 32 KB up (the postings of a term as a slice or the
   * join grows them, the readers' and the deflater's) in mappings of
   * their own: freed, they go back to the system at once.  In the heap
   * they left holes between the small allocations that last the whole
   * build, which no trim could give back: at 100,000 achievements, the
   * peak was 229 MB with glibc's threshold (which rises to the largest
   * buffer freed, up to 32 MB) and is 201 MB with this one. */
  mallopt (M_MMAP_THRESHOLD, 32 * 1024);
#endif
  resolved = resolve_index_path (path, error);
  if (resolved == NULL)
    goto out;
  path = resolved;
  lock_fd = take_lock (path, error);
  if (lock_fd < 0)
    goto out;
  remove_stale_temporaries (path);
  b.path = path;

  if (!build_collect (&b, corpus_paths, error))
    goto out;
  b.analyzer = tm_analyzer_new (&options->analyzer, error);
  if (b.analyzer == NULL || !build_check_global (&b, error))
    goto out;
  for (int l = 0; l < TM_N_LIBRARIES; l++)
    if (!build_analyze (&b, (TmLibrary) l, error))
      goto out;
  build_progress (&b, "analyzed");
#ifdef HAVE_MALLOC_TRIM
  /* Give the records' text and the slices' tables back before the
   * postings, norms and forward lists are laid out: the build's peak. */
  malloc_trim (0);
#endif
  if (!build_dictionary (&b, error) || !build_global (&b, error))
    goto out;
  if (!build_norms (&b, error) || !build_doc_tables (&b, error))
    goto out;
  build_drop_records (&b);
  if (!build_latent (&b, error))
    goto out;
  if (!build_layout (&b, &lay, error))
    goto out;
  if (!build_write (&lay, path, error))
    goto out;
  stats->file_size = lay.header.file_size;
  stats->seconds = (g_get_monotonic_time () - b.t0) / 1e6;
  ok = TRUE;

out:
  layout_clear (&lay);
  if (lock_fd >= 0)
    close (lock_fd);
  build_clear (&b);
  return ok;
}
