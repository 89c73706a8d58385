"""A contributor's first pull request: a new record made with `register new` keeps the whole suite's register tier green."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ENV, ROOT

NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "site", ".cache", "__pycache__", "*.egg-info", ".pytest_cache")


def test_a_new_valid_record_keeps_the_register_tests_green(tmp_path: Path):
    repository = tmp_path / "repository"
    shutil.copytree(ROOT, repository, ignore=NOT_COPIED)
    (repository / ".cache").mkdir()
    (repository / ".cache" / "test-tools").symlink_to(ROOT / ".cache" / "test-tools")  # vnu and citeproc-js

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=repository, capture_output=True, text=True, env=ENV,
                              stdin=subprocess.DEVNULL, check=False)

    made = run("-m", "generator", "new", "--no-input", "--title", "Knee MRI of football players",
               "--author", "Lindqvist, Maja, 0000-0002-1825-0097", "--license", "controlled-access", "--license", "aida-by",
               "--contact", "Data steward <steward@example.org>")
    assert made.returncode == 0, made.stderr
    record = next(path for path in (repository / "datasets").glob("*.yaml") if not (ROOT / "datasets" / path.name).exists())
    text = record.read_text(encoding="utf-8")
    text = text.replace('"FILL IN: what the dataset holds, in a few sentences (Markdown)"',
                        "MRI of the knee of 40 football players, with and without injuries of the anterior cruciate ligament.")
    text = text.replace('"FILL IN: the institution holding the copyright, from the ethical approval"', "Example University")
    text = text.replace("hidden: true", "hidden: false")  # published, so it is listed everywhere
    record.write_text(text, encoding="utf-8")
    assert run("-m", "generator", "check").returncode == 0

    tier = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_properties.py")
    assert tier.returncode == 0, tier.stdout[-3000:] + tier.stderr[-2000:]
    assert re.search(r"^\d+ passed", tier.stdout.splitlines()[-1]), tier.stdout[-500:]
