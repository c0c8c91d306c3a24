#!/usr/bin/env python3
"""Benchmark: build, query and batch the index of a generated corpus.

Generates (once, cached in the work folder) 100,000 achievements and
10,000 demands recombined from the real text in ../shared/data, then
measures: index build time and peak memory (GNU time), index size against
the corpus XML, cold `techmatch match --text` (process start to exit,
the median of 21 runs), and `batch --direction both --top 10` with 1 and
2 threads (time, speed-up, peak memory).  Prints figures; asserts
nothing.

usage: bench-index.py TECHMATCH SHARED_DATA WORKDIR [--achievements N --demands M]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = ['质子交换膜燃料电池双极板涂层', '锂离子电池低温充电析锂',
           '激光熔覆修复涡轮叶片', '机器视觉缺陷检测', '钛合金增材制造疲劳性能',
           '光伏组件湿热老化', '无人机电力巡检', '煤制烯烃催化剂']


def peak(cmd, env):
    """Runs cmd under GNU time: (seconds, peak KiB, stdout)."""
    t = subprocess.run(['/usr/bin/time', '-f', '%e %M'] + cmd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if t.returncode != 0:
        sys.exit('bench-index: %s failed: %s' % (' '.join(cmd), t.stderr))
    secs, kib = t.stderr.strip().splitlines()[-1].split()
    return float(secs), int(kib), t.stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument('techmatch')
    p.add_argument('shared')
    p.add_argument('workdir')
    p.add_argument('--achievements', type=int, default=100000)
    p.add_argument('--demands', type=int, default=10000)
    p.add_argument('--runs', type=int, default=21)
    a = p.parse_args()

    env = dict(os.environ, TECHMATCH_CONFIG=os.devnull if False else os.path.join(a.workdir, 'empty.conf'))
    os.makedirs(a.workdir, exist_ok=True)
    open(env['TECHMATCH_CONFIG'], 'w').close()
    corpus = os.path.join(a.workdir, 'corpus-%d-%d' % (a.achievements, a.demands))
    if not os.path.isdir(corpus):
        r = subprocess.run([sys.executable, os.path.join(HERE, 'gen-corpus.py'), '--data', a.shared,
                            '--achievements', str(a.achievements), '--demands', str(a.demands), corpus])
        if r.returncode == 77:
            print('SKIP: no CSL or KPPatent data under %s' % a.shared)
            return 0
        if r.returncode != 0:
            return 1
    xml = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus))
    index = os.path.join(a.workdir, 'bench.idx')

    secs, kib, out = peak([a.techmatch, 'index', '-i', index, corpus], env)
    size = os.path.getsize(index)
    print('corpus: %d achievements, %d demands, %.1f MB of XML' % (a.achievements, a.demands, xml / 1e6))
    print('index build            %8.2f s   (target <= 15 s)' % secs)
    print('index build peak RSS   %8.0f MB  (target <= 1024 MB)' % (kib / 1024))
    print('index size             %8.1f MB  = %.0f%% of the XML (target <= 100%%)' % (size / 1e6, 100.0 * size / xml))

    times = []
    for i in range(a.runs):
        q = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        r = subprocess.run([a.techmatch, 'match', '-i', index, '--text', q], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            sys.exit('bench-index: match failed')
    print('cold match --text      %8.1f ms  median of %d (min %.1f, max %.1f; target <= 30 ms)' % (
        statistics.median(times) * 1e3, len(times), min(times) * 1e3, max(times) * 1e3))
    secs, kib, _ = peak([a.techmatch, 'match', '-i', index, '--demand', 'D-0000001'], env)
    print('match --demand RSS     %8.1f MB' % (kib / 1024))

    out = os.path.join(a.workdir, 'batch.tsv')
    t2, kib2, _ = peak([a.techmatch, 'batch', '-i', index, '--direction', 'both', '--top', '10',
                        '--jobs', '2', '-q', '-o', out], env)
    t1, kib1, _ = peak([a.techmatch, 'batch', '-i', index, '--direction', 'both', '--top', '10',
                        '--jobs', '1', '-q', '-o', out], env)
    print('batch both, 2 jobs     %8.2f s   (target <= 30 s), peak RSS %.0f MB' % (t2, kib2 / 1024))
    print('batch both, 1 job      %8.2f s   speed-up from 1 to 2 jobs: %.2fx' % (t1, t1 / t2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
