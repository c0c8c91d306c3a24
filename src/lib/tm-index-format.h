/* tm-index-format.h — the index file's structures, shared by the writer
 * (tm-index-build.c, where the layout is specified in full) and the
 * reader (tm-index.c).  Host byte order and alignment; every section
 * starts at a multiple of 8. */
#pragma once

#include <glib.h>

#define TM_INDEX_MAGIC "TMINDEX\n"
#define TM_INDEX_VERSION 1
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
  TM_SECTION_BLOCKS,        /* guint32 CRC-32 of each block after the table */
  TM_SECTION_STORED,        /* stored records, deflated in groups */
  TM_SECTION_STORED_INDEX,  /* guint64 offset of each group in STORED, and the end */
  TM_SECTION_FORWARD,       /* each document's terms, encoded like postings */
  TM_SECTION_FORWARD_INDEX, /* guint64 offset of each document's terms, and the end */
} TmIndexSectionKind;

/* The highest kind this version knows; every kind up to it is present
 * once, and the section table is looked up by kind, never by position. */
#define TM_SECTION_LAST TM_SECTION_FORWARD_INDEX
#define TM_INDEX_N_SECTIONS TM_SECTION_LAST

/* Records deflated together: enough for deflate to find the repeats of
 * technical Chinese, few enough that reading one record stays cheap. */
#define TM_STORED_GROUP 32

typedef struct {
  char magic[8];
  guint32 version;
  guint32 header_crc;       /* CRC-32 of the header (this field as 0), the
                             * section table and the block table */
  guint64 file_size;
  gint64 build_time;        /* Unix seconds */
  double build_seconds;
  guint64 data_offset;      /* where the checksummed blocks start */
  guint32 n_sections;
  guint32 reserved;
} TmIndexHeader;

typedef struct {
  guint32 kind;
  guint32 count;            /* entries, for tables */
  guint64 offset;
  guint64 size;
} TmIndexSection;

typedef struct {
  guint32 text;             /* string offset */
  guint32 df[2];            /* per library (TmLibrary) */
  guint32 postings_len[2];
  guint32 reserved;
  guint64 postings[2];      /* offsets in the postings section */
} TmIndexTerm;

typedef struct {
  guint32 id, title, org, region, domain, ip; /* string offsets */
  guint32 length[3];        /* terms per field: title, keywords, body */
  guint32 stored_group;     /* its group in STORED */
  guint8 trl;
  guint8 stored_index;      /* its place in the group */
  guint8 reserved[2];
  float norm;               /* TF-IDF norm for the weights in META */
} TmIndexDoc;

G_STATIC_ASSERT (sizeof (TmIndexHeader) == 56);
G_STATIC_ASSERT (sizeof (TmIndexSection) == 24);
G_STATIC_ASSERT (sizeof (TmIndexTerm) == 40);
G_STATIC_ASSERT (sizeof (TmIndexDoc) == 48);
