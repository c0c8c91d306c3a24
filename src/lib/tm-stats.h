/* tm-stats.h — collection statistics, and the hash partitions of a
 * corpus.
 *
 * Scores depend on the whole target library: TF-IDF's idf (N and each
 * term's document frequency) and the norms made with it, BM25's idf and
 * average field lengths.  An index of one partition of the corpus
 * (techmatch index --partition K/N) sees only its share; built with the
 * statistics of all partitions summed (--global-stats), it scores
 * exactly as the index of the whole corpus does, to the last bit, so
 * the top K of each partition merge into the top K of the whole (the
 * problem Elasticsearch's dfs_query_then_fetch solves at query time).
 *
 * The statistics are integers only (counts and summed lengths), so a sum
 * over partitions equals the statistics of the whole corpus exactly,
 * whatever the order of the sum.
 *
 * THE FILE FORMAT (techmatch stats --export-df; techmatch-partitions(7)):
 * UTF-8 text, lines ending in "\n", fields separated by one tab:
 *
 *   techmatch-df<TAB>1
 *   analyzer<TAB>HEX          SHA-256 of the analyzer settings, word lists
 *                             and field weights the index was built with
 *   partitions<TAB>N<TAB>K,K,...   the partition count and which of the N
 *                             partitions (1-based, increasing) are summed
 *   docs<TAB>DEMANDS<TAB>ACHIEVEMENTS
 *   lengths<TAB>demand<TAB>TITLE<TAB>KEYWORDS<TAB>BODY     terms, summed
 *   lengths<TAB>achievement<TAB>TITLE<TAB>KEYWORDS<TAB>BODY
 *   terms<TAB>COUNT
 *   TERM<TAB>DF_DEMAND<TAB>DF_ACHIEVEMENT   COUNT lines, the terms in
 *                             increasing byte order, each in at least one
 *                             library; \\ \t \n \r and other bytes below
 *                             0x20 escaped as \\\\ \\t \\n \\r \\xHH
 *   end<TAB>HEX               SHA-256 of every byte before this line
 *
 * Anything else (a missing or extra field, a number with a sign or
 * leading zeros, terms out of order, a wrong checksum, bytes after the
 * end line) is refused with the file and line.
 */
#pragma once

#include <glib.h>

#include "tm-index.h"
#include "tm-record.h"

G_BEGIN_DECLS

#define TM_STATS_MAGIC "techmatch-df"
#define TM_STATS_VERSION 1

/* At most this many partitions: enough for a national corpus on any
 * cluster, few enough that a statistics file lists them on one line. */
#define TM_MAX_PARTITIONS 100000

/* Which partition (1..@n) the record @id belongs to: FNV-1a (64-bit) of
 * the id's UTF-8 bytes, modulo @n, plus 1.  Stable across machines and
 * versions, and independent of batch --shard's hash (32-bit), so that
 * shards of a partitioned run stay balanced. */
guint tm_partition_of (const char *id, guint n);

typedef struct {
  char *text;
  guint32 df[TM_N_LIBRARIES];
} TmStatsTerm;

typedef struct _TmCollectionStats {
  char *analyzer;                    /* the fingerprint, hex */
  guint n_partitions;
  GArray *partitions;                /* guint, 1-based, increasing */
  guint64 n_docs[TM_N_LIBRARIES];
  guint64 lengths[TM_N_LIBRARIES][TM_N_IFIELDS];
  GArray *terms;                     /* TmStatsTerm, in strcmp() order */
  char *checksum;                    /* SHA-256 hex of the file (set by load and write) */
  char *path;                        /* the file it was loaded from, or NULL */
} TmCollectionStats;

TmCollectionStats *tm_collection_stats_new (void);
void               tm_collection_stats_free (TmCollectionStats *stats);

/* The statistics of @index's own documents (not the global ones it may
 * have been built with).  transfer full. */
TmCollectionStats *tm_collection_stats_from_index (const TmIndex *index, GError **error);

/* Adds @other (named @name in messages) into @sum: the same analyzer
 * and partition count, no partition in both.  TM_ERROR_INVALID
 * otherwise; TM_ERROR_LIMIT when a count would pass 32 bits. */
gboolean tm_collection_stats_add (TmCollectionStats *sum, const TmCollectionStats *other,
                                  const char *name, GError **error);

/* The file's text (see the top), and its checksum in @stats->checksum.
 * transfer full */
GString *tm_collection_stats_format (TmCollectionStats *stats);

/* Reads and checks a statistics file.  Errors: TM_ERROR_IO,
 * TM_ERROR_PARSE naming the file and line, TM_ERROR_LIMIT.  transfer
 * full. */
TmCollectionStats *tm_collection_stats_load (const char *path, GError **error);

/* The fingerprint of the analyzer settings in an index's metadata
 * (key=value lines): mode, switches, word lists and weights.  transfer
 * full */
char *_tm_stats_fingerprint (const char *meta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmCollectionStats, tm_collection_stats_free)

G_END_DECLS
