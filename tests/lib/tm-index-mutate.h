/* tm-index-mutate.h — damaging an index file the way a bad disk, a buggy
 * writer or a hostile file would, and then making its checksums right
 * again, so that what is tested is the reader's structural checks and
 * not its CRCs.  Used by the unit tests, the index fuzzer and the
 * tm-mutate tool of the command-line tests.
 *
 * A new section kind needs nothing here: sections are found by kind
 * (a number, or a name from section_names below).
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <libdeflate.h>

#include "tm-index-format.h"

static const char *const tm_mutate_section_names[] = {
  [TM_SECTION_STRINGS] = "strings",
  [TM_SECTION_TERMS] = "terms",
  [TM_SECTION_POSTINGS] = "postings",
  [TM_SECTION_DOCS_DEMAND] = "docs-demand",
  [TM_SECTION_DOCS_ACHIEVEMENT] = "docs-achievement",
  [TM_SECTION_META] = "meta",
  [TM_SECTION_BLOCKS] = "blocks",
  [TM_SECTION_STORED] = "stored",
  [TM_SECTION_STORED_INDEX] = "stored-index",
  [TM_SECTION_FORWARD] = "forward",
  [TM_SECTION_FORWARD_INDEX] = "forward-index",
  [TM_SECTION_SKIPS] = "skips",
  [TM_SECTION_GLOBAL] = "global",
  [TM_SECTION_LATENT] = "latent",
  [TM_SECTION_LATENT_TERMS] = "latent-terms",
};

/* The kind named @name ("postings", "docs-demand" ...) or written as a
 * number; 0 when neither. */
static inline guint32
tm_mutate_kind_from_name (const char *name)
{
  char *end;
  guint64 n;

  for (guint32 k = 1; k < G_N_ELEMENTS (tm_mutate_section_names); k++)
    if (tm_mutate_section_names[k] != NULL && strcmp (name, tm_mutate_section_names[k]) == 0)
      return k;
  n = g_ascii_strtoull (name, &end, 10);
  return *name != '\0' && *end == '\0' && n > 0 && n <= G_MAXUINT32 ? (guint32) n : 0;
}

/* The header of @data, decoded into @h, when it is one the helpers can
 * work on. */
static inline gboolean
tm_mutate_header (const guint8 *data, gsize len, TmIndexHeader *h)
{
  if (len < TM_INDEX_HEADER_SIZE)
    return FALSE;
  _tm_index_header_decode (data, h);
  if (h->n_sections == 0 || h->n_sections > 1024
      || h->data_offset > len
      || h->data_offset < TM_INDEX_HEADER_SIZE + (guint64) h->n_sections * TM_INDEX_SECTION_SIZE)
    return FALSE;
  return TRUE;
}

/* Where the section of kind @kind lies in the index image @data (@len
 * bytes): its file offset and size.  FALSE when the image has no such
 * section or it lies outside the image. */
static inline gboolean
tm_mutate_section (const guint8 *data, gsize len, guint32 kind, guint64 *offset, guint64 *size)
{
  TmIndexHeader h;

  if (!tm_mutate_header (data, len, &h))
    return FALSE;
  for (guint32 i = 0; i < h.n_sections; i++)
    {
      TmIndexSection s;

      _tm_index_section_decode (data + TM_INDEX_HEADER_SIZE + (gsize) i * TM_INDEX_SECTION_SIZE, &s);
      if (s.kind == kind)
        {
          if (s.offset > len || s.size > len - s.offset)
            return FALSE;
          *offset = s.offset;
          *size = s.size;
          return TRUE;
        }
    }
  return FALSE;
}

/* The encoded entry of term @text in the dictionary of @data, or NULL
 * (decode it with _tm_index_term_decode(), write it back with
 * _tm_index_term_encode()).  Points into @data. */
static inline guint8 *
tm_mutate_term (guint8 *data, gsize len, const char *text)
{
  guint64 terms, terms_size, strings, strings_size;

  if (!tm_mutate_section (data, len, TM_SECTION_TERMS, &terms, &terms_size)
      || !tm_mutate_section (data, len, TM_SECTION_STRINGS, &strings, &strings_size))
    return NULL;
  for (guint64 i = 0; i < terms_size / TM_INDEX_TERM_SIZE; i++)
    {
      guint8 *p = data + terms + i * TM_INDEX_TERM_SIZE;
      TmIndexTerm e;

      _tm_index_term_decode (p, &e);
      if (e.text < strings_size
          && strncmp ((const char *) data + strings + e.text, text, strings_size - e.text) == 0)
        return p;
    }
  return NULL;
}

/* The file offset and length of the postings of @text in @library
 * (0 demand, 1 achievement); FALSE when that library lacks the term. */
static inline gboolean
tm_mutate_term_postings (guint8 *data, gsize len, const char *text, guint library,
                         guint64 *offset, guint64 *size)
{
  const guint8 *p = tm_mutate_term (data, len, text);
  TmIndexTerm entry, *e = &entry;
  guint64 postings, postings_size;

  if (p != NULL)
    _tm_index_term_decode (p, &entry);
  if (p == NULL || library > 1 || e->df[library] == 0
      || !tm_mutate_section (data, len, TM_SECTION_POSTINGS, &postings, &postings_size)
      || e->postings[library] + e->postings_len[library] > postings_size)
    return FALSE;
  *offset = postings + e->postings[library];
  *size = e->postings_len[library];
  return TRUE;
}

/* Recomputes every block checksum and then the header checksum of the
 * index image @data, after a change anywhere past the header.  FALSE
 * when the header or the block table is too damaged for that. */
static inline gboolean
tm_mutate_rechecksum (guint8 *data, gsize len)
{
  TmIndexHeader h;
  guint64 blocks, blocks_size, n_blocks;

  if (!tm_mutate_header (data, len, &h)
      || !tm_mutate_section (data, len, TM_SECTION_BLOCKS, &blocks, &blocks_size))
    return FALSE;
  n_blocks = (len - h.data_offset + TM_INDEX_BLOCK_SIZE - 1) / TM_INDEX_BLOCK_SIZE;
  if (blocks_size < n_blocks * 4)
    return FALSE;
  for (guint64 b = 0; b < n_blocks; b++)
    {
      guint64 start = h.data_offset + b * TM_INDEX_BLOCK_SIZE;
      guint64 size = MIN ((guint64) TM_INDEX_BLOCK_SIZE, len - start);

      _tm_put_le32 (data + blocks + b * 4, (guint32) libdeflate_crc32 (0, data + start, size));
    }
  _tm_put_le32 (data + 12, 0);   /* header_crc */
  _tm_put_le32 (data + 12, (guint32) libdeflate_crc32 (0, data, h.data_offset));
  return TRUE;
}
