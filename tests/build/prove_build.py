"""Prove the build: reproducible, network-free, and correct after an interruption.

Usage: ``python tests/build/prove_build.py WORK [--offline]``

1. Build the book, both editions, twice from clean (each time with its own empty execution
   cache), and require the two sites to be byte-identical: every HTML page, figure, script,
   stylesheet, chapter notebook and PDF of both editions. The one exception is the measured
   part of the execution-status pages (when each chapter ran and how long it took), which is
   masked before comparing.
2. Start a third clean build, kill it while a chapter is executing, then build again into the
   same place; the second attempt must succeed and produce the same site as the first builds.

With ``--offline`` every build runs in a new network namespace with only the loopback device up
(``unshare --net``; the notebook kernels talk to Sphinx over loopback), after checking that no
outside host can be reached from it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from sphinx_strict import EDITIONS

BUILD_BOOK = Path(__file__).resolve().parents[2] / "tools" / "build_book.py"

# The measured cells of reference/status.html: a timestamp and a duration per chapter.
MEASURED = re.compile(r"<td><p>\d{4}-\d\d-\d\d \d\d:\d\d</p></td>|<td><p>\d+\.\d+</p></td>")
PROBE = "import socket; socket.create_connection(('pypi.org', 443), timeout=5)"


def offline(command: list[str]) -> list[str]:
    """`command` inside a fresh network namespace with loopback up and nothing else."""
    unshare = ["unshare", "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    return [*unshare, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]


def check_isolated(wrap) -> None:
    probe = subprocess.run(wrap([sys.executable, "-c", PROBE]), capture_output=True, text=True)
    if probe.returncode == 0:
        sys.exit("the offline namespace can still reach pypi.org: the proof would prove nothing")
    print("offline: pypi.org is unreachable from the build's namespace")


def sphinx(place: Path, *flags: str) -> tuple[dict[str, str], list[str]]:
    """The environment and command of a build of both editions into `place`, with its own
    execution cache."""
    env = {**os.environ, "LOSSLAB_BUILD_DIR": str(place)}
    return env, [sys.executable, str(BUILD_BOOK), "--build", str(place), *flags]


def build(place: Path, wrap, *, clean: bool) -> float:
    if clean and place.exists():
        shutil.rmtree(place)
    place.mkdir(parents=True, exist_ok=True)
    env, command = sphinx(place, "-q")
    start = time.perf_counter()
    subprocess.run(wrap(command), env=env, check=True)
    return time.perf_counter() - start


def digest(html: Path) -> dict[str, str]:
    """SHA-256 of every file of a site, the measured status cells masked."""
    result = {}
    for path in sorted(p for p in html.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = path.relative_to(html).as_posix()
        if name.removeprefix("zh_CN/") == "reference/status.html":
            data = MEASURED.sub("<td><p>measured</p></td>", data.decode("utf-8")).encode("utf-8")
        result[name] = hashlib.sha256(data).hexdigest()
    return result


def compare(first: dict[str, str], second: dict[str, str], what: str) -> None:
    differ = sorted(n for n in first.keys() | second.keys() if first.get(n) != second.get(n))
    if differ:
        sys.exit(f"{what}: {len(differ)} files differ: {differ[:10]}")
    images = sum(n.endswith((".png", ".svg", ".jpg")) for n in first)
    editions = ", ".join(EDITIONS)
    print(f"{what}: {len(first)} files identical ({editions}), {images} images among them")


def interrupted(place: Path, wrap) -> None:
    """Kill a clean build once a chapter is executing, then build again in the same place."""
    if place.exists():
        shutil.rmtree(place)
    place.mkdir(parents=True)
    env, command = sphinx(place)
    process = subprocess.Popen(
        wrap(command),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    executing = 0
    for line in process.stdout:
        if "Executing" in line:
            executing += 1
            if executing == 2:  # the first chapter is in the cache, the second one is running
                time.sleep(2.0)
                os.killpg(process.pid, signal.SIGKILL)
                break
    process.wait()
    if executing < 2:
        sys.exit("the interrupted build finished before a second chapter executed")
    if process.returncode != -signal.SIGKILL:
        sys.exit(f"the build ended by itself (rc {process.returncode}) before it could be killed")
    print(f"interrupted: killed while executing chapter {executing} (rc {process.returncode})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--offline", action="store_true")
    args = parser.parse_args()
    wrap = offline if args.offline else (lambda command: command)
    if args.offline:
        check_isolated(wrap)

    seconds = [build(args.work / name, wrap, clean=True) for name in ("a", "b")]
    print(f"two clean builds: {seconds[0]:.1f} s and {seconds[1]:.1f} s")
    reference = digest(args.work / "a" / "html")
    compare(reference, digest(args.work / "b" / "html"), "two clean builds")

    interrupted(args.work / "c", wrap)
    resumed = build(args.work / "c", wrap, clean=False)
    print(f"the build after the interruption: {resumed:.1f} s")
    compare(reference, digest(args.work / "c" / "html"), "after an interrupted build")


if __name__ == "__main__":
    main()
