"""The register as a whole: collection pages with their totals, and the metrics page with static SVG charts."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import iso3166
from markupsafe import Markup, escape

from generator.model import Dataset
from generator.render.page import Page
from generator.render.paths import human_size, page_path, root_from


def totals(datasets: Iterable[Dataset]) -> dict[str, str]:
    """Datasets, size and counts summed, formatted for a table."""
    items = list(datasets)
    def total(attribute: str) -> int:
        return sum(getattr(ds.counts, attribute) or 0 for ds in items if ds.counts)
    return {
        "Datasets": f"{len(items):,}",
        "Size": human_size(sum(ds.size_bytes or 0 for ds in items)),
        "Patients": f"{total('patients'):,}",
        "Scans": f"{total('scans'):,}",
        "Annotations": f"{total('annotations'):,}",
    }


def _table(rows: dict[str, str] | list[tuple[str, str]], headers: tuple[str, str]) -> str:
    pairs = rows.items() if isinstance(rows, dict) else rows
    body = "".join(Markup("<tr><th scope=\"row\">{}</th><td>{}</td></tr>").format(k, v) for k, v in pairs)
    return str(Markup('<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>')
               .format(headers[0], headers[1], Markup(body)))


def bar_chart(title: str, rows: list[tuple[str, int]], ident: str) -> str:
    """A horizontal bar chart as inline SVG, readable without JavaScript; the same numbers go in a table beside it."""
    if not rows:
        return ""
    width, bar, gap, label_width = 640, 20, 8, 200
    scale = (width - label_width - 60) / max(value for _, value in rows)
    height = len(rows) * (bar + gap) + gap
    parts = [f'<svg class="dr-chart" role="img" aria-labelledby="{ident}" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet"><title id="{ident}">{escape(title)}</title>']
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar + gap)
        length = max(1.0, value * scale)
        parts.append(f'<text x="{label_width - 8}" y="{y + bar * 0.75:.0f}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="#1e40af"></rect>'
                     f'<text x="{label_width + length + 6:.1f}" y="{y + bar * 0.75:.0f}">{value:,}</text>')
    return "".join(parts) + "</svg>"


def _breakdown(title: str, counter: Counter[str], ident: str) -> str:
    rows = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return (f'<section aria-labelledby="{ident}-heading"><h2 id="{ident}-heading">{escape(title)}</h2>'
            + bar_chart(title, rows, ident) + _table([(k, f"{v:,}") for k, v in rows], (title.split(" by ")[-1].capitalize(), "Datasets"))
            + "</section>")


def metrics(datasets: list[Dataset]) -> Page:
    """The page metrics/index.md. Synthetic data is counted apart from data from patients."""
    real = [ds for ds in datasets if not ds.synthetic]
    synthetic = [ds for ds in datasets if ds.synthetic]
    parts = ['<div class="dr-metrics">', "<h1>Metrics</h1>",
             f"<p>Published datasets, previews left out. {len(synthetic)} synthetic dataset"
             f"{'s are' if len(synthetic) != 1 else ' is'} counted apart.</p>",
             '<section aria-labelledby="totals"><h2 id="totals">Totals</h2>',
             _table([(k, f"{v} (+ {s} synthetic)" if synthetic else v)
                     for (k, v), s in zip(totals(real).items(), totals(synthetic).values())], ("", "Data from patients")),
             "</section>"]
    parts.append(_breakdown("Datasets by field", Counter(ds.field or "Not stated" for ds in real), "field"))
    parts.append(_breakdown("Datasets by modality", Counter(m for ds in real for m in ds.modalities), "modality"))
    parts.append(_breakdown("Datasets by organ", Counter(o.name for ds in real for o in ds.organs), "organ"))
    countries = Counter(iso3166.countries_by_alpha2[c].name for ds in datasets for c in ds.countries_shared)
    parts.append(_breakdown("Datasets shared with each country", countries, "countries"))
    parts.append("</div>")
    return Page(title="Metrics", body="\n".join(parts) + "\n")


def collection_title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def collections(datasets: list[Dataset]) -> dict[str, Page]:
    """collections/index.md and one page per collection, with its list and totals."""
    members: dict[str, list[Dataset]] = {}
    for dataset in datasets:
        for slug in dataset.collections:
            members.setdefault(slug, []).append(dataset)
    pages = {}
    items = "".join(f'<li><a href="{slug}/">{escape(collection_title(slug))}</a> ({len(sets)} dataset{"s" if len(sets) != 1 else ""})</li>'
                    for slug, sets in sorted(members.items()))
    pages["collections/index.md"] = Page(title="Collections", body=(
        f'<div class="dr-collections"><h1>Collections</h1><ul>{items}</ul></div>\n' if members
        else '<div class="dr-collections"><h1>Collections</h1><p>No dataset belongs to a collection yet.</p></div>\n'))
    for slug, sets in members.items():
        path = f"collections/{slug}/"
        root = root_from(path)
        rows = "".join(f'<li><a href="{root}{page_path(ds.doi)}">{escape(ds.title)}</a> ({ds.year})</li>'
                       for ds in sorted(sets, key=lambda ds: ds.title.lower()))
        pages[path + "index.md"] = Page(title=collection_title(slug), body=(
            f'<div class="dr-collection"><h1>{escape(collection_title(slug))}</h1>'
            f'{_table(totals(sets), ("", "Total"))}<ul>{rows}</ul></div>\n'))
    return pages
