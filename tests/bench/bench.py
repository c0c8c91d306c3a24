#!/usr/bin/env python3
"""Benchmark: techmatch and its peers on the same generated corpora.

For each size (by default 10,000 achievements + 1,000 demands, then
100,000 + 10,000), generates a corpus once (cached in the work folder) by
recombining the real text in ../shared/data, then measures, for techmatch
and for each peer of tests/eval/peers.py (SQLite FTS5, Xapian,
scikit-learn): the index build (time and peak memory, GNU time), the
index's size, a cold single query (process start to exit), and a batch
of every demand against the achievements, top 10 (techmatch: both
directions).  Each figure is the median of several runs; beside each
peer's figure, its ratio to techmatch's (above 1: techmatch is faster or
smaller).  Prints figures; asserts nothing but that every step ran and
produced output (exit 1 otherwise).  A peer whose Python modules are
missing is skipped with a note.

Runs: 3 of each build and batch up to 20,000 achievements, 1 above (a
peer's build of 100,000 takes minutes).  The peers' batch at more than
--peer-batch demands (default 1,000) answers the first that many, and
its time past start-up (the cold query's) is scaled to all of them,
marked "~": SQLite FTS5 alone would take most of an hour on 10,000
demands.

--quick: one small size, one run each: the smoke test of make check.

usage: bench.py [--quick] [--sizes A:D,...] [--runs N] [--peer-batch N]
                [--peers SCRIPT] [--python PATH] TECHMATCH SHARED_DATA WORKDIR
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = ['质子交换膜燃料电池双极板涂层', '锂离子电池低温充电析锂',
           '激光熔覆修复涡轮叶片', '机器视觉缺陷检测', '钛合金增材制造疲劳性能',
           '光伏组件湿热老化', '无人机电力巡检', '煤制烯烃催化剂']
PEERS = [('fts5', 'FTS5'), ('xapian', 'Xapian'), ('sklearn', 'sklearn')]


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


def timed(cmd, env):
    """Runs cmd under GNU time: (seconds, peak KiB, stdout)."""
    r = subprocess.run(['/usr/bin/time', '-f', '%e %M'] + cmd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode == 77:
        raise Skipped(r.stderr.strip().splitlines()[0] if r.stderr.strip() else 'skipped')
    if r.returncode != 0:
        raise Failed('%s: exit %d: %s' % (' '.join(cmd), r.returncode, r.stderr.strip()[-500:]))
    secs, kib = r.stderr.strip().splitlines()[-1].split()
    return float(secs), int(kib), r.stdout


def wall(cmd, env):
    """Process start to exit, in seconds."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t = time.perf_counter() - t0
    if r.returncode != 0:
        raise Failed('%s: exit %d: %s' % (' '.join(cmd), r.returncode,
                                          r.stderr.decode(errors='replace').strip()[-500:]))
    return t


def size_of(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)
    return os.path.getsize(path)


def lines(path):
    with open(path, encoding='utf-8') as f:
        return sum(1 for _ in f)


class Engine:
    """How to build, query and batch with one engine."""

    def __init__(self, name, label, build, query, batch, index, out):
        self.name, self.label = name, label
        self.build, self.query, self.batch = build, query, batch
        self.index, self.out = index, out


def engines(a, env, work, corpus, demands_tsv, peer_tsv):
    tm = a.techmatch
    tm_index = os.path.join(work, 'techmatch.idx')
    tm_out = os.path.join(work, 'techmatch-batch.tsv')
    yield Engine('techmatch', 'techmatch',
                 lambda: [tm, 'index', '-i', tm_index, corpus],
                 lambda q: [tm, 'match', '-i', tm_index, '--text', q],
                 lambda: [tm, 'batch', '-q', '-i', tm_index, '--direction', 'both', '--top', '10', '-o', tm_out],
                 tm_index, tm_out)
    for name, label in PEERS:
        index = os.path.join(work, '%s.idx' % name)
        out = os.path.join(work, '%s-batch.tsv' % name)
        peer = [a.python, a.peers, name]
        yield Engine(name, label,
                     lambda peer=peer, index=index: peer + ['build', index, corpus],
                     lambda q, peer=peer, index=index: peer + ['query', index, q],
                     lambda peer=peer, index=index, out=out: peer + ['search', index, peer_tsv, out, '--top', '10'],
                     index, out)


def measure(e, a, env, runs, batch_scale):
    """The engine's figures: a dict, or raises Skipped / Failed."""
    builds, build_kib, batches, batch_kib, queries = [], [], [], [], []
    for _ in range(runs):
        if os.path.isdir(e.index):
            shutil.rmtree(e.index)
        elif os.path.exists(e.index):
            os.unlink(e.index)
        secs, kib, _ = timed(e.build(), env)
        builds.append(secs)
        build_kib.append(kib)
    if not os.path.exists(e.index) or size_of(e.index) == 0:
        raise Failed('%s: build wrote no index' % e.name)
    n_query = a.query_runs if e.name == 'techmatch' else max(3, a.query_runs // 4)
    for i in range(n_query):
        queries.append(wall(e.query(QUERIES[i % len(QUERIES)]), env))
    for _ in range(runs):
        secs, kib, _ = timed(e.batch(), env)
        if e.name != 'techmatch' and batch_scale != 1:
            # Start-up (loading the index, the tokenizer) once, the queries
            # scaled.
            startup = min(statistics.median(queries), secs)
            secs = startup + (secs - startup) * batch_scale
        batches.append(secs)
        batch_kib.append(kib)
    if not os.path.exists(e.out) or lines(e.out) == 0:
        raise Failed('%s: the batch wrote no results' % e.name)
    return {
        'build': statistics.median(builds),
        'build_mb': statistics.median(build_kib) / 1024,
        'size_mb': size_of(e.index) / 1e6,
        'query_ms': statistics.median(queries) * 1e3,
        'batch': statistics.median(batches),
        'batch_mb': statistics.median(batch_kib) / 1024,
        'results': lines(e.out),
        'scaled': e.name != 'techmatch' and batch_scale != 1,
    }


ROWS = [('build', 'index build, s', '%.2f'),
        ('build_mb', 'build peak memory, MB', '%.0f'),
        ('size_mb', 'index size, MB', '%.1f'),
        ('query_ms', 'cold query, ms', '%.1f'),
        ('batch', 'batch, all demands, s', '%.2f'),
        ('batch_mb', 'batch peak memory, MB', '%.0f')]


def table(figures, order):
    """Rows: the measures; columns: each engine, and a peer's ratio to techmatch."""
    tm = figures['techmatch']
    head = '%-24s %10s' % ('', 'techmatch')
    for name in order[1:]:
        head += ' %10s %7s' % (name, 'ratio')
    print(head)
    for key, label, fmt in ROWS:
        row = '%-24s %10s' % (label, fmt % tm[key])
        for name in order[1:]:
            v = figures[name][key]
            ratio = v / tm[key] if tm[key] > 0 else float('inf')
            mark = '~' if key == 'batch' and figures[name]['scaled'] else ''
            row += ' %10s %6.1fx' % (mark + fmt % v, ratio)
        print(row)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('techmatch')
    p.add_argument('shared')
    p.add_argument('workdir')
    p.add_argument('--quick', action='store_true', help='one small size, one run: a smoke test')
    p.add_argument('--sizes', default='10000:1000,100000:10000', help='ACHIEVEMENTS:DEMANDS,...')
    p.add_argument('--runs', type=int, help='runs of each build and batch (the median; default 3, 1 above 20,000)')
    p.add_argument('--peer-batch', type=int, default=1000, help="demands in a peer's batch (scaled to all)")
    p.add_argument('--query-runs', type=int, default=21, help="runs of techmatch's cold query")
    p.add_argument('--peers', default=os.path.join(HERE, '..', 'eval', 'peers.py'))
    p.add_argument('--python', default='/usr/bin/python3', help="the interpreter with the peers' modules")
    a = p.parse_args()
    if a.quick:
        a.sizes, a.runs, a.query_runs = '2000:200', 1, 4

    os.makedirs(a.workdir, exist_ok=True)
    conf = os.path.join(a.workdir, 'empty.conf')
    open(conf, 'w').close()
    env = dict(os.environ, TECHMATCH_CONFIG=conf)
    print('machine: %s, %d CPUs; cold query: median of %d runs (techmatch), %d (peers)' % (
        os.uname().machine, os.cpu_count(), a.query_runs, max(3, a.query_runs // 4)))
    failed = False
    for size in a.sizes.split(','):
        n_a, n_d = (int(x) for x in size.split(':'))
        corpus = os.path.join(a.workdir, 'corpus-%d-%d' % (n_a, n_d))
        if not os.path.isdir(corpus):
            r = subprocess.run([sys.executable, os.path.join(HERE, 'gen-corpus.py'), '--data', a.shared,
                                '--achievements', str(n_a), '--demands', str(n_d), corpus])
            if r.returncode == 77:
                print('SKIP: no CSL or KPPatent data under %s' % a.shared)
                return 77
            if r.returncode != 0:
                return 1
        work = os.path.join(a.workdir, 'run-%d-%d' % (n_a, n_d))
        os.makedirs(work, exist_ok=True)
        demands_tsv = os.path.join(work, 'demands.tsv')
        peer_tsv = os.path.join(work, 'peer-demands.tsv')
        runs = a.runs if a.runs else (3 if n_a <= 20000 else 1)
        xml = size_of(corpus)
        print('\n%d achievements, %d demands: %.1f MB of XML; median of %d run%s' % (
            n_a, n_d, xml / 1e6, runs, '' if runs == 1 else 's'))
        batch_scale, prepared = 1.0, False
        figures, order, notes = {}, [], []
        for e in engines(a, env, work, corpus, demands_tsv, peer_tsv):
            if e.name != 'techmatch' and not prepared:
                prepared = True
                r = subprocess.run([a.python, a.peers, '-', 'demands', demands_tsv, corpus],
                                   stderr=subprocess.PIPE, text=True)
                if r.returncode == 77:
                    notes.append('peers skipped: %s' % r.stderr.strip())
                    break
                if r.returncode != 0:
                    notes.append('peers: cannot list the demands: %s' % r.stderr.strip())
                    failed = True
                    break
                with open(demands_tsv, encoding='utf-8') as f:
                    queries = f.readlines()
                with open(peer_tsv, 'w', encoding='utf-8') as f:
                    f.writelines(queries[:a.peer_batch])
                batch_scale = len(queries) / min(len(queries), a.peer_batch)
                if batch_scale != 1:
                    notes.append("~: the peers' batch answered the first %d of %d demands; its time past "
                                 "start-up (the cold query's) is scaled to all (x%.0f), its memory is "
                                 "the sample's" % (
                                     a.peer_batch, len(queries), batch_scale))
            try:
                figures[e.name] = measure(e, a, env, runs, batch_scale)
                order.append(e.name)
            except Skipped as s:
                notes.append('%s skipped: %s' % (e.label, s))
            except Failed as f:
                notes.append('%s FAILED: %s' % (e.label, f))
                failed = True
                if e.name == 'techmatch':
                    break
        if 'techmatch' in figures:
            table(figures, order)
            tm = figures['techmatch']
            print('techmatch: index %.0f%% of the XML; batch both directions, %d result rows' % (
                100.0 * tm['size_mb'] * 1e6 / xml, tm['results']))
        for n in notes:
            print('note: %s' % n)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
