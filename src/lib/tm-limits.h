/* tm-limits.h — named limits, each with the reason for its value.
 *
 * Input beyond a limit is refused with TM_ERROR_LIMIT and a message that
 * names the limit; techmatch(1) lists them under LIMITS.
 */
#pragma once

/* The text of one record, all fields together.  Real abstracts and problem
 * statements are a few kilobytes; 1 MiB leaves room for pasted appendices
 * while bounding the memory and the scoring work one record can cost. */
#define TM_MAX_RECORD_BYTES (1u << 20)

/* A record id, in characters (also fixed by the schema, which counts
 * characters): long enough for any platform's numbering scheme, short
 * enough to print in a table column. */
#define TM_MAX_ID_CHARS 64

/* Records in one library.  Document numbers are 32-bit in the index; 2^24
 * (16.7 million) covers a national library (10^7) with room to spare. */
#define TM_MAX_RECORDS_PER_LIBRARY (1u << 24)

/* One term, in bytes.  The longest real technical tokens (alloy grades,
 * model numbers, chemical names) are a few dozen bytes; a longer "token"
 * is a pasted hash, a base64 blob or a run of one character, and would
 * only bloat the term dictionary.  Longer tokens are dropped. */
#define TM_MAX_TERM_BYTES 128

/* Folder nesting followed when a corpus argument is a directory; deeper
 * trees are almost always a symlink loop. */
#define TM_MAX_CORPUS_DEPTH 32

/* One word-list file (lexicon, synonyms, stopwords), which the index also
 * carries inside it.  Real lists hold thousands of lines (jieba's whole
 * dictionary is 5 MB); a larger "list" is a mistake, such as a device
 * or a corpus named in its place. */
#define TM_MAX_WORD_LIST_BYTES (32u << 20)

/* A decision's note, and the name of who took it.  A note is a line or a
 * paragraph from a phone call; 16 KiB holds a page of it while keeping a
 * pasted document out of the decisions database. */
#define TM_MAX_NOTE_BYTES (16u * 1024)

/* The index's string table (ids, titles, organisations, regions, domains,
 * IP types): the document table addresses it with 32-bit offsets.  About
 * 150 bytes a record, so 4 GiB is some 25 million records, beyond
 * TM_MAX_RECORDS_PER_LIBRARY; a corpus of huge titles reaches it first
 * and is refused. */
#define TM_MAX_STRINGS_BYTES (G_GUINT64_CONSTANT (0xFFFFFFFF) - (1u << 20))

/* Distinct terms in one index: term numbers are 32-bit (forward lists,
 * the dictionary's count).  A national corpus in words mode has a few
 * million; character bigrams of 10^7 records perhaps a hundred million. */
#define TM_MAX_TERMS (G_GUINT64_CONSTANT (0xFFFFFFFE))

/* Everything else in the file is addressed with 64-bit offsets and sizes
 * (postings, stored records, forward lists, sections), so the index itself
 * has no size limit of its own below the file system's.  One posting list
 * holds at most TM_MAX_RECORDS_PER_LIBRARY entries of TM_POSTING_MAX
 * (40) bytes, 640 MiB: its 32-bit length never wraps. */

/* Elements in one record, the record itself included.  A record has a
 * dozen fields and its keywords; RELAX NG validation time grows faster
 * than the number of elements, so a flood (500,000 <keyword>s) is
 * stopped while the file streams, before anything validates it. */
#define TM_MAX_RECORD_ELEMENTS 4096

/* Keywords of one record: real records list a handful, 256 is already a
 * pasted vocabulary. */
#define TM_MAX_KEYWORDS 256

/* Attributes on one element.  Corpus elements carry one or two (id,
 * updated, unit) plus namespace declarations; libxml2 checks attributes
 * for duplicates pairwise, so 64,000 of them took a minute. */
#define TM_MAX_ATTRIBUTES 64

/* One file to import (CSV, TSV, JSON Lines), read whole: a province's
 * library of 10^5 records exports to a few hundred megabytes at most. */
#define TM_MAX_IMPORT_FILE_BYTES (1u << 30)

/* One part of an XLSX workbook once unzipped (a sheet, its shared
 * strings): a sheet of 10^5 records is about 100 MB; the bound stops a
 * zip bomb from filling the memory. */
#define TM_MAX_XLSX_PART_BYTES (1u << 30)
