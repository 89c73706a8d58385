"""`mkdocs serve` with a broken record: every page lists the problems, the server keeps answering, the site comes back."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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
