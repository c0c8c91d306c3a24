#!/bin/sh
# Hostile input and unlucky operators (issue 16): planted symlinks, FIFOs,
# floods, crafted indexes, odd locales and odd numbers.  Each case failed
# once; each must fail cleanly, or work, and never hang, crash or harm
# another file.
. "${top_srcdir:-.}/tests/cli/test-lib.sh"

idx="$TEST_TMP/t.idx"
"$TECHMATCH" index -q -i "$idx" corpus || exit 99

# ---- the lock file: never followed, never anything but a regular file.
echo "precious" >"$TEST_TMP/victim"
ln -s "$TEST_TMP/victim" "$TEST_TMP/s.idx.lock"
run "$TECHMATCH" index -q -i "$TEST_TMP/s.idx" corpus
check "a symlinked lock file is refused" expect_status 1
check "a symlinked lock file: the message says so" grep -q "lock file is a symbolic link" "$TEST_TMP/err"
check "a symlinked lock file: its target is untouched" same_text "$TEST_TMP/victim" "precious"
mkfifo "$TEST_TMP/f.idx.lock"
run timeout 10 "$TECHMATCH" index -q -i "$TEST_TMP/f.idx" corpus
check "a FIFO as the lock file is refused, without blocking" expect_status 1
check "a FIFO as the lock file: the message says so" grep -q "not a regular file" "$TEST_TMP/err"

# An empty lock file held by a build that has not written its PID yet.
: >"$TEST_TMP/e.idx.lock"
flock "$TEST_TMP/e.idx.lock" sleep 3 &
holder=$!
sleep 0.5
run "$TECHMATCH" index -q -i "$TEST_TMP/e.idx" corpus
wait $holder
check "a lock without a PID: exit 4" expect_status 4
check "a lock without a PID: no 'PID ?'" sh -c "! grep -q 'PID ?' '$TEST_TMP/err' && grep -q 'not written its PID' '$TEST_TMP/err'"

# ---- a symlinked index path: the target is rebuilt, the link stays.
mkdir "$TEST_TMP/real"
cp "$idx" "$TEST_TMP/real/target.idx"
ln -s real/target.idx "$TEST_TMP/link.idx"
echo "" >"$TEST_TMP/one.xml"
run "$TECHMATCH" index -q -i "$TEST_TMP/link.idx" tests/data/good
check "an index through a symlink builds" expect_status 0
check "the link is still a link" test -L "$TEST_TMP/link.idx"
check "the target is the new index" sh -c "'$TECHMATCH' stats -i '$TEST_TMP/real/target.idx' | grep -q '^achievements	[0-9]' && ! cmp -s '$idx' '$TEST_TMP/real/target.idx'"
check "the lock is the target's" test -e "$TEST_TMP/real/target.idx.lock"
ln -s loop2.idx "$TEST_TMP/loop1.idx"; ln -s loop1.idx "$TEST_TMP/loop2.idx"
run "$TECHMATCH" index -q -i "$TEST_TMP/loop1.idx" corpus
check "a loop of index links is refused" expect_status 1
check "a loop of index links: the message says so" grep -q "loop of symbolic links" "$TEST_TMP/err"

# ---- permissions: a rebuild keeps the mode; a new index follows the umask.
chmod 600 "$idx"
"$TECHMATCH" index -q -i "$idx" corpus
check "a 0600 index stays 0600 when rebuilt" test "$(stat -c %a "$idx")" = 600
chmod 640 "$idx"
"$TECHMATCH" index -q -i "$idx" corpus
check "a 0640 index stays 0640 when rebuilt" test "$(stat -c %a "$idx")" = 640
( umask 077; "$TECHMATCH" index -q -i "$TEST_TMP/new.idx" corpus )
check "a new index under umask 077 is 0600" test "$(stat -c %a "$TEST_TMP/new.idx")" = 600
( umask 002; "$TECHMATCH" index -q -i "$TEST_TMP/new2.idx" corpus )
check "a new index under umask 002 is 0664" test "$(stat -c %a "$TEST_TMP/new2.idx")" = 664

# ---- the index carries its word lists: a query opens no file it names.
printf '锂枝晶抑制\n' >"$TEST_TMP/lex.txt"
printf '锂枝晶 = 枝晶锂\n' >"$TEST_TMP/syn.txt"
printf '抑制\n' >"$TEST_TMP/stop.txt"
"$TECHMATCH" index -q -i "$TEST_TMP/w.idx" --lexicon "$TEST_TMP/lex.txt" --synonyms "$TEST_TMP/syn.txt" --stopwords "$TEST_TMP/stop.txt" corpus || exit 99
"$TECHMATCH" match -i "$TEST_TMP/w.idx" --text '锂枝晶抑制' >"$TEST_TMP/with-files"
rm "$TEST_TMP/lex.txt" "$TEST_TMP/syn.txt" "$TEST_TMP/stop.txt"
run "$TECHMATCH" match -i "$TEST_TMP/w.idx" --text '锂枝晶抑制'
check "word lists removed after the build: the index still answers" expect_status 0
check "word lists removed after the build: the same answer" same "$TEST_TMP/out" "$TEST_TMP/with-files"
check "stats names the word lists" sh -c "'$TECHMATCH' stats -i '$TEST_TMP/w.idx' | grep -q '^lexicon	.*lex.txt'"
# A crafted index naming files (as an older index did): refused, nothing opened.
python3 - "$TEST_TMP/w.idx" "$TEST_TMP/crafted.idx" <<'PY'
import struct, sys, zlib
data = bytearray(open(sys.argv[1], 'rb').read())
magic, version, crc, size, bt, bs, data_off, nsec, res = struct.unpack_from('=8sIIQqdQII', data, 0)
for i in range(nsec):
    kind, count, off, sz = struct.unpack_from('=IIQQ', data, 56 + 24 * i)
    if kind == 6:
        meta = data[off:off + sz]
        new = meta.replace(b'mode=', b'lexicon=/dev/zero\nstopwords-file=/etc/shadow\nm=', 1)
        assert len(new) > len(meta)
        # Room: shorten the new metadata back to its size by dropping the
        # word-list lines it does not need.
        lines = new.rstrip(b'\0').split(b'\n')
        lines = [l for l in lines if not l.startswith(b'word-list=')]
        new = b'\n'.join(lines)
        new = new + b'\0' * (sz - len(new))
        assert len(new) == sz
        data[off:off + sz] = new
        blocks = None
        for j in range(nsec):
            k2, c2, o2, s2 = struct.unpack_from('=IIQQ', data, 56 + 24 * j)
            if k2 == 7:
                blocks = (c2, o2)
        c2, o2 = blocks
        for b in range(c2):
            start = data_off + b * 65536
            end = min(start + 65536, size)
            struct.pack_into('=I', data, o2 + 4 * b, zlib.crc32(bytes(data[start:end])) & 0xffffffff)
        struct.pack_into('=I', data, 12, 0)
        head = bytes(data[:data_off])
        struct.pack_into('=I', data, 12, zlib.crc32(head) & 0xffffffff)
open(sys.argv[2], 'wb').write(data)
PY
run timeout 10 strace -f -e trace=open,openat -o "$TEST_TMP/trace" "$TECHMATCH" match -i "$TEST_TMP/crafted.idx" --text '锂电池'
check "an index naming word-list files is refused (4)" expect_status 4
check "an index naming word-list files: the message says rebuild" grep -q "names a word-list file.*rebuild" "$TEST_TMP/err"
check "an index naming word-list files: neither is opened" sh -c "! grep -q -e /dev/zero -e /etc/shadow '$TEST_TMP/trace'"

# ---- corpus folders: a FIFO never blocks, a symlink loop drops nothing.
mkdir -p "$TEST_TMP/c/sub"
cp tests/data/good/achievements.xml "$TEST_TMP/c/"
cp tests/data/good/demands.xml "$TEST_TMP/c/sub/"
mkfifo "$TEST_TMP/c/pipe.xml"
ln -s .. "$TEST_TMP/c/sub/up"
run timeout 10 "$TECHMATCH" check -q "$TEST_TMP/c"
check "a FIFO and a loop in a folder: check ends with problems (3)" expect_status 3
check "the FIFO is reported" grep -q "pipe.xml: a FIFO, not a corpus file; skipped" "$TEST_TMP/err"
check "the loop is reported" grep -q "sub/up: a symbolic link back to a folder that contains it" "$TEST_TMP/err"
run timeout 10 "$TECHMATCH" check -q "$TEST_TMP/c/pipe.xml"
check "a FIFO named directly is refused without blocking (3)" expect_status 3
run timeout 30 "$TECHMATCH" index -i "$TEST_TMP/c.idx" --skip-bad "$TEST_TMP/c"
check "index --skip-bad over the folder succeeds" expect_status 0
check "index --skip-bad keeps every file beside the loop" sh -c "'$TECHMATCH' stats -i '$TEST_TMP/c.idx' | grep -q '^achievements	3' && '$TECHMATCH' stats -i '$TEST_TMP/c.idx' | grep -q '^demands	2'"
check "index --skip-bad reports the loop" grep -q "sub/up: a symbolic link back" "$TEST_TMP/err"

finish
