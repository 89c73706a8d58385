"""Benchmark: what the dataset list weighs in a browser, and the size of the search index.

Builds a register of N generated records, each with an example image, serves it on 127.0.0.1 and
loads the home page in Debian's Chromium, adding up every response it fetches. Target: under
500 KB for 100 datasets.

    python bench/bench_page_weight.py [N]    # default 100
"""

from __future__ import annotations

import functools
import gzip
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import make_register  # noqa: E402


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "register"
        make_register(root, count)
        images = root / "datasets" / "images"
        images.mkdir()
        for record in sorted((root / "datasets").glob("*.yaml")):
            picture = Image.effect_mandelbrot((1024, 768), (-2.0, -1.2, 1.0, 1.2), 50 + len(record.stem) % 40)
            picture.convert("RGB").save(images / f"{record.stem}.jpg", quality=85)
            record.write_text(record.read_text() + f"images:\n  - file: images/{record.stem}.jpg\n    title: An example.\n")
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, check=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        site = root / "site"
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sizes: list[int] = []
        sent: list[int] = []  # as a server that compresses text sends it (GitHub Pages does, with gzip)

        def record(response: object) -> None:
            body = response.body()  # type: ignore[attr-defined]
            sizes.append(len(body))
            kind = response.headers.get("content-type", "")  # type: ignore[attr-defined]
            textual = kind.startswith(("text/", "application/json", "application/javascript", "image/svg"))
            sent.append(len(gzip.compress(body)) if textual else len(body))

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("response", lambda response: record(response) if response.ok else None)
            if os.environ.get("SHOW"):
                page.on("response", lambda response: print(len(response.body()), response.url))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="networkidle")
            browser.close()
        server.shutdown()
        index = (site / "search" / "search_index.json").stat().st_size
        print(f"{count} datasets: the list page loads {len(sizes)} files: {sum(sent) / 1024:.0f} KB sent with gzip "
              f"(target < 500 KB), {sum(sizes) / 1024:.0f} KB uncompressed; search index {index / 1024:.0f} KB")


if __name__ == "__main__":
    main()
