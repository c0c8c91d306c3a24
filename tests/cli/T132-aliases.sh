#!/bin/sh
# The column names that import knows (the alias table in tm-import.c) and
# the ones techmatch-corpus(5) lists under Spreadsheets are the same: a
# name added to the code without its line in the manual, or listed in the
# manual but not known to the code, fails here.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

python3 - src/lib/tm-import.c man/techmatch-corpus.5 >"$TEST_TMP/out" 2>"$TEST_TMP/err" <<'PY'
import re, sys

code_src, man_src = sys.argv[1], sys.argv[2]
fields = {'F_ID': 'id', 'F_UPDATED': 'updated', 'F_TITLE': 'title', 'F_ORG': 'org',
          'F_REGION': 'region', 'F_DOMAIN': 'domain', 'F_KEYWORDS': 'keywords',
          'F_BODY': 'text', 'F_TRL': 'trl', 'F_IP': 'ip', 'F_TRANSFER': 'transfer',
          'F_BUDGET': 'budget', 'F_BUDGET_UNIT': 'budget_unit', 'F_DEADLINE': 'deadline',
          'F_COOPERATION': 'cooperation'}
same = {'institution': 'org', 'abstract': 'text', 'description': 'text'}

def fold(s):
    return re.sub(r'[\s_\-]', '', s).lower()

text = open(code_src, encoding='utf-8').read()
table = text[text.index('static const Alias aliases[]'):]
table = table[:table.index('};')]
code = {}
for field, name in re.findall(r'\{\s*(F_\w+),\s*HINT_\w+,\s*"([^"]+)"\s*\}', table):
    code[fold(name)] = same.get(fields.get(field, field), fields.get(field, field))
if len(code) < 50:
    sys.exit('only %d aliases found in %s: has the table changed shape?' % (len(code), code_src))

man = open(man_src, encoding='utf-8').read()
man = re.sub(r'\\\[u([0-9A-F]{4,5})\]', lambda m: chr(int(m.group(1), 16)), man)
part = man[man.index('.Ss Spreadsheets'):man.index('.Ss Relevance judgments')]
part = part[part.index('.Bl -tag'):part.index('.El')]
listed = {}
field = None
for line in part.splitlines()[1:]:
    if line.startswith('.It '):
        tags = [t.strip() for t in line[4:].split(',')]
        field = same.get(tags[0], tags[0])
        for t in tags:
            listed[fold(t)] = field
        continue
    if line.startswith('.') or field is None:
        continue
    # Prose lines (what a value means) have no commas of names: only a
    # line of names separated by , and ; is a line of names.
    names_part = line.split(':')[0]
    if not re.search(r'[,;]|\.$', names_part):
        continue
    if re.match(r'^(Split|Either|A list|A number|6,)', line):
        continue
    for item in re.split(r'[,;]', names_part):
        item = re.sub(r'\((achievement|demand)\)', '', item).strip().rstrip('.').strip()
        # the rest of a sentence: "... in the achievement library also
        # the names of cooperation", "... when it is not in the cell"
        if not item or re.match(r'(in|the|not|when) ', item) or len(item.split()) > 3:
            continue
        listed[fold(item)] = field

bad = 0
for name, f in sorted(code.items()):
    if name not in listed:
        print('in the code, not in techmatch-corpus(5): %s (%s)' % (name, f)); bad += 1
    elif listed[name] != f:
        print('%s: the code gives it to %s, techmatch-corpus(5) to %s' % (name, f, listed[name])); bad += 1
for name, f in sorted(listed.items()):
    if name not in code:
        print('in techmatch-corpus(5), not in the code: %s (%s)' % (name, f)); bad += 1
print('%d names in the code, %d in the manual' % (len(code), len(listed)))
sys.exit(1 if bad else 0)
PY
status=$?
cat "$TEST_TMP/out" "$TEST_TMP/err"
check "the alias table and techmatch-corpus(5) list the same column names" expect_status 0
finish
