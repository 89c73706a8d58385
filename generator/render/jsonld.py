"""schema.org `Dataset` JSON-LD, as Google Dataset Search reads it (embedded in the page and as schema.jsonld)."""

from __future__ import annotations

from typing import Any

from generator.model.record import Agent, Dataset
from generator.paths import image_name, landing_url, orcid_url, page_path, ror_url
from generator.render import RenderContext, access, conditions, dump_json, license_text
from generator.render.citation import doi_url
from generator.vocabularies import DUO_SCHEME

MAX_DESCRIPTION = 5000  # Google's limit


def agent(person_or_org: Agent) -> dict[str, Any]:
    """A typed creator: Person with its ORCID, or Organization with its ROR id."""
    if person_or_org.is_person:
        node: dict[str, Any] = {"@type": "Person", "name": person_or_org.display_name,
                                "familyName": person_or_org.family_name, "givenName": person_or_org.given_name}
        if person_or_org.orcid:
            node |= {"@id": orcid_url(person_or_org.orcid), "identifier": orcid_url(person_or_org.orcid)}
        if person_or_org.affiliations:
            node["affiliation"] = [{"@type": "Organization", "name": a.name,
                                    **({"@id": ror_url(a.ror)} if a.ror else {})}
                                   for a in person_or_org.affiliations]
        return node
    node = {"@type": "Organization", "name": person_or_org.display_name}
    if person_or_org.ror:
        node |= {"@id": ror_url(person_or_org.ror), "identifier": ror_url(person_or_org.ror)}
    if person_or_org.url:
        node["url"] = person_or_org.url
    return node


def build(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """The JSON-LD document. No e-mail addresses: contacts are people, not data for crawlers."""
    licenses = license_text.build(dataset, ctx, with_texts=False)
    rule = access.classify(dataset, ctx)
    url = landing_url(ctx.config, dataset.doi)
    node: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": doi_url(dataset.doi),
        "identifier": doi_url(dataset.doi),
        "url": url,
        "name": dataset.title,
        "alternateName": dataset.short_name,
        "description": _description(dataset),
        "version": dataset.version,
        "keywords": dataset.keywords or None,
        "creator": [agent(author) for author in dataset.authors],
        "copyrightHolder": [agent(holder) for holder in dataset.copyright.holders],
        "copyrightYear": dataset.copyright.year,
        "publisher": {"@type": "Organization", "name": ctx.config.publisher},
        "datePublished": dataset.published.isoformat(),
        "dateCreated": dataset.created.isoformat() if dataset.created else None,
        "dateModified": dataset.modified.isoformat() if dataset.modified else None,
        "license": [text.url for text in licenses],
        "isAccessibleForFree": rule.open,
        "conditionsOfAccess": None if rule.open else rule.conditions(url),
        "includedInDataCatalog": {"@type": "DataCatalog", "name": ctx.config.site_name, "url": ctx.config.site_url},
        "citation": _citations(dataset) or None,
        "funder": [{"@type": "Organization", "name": grant.funder, **({"@id": grant.funder_id} if grant.funder_id else {})}
                   for grant in dataset.funding] or None,
        "image": [ctx.config.site_url + page_path(dataset.doi) + image_name(image.file) for image in dataset.images] or None,
        "measurementTechnique": dataset.modalities or None,
        "inLanguage": "en",
    }
    node["usageInfo"] = _usage_info(dataset, ctx, url) or None
    if dataset.withdrawal:
        node["creativeWorkStatus"] = "Withdrawn"
        node["expires"] = dataset.withdrawal.date.isoformat()
    return {key: value for key, value in node.items() if value is not None}


def _description(dataset: Dataset) -> str:
    """The description on one line, within what Google Dataset Search reads."""
    description = " ".join(dataset.description.split())
    return description[: MAX_DESCRIPTION - 1] + "…" if len(description) > MAX_DESCRIPTION else description


def _citations(dataset: Dataset) -> list[dict[str, Any]]:
    """The works that describe the dataset or that its licenses ask to cite, as schema.org `citation`."""
    return [{"@type": "CreativeWork", "@id": doi_url(work.doi) if work.doi else work.url,
             **({"name": " ".join(work.citation.split())} if work.citation else {})}
            for work in dataset.related if work.relation in ("is-described-by", "is-supplement-to") or work.must_cite]


def _usage_info(dataset: Dataset, ctx: RenderContext, url: str) -> list[dict[str, Any]]:
    """The page's "Privacy and conditions of use": the conditions as Data Use Ontology terms, and the de-identification."""
    info: list[dict[str, Any]] = []
    found = conditions.use_conditions(dataset, ctx)
    if found:
        info.append({"@type": "CreativeWork", "name": "Conditions of use", "url": url + "#privacy",
                     "about": [{"@type": "DefinedTerm", "termCode": c.term.code, "name": c.term.label, "url": c.term.iri,
                                "inDefinedTermSet": DUO_SCHEME} for c in found]})
    if statement := conditions.deidentification_text(dataset):
        info.append({"@type": "CreativeWork", "name": conditions.DEIDENTIFICATION_HEADING, "url": url + "#privacy",
                     "text": statement})
    return info


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """schema.jsonld."""
    return dump_json(build(dataset, ctx))
