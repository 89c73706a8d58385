"""The `register` command: parses arguments, calls the core, prints results. Nothing else."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import config as config_module
from generator.build import verify
from generator.check import catalog as catalog_module
from generator.errors import Problem, RecordErrors, RegisterError
from generator.model import licenses as licenses_module
from generator.render.schema import record_schema
from generator.source.loader import IMPORT_NOTE_KEY

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.importers.base import Report

_config_option = click.option(
    "--config", "config_file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"), show_default=True,
    help="The register's mkdocs.yml.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dataset-register")
def cli() -> None:
    """Dataset Register: check dataset records, build their pages, register their DOIs."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="text: path:line:col lines; github: workflow commands that annotate a pull request; json: for tools.")
@_config_option
def check(paths: tuple[Path, ...], output: str, config_file: Path) -> None:
    """Check every record (or only PATHS) and print every problem as path:line:col: key: message."""
    config = config_module.load(config_file)
    files = [file for path in paths for file in (catalog_module.discover(path) if path.is_dir() else [path])]
    catalog, problems = verify.check(config, files if paths else None)
    count = len(files) if paths else len(catalog.entries)
    if output == "json":
        click.echo(json.dumps({"records": count, "problems": [dataclasses.asdict(p) for p in problems]}, indent=2))
    elif output == "github" and problems:
        for problem in problems:
            click.echo(github_annotation(problem))
    if problems:
        if output == "text":
            raise RecordErrors(problems)
        raise click.exceptions.Exit(1)
    if output != "json":
        click.echo(f"{count} record{'s' if count != 1 else ''} checked: no problems.")


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that shows the problem on its line of the pull request's diff."""

    def escape(text: str, *, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    return (f"::error file={escape(problem.path, property_value=True)},line={problem.line},col={problem.column},"
            f"title={escape(problem.key, property_value=True)}::{escape(problem.key + ': ' + problem.message)}")


@cli.command()
@click.option("--title", help="Full title of the dataset.")
@click.option("--author", "authors", multiple=True, metavar="'FAMILY, GIVEN[, ORCID]'", help="An author (repeatable).")
@click.option("--license", "licenses", multiple=True, metavar="ID", help="A license of licenses/ (repeatable).")
@click.option("--contact", "contacts", multiple=True, metavar="'NAME <EMAIL>'", help="A contact (repeatable).")
@click.option("--no-input", is_flag=True, help="Ask nothing; leave what the flags do not give as FILL IN.")
@_config_option
def new(title: str | None, authors: tuple[str, ...], licenses: tuple[str, ...], contacts: tuple[str, ...],
        no_input: bool, config_file: Path) -> None:
    """Start a new record with a fresh DOI; what is not known yet is marked FILL IN."""
    import random
    from datetime import date

    from generator import questions, scaffold

    config = config_module.load(config_file)
    if not config.doi_prefix:
        raise RegisterError("mkdocs.yml: dataset-register.doi_prefix is needed to give a new record its DOI")
    known = {template.id: template.title for template in licenses_module.load_library(config.licenses_dir).templates.values()}
    answers = scaffold.Answers(title=title)
    for flag, texts, parse, target in (("--author", authors, questions.parse_author, answers.authors),
                                       ("--contact", contacts, questions.parse_contact, answers.contacts),
                                       ("--license", licenses, lambda text: questions.parse_license(text, known),
                                        answers.licenses)):
        for text in texts:
            try:
                target.append(parse(text))  # type: ignore[arg-type]
            except ValueError as error:
                raise RegisterError(f"{flag} {text!r}: {error}") from None
    complete = questions.ask_all(answers, known) if not no_input and _interactive() else True
    taken = {path.stem for path in catalog_module.discover(config.datasets_dir)}
    suffix = scaffold.fresh_suffix(taken, random.SystemRandom())
    doi = f"{config.doi_prefix}/{suffix}"
    path = config.datasets_dir / scaffold.file_name(doi)
    config.datasets_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold.record(doi, answers, date.today(), scaffold.license_versions(config)), encoding="utf-8")
    shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
    if not complete:
        click.echo(f"\nStopped: what you typed is kept in {shown} for the DOI {doi}; the rest is marked FILL IN.")
        raise click.exceptions.Exit(1)
    click.echo(f"Created {shown} for the DOI {doi}.")
    click.echo("Replace every FILL IN in it, then run: register check")


def _interactive() -> bool:
    """Questions are asked only of a person at a terminal, never of a script or CI."""
    return sys.stdin.isatty()


@cli.group("import")
def import_() -> None:
    """Bring records over from another register."""


COLLECTIONS_PROPOSAL = "import-collections.yml"  # the collections: setting an import proposes, beside its report


@import_.command("jekyll")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), help="Folder for the records; datasets/ by default.")
@click.option("--force", is_flag=True, help="Overwrite records that were edited since they were imported.")
@_config_option
def import_jekyll(source: Path, into: Path | None, force: bool, config_file: Path) -> None:
    """Convert an AIDA-style Jekyll register (_datasets/<doi>.md) into records, and report every defect."""
    import time

    from generator.importers import jekyll

    config = config_module.load(config_file)
    if not jekyll.find_records(source):
        raise RegisterError(f"{source}: no _datasets/**/*.md files, so this is not a Jekyll register; nothing was written")
    start = time.perf_counter()
    collections: dict[str, jekyll.CollectionFound] = {}
    report = jekyll.run(source, into or config.datasets_dir, force=force, licenses=config.licenses_dir,
                        collections=collections)
    if collections:
        proposal = config.root / COLLECTIONS_PROPOSAL
        proposal.write_text(jekyll.collection_setting(collections), encoding="utf-8")
        undefined = sorted(set(collections) - {c.slug for c in config.collections or ()})
        click.echo(f"The old records are members of {len(collections)} collection{'s' if len(collections) != 1 else ''} "
                   f"({', '.join(sorted(collections))}): their setting for mkdocs.yml, with what the old site says of "
                   f"each, is in {proposal.name}" + (f"; mkdocs.yml does not define {', '.join(undefined)} yet"
                                                     if config.collections is not None and undefined else ""))
    _import_summary(report, config, start)


@import_.command("datacite")
@click.option("--prefix", required=True, metavar="10.XXXX", help="The DOI prefix whose DOIs become records.")
@click.option("--client", metavar="ID", help="Only the DOIs of this DataCite repository (its client id).")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), help="Folder for the records; datasets/ by default.")
@click.option("--force", is_flag=True, help="Overwrite records that were edited since they were imported.")
@click.option("--production", is_flag=True, help="Read DataCite's production API, not the test API.")
@_config_option
def import_datacite(prefix: str, client: str | None, into: Path | None, force: bool, production: bool,
                    config_file: Path) -> None:
    """Make a record of every DOI a DataCite prefix holds (findable ones; registered ones too with credentials)."""
    import os
    import re
    import time

    from generator.importers import datacite
    from generator.registration.client import RegistrationError

    config = config_module.load(config_file)
    prefix = prefix.strip()
    if not re.fullmatch(r"10\.\d{4,9}", prefix):
        raise RegisterError(f"--prefix must be a DOI prefix such as 10.23698, not {prefix!r}")
    url = datacite.api_address(os.environ.get("DATACITE_URL"), production=production)
    start = time.perf_counter()
    try:
        report = datacite.run(url, prefix, client.strip().lower() if client else None, config,
                              into or config.datasets_dir, force=force,
                              username=os.environ.get("DATACITE_USERNAME", ""),
                              password=os.environ.get("DATACITE_PASSWORD", ""))
    except RegistrationError as error:
        raise RegisterError(f"DataCite ({url}): {error}; nothing was written") from None
    if not report.converted:
        raise RegisterError(f"DataCite ({url}) holds no DOIs under {prefix}"
                            + (f" for the repository {client}" if client else "") + "; nothing was written")
    _import_summary(report, config, start)


def _import_summary(report: Report, config: SiteConfig, start: float) -> None:
    """What every importer prints: records and their notes, the facts, the report files, and the final check."""
    import time

    from generator.importers import base

    failed = [r for r in report.converted if r.text is None]
    noted = [r for r in report.converted if r.text is not None and r.notes]
    clean = [r for r in report.converted if r.text is not None and not r.notes]
    click.echo(f"Converted cleanly: {len(clean)}")
    click.echo(f"Converted with notes: {len(noted)}")
    for result in noted:
        for note in result.note_lines:
            click.echo(f"  {note}")
    click.echo(f"Not converted: {len(failed)}")
    for result in failed:
        for note in result.note_lines:
            click.echo(f"  {note}")
    counts = base.counts(report.converted)
    unmapped = sum(fact.why == base.UNMAPPED for result in report.converted for fact in result.facts)
    md, _ = base.write_report(report.converted, config.root)
    click.echo(f"Facts of the old records: {sum(counts.values())}: {counts[base.CARRIED]} carried, "
               f"{counts[base.CHANGED]} changed, {counts[base.NOT_CARRIED]} not carried"
               + (f" ({unmapped} of them with no reason: please report this)" if unmapped else "")
               + f"; each one is in {md.name} and {md.with_suffix('.json').name}")
    keep = base.settings_to_keep(report.converted, {"publisher": config.publisher,
                                                    "landing_url_slash": config.landing_url_slash})
    for name, value in keep.items():
        shown = json.dumps(value)
        click.echo(f"The old records give {name} {shown}, as DataCite holds it for their DOIs if the old register "
                   f"registered what its records say; this register's setting would change it at the first DOI sync: "
                   f"to keep it, set {name}: {shown} under dataset-register in mkdocs.yml (docs/migrating.md)")
    for path in report.kept:
        click.echo(f"Kept {path}: it differs from what the import makes (edited since?); --force overwrites it")
    _, problems = verify.check(config, report.written or None) if report.written else ((), [])
    in_place = [problem for problem in problems if problem.key == IMPORT_NOTE_KEY]
    problems = [problem for problem in problems if problem.key != IMPORT_NOTE_KEY]
    if problems:
        click.echo(f"What register check reports on the imported records ({len(problems)}):")
        for problem in problems:
            click.echo(f"  {problem}")
    if in_place:
        click.echo(f"The {len(in_place)} notes are also in the records as '# import:' comments; register check "
                   "reports each until you remove it.")
    click.echo(f"{len(report.written)} records written in {time.perf_counter() - start:.1f} s.")
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the record format (kept in schema/dataset.schema.json for editors)."""
    click.echo(record_schema(), nl=False)


@cli.group()
def licenses() -> None:
    """Manage the license templates in licenses/."""


@licenses.command()
@_config_option
def publish(config_file: Path) -> None:
    """Record the wording of new license versions, so later edits to them are caught."""
    config = config_module.load(config_file)
    added = licenses_module.publish(config.licenses_dir)
    for name in added:
        click.echo(f"published {name}")
    if not added:
        click.echo("every license version is already published")


@cli.group()
def doi() -> None:
    """Bring DataCite in line with the records (test API unless --production)."""


_only = click.option("--only", "only", multiple=True, metavar="DOI", help="Only this DOI (repeatable).")
_production = click.option("--production", is_flag=True, help="Use DataCite's production API, not the test API.")
_rate = click.option("--rate", type=int, default=1500, show_default=True, metavar="N",
                     help="At most N requests per 5 minutes (DataCite allows 3,000).")


@doi.command("plan")
@_only
@_production
@_rate
@click.option("--check", is_flag=True, help="Exit with 1 when any DOI at DataCite differs from its record.")
@_config_option
def doi_plan(only: tuple[str, ...], production: bool, rate: int, check: bool, config_file: Path) -> None:
    """Print what sync would do for each DOI, with the changes and who made them; writes nothing."""
    from generator.registration import commands

    _, steps, strangers = _plan(only, production, rate, config_file)
    commands.print_plan(steps, strangers, click.echo)
    if check and any(step.action != "none" for step in steps):
        raise click.exceptions.Exit(1)


@doi.command("drift")
@_only
@_production
@_rate
@_config_option
def doi_drift(only: tuple[str, ...], production: bool, rate: int, config_file: Path) -> None:
    """List the DOIs someone changed at DataCite since the last sync, field by field; exit 1 if any. Writes nothing."""
    from generator.registration import commands

    _, steps, _ = _plan(only, production, rate, config_file)
    if commands.print_drift(steps, click.echo):
        raise click.exceptions.Exit(1)


@doi.command("sync")
@_only
@_production
@_rate
@click.option("--overwrite-remote", is_flag=True,
              help="Replace changes made at DataCite (in Fabrica) with what the records say.")
@_config_option
def doi_sync(only: tuple[str, ...], production: bool, rate: int, overwrite_remote: bool, config_file: Path) -> None:
    """Create, update, publish or hide DOIs so that DataCite holds what the records say."""
    from generator.registration import commands

    client, steps, _ = _plan(only, production, rate, config_file)
    outcome = commands.run_sync(steps, client, click.echo, overwrite_remote=overwrite_remote, stream=sys.stderr,
                                is_terminal=sys.stderr.isatty())
    if outcome.interrupted:
        raise click.exceptions.Exit(130)
    if outcome.failed:
        raise click.exceptions.Exit(1)


def _plan(only: tuple[str, ...], production: bool, rate: int, config_file: Path) -> tuple[Any, list[Any], int]:
    """Check the records, connect, and read DataCite: the plan both doi commands start from."""
    from generator.registration import commands
    from generator.registration.client import RegistrationError

    config = config_module.load(config_file)
    catalog = verify.load_catalog(config)
    client = commands.connect(config, production=production, rate=rate)
    try:
        steps, strangers = commands.make_plan(catalog, client, only)
    except RegistrationError as error:
        raise RegisterError(f"DataCite: {error}; nothing was changed") from None
    except KeyboardInterrupt:
        raise RegisterError("interrupted while reading DataCite; nothing was changed") from None
    return client, steps, strangers


@doi.command("diff")
@click.argument("base_ref")
@_config_option
def doi_diff(base_ref: str, config_file: Path) -> None:
    """Markdown for a pull request: what merging would do at DataCite, compared with BASE_REF. No network."""
    from generator.registration import diff
    from generator.registration.plan import desired

    config = config_module.load(config_file)
    now = desired(verify.load_catalog(config))
    before = diff.at_ref(config, base_ref)
    click.echo(diff.markdown(diff.changes(before, now), diff.removed(before, now)), nl=False)


def main() -> None:
    """Entry point of the `register` console script."""
    # A command holds every validated record until it ends: many objects in few reference cycles. At Python's
    # default threshold the cycle collector walks all of them again every 700 new objects, a fifth of a check
    # that finds every record in the record cache. It runs less often here, and never over the imported modules.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    cli(prog_name="register")
