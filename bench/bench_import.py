"""Benchmark: `register import jekyll` of N generated AIDA-style records (copies of the fixtures under new DOIs).

    python bench/bench_import.py [N]    # default 100
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import make_register  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    fixtures = sorted((ROOT / "tests" / "fixtures" / "aida").glob("*.md"))
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old" / "_datasets" / "10.23698" / "aida"
        old.mkdir(parents=True)
        for i in range(count):
            source = fixtures[i % len(fixtures)]
            name = f"{source.stem}{i:04d}"
            text = source.read_text(encoding="utf-8").replace(f"10.23698/aida/{source.stem}", f"10.23698/aida/{name}")
            (old / f"{name}.md").write_text(text, encoding="utf-8")
        root = make_register(Path(tmp) / "register")
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generator", "import", "jekyll", str(Path(tmp) / "old")],
                                cwd=root, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        written = len(list((root / "datasets").glob("*.yaml")))
        print(f"imported {written} of {count} records in {elapsed:.2f} s (whole command, with the check of the result)")
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:])


if __name__ == "__main__":
    main()
