"""The register as a whole: collection pages (from the `collections:` setting) with their totals, and the metrics page with static SVG charts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import iso3166
from markupsafe import Markup, escape

from generator.config import Collection, SiteConfig
from generator.model.record import Dataset
from generator.paths import collection_path, human_size, page_path, root_from
from generator.render.markdown import plain_text, to_html
from generator.render.page import Page

INCLUSION_RULE = ("Counted: published datasets. Data from patients and synthetic data are totalled apart; withdrawn "
                  "datasets and previews are not counted. A count a record does not state is \u201cnot stated\u201d, never 0.")


def counted(datasets: Iterable[Dataset]) -> tuple[list[Dataset], list[Dataset], list[Dataset]]:
    """The one inclusion rule of every total and chart: (counted, synthetic, withdrawn), each dataset in one of them."""
    items = list(datasets)
    withdrawn = [ds for ds in items if ds.status == "withdrawn"]
    synthetic = [ds for ds in items if ds.synthetic and ds.status != "withdrawn"]
    return [ds for ds in items if not ds.synthetic and ds.status != "withdrawn"], synthetic, withdrawn


def _sum(values: list[int | None], fmt: Callable[[int], str]) -> str:
    """A total of the values records state, saying how many records state none."""
    known = [value for value in values if value is not None]
    if not known:
        return "Not stated"
    missing = len(values) - len(known)
    return fmt(sum(known)) + (f" (not stated for {missing} of {len(values)} datasets)" if missing else "")


def totals(datasets: Iterable[Dataset]) -> dict[str, str]:
    """Datasets, size and counts summed over the records that state them, formatted for a table."""
    items = list(datasets)
    def count(attribute: str) -> str:
        return _sum([getattr(ds.counts, attribute) if ds.counts else None for ds in items], lambda n: f"{n:,}")
    return {
        "Datasets": f"{len(items):,}",
        "Size": _sum([ds.size_bytes for ds in items], human_size),
        "Patients": count("patients"),
        "Scans": count("scans"),
        "Annotations": count("annotations"),
    }


def _table(rows: dict[str, str] | list[tuple[str, str]], headers: tuple[str, str]) -> str:
    pairs = rows.items() if isinstance(rows, dict) else rows
    body = "".join(Markup("<tr><th scope=\"row\">{}</th><td>{}</td></tr>").format(k, v) for k, v in pairs)
    return str(Markup('<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>')
               .format(headers[0], headers[1], Markup(body)))


def totals_section(datasets: list[Dataset]) -> str:
    """The totals under the inclusion rule: data from patients, synthetic data in a column of its own, withdrawn apart."""
    real, synthetic, withdrawn = counted(datasets)
    columns = [("Data from patients", totals(real))] if real or not synthetic else []
    columns += [("Synthetic data", totals(synthetic))] if synthetic else []
    head = "".join(Markup('<th scope="col">{}</th>').format(name) for name, _ in columns)
    body = "".join(Markup('<tr><th scope="row">{}</th>{}</tr>').format(
        label, Markup("".join(Markup("<td>{}</td>").format(values[label]) for _, values in columns))) for label in totals([]))
    note = (f"<p>{len(withdrawn)} withdrawn dataset{'s are' if len(withdrawn) != 1 else ' is'} not counted.</p>"
            if withdrawn else "")
    return (f'<table><thead><tr><td></td>{head}</tr></thead><tbody>{body}</tbody></table>'
            f"{note}<p>{escape(INCLUSION_RULE)}</p>")


def bar_chart(title: str, rows: list[tuple[str, int]], ident: str) -> str:
    """A horizontal bar chart as inline SVG, readable without JavaScript; the same numbers go in a table beside it."""
    if not rows:
        return ""
    # Drawn 360 units wide, so that at a phone's 340 px the 13-unit text stays about 12 px.
    width, bar, gap, label_width = 360, 20, 8, 140
    scale = (width - label_width - 60) / max(value for _, value in rows)
    height = len(rows) * (bar + gap) + gap
    parts = [f'<svg class="dr-chart" role="img" aria-labelledby="{ident}" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet"><title id="{ident}">{escape(title)}</title>']
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar + gap)
        length = max(1.0, value * scale)
        parts.append(f'<text x="{label_width - 8}" y="{y + bar * 0.75:.0f}" text-anchor="end">{escape(_short(label))}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="#1e40af"></rect>'
                     f'<text x="{label_width + length + 6:.1f}" y="{y + bar * 0.75:.0f}">{value:,}</text>')
    return "".join(parts) + "</svg>"


def _short(label: str, limit: int = 17) -> str:
    """A chart label that fits its 140 units; the table beside the chart has the whole name."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _breakdown(title: str, counter: Counter[str], ident: str) -> str:
    rows = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return (f'<section aria-labelledby="{ident}-heading"><h2 id="{ident}-heading">{escape(title)}</h2>'
            + bar_chart(title, rows, ident) + _table([(k, f"{v:,}") for k, v in rows], (title.split(" by ")[-1].capitalize(), "Datasets"))
            + "</section>")


def metrics(datasets: list[Dataset]) -> Page:
    """The page metrics/index.md: every total and chart under the one inclusion rule (counted())."""
    real = counted(datasets)[0]
    parts = ['<div class="dr-metrics">', "<h1>Metrics</h1>",
             "<p>The charts count published data from patients only (the rule under Totals).</p>",
             '<section aria-labelledby="totals"><h2 id="totals">Totals</h2>', totals_section(datasets), "</section>"]
    parts.append(_breakdown("Datasets by field", Counter(ds.field or "Not stated" for ds in real), "field"))
    parts.append(_breakdown("Datasets by modality", Counter(m for ds in real for m in ds.modalities), "modality"))
    parts.append(_breakdown("Datasets by organ", Counter(o.name for ds in real for o in ds.organs), "organ"))
    countries = Counter(iso3166.countries_by_alpha2[c].name for ds in real for c in ds.countries_shared)
    parts.append(_breakdown("Datasets shared with each country", countries, "countries"))
    parts.append("</div>")
    return Page(title="Metrics", body="\n".join(parts) + "\n")


def collections(datasets: list[Dataset], config: SiteConfig) -> dict[str, Page]:
    """collections/index.md and one page per collection (each of the setting, and each a record names),
    with its description, web address, access procedure, list and totals."""
    members: dict[str, list[Dataset]] = {collection.slug: [] for collection in config.collections or ()}
    for dataset in datasets:
        for slug in dataset.collections:
            members.setdefault(slug, []).append(dataset)
    shown = sorted((config.collection(slug) for slug in members), key=lambda collection: collection.title.lower())
    items = "".join(Markup('<li><a href="{}">{}</a> ({})</li>').format(
        collection.slug + "/", collection.title, _datasets_count(len(members[collection.slug]))) for collection in shown)
    pages = {"collections/index.md": Page(title="Collections", body=(
        f'<div class="dr-collections"><h1>Collections</h1><ul>{items}</ul></div>\n' if members
        else '<div class="dr-collections"><h1>Collections</h1><p>No dataset belongs to a collection yet.</p></div>\n'))}
    for collection in shown:
        path = collection_path(collection.slug)
        root = root_from(path)
        sets = members[collection.slug]
        rows = "".join(Markup('<li><a href="{}">{}</a> ({})</li>').format(root + page_path(ds.doi), ds.title, ds.year)
                       for ds in sorted(sets, key=lambda ds: ds.title.lower()))
        listing = (totals_section(sets) + f"<ul>{rows}</ul>" if sets
                   else "<p>No published dataset belongs to this collection yet.</p>")
        pages[path + "index.md"] = Page(
            title=collection.title, description=plain_text(collection.description).split("\n")[0][:300],
            body=f'<div class="dr-collection"><h1>{escape(collection.title)}</h1>{_about(collection)}'
                 f'<h2 id="datasets">Datasets</h2>{listing}</div>\n')
    return pages


def _datasets_count(count: int) -> str:
    return f"{count} dataset{'s' if count != 1 else ''}"


def _about(collection: Collection) -> str:
    """The collection's description, web address and access procedure, as the setting gives them."""
    parts = [to_html(collection.description)] if collection.description else []
    if collection.url:
        parts.append(str(Markup('<p class="dr-collection-url">Web site: <a href="{0}">{0}</a></p>').format(collection.url)))
    if collection.access_url:
        parts.append(str(Markup('<h2 id="access">Access</h2><p>How to get access to the datasets of this collection: '
                                '<a class="dr-button" href="{}">Access procedure</a></p>').format(collection.access_url)))
    elif collection.access:
        parts.append('<h2 id="access">Access</h2>' + to_html(collection.access))
    return "".join(parts)
