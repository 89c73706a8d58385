"""The AIDA licenses word for word against the policy text, their history as versions, pinned versions,
and the guard on published wording: publishing a new version never changes a published dataset."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import config
from generator.build import site, verify
from generator.model.licenses import load_library, publish, word_changes
from generator.render import license_page
from generator.render.license_text import fill

from conftest import ENV, MINIMAL, ROOT, assemble_test_register

REFERENCE = (ROOT / "tests" / "reference" / "aida-license-templates.md").read_text(encoding="utf-8")
LIBRARY = load_library(ROOT / "licenses")
WORKS = ["Sjöblom T, Fröding T. CTPA data. AIDA; 2019. <https://doi.org/10.23698/aida/ctpa>", "Paper one.", "Paper two."]


def reference_example(name: str) -> str:
    """The 'Example:' text of one license in the policy, up to the next license's heading."""
    section = REFERENCE.split(f"\n{name}\n", 1)[1]
    example = section.split("Example:\n", 1)[1]
    return re.split(r"\n(AIDA [A-Z ]*license|```)\n", example)[0]


def words(text: str) -> str:
    """Compare wording, not line breaks (the policy's text was extracted from a PDF)."""
    return " ".join(text.split())


def expected(name: str, *, acknowledgement: str | None, co_authors: str | None) -> str:
    text = reference_example(name)
    text = text.replace("<Year>", "2019").replace("<Copyright holder>", "Uppsala University, Tobias Sjöblom")
    ack = f"include the following acknowledgement text “{acknowledgement}” and " if acknowledgement else ""
    text = re.sub(r"<(OPTIONAL|optional): include the following acknowledgement text \"...” and> ", ack, text)
    text = text.replace("<optional: cite the following publications:", "cite the following publications:")
    text = text.replace(" <optional: NN, NN, and NN>", f" {co_authors}" if co_authors else "")
    text = text.replace("<This dataset>", WORKS[0]).replace("<Paper 1>", WORKS[1]).replace("<Paper 2>", WORKS[2])
    assert "<" not in text.replace("<https://", ""), f"a placeholder is left in {text!r}"
    return text


@pytest.mark.parametrize(
    "license_id, name",
    [("aida", "AIDA license"), ("aida-by", "AIDA BY license"), ("aida-ca", "AIDA CA license"), ("aida-by-ca", "AIDA BY CA license")],
)
@pytest.mark.parametrize("acknowledgement, co_authors", [(None, None), ("Data from AIDA.", "Ann A, Bo B, and Cy C")])
def test_aida_license_matches_the_policy_word_for_word(license_id, name, acknowledgement, co_authors):
    template = LIBRARY.templates[license_id]
    values = {"year": "2019", "holders": "Uppsala University, Tobias Sjöblom", "works": WORKS}
    if "acknowledgement" in template.parameters:
        values["acknowledgement"] = acknowledgement
    if "co_authors" in template.parameters:
        values["co_authors"] = co_authors
    want = expected(name, acknowledgement=acknowledgement if "acknowledgement" in template.parameters else None,
                    co_authors=co_authors if "co_authors" in template.parameters else None)
    assert words(fill(template, "1.0", values)) == words(want)


def test_every_published_version_is_unchanged():
    assert LIBRARY.problems == []


@pytest.fixture
def licenses_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "licenses", tmp_path / "licenses")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "licenses"


def test_a_changed_text_under_an_old_version_is_caught(licenses_copy: Path):
    text = licenses_copy / "aida-by" / "1.0.md.j2"
    text.write_text(text.read_text(encoding="utf-8").replace("medical imaging research", "any research"), encoding="utf-8")
    assert [str(p) for p in load_library(licenses_copy).problems] == [
        "licenses/aida-by/1.0.md.j2:1:1: (license): the wording of aida-by 1.0 differs from the published one; "
        "records link to that text, so keep it and put the new wording in a new version (e.g. 1.1.md.j2)"
    ]


def test_a_license_says_who_may_use_the_data(licenses_copy: Path):
    meta = licenses_copy / "aida-by" / "license.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("  who: AIDA partners\n", ""), encoding="utf-8")
    (licenses_copy / "aida" / "license.yaml").write_text(
        re.sub(r"access:.*?\n(?=parameters:)", "", (licenses_copy / "aida" / "license.yaml").read_text(encoding="utf-8"),
               flags=re.S), encoding="utf-8")
    library = load_library(licenses_copy)
    assert [str(p) for p in library.problems] == [
        "licenses/aida/license.yaml:1:1: access.level: say who may use data under this license: access: {level: "
        "open | partners | controlled} (partners also needs who:, e.g. who: AIDA partners)",
        "licenses/aida-by/license.yaml:1:1: access.who: name the partners who may use the data, e.g. who: AIDA partners",
    ]
    assert library.templates["aida"].access == "controlled"  # until it is fixed, claim nothing more open


def test_a_new_version_must_be_published_and_publishing_keeps_the_old_ones(licenses_copy: Path):
    before = (licenses_copy / "published.sha256").read_text(encoding="utf-8")
    shutil.copy(licenses_copy / "aida-by" / "1.1.md.j2", licenses_copy / "aida-by" / "1.2.md.j2")
    assert [str(p) for p in load_library(licenses_copy).problems] == [
        "licenses/aida-by/1.2.md.j2:1:1: (license): version 1.2 of 'aida-by' is not published yet; "
        "run 'register licenses publish' to record its wording"
    ]
    assert publish(licenses_copy) == ["aida-by/1.2.md.j2"]
    after = (licenses_copy / "published.sha256").read_text(encoding="utf-8")
    assert set(before.splitlines()) < set(after.splitlines())
    assert load_library(licenses_copy).problems == []
    assert LIBRARY.templates["aida-by"].latest == "1.1"
    assert load_library(licenses_copy).templates["aida-by"].latest == "1.2"


@pytest.mark.parametrize("license_id", ["aida", "aida-by", "aida-ca", "aida-by-ca"])
def test_version_1_1_is_the_policy_1_2_3_purpose_and_nothing_else(license_id):
    """1.0 is the template as policy 1.2.4 prints it; 1.1 makes exactly the change policy 1.2.3 describes."""
    template = LIBRARY.templates[license_id]
    values = {"year": "2019", "holders": "Uppsala University", "works": WORKS, "co_authors": "Ann A", "acknowledgement": "Thanks."}
    changes = [change for change in word_changes(fill(template, "1.0", values), fill(template, "1.1", values)) if change[0] != "="]
    assert changes == [("-", "imaging"), ("+", "diagnostics")]
    assert template.ordered == ["1.0", "1.1"] and template.previous("1.1") == "1.0"
    assert "1.2.4 (2021-07-05)" in template.sources["1.0"] and "1.2.3 (2021-06-18)" in template.sources["1.1"]


def test_each_version_page_says_where_its_wording_comes_from_and_what_changed():
    template = LIBRARY.templates["aida-by"]
    page = license_page.render(template, "1.1").body
    assert "Where this wording comes from:</strong> AIDA Data Sharing Policy 1.2.3 (2021-06-18)" in page
    assert '<h2 id="changes">What changed from version 1.0</h2>' in page
    assert "for the purpose of medical <del>imaging</del> <ins>diagnostics</ins> research with" in page
    first = license_page.render(template, "1.0").body
    assert "What changed" not in first and "A newer version of this license exists" in first


def test_the_diff_escapes_the_words_it_shows():
    assert str(license_page.word_diff("a <b>", "a <i>")) == "a <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins>"


def test_controlled_access_1_1_shows_a_records_terms_word_for_word_and_adds_nothing():
    template = LIBRARY.templates["controlled-access"]
    terms = "Access for a teacher or PhD candidate, after an authorised signatory has signed."
    assert fill(template, "1.1", {"terms": terms}) == terms + "\n"
    assert "non-disclosure" in fill(template, "1.1", {"terms": None})  # the general text, only when none is stated
    assert "non-disclosure" in fill(template, "1.0", {"terms": terms})  # what 1.0 published, kept


def write_register(root: Path, records: dict[str, str], options: str = "") -> Path:
    (root / "datasets").mkdir(parents=True)
    (root / "docs").mkdir()
    shutil.copytree(ROOT / "licenses", root / "licenses")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(text + options, encoding="utf-8")
    for name, record in records.items():
        (root / "datasets" / name).write_text(record, encoding="utf-8")
    return root


def test_a_published_record_must_name_its_version_and_a_preview_follows_the_setting(tmp_path: Path, monkeypatch):
    unpinned = MINIMAL.format(name="open").replace('    version: "1.0"\n', "")
    preview = unpinned.replace("10.23698/open", "10.23698/draft").replace("licenses:", "hidden: true\nlicenses:")
    root = write_register(tmp_path / "r", {"open.yaml": unpinned, "draft.yaml": preview})
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace('aida-by: "1.1"', 'aida-by: "1.0"')
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    settings = config.load(root / "mkdocs.yml")
    register, problems = verify.check(settings)
    assert [str(p) for p in problems] == [
        "datasets/open.yaml:17:5: licenses[0]: a published dataset names the exact version of each license, so that a "
        "new version never changes its terms; its page shows aida-by 1.0 now: add version: \"1.0\" under id (or the "
        "version it was published under, if that was an older one)"
    ]
    draft = register.find("10.23698/draft")
    assert draft is not None
    assert "licenses/aida-by/1.0/" in site.loaded(site.build_tree(register))["10.23698/draft/index.md"].body


def test_an_unknown_version_in_the_setting_is_reported(tmp_path: Path, monkeypatch):
    root = write_register(tmp_path / "r", {})
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace('aida-by: "1.1"', 'aida-by: "3.0"')
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    assert [str(p) for p in verify.check(config.load(root / "mkdocs.yml"))[1]] == [
        "mkdocs.yml:1:1: license_versions.aida-by: aida-by has no version 3.0 (1.0, 1.1)"
    ]


def test_register_new_writes_the_version_the_setting_names(tmp_path: Path):
    root = write_register(tmp_path / "r", {})
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace('aida-by: "1.1"', 'aida-by: "1.0"')
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "new", "--no-input", "--license", "aida-by",
                             "--license", "aida"], capture_output=True, text=True, cwd=root, env=ENV)
    assert result.returncode == 0, result.stderr
    record = next((root / "datasets").glob("*.yaml")).read_text(encoding="utf-8")
    assert '  - id: aida-by\n    version: "1.0"\n  - id: aida\n    version: "1.1"\n' in record


def license_parts(tree: dict[str, object]) -> dict[str, str]:
    """Every dataset's license section of its landing page and its DataCite rights, as text."""
    parts = {}
    for path, content in tree.items():
        if path.endswith("/index.md") and isinstance(content, str) and 'aria-labelledby="licenses"' in content:
            parts[path] = content.split('<section aria-labelledby="licenses"', 1)[1].split("</section>", 1)[0]
        elif path.endswith("/datacite.json") and isinstance(content, str):
            parts[path] = json.dumps(json.loads(content).get("rightsList"), sort_keys=True)
    return parts


def test_publishing_a_new_version_changes_no_published_dataset(tmp_path: Path, monkeypatch):
    """Every license gets a new wording as a new version, published with the real command, made the default."""
    root = assemble_test_register(tmp_path / "r")
    monkeypatch.chdir(root)
    settings = config.load(root / "mkdocs.yml")
    register = verify.load_catalog(settings)
    before = license_parts(site.loaded(site.build_tree(register)))
    published = [entry for entry in register.entries if not entry.dataset.hidden]
    assert len(published) >= 5 and sum(path.endswith("datacite.json") for path in before) == len(register.entries)

    for template in (root / "licenses").glob("*/license.yaml"):
        newest = max(template.parent.glob("*.md.j2"), key=lambda p: [int(n) for n in p.name.split(".")[:-2]])
        text = newest.read_text(encoding="utf-8")
        (template.parent / "9.0.md.j2").write_text(text.replace("research", "research and teaching") + "New terms.\n",
                                                    encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "licenses", "publish"], capture_output=True, text=True,
                            cwd=root, env=ENV)
    assert result.returncode == 0 and result.stdout.count("published ") == 6, result.stdout + result.stderr
    mkdocs = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r': "1\.1"', ': "9.0"', mkdocs), encoding="utf-8")

    register = verify.load_catalog(config.load(root / "mkdocs.yml"))
    after = license_parts(site.loaded(site.build_tree(register)))
    for entry in register.entries:
        assert all(license.version != "9.0" for license in entry.dataset.licenses)
    changed = sorted(path for path in before if before[path] != after.get(path))
    previews = {f"{entry.dataset.doi}/" for entry in register.entries if entry.dataset.hidden}
    # Only previews, which name no version, follow the new default; every published dataset is byte-identical.
    assert changed, "the previews name no version, so the new default reaches them: the comparison sees changes"
    assert all(any(path.startswith(preview) for preview in previews) for path in changed), changed


def test_a_records_own_license_text_is_shown_as_written_and_named_in_datacite(tmp_path: Path, monkeypatch):
    """Terms in the shape of another hub's data use agreement (after VinDr's), kept as the dataset's own terms."""
    agreement = ("# Data Use Agreement\n\n**Last updated: May 12, 2021**\n\n"
                 "1. Recipients may use the data only as permitted by this DUA.\n"
                 "2. Re-identification is strictly prohibited.\n"
                 "3. Recipients will cite the source of information in all publications, which use the data.\n")
    indented = "".join(f"      {line}\n" if line.strip() else "\n" for line in agreement.strip("\n").splitlines())
    record = MINIMAL.format(name="vindr").replace(
        '  - id: aida-by\n    version: "1.0"\n',
        "  - title: VinDr data use agreement\n    cites: true\n    text: |\n" + indented + "<script>x</script>\n")
    record = record.replace("<script>x</script>\n", "      <script>alert(1)</script>\n")
    root = write_register(tmp_path / "r", {"vindr.yaml": record})
    monkeypatch.chdir(root)
    register, problems = verify.check(config.load(root / "mkdocs.yml"))
    assert [str(p) for p in problems] == []
    tree = site.loaded(site.build_tree(register))
    page = str(tree["10.23698/vindr/index.md"])
    section = page.split('<section aria-labelledby="licenses"', 1)[1].split("</section>", 1)[0]
    assert "<h3>VinDr data use agreement</h3>" in section and "own license text, word for word" in section
    assert "<li>Recipients will cite the source of information in all publications, which use the data.</li>" in section
    assert "<strong>Last updated: May 12, 2021</strong>" in section
    assert "<script" not in section and "non-disclosure" not in section
    rights = json.loads(str(tree["10.23698/vindr/datacite.json"]))["rightsList"]
    assert rights == [{"lang": "en", "rights": "VinDr data use agreement",
                       "rightsUri": "https://datahub.aida.scilifelab.se/10.23698/vindr/#licenses"}]
