"""Hostile input validates or gets a clear error, in bounded time and memory (the time is measured in bench/).

The attack suite (issue 11) puts every payload family into every free-text field of the model, builds
the register with the real `mkdocs build --strict`, loads every page in Chromium and counts the
scripts that ran; then it feeds `register check` and `register import jekyll` records built to
break paths, nesting, characters and numbers, and asserts that each one gets a located error.
The free-text fields are found by walking generator.model.record.Dataset, so a new field is attacked too.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import threading
import types
import typing
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import annotated_types
import pytest
import rdflib
import yaml
from lxml import etree
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import config
from generator.build import verify
from generator.cli import github_annotation
from generator.errors import Problem
from generator.model.record import Dataset, LicenseRef
from generator.source.loader import SourceDoc, parse_text

from conftest import CASES, ENV, MINIMAL, case_settings, make_register, mkdocs_build, search_index

# --- the payload families ----------------------------------------------------------------------
# Each script payload calls alert(): Chromium reports every dialog, so a payload that runs is counted.
PAYLOADS = [
    "Thorax CT 🫁 scans 𝔄𝔅 \U0010fffd",  # above U+FFFF: once broke the front matter round trip
    "CT style=display:block;content-visibility:auto oncontentvisibilityautostatechange=alert(document.domain) x",
    '🫁 " style="content-visibility:auto" oncontentvisibilityautostatechange="alert(2)" x',
    "<script>alert(3)</script>",
    "<img src=x onerror=alert(4)>",
    '"><svg onload=alert(5)>',
    "'><svg/onload=alert(6)>",
    "<!--<script>",
    "</script><script>alert(8)</script>",
    '[x](javascript:alert(9)) ![y](x" onerror="alert(9))',
    "---\ntitle: x\n---\n<script>alert(10)</script>",
    "{{ 7*7 }} {% raw %} ${alert(11)} #{x}",
    'a}, note = "INJECTED", zz = x} @misc(injected, title = "Injected entry")',
    "\\}\\{ \\end{document} % \\input{/etc/passwd}",
    ']]></title><x/> """ . <a> <b> <c> . \\" \'',
    "x?bcc=spy@evil.example&body=x\n::warning file=x::pwned %0A %25",
    "&lt;script&gt;alert(16)&lt;/script&gt; &#x3C;script&#x3E;alert(16)",
    "\u202eevil\u2028line\u2029para\ufeff zero\u200bwidth",
    '<a href="javascript:alert(18)">x</a><iframe srcdoc="<script>parent.alert(18)</script>"></iframe>',
    "</style><style>*{background:url(javascript:alert(19))}</style><math><mtext></p><script>alert(19)</script>",
    "</title></textarea></noscript><script>alert(20)</script>",
]
# Text fields that must name something: a file (attacked by the path cases below), a license of licenses/
# and the version of one.
NOT_FREE_TEXT = {("images", "*", "file"), ("licenses", "*", "id"), ("licenses", "*", "nearest")}
# A dataset's own license text may not keep the old site's template tags: register check refuses them
# at their line (tests/invalid), so the payload with tags leaves that one field as it is.
REFUSED = {("licenses", "*", "text"): ("{{", "{%")}


def _lengths(metadata: list[Any]) -> list[Any]:
    flat = []
    for item in metadata:
        flat += item.metadata if isinstance(item, FieldInfo) else [item]
    return flat


def free_text_fields(model: type[BaseModel] = Dataset, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """Every field of the model that takes any text (only its length limited), with its maximum length."""
    found: dict[tuple[str, ...], int] = {}

    def walk(annotation: Any, metadata: list[Any], path: tuple[str, ...]) -> None:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            walk(base, [*metadata, *extra], path)
        elif origin in (typing.Union, types.UnionType):
            for option in typing.get_args(annotation):
                walk(option, metadata, path)
        elif origin is list:
            walk(typing.get_args(annotation)[0], [], (*path, "*"))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.update(free_text_fields(annotation, path))
        elif annotation is str and path not in NOT_FREE_TEXT:
            rules = _lengths(metadata)
            if all(isinstance(rule, (annotated_types.MinLen, annotated_types.MaxLen)) for rule in rules):
                found[path] = min([rule.max_length for rule in rules if isinstance(rule, annotated_types.MaxLen)] or [50_000])

    for name, info in model.model_fields.items():
        walk(info.annotation, list(info.metadata), (*prefix, name))
    return found


FREE_TEXT = free_text_fields()
# The showcase record, a withdrawn one, and one with its own license text: together they hold every field.
EXAMPLES = {"p": CASES / "aida-example-full.yaml", "w": CASES / "aida-example-withdrawn.yaml", "c": CASES / "aida-ctpa.yaml"}
# What the example records leave out, added by the attack so that those fields are attacked too:
# a person as copyright holder, and the one-line summary of a dataset's own license.
PERSON_HOLDER = {"given_name": "Ada", "family_name": "Lovelace", "affiliations": [{"name": "Example University"}]}
OWN_LICENSE_SUMMARY = "Use for medical diagnostics research within AIDA."


def supplement(data: dict[str, Any]) -> dict[str, Any]:
    data["copyright"]["holders"].append(PERSON_HOLDER)
    for license_ in data["licenses"]:
        if "text" in license_:
            license_.setdefault("summary", OWN_LICENSE_SUMMARY)
    return data


def _leaf_paths(data: Any, path: tuple[Any, ...] = ()) -> set[tuple[str, ...]]:
    if isinstance(data, dict):
        return {leaf for key, value in data.items() for leaf in _leaf_paths(value, (*path, key))}
    if isinstance(data, list):
        return {leaf for index, value in enumerate(data) for leaf in _leaf_paths(value, (*path, index))}
    return {_schematic(path)}


def _schematic(path: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("*" if isinstance(part, int) else part for part in path)


def _is_license_parameter(path: tuple[Any, ...]) -> bool:
    """License parameters are the extra keys of a LicenseRef: free text by definition."""
    return len(path) >= 3 and path[0] == "licenses" and path[2] not in LicenseRef.model_fields


def poison(data: Any, payload: str, path: tuple[Any, ...] = (), counter: list[int] | None = None) -> Any:
    """`data` with `payload` in every free-text value, each made unique by a number in front."""
    counter = counter if counter is not None else [0]
    if isinstance(data, dict):
        return {key: poison(value, payload, (*path, key), counter) for key, value in data.items()}
    if isinstance(data, list):
        return [poison(value, payload, (*path, index), counter) for index, value in enumerate(data)]
    limit = FREE_TEXT.get(_schematic(path), 500 if _is_license_parameter(path) else 0)
    if any(mark in payload for mark in REFUSED.get(_schematic(path), ())):
        return data
    if isinstance(data, str) and limit:
        counter[0] += 1
        return f"{counter[0]} {payload}"[:limit]
    return data


def hostile_register(root: Path) -> tuple[Path, int]:
    """One register: for each payload, each example record with the payload in every free text."""
    records: dict[str, str] = {}
    injected = 0
    for number, payload in enumerate(PAYLOADS):
        for kind, example in EXAMPLES.items():
            text = example.read_text(encoding="utf-8")
            text = text.replace("aida/example-full", f"hostile/p{number}").replace("aida/example-withdrawn", f"hostile/w{number}")
            text = text.replace("aida/ctpa", f"hostile/c{number}")
            data = supplement(load_data(text))
            counter = [0]
            poisoned = poison(data, payload, counter=counter)
            injected += counter[0]
            records[f"hostile-{kind}{number}.yaml"] = yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False, width=10**6)
    # A hidden record whose DOI is a prefix of all the others: it must hide itself only.
    records["hostile.yaml"] = MINIMAL.format(name="hostile") + "hidden: true\n"
    make_register(root, records)
    shutil.copytree(CASES / "images" / "aida-example-full", root / "datasets" / "images" / "aida-example-full")
    return root, injected


def load_data(text: str) -> Any:
    doc = parse_text(text, SourceDoc(Path("example.yaml"), "example.yaml"))
    assert not doc.problems
    return doc.data


# --- the attack on the built site ---------------------------------------------------------------
def test_every_free_text_field_of_the_model_is_in_the_examples_and_attacked():
    used = {path for example in EXAMPLES.values() for path in _leaf_paths(supplement(load_data(example.read_text(encoding="utf-8"))))}
    assert set(FREE_TEXT) - used == set(), "add the field to an example record, so that the attack covers it"
    assert len(FREE_TEXT) >= 30


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    root, injected = hostile_register(tmp_path_factory.mktemp("hostile") / "register")
    checked = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True, env=ENV, cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    return root, site, injected


def test_no_hostile_text_runs_a_script_in_chromium(hostile_site):
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM, FLAGS

    _, site, injected = hostile_site
    landing = sorted(site.glob("10.23698/hostile/**/index.html"))
    assert len(landing) == len(EXAMPLES) * len(PAYLOADS) + 1  # the hidden record's page too
    pages = [*landing, site / "index.html", site / "metrics" / "index.html", *sorted(site.glob("collections/**/index.html"))]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    executed: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.on("dialog", lambda dialog: (executed.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
            for path in pages:
                page.goto(base + path.relative_to(site).as_posix().removesuffix("index.html"), wait_until="load")
                page.wait_for_timeout(150)  # content-visibility events fire after the first rendering
                assert page.title(), f"{path} has no title"
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"\nhostile suite: {injected} injected values in {len(PAYLOADS)} payload families, "
          f"{len(pages)} pages loaded, {len(executed)} executed")
    assert executed == []


def test_hostile_text_stays_text_in_the_page(hostile_site):
    """What the browser test cannot see: the title reaches <title> whole, no event attribute or extra script."""
    _, site, _ = hostile_site
    baseline = (site / "10.23698" / "hostile" / "index.html").read_text(encoding="utf-8")  # the plain hidden record
    scripts = len(re.findall(r"<script\b", baseline))
    for number, payload in enumerate(PAYLOADS):
        html = (site / "10.23698" / "hostile" / f"p{number}" / "index.html").read_text(encoding="utf-8")
        tree = etree.HTML(html)
        assert tree.findtext(".//title").startswith("1 " + payload[:400].split("\n")[0][:20].strip()[:10]), number
        assert not [a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib if a.lower().startswith("on")]
        assert len(tree.findall(".//script")) == scripts, f"payload {number} added a script element"
        assert "register_head:" not in html and "robots: noindex" not in html  # no front matter leaked into the page
        ld = [json.loads(s.text) for s in tree.findall(".//script[@type='application/ld+json']")]
        assert len(ld) == 1 and str(ld[0]["name"]).startswith("1 ")
        for link in tree.findall(".//a[@href]"):
            href = link.get("href")
            if href.startswith("mailto:"):
                parts = urlsplit(href)
                assert set(parse_qs(parts.query)) <= {"cc", "subject", "body"} and parts.path.count("@") == 1, href
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count('<li class="dr-card') == len(EXAMPLES) * len(PAYLOADS)  # no record replaced the home page or another's page


def _top_level_entries(bibtex: str) -> int:
    depth, entries = 0, 0
    for char in bibtex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        entries += char == "@" and depth == 0
    assert depth == 0
    return entries


def test_every_machine_readable_file_of_a_hostile_record_still_parses_as_one_record(hostile_site):
    _, site, _ = hostile_site
    for folder in sorted((site / "10.23698" / "hostile").iterdir()):
        if not folder.is_dir():
            continue
        for name in ("citation.bib", "citation.biblatex.bib"):
            text = (folder / name).read_text(encoding="utf-8")
            fields = re.findall(r"^  \w+ += \{", text, re.MULTILINE)
            depth1 = sum(1 for _ in _equals_at_depth_one(text))
            assert _top_level_entries(text) == 1 and depth1 == len(fields), f"{folder.name}/{name}"
        ris = (folder / "citation.ris").read_bytes().decode("utf-8").split("\r\n")
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  -( .*)?", line) for line in ris[:-1]) and ris[-1] == ""
        assert sum(line.startswith("ER  -") for line in ris) == 1 and sum(line.startswith("TY  -") for line in ris) == 1
        for name in ("csl.json", "schema.jsonld", "datacite.json", "linkset.json"):
            json.loads((folder / name).read_text(encoding="utf-8"))
        etree.fromstring((folder / "datacite.xml").read_bytes())
    etree.fromstring((site / "feed.xml").read_bytes())
    graph = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    assert len(set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))) == len(EXAMPLES) * len(PAYLOADS)


def _equals_at_depth_one(text: str) -> typing.Iterator[int]:
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "=" and depth == 1:
            yield index


def test_a_hidden_record_whose_doi_is_a_prefix_hides_only_itself(hostile_site):
    _, site, _ = hostile_site
    locations = set(search_index(site))
    assert "10.23698/hostile/" not in locations
    assert {f"10.23698/hostile/p{n}/" for n in range(len(PAYLOADS))} <= locations
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/10.23698/hostile/</loc>" not in sitemap and "/10.23698/hostile/p0/</loc>" in sitemap


def test_the_paths_register_check_compares_are_every_path_a_dataset_writes():
    """The clash check is only as good as its list of claims: it must hold every file the build writes."""
    from generator.build import site
    from generator.paths import api_path, built_path, page_path
    from generator.render import formats

    register = verify.load_catalog(case_settings())
    tree = {built_path(path) for path in site.build_tree(register)}
    for entry in register.entries:
        claimed = {path for path, _, _ in formats.dataset_outputs(entry.dataset)}
        written = {path for path in tree if path.startswith(page_path(entry.dataset.doi)) or path == api_path(entry.dataset.doi)}
        others = {path for other in register.entries if other is not entry and other.dataset.doi.startswith(entry.dataset.doi + "/")
                  for path in tree if path.startswith(page_path(other.dataset.doi))}
        assert written - others <= claimed, entry.dataset.doi


# --- records that must get a located error -----------------------------------------------------
def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


def located_cases() -> dict[str, tuple[str | bytes, list[int]]]:
    """Record file -> (content, the lines its errors must be on)."""
    image = "images:\n  - file: images/thumbnail.jpg\n    title: A slice\nlicenses:"
    cases: dict[str, tuple[str | bytes, list[int]]] = {
        # Paths: a DOI suffix is safe segments only; outputs of two records never share a path.
        "dotdot.yaml": (MINIMAL.format(name=".."), [1]),
        "aida-zz-..-ctpa.yaml": (MINIMAL.format(name="aida/zz/../ctpa"), [1]),
        "aida--ctpa.yaml": (MINIMAL.format(name="aida//ctpa"), [1]),
        "trailing-.yaml": (MINIMAL.format(name="trailing/"), [1]),
        "hidden-.git.yaml": (MINIMAL.format(name="hidden/.git"), [1]),
        "b.yaml": (MINIMAL.format(name="b"), [1]),
        "b-csl.json.yaml": (MINIMAL.format(name="b/csl.json"), [1]),
        "c.yaml": (MINIMAL.format(name="c"), [1]),
        "c-index.html.yaml": (MINIMAL.format(name="c/index.html"), [1]),
        "d.yaml": (MINIMAL.format(name="d").replace("licenses:", image), [17]),
        "d-images.yaml": (MINIMAL.format(name="d/images").replace("licenses:", image), [1]),
        # Nesting, characters and numbers.
        "deep.yaml": (MINIMAL.format(name="deep").replace("licenses:", "field: " + "[" * 30_000 + "]" * 30_000 + "\nlicenses:"), [16]),
        "deep-block.yaml": (MINIMAL.format(name="deep-block").replace("licenses:", "field:\n" + "  - " * 2 + "- " * 30_000 + "x\nlicenses:"), [17]),
        "nul.yaml": (MINIMAL.format(name="nul").replace("A minimal", "A\x00minimal"), [2]),
        "soh.yaml": (MINIMAL.format(name="soh").replace("A dataset", "A\x01dataset"), [5]),
        "vt.yaml": (MINIMAL.format(name="vt").replace("Ada", "A\x0bda"), [7]),
        "escaped-soh.yaml": (MINIMAL.format(name="escaped-soh").replace("title: A minimal dataset", 'title: "a\\u0001b"'), [2]),
        "escaped-nul.yaml": (MINIMAL.format(name="escaped-nul").replace("title: A minimal dataset", 'title: "a\\0b"'), [2]),
        "escaped-cr.yaml": (MINIMAL.format(name="escaped-cr").replace("title: A minimal dataset", 'title: "a\\rBcc: x@y.org"'), [2]),
        "surrogate.yaml": (MINIMAL.format(name="surrogate").replace("title: A minimal dataset", 'title: "\\ud83e"'), [2]),
        "huge-size.yaml": (MINIMAL.format(name="huge-size").replace("licenses:", "size_bytes: " + "9" * 310 + "\nlicenses:"), [16]),
        "huge-count.yaml": (MINIMAL.format(name="huge-count").replace("licenses:", "counts:\n  patients: " + "9" * 5000 + "\nlicenses:"), [17]),
        "not-utf8.yaml": (MINIMAL.format(name="not-utf8").encode("utf-8").replace(b"Ada", b"Ad\xe9"), [7]),
        "key-command.yaml": (MINIMAL.format(name="key-command") + '"x\\n::warning file=x.py,line=1::pwned": 1\n',
                             [MINIMAL.count("\n") + 1]),
        "image-command.yaml": (MINIMAL.format(name="image-command").replace(
            "licenses:", 'images:\n  - file: "x\\n::warning file=a.py::pwned"\n    title: t\nlicenses:'), [17]),
        "wrong-types.yaml": (MINIMAL.format(name="wrong-types").replace("title: A minimal dataset", "title: [a, b]")
                             .replace("  - given_name: Ada\n    family_name: Lovelace", "  - x"), [2, 7]),
        "bcc.yaml": (MINIMAL.format(name="bcc").replace("steward@example.org", "x?bcc=spy@evil.example"), [15]),
    }
    return cases


def test_hostile_records_get_located_errors_and_nothing_crashes(register):
    cases = located_cases()
    records: dict[str, str | bytes] = {name: content for name, (content, _) in cases.items()}
    root = register(records)
    (root / "datasets" / "images").mkdir()
    (root / "datasets" / "images" / "thumbnail.jpg").write_bytes(_png())
    outside = root.parent / "outside.yaml"
    outside.write_text(MINIMAL.format(name="linked"), encoding="utf-8")
    (root / "datasets" / "linked.yaml").symlink_to(outside)
    cases["linked.yaml"] = ("", [1])
    result = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True, env=ENV, cwd=root)
    crashed = int(result.returncode != 1 or "Traceback" in result.stderr + result.stdout)  # a signal, or a traceback
    assert crashed == 0, result.stderr
    lines = (result.stdout + result.stderr).splitlines()  # the problems are on stderr
    assert not any(line.startswith("::") for line in lines), "a workflow command got through"
    located = [re.match(r"datasets/([^:]+):(\d+):(\d+): ", line) for line in lines]
    unlocated = [line for line, match in zip(lines, located, strict=True) if not match and line.startswith("datasets/")]
    found: dict[str, set[int]] = {}
    for match in filter(None, located):
        found.setdefault(match.group(1), set()).add(int(match.group(2)))
    missing = {name: (sorted(found.get(name, ())), want) for name, (_, want) in cases.items() if not set(want) <= found.get(name, set())}
    print(f"\nhostile records: {len(cases)} inputs, {crashed} crashed, {len(unlocated)} unlocated, {len(missing)} not at their line")
    assert unlocated == [] and missing == {}
    output = "\n".join(lines)
    assert "datasets/b.yaml:1:6: doi:" in output and "datasets/b-csl.json.yaml:1" in output
    assert "datasets/d-images.yaml:1" in output and "datasets/d.yaml:17" in output  # both records named
    problems = verify.check(config.load(root / "mkdocs.yml"))[1]
    for problem in problems:  # and the same problems as annotations: one line each, nothing smuggled
        annotation = github_annotation(problem)
        assert "\n" not in annotation and "\r" not in annotation and annotation.startswith("::error file=datasets/")


def test_a_github_annotation_escapes_every_field():
    problem = Problem("datasets/a\n::warning::x%.yaml", 3, 4, "key\r\n::error::y", "message\n::notice::z %0A")
    annotation = github_annotation(problem)
    assert annotation == ("::error file=datasets/a%0A%3A%3Awarning%3A%3Ax%25.yaml,line=3,col=4,"
                          "title=key%0D%0A%3A%3Aerror%3A%3Ay::key%0D%0A::error::y: message%0A::notice::z %250A")
    # The text form too is one line whatever a message quotes, so that no log line can start with a command.
    assert str(problem) == "datasets/a\\n::warning::x%.yaml:3:4: key\\r\\n::error::y: message\\n::notice::z %0A"


def test_the_importer_reads_nothing_outside_the_old_site_and_never_crashes(tmp_path):
    site = tmp_path / "old"
    records = site / "_datasets" / "10.23698" / "aida"
    records.mkdir(parents=True)
    (records / "nodoi.md").write_text("---\ndatacite:\n  '@id': https://doi.org/10.23698\n---\n", encoding="utf-8")
    (records / "latin1.md").write_bytes(b"---\ndatacite:\n  name: Caf\xe9\n---\n")
    (records / "types.md").write_text("---\ndatacite: [a, b]\nother: text\n---\n", encoding="utf-8")
    (records / "types2.md").write_text("---\ndatacite:\n  '@id': https://doi.org/10.23698/aida/types2\n  author: Ada\n"
                                       "  description: [x]\n---\n", encoding="utf-8")
    (records / "passwd.md").write_text(
        "---\ndatacite:\n  '@id': https://doi.org/10.23698/aida/passwd\n  url: https://x.example/10.23698/aida/passwd/\n"
        "other:\n  exampleImage:\n    - url: /../../../../etc/passwd\n      title: x\n    - url: ../../../../etc/hostname\n"
        "      title: y\n    - url: /assets/link.png\n      title: z\n---\n", encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "link.png").symlink_to("/etc/passwd")
    outside = tmp_path / "outside.md"
    outside.write_text("---\ndatacite:\n  '@id': https://doi.org/10.23698/aida/outside\n---\n", encoding="utf-8")
    (records / "outside.md").symlink_to(outside)
    (records / "proc.md").symlink_to("/proc/self/status")
    deep = "---\ndatacite:\n  name: " + "[" * 30_000 + "]" * 30_000 + "\n---\n"
    (records / "deep.md").write_text(deep, encoding="utf-8")
    root = make_register(tmp_path / "register")
    into = root / "datasets"
    result = subprocess.run([sys.executable, "-m", "generator", "import", "jekyll", str(site)],
                            capture_output=True, text=True, env=ENV, cwd=root)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    written = sorted(path.relative_to(into).as_posix() for path in into.rglob("*") if path.is_file()) if into.exists() else []
    # neither /etc/passwd nor the symlinked records; a wrong @id or value costs only that value (issue 14)
    assert written == ["aida-nodoi.yaml", "aida-passwd.yaml", "aida-types2.yaml"], written
    notes = result.stdout + result.stderr
    for name, line in (("latin1", 3), ("types", 2), ("outside", 1), ("proc", 1), ("deep", 3)):
        assert re.search(rf"{name}\.md:{line}: not converted", notes), (name, notes)
    assert "nodoi.md:3: @id 'https://doi.org/10.23698' is not a DOI this register can use; converted under" in notes
    assert "types2.md:4: left out: datacite.author must be a list of mappings" in notes
    assert "passwd.md:7: image /../../../../etc/passwd points outside the old site" in notes
    assert "passwd.md:9: image ../../../../etc/hostname points outside the old site" in notes
    assert "passwd.md:11: image /assets/link.png points outside the old site" in notes


class _RawPaths(SimpleHTTPRequestHandler):
    """Records each request's path exactly as sent, and answers that nothing is there."""

    seen: typing.ClassVar[list[tuple[str, str]]] = []

    def _answer(self) -> None:
        self.seen.append((self.command, self.path))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errors": [{"title": "not found"}]}')

    do_GET = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_doi_reaches_datacite_percent_encoded_as_one_path_segment():
    from generator.registration.client import DataCite, RegistrationError

    server = ThreadingHTTPServer(("127.0.0.1", 0), _RawPaths)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = DataCite("AIDA.REPO", "secret", "10.23698", f"http://127.0.0.1:{server.server_address[1]}/", attempts=1)
    try:
        assert client.get("10.23698/../../clients/aida.repo") is None
        with pytest.raises(RegistrationError):
            client.update("10.23698/a?b#c", {"url": "https://register.example.org/"})
    finally:
        server.shutdown()
        server.server_close()
    assert [path.split("?")[0] for _, path in _RawPaths.seen] == [
        "/dois/10.23698%2F..%2F..%2Fclients%2Faida.repo", "/dois/10.23698%2Fa%3Fb%23c"]


# --- the earlier bounds ------------------------------------------------------------------------
def problems_of(root) -> list[str]:
    return [str(problem) for problem in verify.check(config.load(root / "mkdocs.yml"))[1]]


def test_an_alias_bomb_is_refused_without_expanding_it(register):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = MINIMAL.format(name="bomb").replace("licenses:", "field:\n  " + "\n  ".join(lines) + "\nlicenses:")
    problems = problems_of(register({"bomb.yaml": bomb}))
    assert "datasets/bomb.yaml:18:12: (syntax): YAML aliases (*name) are not allowed in records; write the value out" in problems


def test_a_ten_megabyte_description_is_refused_before_parsing(register):
    huge = MINIMAL.format(name="huge").replace("description: A", "description: " + "x" * 10_000_000 + " A")
    assert problems_of(register({"huge.yaml": huge})) == [
        f"datasets/huge.yaml:1:1: (file): the record is {len(huge.encode()):,} bytes; records of more than 1,048,576 bytes are not "
        "read. Keep long texts short and link to documents instead."
    ]


def test_ten_thousand_records_are_checked(register):
    records = {f"r{i}.yaml": MINIMAL.format(name=f"r{i}") for i in range(10_000)}
    records["r5.yaml"] = records["r5.yaml"].replace("2020-01-01", "2020-13-01")
    assert problems_of(register(records)) == [
        "datasets/r5.yaml:4:12: published: not a real calendar date (check the month and day), found '2020-13-01'"
    ]


def test_yaml_values_are_read_as_written(register):
    record = MINIMAL.format(name="as-written").replace("licenses:", 'version: 1.10\ncountries_shared: [NO, SE]\nlicenses:')
    root = register({"as-written.yaml": record})
    dataset = verify.load_catalog(config.load(root / "mkdocs.yml")).entries[0].dataset
    assert dataset.version == "1.10"
    assert dataset.countries_shared == ["NO", "SE"]
