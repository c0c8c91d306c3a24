#!/usr/bin/env python3
"""Benchmark: how techmatch's build and batch grow with the library.

For each size (by default 10^4, 10^5 and 10^6 achievements, each with
10,000 demands), generates a corpus once by recombining the real text of
../shared/data (tests/bench/gen-corpus.py, seed 42, cached in the work
folder), then measures techmatch alone:

  - the index build without the latent layer (--latent-rank 0) and with
    it (the default rank): wall time, CPU time, peak RSS;
  - the index's size;
  - the batch of every demand against the achievements, top 10
    (--direction d2a), lexical (--semantic 0) and with the layer's
    default weight, on the index with the layer.

Peak RSS and CPU come from the kernel (wait4's rusage) for the process
alone.  Then, for each step from one size to the next, the growth: how
many times the records, the build's time and its peak memory grew.
Prints figures; asserts nothing but that every step ran and produced
output (exit 1 otherwise).  The machine's load average is printed
before each size, since a shared machine makes wall times noisy.

--quick: two small sizes, for the smoke test of make check.

usage: scale.py [--quick] [--sizes A:D,...] [--jobs N] TECHMATCH SHARED_DATA WORKDIR
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Failed(Exception):
    pass


def run(cmd, env):
    """Runs cmd: (wall seconds, CPU seconds, peak RSS in MiB)."""
    t0 = time.perf_counter()
    with open(os.devnull, 'w') as null:
        p = subprocess.Popen(cmd, env=env, stdout=null, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
    t = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise Failed('%s: exit %d: %s' % (' '.join(cmd), code,
                                          err.decode(errors='replace').strip()[-500:]))
    return t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def corpus(a, achievements, demands):
    """The generated corpus folder, made once."""
    path = os.path.join(a.workdir, 'scale-%d-%d' % (achievements, demands))
    done = os.path.join(path, '.done')
    if not os.path.exists(done):
        subprocess.run([sys.executable, os.path.join(HERE, 'gen-corpus.py'), '--data', a.shared,
                        '--achievements', str(achievements), '--demands', str(demands), path],
                       check=True, stdout=subprocess.DEVNULL)
        open(done, 'w').close()
    return path


def measure(a, env, achievements, demands):
    src = corpus(a, achievements, demands)
    idx = os.path.join(a.workdir, 'scale.idx')
    out = os.path.join(a.workdir, 'scale.tsv')
    tm = a.techmatch
    jobs = ['-j', str(a.jobs)] if a.jobs else []
    f = {}
    f['lex'] = run([tm, 'index', '-q', '--latent-rank', '0', '-i', idx] + jobs + [src], env)
    f['lex_size'] = os.path.getsize(idx) / 1e6
    f['lsa'] = run([tm, 'index', '-q', '-i', idx] + jobs + [src], env)
    f['lsa_size'] = os.path.getsize(idx) / 1e6
    for key, weight in (('d2a_lex', '0'), ('d2a_lsa', None)):
        cmd = [tm, 'batch', '-q', '-i', idx, '--direction', 'd2a', '-o', out] + jobs
        if weight is not None:
            cmd += ['--semantic', weight]
        f[key] = run(cmd, env)
        with open(out, encoding='utf-8') as rows:
            if sum(1 for _ in rows) == 0:
                raise Failed('%s: no results' % ' '.join(cmd))
    for path in (idx, idx + '.lock', out):
        if os.path.exists(path):
            os.unlink(path)
    return f


ROWS = [('lex', 'build, no layer'), ('lsa', 'build, layer'),
        ('d2a_lex', 'batch d2a, --semantic 0'), ('d2a_lsa', 'batch d2a, layer')]


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('techmatch')
    p.add_argument('shared')
    p.add_argument('workdir')
    p.add_argument('--quick', action='store_true', help='two small sizes: a smoke test')
    p.add_argument('--sizes', default='10000:10000,100000:10000,1000000:10000',
                   help='ACHIEVEMENTS:DEMANDS,...')
    p.add_argument('--jobs', type=int, help='threads (default: techmatch\'s, one per core)')
    a = p.parse_args()
    if a.quick:
        a.sizes = '1000:200,3000:200'
    os.makedirs(a.workdir, exist_ok=True)
    conf = os.path.join(a.workdir, 'empty.conf')
    open(conf, 'w').close()
    env = dict(os.environ, TECHMATCH_CONFIG=conf)
    print('machine: %s, %d CPUs' % (os.uname().machine, os.cpu_count()))
    sizes = [tuple(int(x) for x in s.split(':')) for s in a.sizes.split(',')]
    results = []
    try:
        for achievements, demands in sizes:
            print('\n%d achievements, %d demands (load average %.2f)' % (
                achievements, demands, os.getloadavg()[0]))
            sys.stdout.flush()
            f = measure(a, env, achievements, demands)
            print('%-26s %9s %9s %9s' % ('', 'wall, s', 'CPU, s', 'peak, MB'))
            for key, label in ROWS:
                print('%-26s %9.2f %9.2f %9.0f' % ((label,) + f[key]))
            print('%-26s %9.1f MB without the layer, %.1f MB with it' % (
                'index size', f['lex_size'], f['lsa_size']))
            results.append((achievements + demands, f))
            sys.stdout.flush()
    except (Failed, subprocess.CalledProcessError) as e:
        print('FAILED: %s' % e)
        return 1
    if len(results) > 1:
        print('\ngrowth from one size to the next (times)')
        print('%-14s %8s %12s %12s %12s %12s' % ('records', 'x', 'build time', 'build peak',
                                               'layer time', 'layer peak'))
        for (n0, f0), (n1, f1) in zip(results, results[1:]):
            print('%-14s %8.1f %12.2f %12.2f %12.2f %12.2f' % (
                '%d -> %d' % (n0, n1), n1 / n0, f1['lex'][0] / f0['lex'][0], f1['lex'][2] / f0['lex'][2],
                f1['lsa'][0] / f0['lsa'][0], f1['lsa'][2] / f0['lsa'][2]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
