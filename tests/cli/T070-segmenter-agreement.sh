#!/bin/sh
# The segmenter against the reference: jieba (Debian's python3-jieba,
# jieba.cut(s, HMM=False), with the same lexicon added) on at least 1,000
# sentences of real text read from ../shared/data at test time.  Word
# boundaries inside Han runs must agree with F1 >= 0.99.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

data="$top_srcdir/../shared/data/csl_zh/csl_full.jsonl"
[ -f "$data" ] || skip_all "no $data (the shared evaluation data sits beside a developer's checkout, not in the repository)"
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import jieba' 2>/dev/null || skip_all "Debian's python3-jieba is not installed"

# Sentences: abstracts split at sentence ends, the first 1,500 with Han text.
"$PY" - "$data" >"$TEST_TMP/sentences" <<'PY'
import json, re, sys
n = 0
for line in open(sys.argv[1], encoding='utf-8'):
    for s in re.split('[。！？；]', json.loads(line).get('abstract', '')):
        if re.search('[\u4e00-\u9fff]{4}', s):
            print(s.strip())
            n += 1
    if n >= 1500:
        break
PY
check "at least 1,000 sentences ($(wc -l <"$TEST_TMP/sentences"))" test "$(wc -l <"$TEST_TMP/sentences")" -ge 1000

# techmatch's segmentation: one Han run per line, words separated by spaces.
"$TECHMATCH" tokenize --segment - <"$TEST_TMP/sentences" >"$TEST_TMP/ours"
check "segmentation ran" test -s "$TEST_TMP/ours"

# jieba on exactly the same runs (the runs as techmatch normalized them).
"$PY" - corpus/lexicon.txt "$TEST_TMP/ours" >"$TEST_TMP/score" <<'PY'
import sys, jieba
jieba.setLogLevel(60)
jieba.initialize()
for line in open(sys.argv[1], encoding='utf-8'):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    parts = line.split()
    jieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)

def cuts(words):
    pos, out = 0, set()
    for w in words[:-1]:
        pos += len(w)
        out.add(pos)
    return out

tp = fp = fn = runs = 0
for line in open(sys.argv[2], encoding='utf-8'):
    ours = line.split()
    if not ours:
        continue
    runs += 1
    ref = list(jieba.cut(''.join(ours), HMM=False))
    a, b = cuts(ours), cuts(ref)
    tp += len(a & b); fp += len(a - b); fn += len(b - a)
p = tp / max(tp + fp, 1); r = tp / max(tp + fn, 1)
f1 = 2 * p * r / max(p + r, 1e-12)
print('%d %.5f %.5f %.5f' % (runs, p, r, f1))
PY
read -r runs precision recall f1 <"$TEST_TMP/score"
echo "# $runs Han runs: boundary precision $precision, recall $recall, F1 $f1"
check "boundary F1 >= 0.99 (got $f1)" "$PY" -c "import sys; sys.exit(0 if $f1 >= 0.99 else 1)"

finish
