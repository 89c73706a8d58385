"""Every built page is valid HTML by the W3C's Nu Html Checker (vnu.jar, installed by scripts/install-test-tools)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import ROOT

VNU = ROOT / ".cache" / "test-tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Errors of the Material theme itself, not of the register's pages, excepted by their exact message:
# its navigation toggles are checkboxes with autocomplete="off".
THEME_ERRORS = {
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, “email”, "
    "“hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
}


def vnu_errors(site: Path) -> list[str]:
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(site)],
                            capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [f"{m['url'].removeprefix('file:' + str(site))}:{m.get('lastLine')}: {m['message']}"
            for m in messages if m["type"] == "error" and m["message"] not in THEME_ERRORS]


def test_every_page_of_the_test_register_is_valid_html(site: Path):
    assert VNU.is_file(), "run scripts/install-test-tools (make test does)"
    assert vnu_errors(site) == []


def test_the_html_check_can_fail(site: Path, tmp_path: Path):
    page = (site / "index.html").read_text(encoding="utf-8").replace("<main", "<main><relation>", 1)
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    assert any("relation" in error for error in vnu_errors(tmp_path))
