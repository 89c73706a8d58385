"""`mkdocs serve` with a broken record: every page lists the problems, the server keeps answering, the site comes back."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ENV, MINIMAL, make_register


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=8) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_a_broken_record_turns_the_served_site_into_its_problems_until_it_is_fixed(tmp_path: Path):
    good = MINIMAL.format(name="good")
    root = make_register(tmp_path / "register", {"good.yaml": good.replace("2020-01-01", "2020-02-30")})
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
                               "-f", str(root / "mkdocs.yml")], cwd=root, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _until(lambda: _get(base)[0] == 200, 60), "mkdocs serve did not answer"
        problem = "datasets/good.yaml:4:12</code> <strong>published</strong>: not a real calendar date"
        for path in ("", "10.23698/good/", "licenses/", "no/such/page/"):
            status, body = _get(base + path)
            assert problem in body, (path, status)
        (root / "datasets" / "good.yaml").write_text(good, encoding="utf-8")
        assert _until(lambda: "A minimal dataset" in _get(base + "10.23698/good/")[1], 60), "the site did not come back"
        assert "has problems" not in _get(base)[1]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serving_dirty_shows_an_edit_on_its_page_the_list_and_the_pages_that_link_to_it(tmp_path: Path):
    """`make serve` runs `mkdocs serve --dirty`: only changed pages are written again, and those must be all that changed."""
    old = MINIMAL.format(name="old").replace("A minimal dataset", "The first version")
    new = (MINIMAL.format(name="new").replace("A minimal dataset", "The second version")
           + "related:\n  - doi: 10.23698/old\n    relation: is-new-version-of\n    type: dataset\n")
    root = make_register(tmp_path / "register", {"old.yaml": old, "new.yaml": new, "other.yaml": MINIMAL.format(name="other")})
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}",
                               "-f", str(root / "mkdocs.yml")], cwd=root, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _until(lambda: "The first version" in _get(base + "10.23698/new/")[1], 60), "mkdocs serve did not answer"
        (root / "datasets" / "old.yaml").write_text(old.replace("The first version", "The renamed version"), encoding="utf-8")
        assert _until(lambda: "The renamed version" in _get(base + "10.23698/old/")[1], 60), "the edit did not show"
        assert "The renamed version" in _get(base + "10.23698/new/")[1]  # the newer version names it by its title
        assert "The renamed version" in _get(base)[1] and "The first version" not in _get(base)[1]
        assert "The renamed version" in _get(base + "10.23698/old/datacite.json")[1]
        for listing in ("api/v1/datasets.json", "catalog.jsonld", "catalog.ttl"):
            assert "The renamed version" in _get(base + listing)[1], listing
        sitemap = _get(base + "sitemap.xml")[1]
        assert all(f"/10.23698/{name}/</loc>" in sitemap for name in ("old", "new", "other")), sitemap
        # A broken record turns every page into the list of problems; once fixed, every page comes back, also
        # those of records that did not change, which a dirty build would otherwise not write again.
        (root / "datasets" / "old.yaml").write_text(old.replace("2020-01-01", "2020-02-30"), encoding="utf-8")
        assert _until(lambda: "not a real calendar date" in _get(base + "10.23698/new/")[1], 60), "no problem page"
        (root / "datasets" / "old.yaml").write_text(old, encoding="utf-8")
        assert _until(lambda: "The first version" in _get(base + "10.23698/old/")[1], 60), "the site did not come back"
        for path in ("", "10.23698/new/", "10.23698/other/", "licenses/"):
            assert "has problems" not in _get(base + path)[1], path
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_dirty_rebuild_hands_mkdocs_only_the_dataset_pages_rendered_anew(tmp_path: Path, monkeypatch):
    """MkDocs would not write the other pages again, and at 5,000 datasets making their Page objects cost it
    more than the rebuild; the site keeps them, and the sitemap of the first build keeps listing them."""
    from mkdocs.commands import build
    from mkdocs.config import load_config

    names = ("one", "two", "three")
    root = make_register(tmp_path / "register", {f"{name}.yaml": MINIMAL.format(name=name) for name in names})
    settings = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    settings.plugins.on_startup(command="serve", dirty=True)
    handed: list[str] = []
    build_page = build._build_page
    monkeypatch.setattr(build, "_build_page", lambda page, *args, **kwargs: (
        handed.append(page.file.src_uri), build_page(page, *args, **kwargs))[1])

    def rebuilt() -> list[str]:
        handed.clear()
        build.build(settings, dirty=True)
        return sorted(path for path in handed if path.startswith("10.23698/"))

    assert rebuilt() == [f"10.23698/{name}/index.md" for name in sorted(names)]
    record = root / "datasets" / "two.yaml"
    record.write_text(MINIMAL.format(name="two").replace("A minimal dataset", "An edited dataset"), encoding="utf-8")
    assert rebuilt() == ["10.23698/two/index.md"]
    site = tmp_path / "site"
    assert "An edited dataset" in (site / "10.23698/two/index.html").read_text(encoding="utf-8")
    assert "A minimal dataset" in (site / "10.23698/one/index.html").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"/10.23698/{name}/</loc>" in sitemap for name in names), sitemap
    assert rebuilt() == []
    # A build that fails after MkDocs was given a page (a broken theme override, another plugin) did not write it:
    # the next one gives it again.
    record.write_text(MINIMAL.format(name="two").replace("A minimal dataset", "Edited again"), encoding="utf-8")
    with monkeypatch.context() as failing:
        failing.setattr(build, "_build_page", lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("a broken theme")))
        with pytest.raises(RuntimeError):
            build.build(settings, dirty=True)
    assert rebuilt() == ["10.23698/two/index.md"]
    assert "Edited again" in (site / "10.23698/two/index.html").read_text(encoding="utf-8")
    # A build that fails after MkDocs wrote the edited page, and then the edit undone: the page is as the last
    # completed build wrote it, but not the site's, so it is given again.
    record.write_text(MINIMAL.format(name="two").replace("A minimal dataset", "Edited, then undone"), encoding="utf-8")

    def write_then_fail(page, *args, **kwargs):  # type: ignore[no-untyped-def]
        build_page(page, *args, **kwargs)
        if page.file.src_uri == "10.23698/two/index.md":
            raise RuntimeError("a plugin fails after the page was written")

    with monkeypatch.context() as failing:
        failing.setattr(build, "_build_page", write_then_fail)
        with pytest.raises(RuntimeError):
            build.build(settings, dirty=True)
    assert "Edited, then undone" in (site / "10.23698/two/index.html").read_text(encoding="utf-8")
    record.write_text(MINIMAL.format(name="two").replace("A minimal dataset", "Edited again"), encoding="utf-8")
    assert rebuilt() == ["10.23698/two/index.md"]
    assert "Edited again" in (site / "10.23698/two/index.html").read_text(encoding="utf-8")


# --- The memory of checked records that `mkdocs serve` keeps between rebuilds --------------------------

def _checks(root: Path, memo, monkeypatch) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The records checked on their own this time, and every problem of the register."""
    from generator import config
    from generator.build import verify
    from generator.check import record_cache

    from conftest import record_checks

    checked = record_checks(monkeypatch)
    # The memo alone: the record cache on disk would also give back a text checked before (tests/test_record_cache.py).
    monkeypatch.setattr(record_cache.RecordCache, "get", lambda self, path: None)
    _, problems = verify.check(config.load(root / "mkdocs.yml"), memo=memo)
    return sorted(checked), [f"{p.path}:{p.line}: {p.key}: {p.message}" for p in problems]


def test_the_memo_checks_again_only_the_records_that_changed(tmp_path: Path, monkeypatch):
    from generator.check.catalog import RecordMemo

    root = make_register(tmp_path / "register", {name: MINIMAL.format(name=name.removesuffix(".yaml"))
                                                 for name in ("one.yaml", "two.yaml", "three.yaml")})
    memo = RecordMemo()
    assert _checks(root, memo, monkeypatch) == (["one.yaml", "three.yaml", "two.yaml"], [])
    assert _checks(root, memo, monkeypatch) == ([], [])
    record = root / "datasets" / "two.yaml"
    record.write_text(MINIMAL.format(name="one"), encoding="utf-8")  # now a second record with the DOI of one.yaml
    checked, problems = _checks(root, memo, monkeypatch)
    assert checked == ["two.yaml"] and len(problems) == 2
    assert any("DOI 10.23698/one is already used by" in problem for problem in problems)
    # The rules across records run again each time, and their problems are not added up.
    assert _checks(root, memo, monkeypatch) == ([], problems)
    record.write_text(MINIMAL.format(name="two"), encoding="utf-8")
    assert _checks(root, memo, monkeypatch) == (["two.yaml"], [])
    (root / "datasets" / "three.yaml").unlink()
    assert _checks(root, memo, monkeypatch) == ([], [])


def test_the_memo_checks_everything_again_after_a_license_or_a_setting_changed(tmp_path: Path, monkeypatch):
    from generator.check.catalog import RecordMemo

    root = make_register(tmp_path / "register", {"one.yaml": MINIMAL.format(name="one")})
    memo = RecordMemo()
    _checks(root, memo, monkeypatch)
    summary = root / "licenses" / "aida-by" / "license.yaml"
    summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _checks(root, memo, monkeypatch)[0] == ["one.yaml"]
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('doi_prefix: "10.23698"', 'doi_prefix: "10.5555"'),
                        encoding="utf-8")
    checked, problems = _checks(root, memo, monkeypatch)
    assert checked == ["one.yaml"] and "is not this register's prefix 10.5555" in problems[0]


def test_the_theme_templates_kept_compiled_while_serving_follow_an_edit(monkeypatch):
    from jinja2 import DictLoader, Environment

    from generator.mkdocs_plugin.plugin import _CompiledTemplates

    compiles: list[str] = []
    compile_source = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, source, *args, **kwargs: (
        compiles.append(source), compile_source(self, source, *args, **kwargs))[1])
    templates = {"main.html": "first {{ 1 + 1 }}"}
    compiled = _CompiledTemplates()

    def rendered() -> str:  # MkDocs makes a new environment for each build
        return Environment(loader=DictLoader(templates), bytecode_cache=compiled).get_template("main.html").render()

    assert rendered() == "first 2" and len(compiles) == 1
    assert rendered() == "first 2" and len(compiles) == 1, "the second environment compiles nothing"
    templates["main.html"] = "second {{ 2 + 2 }}"
    assert rendered() == "second 4" and len(compiles) == 2


def test_the_records_are_watched_by_the_systems_notices_and_reading_one_is_no_change(tmp_path: Path):
    """MkDocs polls a small file instead of the records folder (see the plugin's on_serve); the observer rewrites it."""
    from generator.mkdocs_plugin.plugin import _watch_natively

    records = tmp_path / "datasets"
    records.mkdir()
    record = records / "one.yaml"
    record.write_text("doi: 10.23698/one\n", encoding="utf-8")
    signal = tmp_path / ".cache" / "serve" / "changed"
    watcher = _watch_natively([records, tmp_path / "licenses-not-made"], signal)
    try:
        first = signal.read_text(encoding="utf-8")
        record.read_text(encoding="utf-8")  # every build reads the records
        time.sleep(1)
        assert signal.read_text(encoding="utf-8") == first, "a record read is no change"
        record.write_text("doi: 10.23698/two\n", encoding="utf-8")
        assert _until(lambda: signal.read_text(encoding="utf-8") != first, 10), "a record saved is"
        # Deleting .cache/ is always safe, also while serving (the watcher may still be writing after the save's events).
        assert _until(lambda: (shutil.rmtree(tmp_path / ".cache", ignore_errors=True), not (tmp_path / ".cache").exists())[1], 10)
        record.write_text("doi: 10.23698/three\n", encoding="utf-8")
        assert _until(signal.is_file, 10) and watcher.is_alive(), "the watcher outlives a deleted .cache/"
    finally:
        watcher.stop()
