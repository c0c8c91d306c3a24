#!/usr/bin/python3
"""Peer search engines that techmatch is compared against.

Three engines, each set up the way a user of that engine would naturally
index the achievements of a techmatch corpus, with techmatch's default
field weights (title 2, keywords 1.5, body 1) wherever the engine takes
field weights:

  fts5     SQLite FTS5, trigram tokenizer, bm25() ranking
  xapian   Xapian, CJK n-grams, BM25
  sklearn  scikit-learn TF-IDF over jieba words, cosine similarity

Command line: see USAGE below.  A CORPUS is a techmatch corpus XML file
or a folder of them (searched recursively for *.xml, in path order);
`build` indexes the achievements found (demands are ignored) into INDEX,
replacing any previous index.  QUERIES is TSV "qid<TAB>text"; `search`
writes "qid<TAB>rank<TAB>docid<TAB>score" lines to OUT and `query` prints
"rank<TAB>docid<TAB>score" lines.  `demands` writes the demands of a
corpus as a QUERIES file (title, keywords and description joined by
spaces).  Scores are higher-is-better (FTS5's negative bm25() is negated)
and equal scores are ordered by insertion order, that is corpus file path
then position in the file.

Exit status: 0 success, 1 error (unreadable or invalid input), 2 usage,
77 when the engine's Python modules are not installed.
"""

import contextlib
import importlib
import logging
import os
import pickle
import re
import shutil
import sys
import unicodedata
import xml.etree.ElementTree as ET

NS = "{urn:techmatch:corpus:1}"
USAGE = """\
usage: peers.py ENGINE build INDEX CORPUS...
       peers.py ENGINE search INDEX QUERIES OUT [--top K]
       peers.py ENGINE query INDEX TEXT [--top K]
       peers.py - demands OUT CORPUS...
ENGINE is fts5, xapian or sklearn; --top defaults to 10.
"""


class Fail(Exception):
    """An error to report (naming the file at fault) before exiting with 1."""


def need(engine, module, package):
    """Import MODULE for ENGINE, or exit 77 (skip) if it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        sys.stderr.write("peers.py: %s: python module %s is not installed "
                         "(Debian: %s)\n" % (engine, module, package))
        sys.exit(77)


# ---------------------------------------------------------------- corpus

def _walk_error(err):
    raise Fail("%s: %s" % (err.filename, err.strerror))


def corpus_files(paths):
    """The XML files of the CORPUS arguments: folders walked, path order."""
    for path in paths:
        if not os.path.isdir(path):
            yield path
            continue
        found = []
        for folder, _, files in os.walk(path, onerror=_walk_error):
            found += [os.path.join(folder, f) for f in files
                      if f.endswith(".xml")]
        yield from sorted(found)


def _text(elem):
    return "".join(elem.itertext()).strip()


def records(paths, kind):
    """Yield (id, title, keywords, body) for each <kind> record, streaming."""
    body_tag = NS + ("abstract" if kind == "achievement" else "description")
    for path in corpus_files(paths):
        try:
            depth, root = 0, None
            for event, elem in ET.iterparse(path, events=("start", "end")):
                if event == "start":
                    if root is None:
                        root = elem
                        if elem.tag != NS + "corpus":
                            raise Fail("%s: not a techmatch corpus (root "
                                       "element %s)" % (path, elem.tag))
                    depth += 1
                    continue
                depth -= 1
                if depth != 1:
                    continue
                if elem.tag == NS + kind:
                    rid = elem.get("id")
                    if not rid:
                        raise Fail("%s: <%s> without an id" % (path, kind))
                    title, keywords, body = "", [], ""
                    for child in elem:
                        if child.tag == NS + "title":
                            title = _text(child)
                        elif child.tag == NS + "keywords":
                            keywords = [_text(k) for k in child
                                        if k.tag == NS + "keyword"]
                        elif child.tag == body_tag:
                            body = _text(child)
                    yield rid, title, keywords, body
                root.clear()            # the records read so far
        except ET.ParseError as err:
            raise Fail("%s: invalid XML: %s" % (path, err)) from None
        except OSError as err:
            raise Fail("%s: %s" % (path, err.strerror)) from None


def read_queries(path):
    """The (qid, text) pairs of a QUERIES file."""
    queries = []
    try:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                qid, tab, text = line.partition("\t")
                if not tab:
                    raise Fail("%s:%d: expected qid<TAB>text" % (path, lineno))
                queries.append((qid, text))
    except UnicodeDecodeError as err:
        raise Fail("%s: not UTF-8: %s" % (path, err)) from None
    except OSError as err:
        raise Fail("%s: %s" % (path, err.strerror)) from None
    return queries


@contextlib.contextmanager
def replacing(path):
    """Yield a temporary path, moved over PATH (file or folder) on success."""
    tmp = "%s.tmp%d" % (path, os.getpid())
    try:
        yield tmp
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.isdir(tmp) and os.path.lexists(path):
            os.remove(path)
        os.replace(tmp, path)
    except BaseException:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.lexists(tmp):
            os.remove(tmp)
        raise


# ---------------------------------------------------------------- engines

RUN = re.compile(r"[^\W_]+")     # a run of letters, digits or CJK characters
WORDY = re.compile(r"[^\W_]")


class Fts5:
    """SQLite FTS5 with the trigram tokenizer, ranked by weighted bm25()."""

    SCORE = "bm25(docs, 0, 2.0, 1.5, 1.0)"

    def __init__(self):
        self.sqlite3 = need("fts5", "sqlite3", "libpython3-stdlib")

    def build(self, path, achievements):
        db = self.sqlite3.connect(path)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, "
                       "title, keywords, body, tokenize='trigram')")
            with db:                    # one transaction
                db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                               ((rid, title, " ".join(kw), body)
                                for rid, title, kw, body in achievements))
                db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        except self.sqlite3.Error as err:
            raise Fail("%s: %s" % (path, err)) from None
        finally:
            db.close()

    @staticmethod
    def match(text):
        """The MATCH expression of a free text: its trigrams OR'ed.

        Runs shorter than 3 characters cannot be matched by the trigram
        tokenizer and are dropped; an empty result means no match.
        """
        grams = {}
        for run in RUN.findall(text.lower()):
            for i in range(len(run) - 2):
                grams.setdefault(run[i:i + 3], None)
        return " OR ".join('"%s"' % g.replace('"', '""') for g in grams)

    def search(self, path, queries, top):
        from urllib.request import pathname2url
        sql = ("SELECT id, %s AS score FROM docs WHERE docs MATCH ? "
               "ORDER BY score, rowid LIMIT ?" % self.SCORE)
        try:
            db = self.sqlite3.connect("file:%s?mode=ro" % pathname2url(
                os.path.abspath(path)), uri=True)
            db.execute("SELECT rowid FROM docs LIMIT 0")
            for qid, text in queries:
                expr = self.match(text)
                rows = db.execute(sql, (expr, top)).fetchall() if expr else []
                yield qid, [(rid, -score) for rid, score in rows]
        except self.sqlite3.Error as err:
            raise Fail("%s: %s" % (path, err)) from None


class Xapian:
    """Xapian with CJK n-grams and BM25 weighting, no stemming.

    (An English stemmer would also stem every CJK n-gram at indexing, which
    the query parser never looks up: twice the terms for nothing.)
    """

    def __init__(self):
        self.xapian = need("xapian", "xapian", "python3-xapian")

    def build(self, path, achievements):
        xapian = self.xapian
        try:
            db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
            gen = xapian.TermGenerator()
            gen.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
            for rid, title, keywords, body in achievements:
                doc = xapian.Document()
                gen.set_document(doc)
                # wdf increments are integers: 4/3/2 is the 2:1.5:1 ratio.
                gen.index_text(title, 4)
                gen.increase_termpos()
                gen.index_text(" ".join(keywords), 3)
                gen.increase_termpos()
                gen.index_text(body, 2)
                doc.set_data(rid)
                doc.add_boolean_term("Q" + rid)
                db.replace_document("Q" + rid, doc)
            db.commit()
            db.close()
        except xapian.Error as err:
            raise Fail("%s: %s" % (path, err.get_msg())) from None

    def parse(self, parser, text):
        """The query of TEXT, falling back on simpler parses on errors.

        Stray operators or quotes fail the default flags; Xapian 1.4 also
        fails on a full-width digit followed by a Latin letter ("５g") with
        CJK n-grams on, which NFKC normalization (or no n-grams) avoids.
        """
        flags = self.xapian.QueryParser
        cjk = flags.FLAG_CJK_NGRAM
        for variant, flag in ((text, cjk | flags.FLAG_DEFAULT), (text, cjk),
                              (unicodedata.normalize("NFKC", text), cjk),
                              (text, 0)):
            try:
                return parser.parse_query(variant, flag)
            except self.xapian.QueryParserError as err:
                error = err
        raise Fail("cannot parse query %r: %s" % (text, error.get_msg()))

    def search(self, path, queries, top):
        xapian = self.xapian
        try:
            db = xapian.Database(path)
            parser = xapian.QueryParser()
            parser.set_database(db)
            parser.set_default_op(xapian.Query.OP_OR)
            enquire = xapian.Enquire(db)        # BM25Weight by default
            enquire.set_docid_order(xapian.Enquire.ASCENDING)
            for qid, text in queries:
                enquire.set_query(self.parse(parser, text))
                yield qid, [(m.document.get_data().decode(), m.weight)
                            for m in enquire.get_mset(0, top)]
        except xapian.Error as err:
            raise Fail("%s: %s" % (path, err.get_msg())) from None


_jieba = None


def jieba_tokens(text):
    """jieba's words of TEXT, without the whitespace and punctuation ones.

    A module-level function so that the fitted vectorizer can be pickled.
    """
    return [t for t in _jieba.lcut(text) if WORDY.search(t)]


class Sklearn:
    """scikit-learn TF-IDF over jieba words, ranked by cosine similarity."""

    CHUNK = 100         # queries per sparse product: each row can be dense

    def __init__(self):
        global _jieba
        self.np = need("sklearn", "numpy", "python3-numpy")
        need("sklearn", "scipy.sparse", "python3-scipy")
        text = need("sklearn", "sklearn.feature_extraction.text",
                    "python3-sklearn")
        self.TfidfVectorizer = text.TfidfVectorizer
        _jieba = need("sklearn", "jieba", "python3-jieba")
        _jieba.setLogLevel(logging.WARNING)
        _jieba.initialize()

    def build(self, path, achievements):
        ids = []

        def texts():
            for rid, title, keywords, body in achievements:
                ids.append(rid)
                # No field weights in a vectorizer: the title is repeated.
                yield " ".join([title, title, " ".join(keywords), body])

        vectorizer = self.TfidfVectorizer(
            tokenizer=jieba_tokens, lowercase=True, token_pattern=None,
            sublinear_tf=True, norm="l2")
        try:
            matrix = vectorizer.fit_transform(texts())
        except ValueError as err:       # e.g. empty vocabulary
            raise Fail("%s: %s" % (path, err)) from None
        with open(path, "wb") as f:
            pickle.dump((ids, vectorizer, matrix), f, pickle.HIGHEST_PROTOCOL)

    def search(self, path, queries, top):
        np = self.np
        try:
            with open(path, "rb") as f:
                ids, vectorizer, matrix = pickle.load(f)
        except OSError as err:
            raise Fail("%s: %s" % (path, err.strerror)) from None
        except Exception as err:        # anything unpickling may raise
            raise Fail("%s: not a sklearn peer index (%s)" % (path, err))
        transposed = matrix.T.tocsr()
        for start in range(0, len(queries), self.CHUNK):
            chunk = queries[start:start + self.CHUNK]
            scores = (vectorizer.transform([t for _, t in chunk])
                      @ transposed).tocsr()
            for row, (qid, _) in enumerate(chunk):
                lo, hi = scores.indptr[row], scores.indptr[row + 1]
                docs, values = scores.indices[lo:hi], scores.data[lo:hi]
                keep = values > 0
                docs, values = docs[keep], values[keep]
                if len(values) > top:   # keep every tie of the k-th score
                    kth = np.partition(values, len(values) - top)[-top]
                    keep = values >= kth
                    docs, values = docs[keep], values[keep]
                order = np.lexsort((docs, -values))[:top]
                yield qid, [(ids[docs[i]], float(values[i])) for i in order]


ENGINES = {"fts5": Fts5, "xapian": Xapian, "sklearn": Sklearn}


# ---------------------------------------------------------------- commands

def write_demands(out, corpus):
    with replacing(out) as tmp, open(tmp, "w", encoding="utf-8",
                                     newline="\n") as f:
        for rid, title, keywords, body in records(corpus, "demand"):
            text = " ".join(p for p in [title] + keywords + [body] if p)
            f.write("%s\t%s\n" % (rid, re.sub(r"[\t\r\n]", " ", text)))


def build(engine, index, corpus):
    counted = [0]

    def achievements():
        for rec in records(corpus, "achievement"):
            counted[0] += 1
            yield rec

    with replacing(index) as tmp:
        try:
            engine.build(tmp, achievements())
        except Fail:
            if counted[0]:
                raise
        if not counted[0]:
            raise Fail("no achievements in %s" % " ".join(corpus))


def search(engine, index, queries, out, top):
    queries = read_queries(queries)
    with replacing(out) as tmp, open(tmp, "w", encoding="utf-8",
                                     newline="\n") as f:
        for qid, hits in engine.search(index, queries, top):
            for rank, (doc, score) in enumerate(hits, 1):
                f.write("%s\t%d\t%s\t%.6f\n" % (qid, rank, doc, score))


def query(engine, index, text, top):
    for _, hits in engine.search(index, [("", text)], top):
        sys.stdout.write("".join("%d\t%s\t%.6f\n" % (rank, doc, score)
                                 for rank, (doc, score)
                                 in enumerate(hits, 1)))


def usage(message=None):
    if message:
        sys.stderr.write("peers.py: %s\n" % message)
    sys.stderr.write(USAGE)
    sys.exit(2)


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    args, top = list(argv), None
    if "--top" in args:
        i = args.index("--top")
        if not re.fullmatch(r"[1-9][0-9]*", "".join(args[i + 1:i + 2])):
            usage("--top needs a positive integer")
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) < 2:
        usage()
    name, command, rest = args[0], args[1], args[2:]
    arity = {"build": len(rest) >= 2, "search": len(rest) == 3,
             "query": len(rest) == 2, "demands": len(rest) >= 2}
    if command not in arity:
        usage("unknown command %r" % command)
    if (name == "-") != (command == "demands") or \
            (name != "-" and name not in ENGINES):
        usage("unknown engine %r for %s" % (name, command))
    if not arity[command] or (top and command in ("build", "demands")):
        usage("wrong arguments for %s" % command)
    try:
        if command == "demands":
            write_demands(rest[0], rest[1:])
            return 0
        engine = ENGINES[name]()
        if command == "build":
            build(engine, rest[0], rest[1:])
        elif command == "search":
            search(engine, rest[0], rest[1], rest[2], top or 10)
        else:
            query(engine, rest[0], rest[1], top or 10)
    except Fail as err:
        sys.stderr.write("peers.py: %s\n" % err)
        return 1
    except OSError as err:
        sys.stderr.write("peers.py: %s: %s\n" % (err.filename, err.strerror))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
