/* tm-dict-format.h — the compiled dictionary's layout, shared by the
 * build tool (src/gen/tm-mkdict.c) that writes it and tm-dict.c that
 * reads it.  Host byte order: it is built on the machine that uses it and
 * compiled into the program.
 *
 *   TmDictHeader                    32 bytes
 *   TmDictNode[n_nodes]             24 bytes each, breadth-first
 *   guint32 labels[n_nodes]         the code point of each node
 *   (padding to a multiple of 8 bytes)
 *
 * Node 0 is the root.  The children of a node are the n_children nodes
 * from first_child on, sorted by label (a Unicode code point).  Each node
 * holds its own label too: a node's few children are scanned in place,
 * so that the child found comes with its frequency in the same cache
 * line; a node's many children are found by binary search in labels[],
 * which touches fewer lines.  freq is the word's frequency in the source
 * dictionary, 0 for a node that is only a prefix of longer words;
 * log_freq is log(freq), precomputed because the segmenter needs it for
 * every edge of the word graph.
 */
#pragma once

#include <glib.h>

#define TM_DICT_MAGIC "TMDICT\r\n"  /* 8 bytes; \r\n catches text-mode copies */
#define TM_DICT_VERSION 3

typedef struct {
  char magic[8];
  guint32 version;
  guint32 n_nodes;
  guint32 n_words;
  guint32 reserved;
  guint64 total;      /* sum of the frequencies of every line */
} TmDictHeader;

typedef struct {
  guint32 first_child;
  guint32 n_children;
  guint32 freq;
  guint32 label;      /* = labels[] of the node */
  double log_freq;
} TmDictNode;

G_STATIC_ASSERT (sizeof (TmDictHeader) == 32);
G_STATIC_ASSERT (sizeof (TmDictNode) == 24);
