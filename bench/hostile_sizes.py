"""Hostile sizes: a 1 GB attachment and zip bombs, each met with exit 2, fast and small.

    python bench/hostile_sizes.py              # every case
    python bench/hostile_sizes.py --only bomb-42 --only zip-1g
    python bench/hostile_sizes.py --keep-going # also import the 1 GB attachment with the limit lifted
    python bench/hostile_sizes.py --only mms-1g --limit GREYROCK_MAX_ATTACHMENT=64M

Each export is made on the fly in a temporary directory that is removed at the end
(about 2.5 GB of disk at the peak; nothing in it is real):

  mms-1g    an SMS Backup & Restore file whose one MMS photo is 1 GiB (1.4 GB of base64)
  zip-1g    a WhatsApp zip: the chat and a 1 GiB video, stored (not compressed)
  bomb-flat a WhatsApp zip whose chat inflates to 4000 MiB from about 4 MB (1:1000)
  bomb-42   42.zip-style: a chat, then 16 zips of 16 members of 4000 MiB each
            (250 GiB in all) in a zip of a few MB

Each is run through `greyrock parse FILE` and `greyrock case import CASE FILE` in a
child process, with the default limits (see README, "Limits"). For each the bench prints
the exit code, the wall time, the peak resident memory of the command ("peak": the
kernel's high-water mark of its process; "tree": that process and the reader process an
import starts, added up, sampled every 10 ms) and the one line it printed on stderr.

Targets (issue 12, section 4): exit 2 within 10 s and at most 300 MB of memory.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MiB = 1 << 20
CHAT = (
    "14/03/2024, 08:02 - Casey Morgan: IMG-20240314-WA0003.jpg (file attached)\n"
    "look what u did\n"
    "14/03/2024, 08:03 - Casey Morgan: VID-20240314-WA0004.mp4 (file attached)\n"
)
PASSPHRASE = "bench passphrase, not a real one"


# --- making the exports ---------------------------------------------------------------


def _block(mib: int = 1, pattern: bytes = b"\0") -> bytes:
    return (pattern * (mib * MiB // len(pattern) + 1))[: mib * MiB]


def make_mms(path: Path, attachment: int = 1 << 30) -> None:
    """A backup with one sms and one mms whose image part holds `attachment` bytes."""
    seed = os.urandom(3 * MiB)  # a multiple of 3: its base64 has no padding inside
    encoded = base64.b64encode(seed)
    with open(path, "wb") as out:
        out.write(
            b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"2\">\n"
            b'  <sms address="+15550100" date="1710403320000" type="1" body="look what u did" '
            b'contact_name="Casey" />\n'
            b'  <mms date="1710403380000" msg_box="1" address="+15550100" contact_name="Casey">\n'
            b"    <parts>\n"
            b'      <part seq="0" ct="image/jpeg" name="IMG_0001.jpg" cl="IMG_0001.jpg" text="null" data="'
        )
        left = attachment
        while left > 0:
            n = min(left, len(seed))
            out.write(encoded if n == len(seed) else base64.b64encode(seed[:n]))
            left -= n
        out.write(
            b'" />\n    </parts>\n    <addrs><addr address="+15550100" type="137" /></addrs>\n  </mms>\n</smses>\n'
        )


def make_zip_1g(path: Path, attachment: int = 1 << 30) -> None:
    """A WhatsApp export zip with a video of `attachment` bytes, stored as is."""
    import zipfile

    block = os.urandom(MiB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("WhatsApp Chat with Casey Morgan.txt", CHAT)
        with zf.open(zipfile.ZipInfo("VID-20240314-WA0004.mp4"), "w", force_zip64=True) as fh:
            for _ in range(attachment // MiB):
                fh.write(block)


def _deflated_repeats(block: bytes, count: int) -> tuple[bytes, int, int]:
    """(raw deflate data, CRC-32, size) of `block` repeated `count` times, made without
    compressing it `count` times: after a full flush a deflate stream refers to nothing
    before it, so the compressed block can itself be repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    once = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    return once * count + end, crc, len(block) * count


def _zip_bytes(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, data, crc, size, method) members, data already compressed.
    Sizes stay under 4 GiB: no zip64 needed."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size, method in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, method, 0, 0x21, crc, len(data), size,
                           len(encoded), 0)
        out += encoded + data
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, method, 0, 0x21, crc, len(data),
                               size, len(encoded), 0, 0, 0, 0, 0o100644 << 16, offset)
        central += encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _stored_chat() -> tuple[str, bytes, int, int, int]:
    data = CHAT.encode()
    return ("WhatsApp Chat with Casey Morgan.txt", data, zlib.crc32(data), len(data), 0)


def make_bomb_flat(path: Path) -> None:
    """A chat that inflates to 4000 MiB of chat lines: what the WhatsApp reader would
    hold whole (and decode) if nothing stopped it."""
    line = b"14/03/2024, 08:04 - Casey Morgan: you will regret this\n"
    data, crc, size = _deflated_repeats(_block(1, line), 4000)
    path.write_bytes(_zip_bytes([("WhatsApp Chat with Casey Morgan.txt", data, crc, size, 8)]))


def make_bomb_42(path: Path) -> None:
    """42.zip's shape, one level less deep: 16 zips of 16 members of 4000 MiB each, in
    one zip beside a chat that greyrock recognises."""
    data, crc, size = _deflated_repeats(_block(1), 4000)
    inner = _zip_bytes([(f"{i:x}.txt", data, crc, size, 8) for i in range(16)])
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_inner = packed.compress(inner) + packed.flush()
    members = [_stored_chat()] + [(f"lib {i:x}.zip", packed_inner, zlib.crc32(inner), len(inner), 8)
                                  for i in range(16)]
    path.write_bytes(_zip_bytes(members))


CASES = {
    "mms-1g": ("sms-20240801.xml", make_mms),
    "zip-1g": ("WhatsApp Chat with Casey Morgan.zip", make_zip_1g),
    "bomb-flat": ("whatsapp-bomb.zip", make_bomb_flat),
    "bomb-42": ("42.zip", make_bomb_42),
}


# --- running and measuring ------------------------------------------------------------


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """The processes our own child started (the import's reader), from its own /proc entry."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


# The command runs under this wrapper, which writes the kernel's high-water mark of its
# own memory (VmHWM: since exec, unlike ru_maxrss, which keeps what fork inherited) to
# the file named by _BENCH_HWM as it exits.
_WRAPPER = r"""
import atexit, os, runpy, sys
def _report():
    with open("/proc/self/status") as fh:
        hwm = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["_BENCH_HWM"], "w") as out:
        out.write(hwm)
atexit.register(_report)
sys.argv[0] = "greyrock"
runpy.run_module("greyrock", run_name="__main__", alter_sys=True)
"""


def run_measured(args: list[str], env: dict[str, str], tmp: Path) -> dict[str, object]:
    """Run `greyrock ARGS`: exit code, wall time, the last stderr line, and peak memory:
    the command's own high-water mark, and the sum over it and the reader process it
    starts for a large export (sampled every 10 ms)."""
    hwm_file = tmp / "hwm"
    hwm_file.unlink(missing_ok=True)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _WRAPPER, *args], env={**env, "_BENCH_HWM": str(hwm_file)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    os.set_blocking(child.stderr.fileno(), False)
    err = bytearray()
    peak_sum = 0
    while child.poll() is None:
        try:
            err += child.stderr.read() or b""
        except BlockingIOError:
            pass
        peak_sum = max(peak_sum, sum(_rss_kib(p) for p in (child.pid, *_children(child.pid))))
        time.sleep(0.01)
    wall = time.perf_counter() - start
    try:
        err += child.stderr.read() or b""
    except BlockingIOError:
        pass
    child.stderr.close()
    hwm = int(hwm_file.read_text()) if hwm_file.exists() else 0
    return {"rc": child.returncode, "wall_s": wall, "hwm_mb": hwm / 1024, "tree_mb": max(peak_sum, hwm) / 1024,
            "stderr": err.decode("utf-8", "replace").strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", choices=sorted(CASES), help="run only these cases")
    ap.add_argument("--keep-going", action="store_true",
                    help="also import the 1 GiB zipped video with GREYROCK_MAX_ATTACHMENT=2G (chunked storage)")
    ap.add_argument("--limit", action="append", default=[], metavar="VAR=VALUE",
                    help="run with this limit instead of its default (GREYROCK_MAX_ATTACHMENT=64M)")
    opts = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREYROCK_MAX_")}
    env.update(item.split("=", 1) for item in opts.limit)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env["GREYROCK_PASSPHRASE"] = PASSPHRASE
    names = opts.only or list(CASES)
    tmp = Path(tempfile.mkdtemp(prefix="greyrock-bench-"))
    try:
        print(f"{'case':<10} {'command':<7} {'rc':>3} {'wall s':>7} {'peak MB':>8} {'tree MB':>8}  stderr")
        for name in names:
            file_name, make = CASES[name]
            export = tmp / file_name
            t = time.perf_counter()
            make(export)
            made = time.perf_counter() - t
            print(f"# {name}: {export.stat().st_size / 1e6:,.1f} MB made in {made:.1f} s")
            case = tmp / f"{name}.grc"
            created = run_measured(["case", "create", str(case)], env, tmp)
            assert created["rc"] == 0, created
            runs = [("parse", ["parse", str(export)], env), ("import", ["case", "import", str(case), str(export)], env)]
            if opts.keep_going and name == "zip-1g":
                lifted = {**env, "GREYROCK_MAX_ATTACHMENT": "2G"}
                runs.append(("import*", ["case", "import", str(case), str(export)], lifted))
            for label, args, run_env in runs:
                r = run_measured(args, run_env, tmp)
                line = str(r["stderr"]).splitlines()[-1] if r["stderr"] else ""
                print(f"{name:<10} {label:<7} {r['rc']:>3} {r['wall_s']:>7.2f} {r['hwm_mb']:>8.0f} "
                      f"{r['tree_mb']:>8.0f}  {line}")
            export.unlink()
            case.unlink(missing_ok=True)
        if opts.keep_going:
            print("import*: GREYROCK_MAX_ATTACHMENT=2G, so the video is stored (in 1 MiB chunks).")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
