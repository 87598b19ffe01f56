"""One daily build of a built site, timed (and optionally profiled), with a given checkout's sitegen.

    python3 benchmarks/daily_ab.py SNAPSHOT WORK CODE [--profile OUT] [--noday] [--norestore]

SNAPSHOT is a site folder (`sitegen.toml`, `data/`, a built `output/`), for example one that
`run.py` made; it is copied to WORK with rsync (unless --norestore), `make_archive.py 50
--add-day` adds a day to WORK's store (unless --noday), and the build runs in a fresh process
with CODE's sitegen (a checkout or an export of a commit). So two commits can be compared on
the same store, one after the other, each from its own snapshot.

The one difference from `sitegen build`: the theme fingerprint (which covers sitegen's own
source, so it differs between checkouts) is pinned to the one in SNAPSHOT's build cache, so the
snapshot's keys stay valid for CODE. Printed: the build's stage lines, its wall and CPU time,
the process's CPU time and peak RSS (`/usr/bin/time`), and the machine's load before and after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import msgspec


class _Theme(msgspec.Struct):
    theme: bytes = b""


_RUNNER = """
import os, pathlib, resource, sys, time
sys.path.insert(0, {code!r})
started, cpu = time.perf_counter(), time.process_time()
import sitegen.output.fingerprint as fingerprint
fingerprint.theme_fingerprint = lambda *args, **kwargs: bytes.fromhex({theme!r})
import sitegen.build as build
build.theme_fingerprint = fingerprint.theme_fingerprint
from sitegen.build_progress import CliBuildProgress
from sitegen.config.load import load_config
config = load_config(pathlib.Path({work!r}) / "sitegen.toml", environ=dict(os.environ))
if {profile!r}:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
report = build.build(config, progress=CliBuildProgress(sys.stderr))
if {profile!r}:
    profiler.disable()
    profiler.dump_stats({profile!r})
print(report.summary(), file=sys.stderr)
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)
workers = children.ru_utime + children.ru_stime
print(f"build: {{wall:.2f}} s wall, {{cpu:.2f}} s CPU, workers {{workers:.2f}} s CPU", file=sys.stderr)
"""


def main(argv: list[str]) -> None:
    snapshot, work, code = (Path(arg) for arg in argv[:3])
    profile = argv[argv.index("--profile") + 1] if "--profile" in argv else ""
    if "--norestore" not in argv:
        subprocess.run(["rsync", "-a", "--delete", f"{snapshot}/", f"{work}/"], check=True)
    if "--noday" not in argv:
        subprocess.run(
            [sys.executable, str(code / "benchmarks/make_archive.py"), "50", "--out", str(work / "data"), "--add-day"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    theme = msgspec.msgpack.decode((snapshot / "output/.sitegen-cache").read_bytes(), type=_Theme).theme
    runner = _RUNNER.format(code=str(code), theme=theme.hex(), work=str(work), profile=profile)
    load = os.getloadavg()[0]
    time_format = "process: %e s wall, %U s user, %S s system, peak RSS %M KB"
    subprocess.run(["/usr/bin/time", "-f", time_format, sys.executable, "-c", runner], cwd=work, check=True)
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
