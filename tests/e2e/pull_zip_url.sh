#!/usr/bin/env bash
# `vsrbench data pull vsr-unified --from-zip URL`: the unified test set's
# images read out of remote zips with HTTP Range requests, never the whole
# archive.  The zips are built here by python's zipfile from generated JPEGs
# (stored and deflated members, large members no item names; val2017.zip's
# members written with force_zip64 and its end records rewritten as zip64)
# and served by tests/server/static_range.py on loopback, whose own log of
# every request's range and body bytes is the reference: the members
# fetched are exactly the needed ones (by python's header_offset of each),
# adjacent ones in one request, and the bytes sent are far below the
# archives' size.  big.zip, a sparse 5 GiB archive written by hand, has its
# members past 4 GiB (zip64 offsets), read over HTTP and as a PATH.
. "$(dirname "$0")/lib.bash"

need_shared_vsr
command -v python3 >/dev/null || { echo "skipped: python3 is needed to build the zips"; exit 77; }
V=$VSRBENCH
cd "$T"

# The loopback server, started first: it comes up while the fixtures are built.
mkdir -p srv/zips
: >log
: >rules
python3 -S "$VSR_SRC/tests/server/static_range.py" --root srv --root "$D" --rules rules --log log \
	>srv.out 2>srv.err &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT

vsr_needed_images "$TEST_JSONL" >needed.txt
[ "$(wc -l <needed.txt)" = 715 ] || fail "expected 715 distinct images"
mkdir -p coco/train2017 coco/val2017
grep '^train2017/' needed.txt | sed 's|.*/||' >train.txt
grep '^val2017/' needed.txt | sed 's|.*/||' >val.txt
"$VSR_BUILD/tests/mkimage" --names train.txt coco/train2017 64 48
"$VSR_BUILD/tests/mkimage" --names val.txt coco/val2017 64 48

# train2017.zip: every third member stored, the rest deflated, plus 24
# incompressible 256 KiB members no item names (the bulk of the archive).
# val2017.zip: the same with force_zip64 members, then its end of central
# directory replaced by a zip64 record + locator + an all-ones classic record.
# bad.zip: val2017.zip with the first val2017 image's (stored, i == 0) middle
# byte flipped, so that its CRC-32 no longer matches (named in bad.txt).
# One python for all (each start costs seconds on a loaded machine).
python3 -S - <<'PY'
import os, struct, zipfile
for split in ("train2017", "val2017"):
    names = sorted(os.listdir("coco/" + split))
    path = "srv/zips/%s.zip" % split
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(split + "/", b"")
        for i, n in enumerate(names):
            kind = zipfile.ZIP_STORED if i % 3 == 0 else zipfile.ZIP_DEFLATED
            data = open("coco/%s/%s" % (split, n), "rb").read()
            info = zipfile.ZipInfo("%s/%s" % (split, n), (2020, 1, 1, 0, 0, 0))
            info.compress_type = kind
            with z.open(info, "w", force_zip64=(split == "val2017")) as f:
                f.write(data)
            if i % 30 == 0:
                z.writestr("%s/filler_%03d.bin" % (split, i), os.urandom(256 << 10))
    if split == "val2017":
        d = open(path, "rb").read()
        i = d.rindex(b"PK\x05\x06")
        _, _, _, ne, nt, cds, cdo, _ = struct.unpack("<IHHHHIIH", d[i:i + 22])
        e64 = struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, nt, nt, cds, cdo)
        loc = struct.pack("<IIQI", 0x07064b50, 0, i, 1)
        eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff,
                           0xffffffff, 0)
        open(path, "wb").write(d[:i] + e64 + loc + eocd)
        z = zipfile.ZipFile(path)
        assert z.testzip() is None
        # python reads the zip64 end record: the rewrite is a valid zip64 archive
        assert len(z.namelist()) == nt
B = open("val.txt").read().split()[0]
open("bad.txt", "w").write(B + "\n")
z = zipfile.ZipFile("srv/zips/val2017.zip")
info = z.getinfo("val2017/" + B)
assert info.compress_type == zipfile.ZIP_STORED, info.compress_type
data = bytearray(open("srv/zips/val2017.zip", "rb").read())
h = info.header_offset
assert data[h:h + 4] == b"PK\x03\x04"
start = h + 30 + int.from_bytes(data[h + 26:h + 28], "little") + int.from_bytes(data[h + 28:h + 30], "little")
data[start + info.compress_size // 2] ^= 0x01
open("srv/zips/bad.zip", "wb").write(bytes(data))
# slow.zip: all 715 images stored next to each other (one range request of ~1 MB).
with zipfile.ZipFile("srv/zips/slow.zip", "w") as z:
    for split in ("train2017", "val2017"):
        for n in sorted(os.listdir("coco/" + split)):
            z.write("coco/%s/%s" % (split, n), "%s/%s" % (split, n))
PY

for _ in $(seq 400); do grep -q '^PORT' srv.out && break; sleep 0.05; done
PORT=$(awk '/^PORT/ { print $2 }' srv.out)
[ -n "$PORT" ] || fail "test server did not start: $(cat srv.err)"
S=http://127.0.0.1:$PORT
RW=(--rewrite "https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/b27a0af0ee1462d2b6b92c8c83e869d9254a241a/=$S/vsr/"
	--rewrite "http://images.cocodataset.org/=$S/nowhere/")
expect_exit 0 "$V" data pull vsr --data data "${RW[@]}"
cp -r data data0

# --- both archives over HTTP: exactly the 715 needed members -------------------
: >log
expect_exit 0 "$V" data pull vsr-unified --data data "${RW[@]}" --from-zip "$S/zips/train2017.zip" \
	--from-zip "$S/zips/val2017.zip"
expect_out "vsr-unified: 715 of 715 images in data/vsr/images (715 extracted from the --from-zip archives, 0 already present)"
expect_out "--from-zip $S/zips/val2017.zip: "
grep -E '^GET /nowhere/' log && fail "an image was downloaded one by one"
expect_pulled_images needed.txt coco data/vsr/images
H=$(sed -n 5p needed.txt)
[ "$(jq -r --arg k "vsr/images/${H##*/}" '.files[$k].source' data/.vsrbench-manifest.json)" = \
	"$S/zips/${H%%/*}.zip!$H" ] || fail "recorded source of $H"
expect_exit 0 "$V" data verify vsr --data data

# The server's log: which members were asked for, and how many body bytes
# were sent in all.  A request is for members when it starts at a member's
# local header; it covers each member whose whole local record (header,
# local extra field, data: read here from the archive's bytes) lies in its
# range.  Adjacent needed members share a request: there are as many member
# requests as runs of needed members next to each other in the archive
# (a filler member between two needed ones starts a new run), and no
# request carries a byte of a member not needed.
python3 -S - needed.txt log <<'PY' || fail "the ranges requested (server log above)"
import re, sys, os, zipfile
needed = set(l.strip() for l in open(sys.argv[1]) if l.strip())
for split in ("train2017", "val2017"):
    path = "srv/zips/%s.zip" % split
    z = zipfile.ZipFile(path)
    raw = open(path, "rb").read()
    infos = sorted(z.infolist(), key=lambda i: i.header_offset)
    by_off = {i.header_offset: i.filename for i in infos}
    def rec_end(i):
        h = i.header_offset
        return h + 30 + int.from_bytes(raw[h + 26:h + 28], "little") + \
            int.from_bytes(raw[h + 28:h + 30], "little") + i.compress_size
    want = set(n for n in needed if n.startswith(split + "/"))
    runs, prev = 0, False
    for i in infos:
        cur = i.filename in want
        runs += cur and not prev
        prev = cur
    size = len(raw)
    got, sent, other, member_reqs = set(), 0, [], 0
    for line in open(sys.argv[2]):
        m = re.match(r"GET /zips/%s\.zip range=bytes=(\d*)-(\d*) status=(\d+) sent=(\d+)" % split, line)
        if not m:
            continue
        sent += int(m.group(4))
        assert m.group(3) == "206", line
        if not (m.group(1) and m.group(2) and int(m.group(1)) in by_off):
            other.append(line.strip())
            continue
        a, b = int(m.group(1)), int(m.group(2)) + 1
        member_reqs += 1
        for i in infos:
            if i.header_offset >= a and rec_end(i) <= b:
                got.add(i.filename)
            elif i.filename not in want:
                assert rec_end(i) <= a or i.header_offset >= b, ("bytes of", i.filename, line)
    assert got == want, (split, sorted(got - want)[:3], sorted(want - got)[:3])
    assert member_reqs == runs, (split, member_reqs, "member requests for", runs, "runs")
    # besides the members: the tail, the directory (when not in the tail), a zip64 record
    assert len(other) <= 3, other
    print("%s: %d members, %d of %d bytes sent" % (split, len(got), sent, size), file=sys.stderr)
    assert split != "train2017" or sent * 4 < size, (split, sent, size)
PY

# --- again: nothing fetched but the directories --------------------------------
expect_exit 0 "$V" data pull vsr-unified --data data "${RW[@]}" --from-zip "$S/zips/train2017.zip" \
	--from-zip "$S/zips/val2017.zip"
expect_out "(0 extracted from the --from-zip archives, 715 already present)"

# --- a member whose bytes do not match its CRC-32: named, nothing kept ---------
B=$(cat bad.txt) # the first val2017 image: stored (i == 0)
cp -r data0 d2
expect_exit 3 "$V" data pull vsr-unified -j 1 --data d2 "${RW[@]}" --from-zip "$S/zips/bad.zip" \
	--from-zip "$S/zips/train2017.zip"
expect_err "$S/zips/bad.zip: member val2017/$B: CRC-32 check failed"
# (a progress line may come too, when the batch outlasts its 5 s on a loaded machine)
[ "$(grep -vc ' members, .* MB fetched, ' "$T/err")" = 1 ] || fail "one error line: $(cat "$T/err")"
[ -e "d2/vsr/images/$B" ] && fail "a member with a wrong CRC was kept"
[ -e "d2/vsr/images/$B.part" ] && fail "a member with a wrong CRC left a .part"
[ "$(ls d2/vsr/images | wc -l)" = 714 ] || fail "the other 714 images were not kept"

# --- a server that ignores Range: a clear error, the size named, nothing fetched
echo norange >rules
cp -r data0 d3
SIZE=$(stat -c %s srv/zips/train2017.zip)
expect_exit 3 "$V" data pull vsr-unified --data d3 "${RW[@]}" --from-zip "$S/zips/train2017.zip"
expect_err "--from-zip $S/zips/train2017.zip: the server does not answer HTTP Range requests"
expect_err "download the zip ($(awk -v s="$SIZE" 'BEGIN { printf "%.1f MB", s / 1e6 }')) and pass its PATH to --from-zip"
expect_one_line_err
[ -z "$(ls d3/vsr/images 2>/dev/null)" ] || fail "images were written without Range support"
: >rules

# --- zip64 offsets: members past 4 GiB -----------------------------------------
# big.zip, written by hand as a sparse file: the 28 val2017 images stored at
# 5 GiB and on, each central directory entry's offset in its zip64 extra field
# (0xffffffff in the 32-bit one), then a zip64 end record, its locator and a
# classic end record.  python's zipfile reads it back (testzip) first.
python3 -S - <<'PY'
import os, struct, zipfile, zlib
names = sorted(os.listdir("coco/val2017"))
with open("srv/zips/big.zip", "wb") as f:
    f.seek(5 << 30)
    cd = b""
    for n in names:
        data = open("coco/val2017/" + n, "rb").read()
        name = ("val2017/" + n).encode()
        crc, off = zlib.crc32(data), f.tell()
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 0, 0, 33, crc, len(data), len(data),
                            len(name), 0) + name + data)
        extra = struct.pack("<HHQ", 1, 8, off)
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 0, 0, 33, crc, len(data),
                          len(data), len(name), len(extra), 0, 0, 0, 0, 0xffffffff) + name + extra
    cdo = f.tell()
    f.write(cd)
    e64 = f.tell()
    f.write(struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, len(names), len(names),
                        len(cd), cdo))
    f.write(struct.pack("<IIQI", 0x07064b50, 0, e64, 1))
    f.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0))
z = zipfile.ZipFile("srv/zips/big.zip")
assert z.testzip() is None and len(z.namelist()) == len(names)
assert min(i.header_offset for i in z.infolist()) >= 5 << 30
PY
for src in "$S/zips/big.zip" srv/zips/big.zip; do # over HTTP (ranges), then as a PATH (libzip)
	rm -rf d6 && cp -r data0 d6
	: >log
	expect_exit 0 "$V" data pull vsr-unified --data d6 "${RW[@]}" --from-zip "$S/zips/train2017.zip" \
		--from-zip "$src"
	expect_out "vsr-unified: 715 of 715 images in d6/vsr/images (715 extracted"
	expect_pulled_images needed.txt coco d6/vsr/images
	# Over HTTP: a few hundred kB of the 5 GiB archive.
	[ "$src" = srv/zips/big.zip ] ||
		awk '/^GET \/zips\/big.zip/ { sub("sent=", "", $NF); s += $NF } END { exit !(s > 0 && s < 1000000) }' log ||
		fail "big.zip: $(grep big.zip log | head -5)"
done
rm -f srv/zips/big.zip

# --- progress: a line on stderr every 5 s without a terminal -------------------
# The ~1 MB range of slow.zip's members is held after 400 kB (the tail and the
# directory, ~120 kB, are not) for more than 5 s: the members reported after it
# print one line (how many done, bytes, rate); a short batch prints none (above).
cp -r data0 d5
: >log
echo "hold /zips/slow.zip 400000" >rules
"$V" data pull vsr-unified -j 1 --data d5 "${RW[@]}" --from-zip "$S/zips/slow.zip" >slow.out 2>slow.err &
P=$!
for _ in $(seq 600); do grep -q '^HOLD /zips/slow.zip' log && break; sleep 0.05; done
grep -q '^HOLD /zips/slow.zip' log || fail "the members' range was never held: $(cat log)"
sleep 5.5 # past the 5 s between two progress lines (not a timing assertion)
: >rules
wait $P || fail "pull from slow.zip: $(cat slow.err)"
grep -Eq "^--from-zip $S/zips/slow.zip: [0-9]+/715 members, [0-9.]+ MB fetched, [0-9.]+ MB/s$" slow.err ||
	fail "no progress line: $(cat slow.err)"
grep -q $'\r' slow.err && fail "a terminal's progress line on a non-terminal"
grep -q "715 of 715 images in d5/vsr/images" slow.out || fail "slow.zip pull: $(cat slow.out)"

# --- other failures ------------------------------------------------------------
expect_exit 3 "$V" data pull vsr-unified --data d3 "${RW[@]}" --from-zip "$S/zips/missing.zip"
expect_err "--from-zip $S/zips/missing.zip: HTTP 404"
expect_one_line_err
expect_exit 3 "$V" data pull vsr-unified --data d3 "${RW[@]}" --from-zip "$S/vsr/data/splits/zeroshot/test.jsonl"
expect_err "not a zip archive (no end of central directory)"
expect_one_line_err
# vsr-boxes over HTTP (the boxes themselves are checked in e2e/pull_zip): an
# archive without an instances file is named.
expect_exit 3 "$V" data pull vsr-boxes --data d3 "${RW[@]}" --from-zip "$S/zips/val2017.zip"
expect_err "$S/zips/val2017.zip: no instances_*.json in it"
expect_one_line_err
echo ok
