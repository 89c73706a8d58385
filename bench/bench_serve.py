"""Benchmark: how long after saving an edited record `mkdocs serve` shows it, for N generated records.

For each N the register of bench_build.py is served twice, as `mkdocs serve` and as `mkdocs serve
--dirty` (the README's `make serve`). Once the first build answers, one record's title is edited
EDITS times (environment variable, default 3), and the seconds from saving the file to the edited
title on its page are reported (median), with the first build's time.

    python bench/bench_serve.py            # N = 100, 1000, 5000
    python bench/bench_serve.py 1000       # chosen sizes
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import make_register

TARGETS = "an edited record shown in < 2 s at 5,000 datasets"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return ""


def _wait(condition: str, url: str, seconds: float) -> float:
    """Seconds until the page at `url` holds `condition`."""
    start = time.perf_counter()
    while condition not in _page(url):
        if time.perf_counter() - start > seconds:
            sys.exit(f"{url} did not show {condition!r} within {seconds:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - start


def serve(root: Path, dirty: bool, edits: int) -> tuple[float, list[float]]:
    """The first build's seconds, and each edit's seconds from save to page."""
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    server = subprocess.Popen(command, cwd=root, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = f"http://127.0.0.1:{port}/10.23698/bench/00007/"
    record = root / "datasets" / "bench-00007.yaml"
    shown = re.search(r"^title: (.*)$", record.read_text(), flags=re.M).group(1)  # type: ignore[union-attr]
    try:
        first = _wait(shown, page, 1800)
        times = []
        for edit in range(edits):
            title = f"Edited title {'dirty' if dirty else 'clean'} {edit}"
            time.sleep(1.5)  # MkDocs waits for the file system to settle before it rebuilds
            record.write_text(re.sub(r"^title: .*$", f"title: {title}", record.read_text(), count=1, flags=re.M))
            times.append(_wait(title, page, 1800))
        return first, times
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100, 1000, 5000]
    edits = int(os.environ.get("EDITS", 3))
    print(f"targets: {TARGETS}")
    print("seconds from saving a record to its page showing the edit (median of "
          f"{edits}); first build in brackets")
    print(f"{'N':>6} {'mkdocs serve':>20} {'mkdocs serve --dirty':>22}")
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "register"
            make_register(root, count)
            cells = []
            for dirty in (False, True):
                first, times = serve(root, dirty, edits)
                cells.append(f"{statistics.median(times):.1f} ({first:.0f})")
        print(f"{count:>6} {cells[0]:>20} {cells[1]:>22}", flush=True)


if __name__ == "__main__":
    main()
