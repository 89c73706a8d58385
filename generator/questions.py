"""The questions `register new` asks: each answer is checked as it is typed and asked again until it is right.

A contributor should never lose what they typed: a wrong ORCID or e-mail address is caught at its
own question, not after the last one, and the answers given so far are kept if the dialogue is cut
short (Ctrl-C or the end of input), so that the record can still be written with the rest left FILL IN.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from generator import identifiers
from generator.scaffold import Answers

Ask = Callable[..., str]


def parse_author(text: str) -> tuple[str, str, str | None]:
    """'Family, Given[, ORCID]' -> (family, given, ORCID or None); ValueError says what is wrong."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
        raise ValueError("write it as 'Family, Given' or 'Family, Given, ORCID', e.g. 'van der Laak, Jeroen'")
    orcid = parts[2] if len(parts) == 3 and parts[2] else None
    if orcid:
        orcid, error = identifiers.orcid(orcid)
        if error:
            raise ValueError(error)
    return parts[0], parts[1], orcid


def parse_contact(text: str) -> tuple[str, str]:
    """'Name <e-mail>' -> (name, e-mail); ValueError says what is wrong."""
    match = re.fullmatch(r"\s*(.+?)\s*<\s*(\S+)\s*>\s*", text)
    if not match:
        raise ValueError("write it as 'Name <name@example.org>'")
    error = identifiers.email_error(match.group(2))
    if error:
        raise ValueError(error)
    return match.group(1), match.group(2)


def parse_license(text: str, known: dict[str, str]) -> str:
    """A license id of licenses/; ValueError lists the ones there are."""
    license_id = text.strip()
    if license_id not in known:
        raise ValueError(f"no license {license_id!r}; choose one of: {', '.join(sorted(known))}")
    return license_id


def _checked(parse: Callable[[str], object]) -> Callable[[str], object]:
    """A click value_proc: click asks the question again when it raises BadParameter."""

    def check(text: str) -> object:
        try:
            return parse(text)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None

    return check


def ask_all(answers: Answers, known_licenses: dict[str, str], ask: Ask = click.prompt,
            say: Callable[[str], None] = click.echo) -> bool:
    """Fill in what the flags did not give, question by question; False if the dialogue was cut short.

    `answers` holds every answer given so far in either case.
    """
    try:
        if not answers.title:
            answers.title = str(ask("Title of the dataset", value_proc=_checked(_title)))
        if not answers.authors:
            say("Authors, one at a time, as 'Family, Given' or 'Family, Given, ORCID'; an empty answer ends the list.")
            _ask_list("Author", parse_author, answers.authors, ask, say)
        if not answers.licenses:
            say("Licenses of licenses/:")
            for license_id, title in sorted(known_licenses.items()):
                say(f"  {license_id:20} {title}")
            chosen = ask("Licenses, separated by spaces", default="controlled-access",
                         value_proc=_checked(lambda text: [parse_license(part, known_licenses) for part in text.split()]))
            answers.licenses = list(chosen)
        if not answers.contacts:
            say("Contacts for questions and access requests, one at a time, as 'Name <e-mail>'; an empty answer ends the list.")
            _ask_list("Contact", parse_contact, answers.contacts, ask, say)
    except (click.Abort, EOFError):
        return False
    return True


def _ask_list(what: str, parse: Callable[[str], Any], into: list[Any], ask: Ask, say: Callable[[str], None]) -> None:
    """Ask for items one at a time until an empty answer, keeping each as soon as it is right; at least one."""
    while True:
        item = ask(f"{what} {len(into) + 1}", default="", show_default=False,
                   value_proc=_checked(lambda text: parse(text) if text.strip() else None))
        if item is None or item == "":
            if into:
                return
            say(f"A dataset needs at least one {what.lower()}.")
            continue
        into.append(item)


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise ValueError("the title cannot be empty")
    if len(title) > 500:
        raise ValueError(f"the title has {len(title)} characters; at most 500 are allowed")
    return title
