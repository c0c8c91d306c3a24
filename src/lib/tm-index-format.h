/* tm-index-format.h — the index file's structures, shared by the writer
 * (tm-index-build.c, where the layout is specified in full) and the
 * reader (tm-index.c).
 *
 * The file is little-endian by definition, whatever the machine that
 * wrote it: every multi-byte field is written with the _tm_put_le*()
 * helpers below and read back with _tm_le*(), field by field at the
 * offsets given here, so an index built on one machine is read on any
 * other.  The structures are the decoded, in-memory form; their on-disk
 * size is the TM_INDEX_*_SIZE next to them.  Every section starts at a
 * multiple of 8. */
#pragma once

#include <glib.h>
#include <string.h>

#define TM_INDEX_MAGIC "TMINDEX\n"
/* 1: host byte order, no score bounds.  2: little-endian, per-term and
 * per-block score bounds (the SKIPS section).  3: the GLOBAL section
 * (the collection statistics of a partition's whole corpus).  4: the
 * latent layer (LATENT and LATENT_TERMS). */
#define TM_INDEX_VERSION 4
/* Checksummed blocks: small enough that a query verifies only what it
 * reads, large enough that the table of checksums stays small. */
#define TM_INDEX_BLOCK_SIZE 65536

typedef enum {
  TM_SECTION_STRINGS = 1,   /* NUL-terminated strings, referenced by offset */
  TM_SECTION_TERMS,         /* TmIndexTerm[count], sorted by term bytes */
  TM_SECTION_POSTINGS,      /* encoded postings */
  TM_SECTION_DOCS_DEMAND,   /* TmIndexDoc[count], sorted by id */
  TM_SECTION_DOCS_ACHIEVEMENT,
  TM_SECTION_META,          /* key=value lines (one string) */
  TM_SECTION_BLOCKS,        /* le32 CRC-32 of each block after the table */
  TM_SECTION_STORED,        /* stored records, deflated in groups */
  TM_SECTION_STORED_INDEX,  /* le64 offset of each group in STORED, and the end */
  TM_SECTION_FORWARD,       /* each document's terms, encoded like postings */
  TM_SECTION_FORWARD_INDEX, /* le64 offset of each document's terms, and the end */
  TM_SECTION_SKIPS,         /* TmIndexSkip[count]: the postings' blocks */
  TM_SECTION_GLOBAL,        /* a partition's global statistics, or empty */
  TM_SECTION_LATENT,        /* the latent layer's head and document vectors */
  TM_SECTION_LATENT_TERMS,  /* the latent layer's term projections */
} TmIndexSectionKind;

/* The highest kind this version knows; every kind up to it is present
 * once, and the section table is looked up by kind, never by position. */
#define TM_SECTION_LAST TM_SECTION_LATENT_TERMS
#define TM_INDEX_N_SECTIONS TM_SECTION_LAST

/* Records deflated together: enough for deflate to find the repeats of
 * technical Chinese, few enough that reading one record stays cheap. */
#define TM_STORED_GROUP 32

/* Postings per block of a posting list.  A list longer than one block has
 * one TmIndexSkip per block: where the block ends and the largest weight
 * in it, so that a pruned query jumps over blocks that cannot matter. */
#define TM_POSTING_BLOCK 128

/* ---- little-endian fields ---- */

static inline guint32
_tm_le32 (const void *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static inline guint64
_tm_le64 (const void *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

/* IEEE 754 single and double precision, as their little-endian bits. */
static inline float
_tm_lef32 (const void *p)
{
  guint32 bits = _tm_le32 (p);
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

static inline double
_tm_lef64 (const void *p)
{
  guint64 bits = _tm_le64 (p);
  double d;

  memcpy (&d, &bits, sizeof d);
  return d;
}

static inline void
_tm_put_le32 (void *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline void
_tm_put_le64 (void *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline void
_tm_put_lef32 (void *p, float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  _tm_put_le32 (p, bits);
}

static inline void
_tm_put_lef64 (void *p, double d)
{
  guint64 bits;

  memcpy (&bits, &d, sizeof bits);
  _tm_put_le64 (p, bits);
}

G_STATIC_ASSERT (sizeof (float) == 4 && sizeof (double) == 8);

/* ---- the header: offset 0 ---- */

typedef struct {
  char magic[8];            /*  0 */
  guint32 version;          /*  8 */
  guint32 header_crc;       /* 12: CRC-32 of the header (this field as 0),
                             *     the section table and the block table */
  guint64 file_size;        /* 16 */
  gint64 build_time;        /* 24: Unix seconds */
  double build_seconds;     /* 32 */
  guint64 data_offset;      /* 40: where the checksummed blocks start */
  guint32 n_sections;       /* 48 */
  guint32 reserved;         /* 52 */
} TmIndexHeader;

#define TM_INDEX_HEADER_SIZE 56

static inline void
_tm_index_header_encode (const TmIndexHeader *h, guint8 *p)
{
  memcpy (p, h->magic, 8);
  _tm_put_le32 (p + 8, h->version);
  _tm_put_le32 (p + 12, h->header_crc);
  _tm_put_le64 (p + 16, h->file_size);
  _tm_put_le64 (p + 24, (guint64) h->build_time);
  _tm_put_lef64 (p + 32, h->build_seconds);
  _tm_put_le64 (p + 40, h->data_offset);
  _tm_put_le32 (p + 48, h->n_sections);
  _tm_put_le32 (p + 52, h->reserved);
}

static inline void
_tm_index_header_decode (const guint8 *p, TmIndexHeader *h)
{
  memcpy (h->magic, p, 8);
  h->version = _tm_le32 (p + 8);
  h->header_crc = _tm_le32 (p + 12);
  h->file_size = _tm_le64 (p + 16);
  h->build_time = (gint64) _tm_le64 (p + 24);
  h->build_seconds = _tm_lef64 (p + 32);
  h->data_offset = _tm_le64 (p + 40);
  h->n_sections = _tm_le32 (p + 48);
  h->reserved = _tm_le32 (p + 52);
}

/* ---- the section table: offset 56 ---- */

typedef struct {
  guint32 kind;             /*  0 */
  guint32 count;            /*  4: entries, for tables */
  guint64 offset;           /*  8 */
  guint64 size;             /* 16 */
} TmIndexSection;

#define TM_INDEX_SECTION_SIZE 24

static inline void
_tm_index_section_encode (const TmIndexSection *s, guint8 *p)
{
  _tm_put_le32 (p, s->kind);
  _tm_put_le32 (p + 4, s->count);
  _tm_put_le64 (p + 8, s->offset);
  _tm_put_le64 (p + 16, s->size);
}

static inline void
_tm_index_section_decode (const guint8 *p, TmIndexSection *s)
{
  s->kind = _tm_le32 (p);
  s->count = _tm_le32 (p + 4);
  s->offset = _tm_le64 (p + 8);
  s->size = _tm_le64 (p + 16);
}

/* ---- a term of the dictionary ---- */

typedef struct {
  guint32 text;             /*  0: string offset */
  guint32 df[2];            /*  4: per library (TmLibrary) */
  guint32 postings_len[2];  /* 12: bytes; at most TM_MAX_RECORDS_PER_LIBRARY
                             *     × TM_POSTING_MAX, well below 4 GiB */
  float max_weight[2];      /* 20: the largest (1 + ln tf') / norm of the
                             *     term's documents, rounded up: a bound of
                             *     its share of any cosine (tm-match.c) */
  guint32 reserved;         /* 28 */
  guint64 postings[2];      /* 32: offsets in the postings section */
  guint64 skips[2];         /* 48: first TmIndexSkip of the list in SKIPS */
} TmIndexTerm;

#define TM_INDEX_TERM_SIZE 64

static inline void
_tm_index_term_encode (const TmIndexTerm *e, guint8 *p)
{
  _tm_put_le32 (p, e->text);
  for (int l = 0; l < 2; l++)
    {
      _tm_put_le32 (p + 4 + 4 * l, e->df[l]);
      _tm_put_le32 (p + 12 + 4 * l, e->postings_len[l]);
      _tm_put_lef32 (p + 20 + 4 * l, e->max_weight[l]);
      _tm_put_le64 (p + 32 + 8 * l, e->postings[l]);
      _tm_put_le64 (p + 48 + 8 * l, e->skips[l]);
    }
  _tm_put_le32 (p + 28, e->reserved);
}

static inline void
_tm_index_term_decode (const guint8 *p, TmIndexTerm *e)
{
  e->text = _tm_le32 (p);
  for (int l = 0; l < 2; l++)
    {
      e->df[l] = _tm_le32 (p + 4 + 4 * l);
      e->postings_len[l] = _tm_le32 (p + 12 + 4 * l);
      e->max_weight[l] = _tm_lef32 (p + 20 + 4 * l);
      e->postings[l] = _tm_le64 (p + 32 + 8 * l);
      e->skips[l] = _tm_le64 (p + 48 + 8 * l);
    }
  e->reserved = _tm_le32 (p + 28);
}

/* The blocks of a list of @df postings that have a TmIndexSkip: none for
 * a list of one block. */
static inline guint32
_tm_index_n_skips (guint32 df)
{
  return df > TM_POSTING_BLOCK ? (df + TM_POSTING_BLOCK - 1) / TM_POSTING_BLOCK : 0;
}

/* ---- a block of a posting list ---- */

typedef struct {
  guint32 last_doc;         /* 0: the block's last document */
  guint32 end;              /* 4: where the block ends, in bytes from the
                             *    start of the list */
  float max_weight;         /* 8: as TmIndexTerm's, over the block */
} TmIndexSkip;

#define TM_INDEX_SKIP_SIZE 12

static inline void
_tm_index_skip_encode (const TmIndexSkip *s, guint8 *p)
{
  _tm_put_le32 (p, s->last_doc);
  _tm_put_le32 (p + 4, s->end);
  _tm_put_lef32 (p + 8, s->max_weight);
}

static inline void
_tm_index_skip_decode (const guint8 *p, TmIndexSkip *s)
{
  s->last_doc = _tm_le32 (p);
  s->end = _tm_le32 (p + 4);
  s->max_weight = _tm_lef32 (p + 8);
}

/* ---- the global statistics of a partition ---- */

/* Empty (count 0) in an index built without --global-stats.  Otherwise
 * count is the number of terms and the section holds:
 *   0   le64 documents per library (demand, achievement)
 *   16  le64 terms per library and field (title, keywords, body), summed
 *   64  le32 df[count][2]: each term's document frequency per library
 *       in the whole corpus (at least the partition's own) */
#define TM_INDEX_GLOBAL_HEAD 64
#define TM_INDEX_GLOBAL_ENTRY 8

/* ---- the latent layer ---- */

/* LATENT: a head of TM_INDEX_LATENT_HEAD bytes,
 *   0   le32 rank k (0: the index has no latent layer, and the head is
 *       all the section holds)
 *   4   le32 latent terms (LATENT_TERMS' count)
 *   8   le32 documents per library (demand, achievement), as DOCS_*
 *   16  le64 the seed of the random sketch
 *   24  le32 oversampling, le32 power passes
 *   32  lef64 the largest singular value
 *   40  reserved (zeros) to 64
 * then lef64 sigma[k], the singular values, decreasing,
 * then gint8 vectors[n_demand + n_achievement][k], demands first, each
 * document's unit-length latent vector quantized, then zeros to a
 * multiple of 8, then lef32 scales[n_demand + n_achievement]: entry i
 * times its scale is the vector.
 *
 * LATENT_TERMS: count entries of TM_INDEX_LATENT_TERM_HEAD + k bytes, in
 * increasing term number: le32 term number, lef32 scale, gint8[k] its
 * projection (the row of V: a query's vector is the sum of its terms'
 * projections, each times the term's query weight). */
#define TM_INDEX_LATENT_HEAD 64
#define TM_INDEX_LATENT_TERM_HEAD 8

static inline gsize
_tm_index_latent_vectors_offset (guint32 k)
{
  return TM_INDEX_LATENT_HEAD + (gsize) k * 8;
}

static inline gsize
_tm_index_latent_scales_offset (guint32 n_docs, guint32 k)
{
  gsize end = _tm_index_latent_vectors_offset (k) + (gsize) n_docs * k;

  return (end + 7) & ~(gsize) 7;
}

/* ---- a document ---- */

typedef struct {
  guint32 id, title, org, region, domain, ip; /*  0: string offsets */
  guint32 length[3];        /* 24: terms per field: title, keywords, body */
  guint32 stored_group;     /* 36: its group in STORED */
  guint8 trl;               /* 40 */
  guint8 stored_index;      /* 41: its place in the group */
  guint8 reserved[2];       /* 42 */
  float norm;               /* 44: TF-IDF norm for the weights in META */
} TmIndexDoc;

#define TM_INDEX_DOC_SIZE 48

static inline void
_tm_index_doc_encode (const TmIndexDoc *d, guint8 *p)
{
  const guint32 strings[6] = { d->id, d->title, d->org, d->region, d->domain, d->ip };

  for (int i = 0; i < 6; i++)
    _tm_put_le32 (p + 4 * i, strings[i]);
  for (int f = 0; f < 3; f++)
    _tm_put_le32 (p + 24 + 4 * f, d->length[f]);
  _tm_put_le32 (p + 36, d->stored_group);
  p[40] = d->trl;
  p[41] = d->stored_index;
  p[42] = d->reserved[0];
  p[43] = d->reserved[1];
  _tm_put_lef32 (p + 44, d->norm);
}

static inline void
_tm_index_doc_decode (const guint8 *p, TmIndexDoc *d)
{
  d->id = _tm_le32 (p);
  d->title = _tm_le32 (p + 4);
  d->org = _tm_le32 (p + 8);
  d->region = _tm_le32 (p + 12);
  d->domain = _tm_le32 (p + 16);
  d->ip = _tm_le32 (p + 20);
  for (int f = 0; f < 3; f++)
    d->length[f] = _tm_le32 (p + 24 + 4 * f);
  d->stored_group = _tm_le32 (p + 36);
  d->trl = p[40];
  d->stored_index = p[41];
  d->reserved[0] = p[42];
  d->reserved[1] = p[43];
  d->norm = _tm_lef32 (p + 44);
}
