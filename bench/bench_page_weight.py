"""Benchmark: what a visitor's browser transfers, with the register's search (Pagefind) and with MkDocs' own.

Builds a register of N generated records (each with an example image), and beside it the
plain-MkDocs control of bench_build.py: the same pages as plain Markdown of the same size, with
MkDocs' (Material's) search plugin. Both are served on 127.0.0.1 and loaded in Debian's Chromium,
counting every file the server sends as a server that compresses text sends it (gzip, as GitHub
Pages does), web workers' requests included:

- the list page (the register only: the control has none);
- a first page load of a dataset page, in a fresh browser;
- a first query from that page: what the browser then fetches to show the results.

Targets at 5,000 datasets: a first page load <= 200 KB, a first query <= 300 KB (gzip), the list page
< 500 KB at 100 datasets.

    python bench/bench_page_weight.py [N ...]    # default 100 1000
"""

from __future__ import annotations

import functools
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import make_control, make_register  # noqa: E402

TARGETS = "first page load <= 200 KB and first query <= 300 KB at 5,000 (gzip); list page < 500 KB at 100"
QUERY = "Generated benchmark dataset number 7"
CONTROL_QUERY = "plain paragraph"  # the control's pages hold placeholder text of the same size
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".jsonld")


class _Counting(SimpleHTTPRequestHandler):
    """Serves the site and notes each file it sends, also those a web worker asks for (MkDocs' search index)."""

    sent: list[Path]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if path.is_dir() else path
        answer = super().send_head()
        if answer is not None and path.is_file():
            self.sent.append(path)
        return answer


def _kilobytes(paths: list[Path]) -> float:
    """What a server that compresses text (gzip, as GitHub Pages does) sends for these files, in KB."""
    return sum(len(gzip.compress(path.read_bytes())) if path.suffix in TEXT else path.stat().st_size
               for path in paths) / 1024


def _with_images(root: Path) -> None:
    """One example image per record (the same picture, so making them costs nothing at 5,000)."""
    images = root / "datasets" / "images"
    images.mkdir()
    picture = Image.effect_mandelbrot((1024, 768), (-2.0, -1.2, 1.0, 1.2), 80).convert("RGB")
    picture.save(images / "first.jpg", quality=85)
    for record in sorted((root / "datasets").glob("*.yaml")):
        shutil.copyfile(images / "first.jpg", images / f"{record.stem}.jpg")
        record.write_text(record.read_text() + f"images:\n  - file: images/{record.stem}.jpg\n    title: An example.\n")
    (images / "first.jpg").unlink()


def _served(site: Path) -> tuple[ThreadingHTTPServer, str, list[Path]]:
    sent: list[Path] = []
    handler = type("Handler", (_Counting,), {"sent": sent})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/", sent


def _sent(page: Page, sent: list[Path], action: Callable[[], None]) -> float:
    """KB sent for the requests `action` causes, once the browser has gone quiet."""
    sent.clear()
    action()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # a web worker's fetch (MkDocs' index) starts after the page's own
    return _kilobytes(sent)


def measure(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        register, control = Path(tmp) / "register", Path(tmp) / "control"
        make_register(register, count)
        _with_images(register)
        make_control(control, register)
        for root in (register, control):
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, check=True, env=ENV)
        ours, ours_url, ours_sent = _served(register / "site")
        theirs, theirs_url, theirs_sent = _served(control / "site")
        landing = "10.23698/bench/00007/"
        row: dict[str, float] = {"n": count}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])

            def fresh() -> Page:
                return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

            page = fresh()
            row["list"] = _sent(page, ours_sent, lambda: page.goto(ours_url))
            page = fresh()
            row["pagefind_load"] = _sent(page, ours_sent, lambda: page.goto(ours_url + landing))

            def ask_pagefind() -> None:
                page.locator("#dr-search-query").fill(QUERY)
                page.keyboard.press("Enter")
                page.locator(".pagefind-ui__result").first.wait_for(timeout=60_000)

            row["pagefind_query"] = _sent(page, ours_sent, ask_pagefind)
            page = fresh()
            row["material_load"] = _sent(page, theirs_sent, lambda: page.goto(theirs_url + landing))

            def ask_material() -> None:
                page.keyboard.press("/")
                page.locator("input.md-search__input").press_sequentially(CONTROL_QUERY, delay=20)  # its search runs on key presses
                page.locator(".md-search-result__item").first.wait_for(timeout=60_000)

            row["material_query"] = _sent(page, theirs_sent, ask_material)
            browser.close()
        for server in (ours, theirs):
            server.shutdown()
        bundle = register / "site" / "pagefind"
        row["pagefind_files"] = sum(1 for path in bundle.rglob("*") if path.is_file())
        row["material_index"] = (control / "site" / "search" / "search_index.json").stat().st_size / 1024
    return row


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100, 1000]
    print(f"targets: {TARGETS}")
    print("KB sent (gzip); 'load' is a first page load of a dataset page, 'query' what a first search then fetches")
    print(f"{'N':>6} {'list':>7} {'Pagefind load':>14} {'query':>7} {'MkDocs search load':>19} {'query':>7} "
          f"{'MkDocs index KB':>16} {'Pagefind files':>15}")
    for count in sizes:
        row = measure(count)
        print(f"{count:>6} {row['list']:>7.0f} {row['pagefind_load']:>14.0f} {row['pagefind_query']:>7.0f} "
              f"{row['material_load']:>19.0f} {row['material_query']:>7.0f} {row['material_index']:>16.0f} "
              f"{row['pagefind_files']:>15.0f}")


if __name__ == "__main__":
    main()
