"""Benchmark: `register check` and the full `mkdocs build` for N generated records.

For each N it reports the check time (cold, and again with every record from the record cache), the build time, milliseconds per dataset page, the peak
memory of the build, and the build time of a control site whose dataset pages are replaced by
plain Markdown pages of the same size, so the register's own overhead shows as a ratio; then a
rebuild with nothing changed (every record's checks and dataset's files from the caches) and one after
editing one record. The cold build starts with no cache at all. When `jekyll` is installed (Debian: apt install jekyll), Jekyll builds the control's
pages too, cold and again with its cache, beside ours in the same run. It is compared on the pages
alone: with a dataset's nine companion files Jekyll's own bookkeeping of static files grows with
the square of their number, which would measure that rather than the building of pages.

    python bench/bench_build.py            # N = 100, 1000, 5000
    python bench/bench_build.py 100 1000   # chosen sizes
    python bench/bench_build.py 20000      # above 5,000: the cold check and build only, for their memory

JEKYLL=0 leaves Jekyll out (at 5,000 its quadratic bookkeeping takes some ten minutes a run).
Each size is measured REPEAT times (environment variable, default 3 up to 1,000 records and 1 above)
and the median is reported: on a shared 2-core machine single runs vary by 20% or more.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("check 1,000 < 1 s; build <= 1.25x plain pages; 1,000 datasets < 10 s; 5,000 < 45 s; peak < 1 GiB; "
           "the build process < 500 MiB at 20,000")
# Above this many records only the cold check and build are measured, for their memory: Jekyll alone would take
# hours there, and the rebuilds say nothing the smaller sizes do not.
MEMORY_ONLY_ABOVE = 5000
# Runs MkDocs in this process and reports this process's own peak memory, without its children: the workers
# that render on the other core, and Pagefind, which indexes the finished site and is reported apart.
MEASURED_MKDOCS = ("import resource, runpy, sys\n"
                   "sys.argv = ['mkdocs', *sys.argv[1:]]\n"
                   "try:\n"
                   "    runpy.run_module('mkdocs', run_name='__main__')\n"
                   "finally:\n"
                   "    print(f'own peak KiB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n")

RECORD = """\
doi: 10.23698/bench/{i:05d}
title: Generated benchmark dataset number {i}
short_name: B{i}
version: "1.0"
status: completed
created: 2020-01-01
published: 2020-01-02
modified: 2020-02-03
field: Radiology
origin: Clinical
keywords: [Benchmark, Computed tomography, Thorax]
description: |
  A generated dataset for measuring the build. It has a description of a few
  sentences, with **emphasis** and a [link](https://example.org/{i}).

  A second paragraph, as real descriptions have.
annotation: Lesions were delineated by a radiologist.
authors:
  - given_name: Ada
    family_name: Lovelace
    orcid: 0000-0002-1825-0097
  - given_name: Jeroen
    family_name: van der Laak
copyright:
  year: 2020
  holders:
    - organization: Example University
contacts:
  - name: Data steward
    email: steward@example.org
modalities: [CT]
organs:
  - name: Lung
    snomed: "39607008"
counts:
  scans: {i}
size_bytes: {size}
countries_shared: [SE, "NO"]
deidentification:
  level: 2
  kept: [scanner-model]
  where: at the caregiver before disclosure
licenses:
  - id: controlled-access
    version: "1.1"
  - id: aida-by
    version: "1.1"
"""

MKDOCS_YML = """\
site_name: Benchmark register
site_url: https://register.example.org/
theme:
  name: material
nav:
  - Home: index.md
plugins:
{plugin}"""
# The register brings its own search (Pagefind); the control is a plain MkDocs site with MkDocs' search.
PLUGIN = """  - dataset-register:
      doi_prefix: "10.23698"
"""
CONTROL_PLUGINS = "  - search\n"


def run(command: list[str], cwd: Path) -> tuple[float, int, float, int]:
    """Wall time in seconds, peak resident memory in MiB and user CPU seconds of one child process (with its own),
    and the child's own peak in MiB where it reports one (MEASURED_MKDOCS), else 0.

    User CPU is the stable figure on a shared machine; system time here is mostly the disk's, and varies.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = re.search(r"own peak KiB (\d+)", result.stderr)
    return elapsed, max(usage.ru_maxrss, before) // 1024, usage.ru_utime - cpu_before, int(own.group(1)) // 1024 if own else 0


def make_register(root: Path, count: int) -> None:
    (root / "datasets").mkdir(parents=True)
    (root / "docs").mkdir()
    shutil.copytree(ROOT / "licenses", root / "licenses")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin=PLUGIN))
    for i in range(count):
        (root / "datasets" / f"bench-{i:05d}.yaml").write_text(RECORD.format(i=i, size=i * 1_000_003))


def make_control(root: Path, register_root: Path) -> None:
    """Plain Markdown pages in docs/, one per generated page and of the same size, built without the plugin."""
    sys.path.insert(0, str(ROOT))
    from generator import config
    from generator.build import site, verify
    from generator.render.page import Page

    tree = site.build_tree(verify.load_catalog(config.load(register_root / "mkdocs.yml")))
    paragraph = ("A plain paragraph of Markdown with *some emphasis* and a [link](https://example.org/) "
                 "as a hand-written page would have it. ") * 3 + "\n\n"
    (root / "docs").mkdir(parents=True)
    for path, content in tree.items():
        if path.endswith(".md"):
            target = root / "docs" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            size = len(content.head + content.body) if isinstance(content, Page) else len(str(content))
            body = "# A plain page\n\n" + paragraph * (size // len(paragraph) + 1)
            target.write_text(body[: max(size, 40)])
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin=CONTROL_PLUGINS) + "not_in_nav: |\n  /10.23698/\n  /licenses/\n")


def make_jekyll(root: Path, control: Path) -> None:
    """The control's Markdown pages as a Jekyll site with Jekyll's default theme (minima), pretty URLs as MkDocs makes them.

    Like the register's dataset pages, which stay out of MkDocs' navigation, only the home page is in the
    theme's header: minima otherwise links every page from every page.
    """
    root.mkdir(parents=True)
    (root / "_config.yml").write_text("title: Benchmark register\ntheme: minima\nplugins: [jekyll-seo-tag]\n"
                                      "markdown: kramdown\npermalink: pretty\nheader_pages: [index.md]\n"
                                      "defaults:\n  - scope: {path: \"\"}\n    values: {layout: page}\n")
    for page in (control / "docs").rglob("*.md"):
        target = root / page.relative_to(control / "docs")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\ntitle: A plain page\n---\n" + page.read_text())


def set_aside(path: Path, trash: Path) -> None:
    """Move `path` into `trash`, deleted when the benchmark ends, instead of deleting it now.

    On an ext4 file system without a journal (as on the machines this was measured on) a file created within some
    minutes of the deletion of many others costs a scan past every recently freed inode (the kernel's
    `recently_deleted`, to keep a crash from mixing old and new files): a cold build of 5,000 datasets right
    after deleting the last one's 100,000 files took half as long again (52 s), nearly all of it in the kernel.
    A build on a fresh checkout, the case the cold figure stands for, pays none of that. The rebuilds are
    measured as a person runs them: MkDocs empties the site of the build before, and writes it again.
    """
    if path.exists():
        trash.mkdir(exist_ok=True)
        path.rename(trash / str(len(list(trash.iterdir()))))


def measure(count: int, tmp: Path) -> dict[str, float]:
    python = sys.executable
    repeat = int(os.environ.get("REPEAT", 3 if count <= 1000 else 1))
    trash = tmp / "trash"
    register, control = tmp / "register", tmp / "control"
    make_register(register, count)
    memory_only = count > MEMORY_ONLY_ABOVE
    if not memory_only:
        make_control(control, register)
    jekyll = shutil.which("jekyll") if not memory_only and os.environ.get("JEKYLL") != "0" else None
    if jekyll:
        make_jekyll(tmp / "jekyll", control)
    checks, cached_checks, builds, plains, peaks, own_peaks, cached, edited = [], [], [], [], [], [], [], []
    cpu: dict[str, list[float]] = {"build": [], "plain": [], "cached": [], "edited": [], "jekyll": [], "jekyll_cached": []}
    wall: dict[str, list[float]] = {"jekyll": [], "jekyll_cached": []}
    build_command = [python, "-c", MEASURED_MKDOCS, "build", "--strict", "-q"]
    record = register / "datasets" / "bench-00007.yaml"
    for attempt in range(repeat):  # interleaved, so that a slow spell of the machine hits both builds
        set_aside(register / ".cache", trash)  # a cold check reads and checks every record
        checks.append(run([python, "-m", "generator", "check"], register)[0])
        cached_checks.append(run([python, "-m", "generator", "check"], register)[0])  # each from the record cache
        set_aside(register / ".cache", trash)  # a cold build checks and renders everything
        set_aside(register / "site", trash)  # on a fresh checkout: no site for MkDocs to empty first
        build = run(build_command, register)
        builds.append(build[0])
        peaks.append(build[1])
        own_peaks.append(build[3])
        cpu["build"].append(build[2])
        if memory_only:
            continue
        set_aside(control / "site", trash)
        plain = run([python, "-m", "mkdocs", "build", "-q"], control)
        plains.append(plain[0])
        cpu["plain"].append(plain[2])
        if jekyll:
            site_root = tmp / "jekyll"
            for folder in ("_site", ".jekyll-cache"):
                set_aside(site_root / folder, trash)
            for name in ("jekyll", "jekyll_cached"):  # cold, then again with its cache
                seconds, _, user, _ = run([jekyll, "build", "-q"], site_root)
                wall[name].append(seconds)
                cpu[name].append(user)
        again = run(build_command, register)  # nothing changed: every dataset from the cache
        cached.append(again[0])
        cpu["cached"].append(again[2])
        record.write_text(re.sub(r"^title: .*$", f"title: Edited, attempt {attempt}", record.read_text(), count=1, flags=re.M))
        one = run(build_command, register)  # one record edited: it alone is rendered again
        edited.append(one[0])
        cpu["edited"].append(one[2])
    if memory_only:
        return {"n": count, "check_s": statistics.median(checks), "cached_check_s": statistics.median(cached_checks),
                "build_s": statistics.median(builds), "build_cpu": statistics.median(cpu["build"]),
                "peak_mib": statistics.median(peaks), "own_peak_mib": statistics.median(own_peaks)}
    check_s, cached_check_s, build_s, plain_s, peak_mib, own_peak_mib, cached_s, edited_s = (
        statistics.median(v) for v in (checks, cached_checks, builds, plains, peaks, own_peaks, cached, edited))
    jekyll_s = {f"{name}_s": statistics.median(values) for name, values in wall.items() if values}
    return {**jekyll_s, "n": count, "check_s": check_s, "cached_check_s": cached_check_s, "build_s": build_s, "ms_per_page": 1000 * build_s / count,
            "peak_mib": peak_mib, "own_peak_mib": own_peak_mib, "plain_s": plain_s, "ratio": build_s / plain_s, "cached_s": cached_s, "edited_s": edited_s,
            **{f"{name}_cpu": statistics.median(values) for name, values in cpu.items() if values}}


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100, 1000, 5000]
    print(f"targets: {TARGETS}")
    print("seconds: wall (user CPU); peak MiB: the build process alone / with its children (the workers, Pagefind)")
    print(f"{'N':>6} {'check':>6} {'cached':>6} {'build':>14} {'peak MiB':>11} {'plain MkDocs':>14} {'ratio':>6} "
          f"{'cached rebuild':>15} {'1 record edited':>16}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:  # deleted at the end only: see set_aside
        for number, count in enumerate(sizes):
            row = measure(count, Path(tmp) / str(number))
            rows.append(row)
            peaks = f"{row['own_peak_mib']:.0f} / {row['peak_mib']:.0f}"
            rest = (f"{_both(row, 'plain'):>14} {row['ratio']:>6.2f} {_both(row, 'cached'):>15} {_both(row, 'edited'):>16}"
                    if "plain_s" in row else "(memory only)")
            print(f"{row['n']:>6} {row['check_s']:>6.2f} {row['cached_check_s']:>6.2f} {_both(row, 'build'):>14} {peaks:>11} "
                  f"{rest}", flush=True)
    compared = [row for row in rows if "plain_s" in row]
    if compared and all("jekyll_cpu" in row for row in compared):
        print("\nJekyll on the control's pages (targets: our cold build <= 0.5x Jekyll cold, our cached rebuild <= 1.0x "
              "Jekyll's with its cache; user CPU)")
        print(f"{'N':>6} {'Jekyll cold':>14} {'Jekyll cached':>14} {'ours/cold':>10} {'ours cached/cached':>19}")
        for row in compared:
            print(f"{row['n']:>6} {_both(row, 'jekyll'):>14} {_both(row, 'jekyll_cached'):>14} "
                  f"{row['build_cpu'] / row['jekyll_cpu']:>10.2f} {row['cached_cpu'] / row['jekyll_cached_cpu']:>19.2f}")
    elif compared:
        print("\n(Jekyll left out, or not installed: no comparison with Jekyll)")


def _both(row: dict[str, float], name: str) -> str:
    """Wall seconds and, in brackets, user CPU seconds."""
    return f"{row[name + '_s']:.2f} ({row[name + '_cpu']:.1f})"


if __name__ == "__main__":
    main()
