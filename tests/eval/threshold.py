#!/usr/bin/env python3
"""threshold.py TECHMATCH CORPUS_DIR JUDGMENTS [--fine]: how well a score
threshold separates right answers from wrong ones in the bundled corpus,
to choose the "strong match" threshold of batch --summary.

Runs `techmatch batch --direction d2a --top 10` over the corpus and, for
every threshold from 0.05 to 0.60 by 0.05 (with --fine, 0.10 to 0.25 by
0.01), prints over the judged demands: the
precision and recall of the pairs at or above it (relevant = grade 1 or
2), their F1, and at the demand level how many demands have a best match
at or above it whose best match is right (hit) or wrong (false)."""
import os, subprocess, sys, tempfile

tm, corpus, judgments = sys.argv[1:4]
rel = {}
for line in open(judgments, encoding='utf-8'):
    if line.startswith('#') or not line.strip():
        continue
    d, a, g = line.split('\t')
    rel[(d, a)] = int(g)
judged = {d for d, _ in rel}
with tempfile.TemporaryDirectory() as tmp:
    idx = os.path.join(tmp, 'i')
    env = dict(os.environ, TECHMATCH_CONFIG=os.path.join(tmp, 'conf'))
    open(env['TECHMATCH_CONFIG'], 'w').close()
    subprocess.run([tm, 'index', '-q', '-i', idx, corpus], check=True, env=env)
    out = subprocess.run([tm, 'batch', '-q', '-i', idx, '--direction', 'd2a', '--top', '10',
                          ],
                         check=True, env=env, capture_output=True, text=True).stdout
pairs = []
best = {}
for line in out.splitlines():
    f = line.split('\t')
    d, rank, a, s = f[1], int(f[2]), f[3], float(f[4])
    if d not in judged:
        continue
    pairs.append((s, rel.get((d, a), 0) > 0))
    if rank == 1:
        best[d] = (s, rel.get((d, a), 0) > 0)
n_rel = sum(1 for (d, a) in rel)
print('threshold\tprecision\trecall\tf1\tdemands_hit\tdemands_false\tdemands_below')
for t100 in range(10, 26) if sys.argv[4:] == ['--fine'] else range(5, 61, 5):
    t = t100 / 100
    above = [r for s, r in pairs if s >= t]
    tp = sum(above)
    p = tp / len(above) if above else 0
    r = tp / n_rel
    f1 = 2 * p * r / (p + r) if p + r else 0
    hit = sum(1 for s, ok in best.values() if s >= t and ok)
    false = sum(1 for s, ok in best.values() if s >= t and not ok)
    below = len(judged) - hit - false
    print('%.2f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d' % (t, p, r, f1, hit, false, below))
