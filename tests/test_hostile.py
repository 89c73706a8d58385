"""Hostile input validates or gets a clear error, in bounded time and memory (the time is measured in bench/)."""

from __future__ import annotations

from generator import catalog, config

from conftest import MINIMAL


def problems_of(root) -> list[str]:
    return [str(problem) for problem in catalog.check(config.load(root / "mkdocs.yml"))[1]]


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
    dataset = catalog.load_catalog(config.load(root / "mkdocs.yml")).entries[0].dataset
    assert dataset.version == "1.10"
    assert dataset.countries_shared == ["NO", "SE"]
