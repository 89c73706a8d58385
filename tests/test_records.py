"""Golden files per record and output format, for the test register's records in tests/cases/."""

from __future__ import annotations

import datetime
import enum
import os
import uuid
from pathlib import Path

import pytest

from generator.build import verify
from generator.build.site import context
from generator.check import catalog
from generator.check.validate import parse
from generator.render.formats import golden_formats
from generator.source.loader import load

from conftest import CASES, ROOT, case_settings

FORMATS = golden_formats()
SETTINGS = case_settings()
RECORDS = sorted(CASES.glob("*.yaml"))


@pytest.fixture(scope="module")
def ctx():
    return context(verify.load_catalog(SETTINGS))


def test_the_test_register_has_no_problems():
    _, problems = verify.check(SETTINGS)
    assert [str(p) for p in problems] == []


def test_the_test_register_has_a_record_of_every_kind():
    datasets = [entry.dataset for entry in verify.load_catalog(SETTINGS).entries]
    assert any(dataset.hidden for dataset in datasets)
    assert any(dataset.status == "withdrawn" for dataset in datasets)
    assert any(dataset.synthetic for dataset in datasets)
    assert any(dataset.images for dataset in datasets)


@pytest.mark.parametrize("record", RECORDS, ids=lambda path: path.stem)
@pytest.mark.parametrize("output", FORMATS)
def test_golden(record: Path, output: str, ctx, golden):
    doc = load(record)
    dataset = parse(doc, SETTINGS.doi_prefix)
    assert dataset is not None, [str(p) for p in doc.problems]
    golden(ROOT / "tests" / "golden" / record.stem / output, FORMATS[output](dataset, ctx))


def test_the_full_example_uses_every_key():
    """The example record is the format's showcase: every key of every part appears in it."""
    from generator.model.record import Dataset

    doc = load(CASES / "aida-example-full.yaml")
    used = set(doc.value_marks) | {path for path in doc.key_marks}
    keys = {key for path in used for key in path if isinstance(key, str)}
    missing = set(Dataset.model_fields) - keys - {"withdrawal"}  # only a withdrawn record may have one
    assert missing == set()
    withdrawn = load(CASES / "aida-example-withdrawn.yaml")
    assert ("withdrawal", "successor") in withdrawn.value_marks


def test_every_json_file_is_written_as_the_standard_library_writes_it(monkeypatch, tmp_path: Path):
    """dump_json writes through orjson for speed; Python's json is the oracle, for every JSON value the test
    register's site is made of and for values chosen where the two could differ."""
    import json

    import orjson

    from generator.build import site
    from generator.build.render_cache import RenderCache
    from generator.render import dump_json

    values: list[object] = []
    write = orjson.dumps
    monkeypatch.setattr(orjson, "dumps", lambda value, **options: (values.append(value), write(value, **options))[1])
    monkeypatch.setattr(site, "RenderCache", lambda folder, ctx, memo: RenderCache(tmp_path, ctx))
    site.loaded(site.build_tree(verify.load_catalog(SETTINGS)))
    monkeypatch.setattr(orjson, "dumps", write)
    assert len(values) > 6 * len(RECORDS)  # each dataset's JSON files and the register-wide ones
    values += [{"text": "\x00\x1f\x7f\"\\/ \u2028\u2029 é 😀 </script>", "none": None, "list": [None, {}, []]},
               {"large": 2**64, "small": -(2**63) - 1}, {1: "a key that is not text"}, {"float": [1e-7, 1e16, 0.1, float("nan")]},
               {"b": 1, "a": 2, "B": 3, "é": 4, "e": 5, "😀": 6, "\uffff": 7}, [], {}, "", 0, True,
               {"tuple": (1e-7, float("inf"), {"none": None}, (2, None))}, {"kinds": [_Kind.text, _Number.one]},
               {_Kind.text: "an Enum of text as a key"}, {"enum": _Plain.value}, {"uuid": uuid.UUID(int=1)},
               {"date": datetime.date(2020, 1, 2)}, {"set": {1}}]
    for value in values:
        try:
            expected = json.dumps(_without_none(value), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        except TypeError:  # json cannot write it: neither can dump_json
            with pytest.raises(TypeError):
                dump_json(value)
        else:
            assert dump_json(value) == expected, value


class _Kind(enum.StrEnum):
    text = "text"


class _Number(enum.IntEnum):
    one = 1


class _Plain(enum.Enum):
    value = 1


def _without_none(value: object) -> object:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_without_none(item) for item in value]
    return value


@pytest.mark.parametrize("serving", [False, True], ids=["forked", "fork server"])
def test_rendering_and_checking_in_workers_give_what_one_process_gives(serving: bool, monkeypatch, tmp_path: Path):
    """Workers forked from the build, or, with other threads running (as under `mkdocs serve`), started by a
    fork server and sent the job pickled: the site and the check's findings are the same as in one process."""
    import dataclasses
    import threading
    from concurrent import futures

    from generator import parallel
    from generator.build import site
    from generator.build.render_cache import RenderCache

    register = verify.load_catalog(SETTINGS)
    monkeypatch.setattr(site, "RenderCache", lambda folder, ctx, memo: RenderCache(tmp_path / "sequential", ctx))
    sequential = site.loaded(site.build_tree(register))
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # rendered again, by workers that store what they render
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)  # two workers, also on a runner with one core
    pools: list[str] = []

    class Counted(futures.ProcessPoolExecutor):
        def __init__(self, *args, mp_context, **kwargs):
            pools.append(mp_context.get_start_method())
            super().__init__(*args, mp_context=mp_context, **kwargs)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(site, "RenderCache", lambda folder, ctx, memo: RenderCache(tmp_path / "workers", ctx))
    # What this process renders or reads itself: nothing, if the workers did the work (fork_map would do
    # it here, with the same result, if they could not start).
    done_here: list[object] = []
    monkeypatch.setattr(site, "dataset_files", _counted(site.dataset_files, done_here))
    monkeypatch.setattr(catalog, "load", _counted(catalog.load, done_here))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    if serving:
        thread.start()
    try:
        assert site.loaded(site.build_tree(register)) == sequential
        # Every record checked again, in the workers: the check's cache is a new one.
        in_workers = verify.check(dataclasses.replace(SETTINGS, cache_dir=tmp_path / "cache"))[1]
        assert done_here == []
        assert in_workers == verify.check(SETTINGS)[1] == []
    finally:
        stop.set()
    assert pools == ["forkserver" if serving else "fork"] * 2


def _counted(function, calls: list[object]):
    def counted(*args, **kwargs):
        calls.append(function.__name__)
        return function(*args, **kwargs)

    return counted


def test_the_work_is_handed_out_in_pieces_of_at_most_200_of_sizes_at_most_one_apart_as_many_for_each_worker():
    from generator import parallel

    for count in [*range(0, 1202), 5000, 20_000, 39_601]:
        for workers in (1, 2, 3, 4):
            pieces = parallel.pieces(count, workers)
            assert [index for piece in pieces for index in piece] == list(range(count))
            sizes = {len(piece) for piece in pieces}
            assert max(sizes, default=1) <= parallel.PIECE and max(sizes, default=0) - min(sizes, default=0) <= 1
            assert count < workers or len(pieces) % workers == 0, (count, workers)
    assert [len(piece) for piece in parallel.pieces(1000, 2)] == [166, 167, 167, 166, 167, 167]


@pytest.mark.parametrize("serving", [False, True], ids=["forked", "fork server"])
def test_the_work_is_done_here_where_workers_cannot_start_or_one_dies(serving: bool, monkeypatch):
    """No workers in a sandbox without Unix sockets or shared memory (the pool cannot be made), and a worker
    that dies (killed, or unable to unpickle the job): the work is done here, whole, and nothing is raised."""
    import os
    import threading
    from concurrent import futures

    from generator import parallel

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    here = os.getpid()
    items = [(here, number) for number in range(1000)]
    stop = threading.Event()
    if serving:
        threading.Thread(target=stop.wait, daemon=True).start()
    try:
        assert parallel.fork_map(_dies_in_a_worker, items) == [(number, here) for number in range(1000)]
        with monkeypatch.context() as patched:
            def no_pool(*args, **kwargs):
                raise OSError(38, "Function not implemented")

            patched.setattr(futures, "ProcessPoolExecutor", no_pool)
            assert parallel.fork_map(_item_and_process, [1, 2, 3]) == [(number, here) for number in (1, 2, 3)]
    finally:
        stop.set()


def _dies_in_a_worker(item: tuple[int, int]) -> tuple[int, int]:
    parent, number = item
    if os.getpid() != parent:
        os._exit(1)
    return number, os.getpid()


@pytest.mark.parametrize("serving", [False, True], ids=["forked", "fork server"])
def test_an_error_in_a_worker_reaches_the_caller_once_and_the_work_is_not_done_again_here(serving: bool, monkeypatch):
    """A record deleted while the workers read it: its error is the build's, not a sign that workers cannot start."""
    import threading

    from generator import parallel

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    _CALLS_HERE.clear()
    stop = threading.Event()
    if serving:
        threading.Thread(target=stop.wait, daemon=True).start()
    try:
        with pytest.raises(FileNotFoundError, match=r"datasets/b\.yaml"):
            parallel.fork_map(_read_unless_deleted, ["a", "b", "c", "d"])
    finally:
        stop.set()
    assert _CALLS_HERE == []


_CALLS_HERE: list[str] = []


def _read_unless_deleted(name: str) -> str:
    _CALLS_HERE.append(name)  # in a worker: that worker's copy of the list
    if name == "b":
        raise FileNotFoundError(f"datasets/{name}.yaml")
    return name


def test_a_job_that_cannot_be_pickled_runs_in_this_process_while_other_threads_run(monkeypatch):
    import os
    import threading

    from generator import parallel

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
    try:
        assert parallel.fork_map(lambda item: (item, os.getpid()), [1, 2, 3]) == [(n, os.getpid()) for n in (1, 2, 3)]
        assert {pid for _, pid in parallel.fork_map(_item_and_process, [1, 2, 3])} != {os.getpid()}
    finally:
        stop.set()


def _item_and_process(item: int) -> tuple[int, int]:
    import os

    return item, os.getpid()


# One record per level of the AIDA policy's scale, keeping what that level keeps (level 6 needs a motivation).
LEVEL_KEPT = {1: [], 2: ["scanner-model"], 3: ["scanner-model", "time-period"],
              4: ["scanner-model", "time-period", "examination-type"],
              5: ["scanner-model", "time-period", "examination-type", "diagnosis"],
              6: ["scanner-model", "time-period", "examination-type", "diagnosis", "age", "sex"]}


@pytest.mark.parametrize("level", sorted(LEVEL_KEPT))
def test_golden_deidentification_per_level(level: int, tmp_path: Path, ctx, golden):
    """The statement as the page, DataCite and schema.org give it, for each level: one golden file per level."""
    import json
    import re

    from generator.render import datacite, jsonld, landing

    from conftest import MINIMAL

    statement = f"deidentification:\n  level: {level}\n  kept: [{', '.join(LEVEL_KEPT[level])}]\n"
    if level == 6:
        statement += "  motivation: Ages in five-year bands and sex leave at least ten patients per combination.\n"
    record = tmp_path / f"level-{level}.yaml"
    record.write_text(MINIMAL.format(name=f"level-{level}") + statement + "use_conditions:\n  - code: DUO:0000021\n",
                      encoding="utf-8")
    doc = load(record)
    dataset = parse(doc, SETTINGS.doi_prefix)
    assert dataset is not None and doc.problems == [], [str(p) for p in doc.problems]
    page = landing.render(dataset, ctx).body
    section = re.search(r'<section aria-labelledby="privacy">.*?</section>', page, re.S)
    assert section
    methods = [d["description"] for d in datacite.build(dataset, ctx)["descriptions"] if d["descriptionType"] == "Methods"]
    usage = jsonld.build(dataset, ctx)["usageInfo"]
    golden(ROOT / "tests" / "golden" / "deidentification" / f"level-{level}.txt",
           f"page:\n{section.group(0)}\n\ndatacite Methods:\n{methods[0]}\n\nschema.org usageInfo:\n"
           f"{json.dumps(usage, indent=2, ensure_ascii=False)}\n")


APPENDIX_3 = " ".join((ROOT / "tests/reference/aida-policy-1.2.4-appendix-3.txt").read_text(encoding="utf-8").split())


@pytest.mark.parametrize("name", ["aida-ctpa", "aida-drske", "aida-brln"])
def test_the_appendix_3_statements_are_quoted_word_for_word_on_the_pages(name: str, ctx):
    """The policy's own description of how each of its three example datasets was made anonymous, unchanged."""
    import re

    from lxml import html as lxml_html

    from generator.render import landing

    dataset = parse(load(CASES / f"{name}.yaml"), SETTINGS.doi_prefix)
    assert dataset is not None and dataset.deidentification and dataset.deidentification.method
    page = lxml_html.fromstring(landing.render(dataset, ctx).body)
    shown = " ".join(page.xpath("//div[@class='dr-deidentification']")[0].text_content().split())
    # Paragraphs, and the items of a list, each whole: "- " starts an item of the appendix's lists.
    units = re.split(r"\n\s*\n|\n(?=- )", dataset.deidentification.method)
    paragraphs = [" ".join(unit.removeprefix("- ").split()) for unit in units if unit.strip()]
    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph in APPENDIX_3, f"{name}: not the policy's words: {paragraph[:80]}"
        assert paragraph in shown
