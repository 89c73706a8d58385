"""croissant.json: the dataset in MLCommons Croissant 1.0, with the Responsible-AI facts the record states.

Machine-learning tools read Croissant to find datasets and load their files. The data of this
register is not a public download, so the file says so instead of pretending otherwise: it has no
distribution and no record sets, describes the contents in schema.org terms (formats, size,
modalities, counts) and points at the access procedure (`conditionsOfAccess`, the Access section of
the landing page). Checked with mlcroissant in the tests.
"""

from __future__ import annotations

from typing import Any

from generator.model.record import Dataset
from generator.paths import doi_url, human_size, landing_url
from generator.render import RenderContext, access, bibtex, conditions, dump_json, jsonld, license_text
from generator.render.markdown import plain_text

CROISSANT = "http://mlcommons.org/croissant/1.0"
RAI = "http://mlcommons.org/croissant/RAI/1.0"
# The @context of Croissant 1.0 as its specification and mlcroissant give it.
CONTEXT: dict[str, Any] = {
    "@language": "en", "@vocab": "https://schema.org/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/", "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract", "field": "cr:field",
    "fileObject": "cr:fileObject", "fileProperty": "cr:fileProperty", "fileSet": "cr:fileSet", "format": "cr:format",
    "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key",
    "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path", "recordSet": "cr:recordSet",
    "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated", "replace": "cr:replace",
    "samplingRate": "cr:samplingRate", "sc": "https://schema.org/", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform",
}


def _responsible_ai(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """Croissant RAI properties, each only where the record states the fact."""
    node: dict[str, Any] = {}
    if dataset.synthetic:
        node["rai:dataCollection"] = "Synthetic data, made by software; it does not come from patients."
    elif dataset.origin:
        node["rai:dataCollection"] = f"{dataset.origin} data."
    if dataset.annotation:
        node["rai:dataAnnotationProtocol"] = plain_text(dataset.annotation)
    licenses = license_text.build(dataset, ctx, with_texts=False)
    uses = [f"{text.title}: {text.summary}" for text in licenses]
    duo = [f"{c.term.label} ({c.term.code})" for c in conditions.use_conditions(dataset, ctx)]
    if duo:
        uses.append("Conditions of use (GA4GH Data Use Ontology): " + "; ".join(duo) + ".")
    if uses:
        node["rai:dataUseCases"] = " ".join(uses)
    if not dataset.synthetic and dataset.origin and dataset.origin.lower() == "clinical":
        node["rai:personalSensitiveInformation"] = (
            "Health data from patients' clinical care. It is shared only under the licenses and access "
            "conditions on the landing page.")
    statement = conditions.deidentification_text(dataset)
    if statement:
        node["rai:dataPreprocessingProtocol"] = statement
    return node


def build(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """The Croissant document of one dataset."""
    url = landing_url(ctx.config, dataset.doi)
    licenses = license_text.build(dataset, ctx, with_texts=False)
    rule = access.classify(dataset, ctx)
    counts = dataset.counts
    facts = [f"{count:,} {label}" for label, count in (
        ("patients", counts.patients if counts else None), ("scans", counts.scans if counts else None),
        ("annotations", counts.annotations if counts else None)) if count is not None]
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": [CROISSANT, RAI],
        "@id": doi_url(dataset.doi),
        "name": dataset.title,
        "alternateName": dataset.short_name,
        "description": plain_text(dataset.description),
        "url": url,
        "sameAs": doi_url(dataset.doi),
        "identifier": doi_url(dataset.doi),
        "version": dataset.version,
        "license": [text.url for text in licenses],
        "citeAs": bibtex.render(dataset, ctx).strip(),
        "creator": [jsonld.agent(author) for author in dataset.authors],
        "publisher": {"@type": "sc:Organization", "name": ctx.config.publisher},
        "datePublished": dataset.published.isoformat(),
        "dateCreated": dataset.created.isoformat() if dataset.created else None,
        "dateModified": dataset.modified.isoformat() if dataset.modified else None,
        "keywords": list(dataset.keywords) or None,
        "inLanguage": "en",
        "isLiveDataset": dataset.status == "ongoing",
        "isAccessibleForFree": rule.open,
        "conditionsOfAccess": rule.conditions(url),
        # What the data holds, as facts rather than as files that cannot be downloaded.
        "encodingFormat": list(dataset.file_formats) or None,
        "contentSize": human_size(dataset.size_bytes) if dataset.size_bytes is not None else None,
        "measurementTechnique": list(dataset.modalities) or None,
        "size": ", ".join(facts) or None,
        "distribution": [],
        **_responsible_ai(dataset, ctx),
    }
    if dataset.withdrawal:
        node["creativeWorkStatus"] = "Withdrawn"
    return {key: value for key, value in node.items() if value is not None}


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """croissant.json."""
    return dump_json(build(dataset, ctx))
