"""The `register` command: parses arguments, calls the core, prints results. Nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

import click

from generator import catalog as catalog_module
from generator import config as config_module
from generator import licenses as licenses_module
from generator.errors import RecordErrors, RegisterError
from generator.schema import record_schema

T = TypeVar("T")

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
@_config_option
def check(paths: tuple[Path, ...], config_file: Path) -> None:
    """Check every record (or only PATHS) and print every problem as path:line:col: key: message."""
    config = config_module.load(config_file)
    files = [file for path in paths for file in (catalog_module.discover(path) if path.is_dir() else [path])]
    catalog, problems = catalog_module.check(config, files if paths else None)
    if problems:
        raise RecordErrors(problems)
    count = len(files) if paths else len(catalog.entries)
    click.echo(f"{count} record{'s' if count != 1 else ''} checked: no problems.")


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


@doi.command("plan")
@_only
@_production
@_config_option
def doi_plan(only: tuple[str, ...], production: bool, config_file: Path) -> None:
    """Print what sync would do for each DOI, with the changes; writes nothing."""
    from generator.registration import commands

    config = config_module.load(config_file)
    catalog = catalog_module.load_catalog(config)
    client = commands.connect(config, production=production)
    steps, strangers = _reading(lambda: commands.make_plan(catalog, client, only))
    commands.print_plan(steps, strangers, click.echo)


@doi.command("sync")
@_only
@_production
@_config_option
def doi_sync(only: tuple[str, ...], production: bool, config_file: Path) -> None:
    """Create, update, publish or hide DOIs so that DataCite holds what the records say."""
    from generator.registration import commands

    config = config_module.load(config_file)
    catalog = catalog_module.load_catalog(config)
    client = commands.connect(config, production=production)
    steps, _ = _reading(lambda: commands.make_plan(catalog, client, only))
    outcome = commands.run_sync(steps, client, click.echo)
    if outcome.failed:
        raise click.exceptions.Exit(1)


def _reading(read: Callable[[], T]) -> T:
    """Reading DataCite failed: nothing was written, so say so and stop."""
    from generator.registration.client import RegistrationError

    try:
        return read()
    except RegistrationError as error:
        raise RegisterError(f"could not read the DOIs at DataCite, nothing was changed: {error}") from None


def main() -> None:
    """Entry point of the `register` console script."""
    cli(prog_name="register")
