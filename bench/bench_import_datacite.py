"""Benchmark: `register import datacite` of N DOIs of varied shapes from the fake DataCite on 127.0.0.1.

    python bench/bench_import_datacite.py [N]    # default 1000

Prints two figures: the import itself (read every DOI, map, account for every value by the round
trip, write the records and the report), run in this process; and the whole command as a data
steward runs it, which ends with `register check` of the imported records.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from datacite_shapes import varied  # noqa: E402

from generator import config as config_module  # noqa: E402
from generator.importers import base, datacite  # noqa: E402

from conftest import make_register  # noqa: E402
from fake_datacite import FakeDataCite, FakeServer  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    fake = FakeDataCite()
    for doi, attributes, state in varied("10.23698", count):
        fake.add_registered(doi, attributes, state)
    with tempfile.TemporaryDirectory() as tmp, FakeServer(fake) as url:
        root = make_register(Path(tmp) / "in-process")
        config = config_module.load(root / "mkdocs.yml")
        start = time.perf_counter()
        report = datacite.run(url, "10.23698", None, config, config.datasets_dir,
                              username=fake.username, password=fake.password)
        base.write_report(report.converted, config.root)
        elapsed = time.perf_counter() - start
        counts = base.counts(report.converted)
        print(f"imported {len(report.written)} of {count} DOIs in {elapsed:.2f} s "
              f"({sum(counts.values())} facts accounted for; the import itself)")
        root = make_register(Path(tmp) / "command")
        env = os.environ | {"DATACITE_URL": url, "DATACITE_USERNAME": fake.username,
                            "DATACITE_PASSWORD": fake.password}
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generator", "import", "datacite", "--prefix", "10.23698"],
                                cwd=root, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - start
        written = len(list((root / "datasets").glob("*.yaml")))
        print(f"imported {written} of {count} DOIs in {elapsed:.2f} s (whole command, with the check of the result)")
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:])


if __name__ == "__main__":
    main()
