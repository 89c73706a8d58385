"""The package follows its pipeline: every import goes down it, and only the plugin imports MkDocs.

source → check → model → render → build → the MkDocs plugin; registration and importers build on
them; the CLI sits on top. The shared modules at the top of the package (settings, problems, paths,
identifiers, vocabularies, the process pool, the caches' fingerprints) are used by every stage and use none of them.
docs/architecture.md draws the same picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "generator"
SHARED = {"generator", "generator.config", "generator.errors", "generator.paths", "generator.identifiers",
          "generator.vocabularies", "generator.parallel", "generator.fingerprints"}
# Each part of the package, and the parts it may import besides the shared modules.
MAY_IMPORT = {
    "shared": set(),
    "source": set(),
    "model": {"source"},
    "check": {"source", "model"},
    "render": {"model"},
    "build": {"source", "check", "model", "render"},
    "plugin": {"source", "check", "model", "render", "build"},
    "registration": {"source", "check", "model", "render", "build"},
    "importers": {"source", "check", "model", "render", "registration"},  # the DataCite importer reads with its client
    "cli": {"source", "check", "model", "render", "build", "plugin", "registration", "importers", "new"},
    "new": {"source", "check", "model", "render"},  # `register new`: scaffold.py and questions.py
}
# The imports that go up, each deferred to the function that needs it, and why.
EXCEPTIONS = {
    # mkdocs.yml is read with MkDocs' own loader (its !ENV and !relative tags), which only the plugin's package imports.
    ("generator.config", "generator.mkdocs_plugin.settings"),
}


def part(module: str) -> str:
    if module in SHARED:
        return "shared"
    name = module.split(".")[1]
    return {"mkdocs_plugin": "plugin", "__main__": "cli", "scaffold": "new", "questions": "new"}.get(name, name)


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path) -> set[str]:
    return imports_of(path.read_text(encoding="utf-8"))


def imports_of(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in modules()}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_every_part_of_the_package_has_a_place_in_the_pipeline():
    assert {part(module) for module in modules()} <= set(MAY_IMPORT)


def upward(module: str, targets: set[str]) -> list[str]:
    """The imports of `module` that go up the pipeline, apart from the listed exceptions."""
    allowed = MAY_IMPORT[part(module)] | {"shared", part(module)}
    return sorted(target for target in targets
                  if target.startswith("generator") and part(target) not in allowed and (module, target) not in EXCEPTIONS)


@pytest.mark.parametrize("module", sorted(modules()), ids=str)
def test_imports_only_go_down_the_pipeline(module: str):
    assert upward(module, imports(modules()[module])) == [], f"{module} may import only {sorted(MAY_IMPORT[part(module)])}"


def test_only_the_plugin_imports_mkdocs():
    users = {module for module, path in modules().items()
             if any(target == "mkdocs" or target.startswith("mkdocs.") for target in imports(path))}
    assert users == {"generator.mkdocs_plugin.plugin", "generator.mkdocs_plugin.settings"}


def test_the_rule_can_fail():
    """A renderer that imported the catalog, a check that rendered, or the loader that imported the model, would be caught."""
    assert upward("generator.render.home", imports_of("from generator.check.catalog import Catalog")) == [
        "generator.check.catalog"]
    assert upward("generator.check.catalog", imports_of("from generator.render import datacite")) == [
        "generator.render", "generator.render.datacite"]
    assert upward("generator.source.loader", imports_of("from generator.model import record")) == [
        "generator.model", "generator.model.record"]
    assert upward("generator.render.home", imports_of("from generator.paths import page_path")) == []


def test_every_folder_says_what_it_holds():
    for init in PACKAGE.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, f"{init.relative_to(ROOT)} needs a docstring: what it holds, what it may import"
