"""How to get access to a dataset: who may use it (the one access rule), the steps, and a pre-filled request e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from generator.model.record import Dataset
from generator.paths import doi_url
from generator.render import RenderContext, license_text

# From the AIDA Data Sharing Policy's access-request evaluation; a record's own eligibility text replaces it.
ELIGIBILITY = (
    "Access is given to researchers at a research institution, for research that is ethically approved, "
    "with a responsible researcher who holds a PhD. Each request is evaluated on these grounds and on the "
    "research it describes."
)


# Every license of a dataset applies, so the strictest decides; an own license text declares nothing the register
# can read, so it ranks above open and below the licenses that say who may use the data.
_STRICTNESS = ("open", "own-terms", "partners", "controlled")


@dataclass(frozen=True)
class Access:
    """Who may use a dataset, and how: the badge, the list and its filter, the API, DCAT, schema.org and the metrics."""

    level: str  # "open", "own-terms", "partners", "controlled" or "withdrawn"
    label: str  # e.g. "AIDA partners, on request"

    def conditions(self, landing: str) -> str:
        """The access as one sentence for machines (schema.org and Croissant conditionsOfAccess)."""
        if self.level == "withdrawn":  # a withdrawn page keeps no Access section
            return "Not available: the dataset is withdrawn and its data is no longer available."
        explanation = {
            "open": "anyone may use the data under its license",
            "own-terms": "who may use the data, and how, is stated in the dataset's own license text",
            "partners": "only partners of the hub may use the data, after an approved access request",
            "controlled": "available to eligible researchers after an approved access request",
        }[self.level]
        return f"{self.label}: {explanation}, as described at {landing}#access."

    @property
    def open(self) -> bool:
        return self.level == "open"

    @property
    def available(self) -> bool:
        return self.level != "withdrawn"


def classify(dataset: Dataset, ctx: RenderContext) -> Access:
    """The dataset's access, from what its licenses declare (licenses/<id>/license.yaml `access:`) and its status."""
    return ctx.resolve(dataset, "access", lambda: _classify(dataset, ctx))


def _classify(dataset: Dataset, ctx: RenderContext) -> Access:
    if dataset.status == "withdrawn":
        return Access("withdrawn", "Not available: withdrawn")
    texts = license_text.build(dataset, ctx, with_texts=False)
    strictest = max((text.access for text in texts), key=_STRICTNESS.index)
    if strictest == "open":
        return Access("open", f"Open ({', '.join(text.short_name or text.title for text in texts)})")
    if strictest == "partners":
        partners = dict.fromkeys(text.users for text in texts if text.access == "partners" and text.users)
        return Access("partners", f"{' and '.join(partners) or 'Partners'}, on request")
    if strictest == "own-terms":
        return Access("own-terms", "Under its own license terms")
    return Access("controlled", "Controlled, on request")


@dataclass(frozen=True)
class AccessRequest:
    """A ready-to-send e-mail: to the access address (or first contact), copied to the other contacts."""

    to: str
    cc: list[str]
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        """The mailto: link (RFC 6068), every part percent-encoded, so no text can add a header or a recipient."""
        query = [f"subject={quote(' '.join(self.subject.split()), safe='')}", f"body={quote(self.body, safe='')}"]
        if self.cc:
            query.insert(0, "cc=" + ",".join(quote(address, safe="@") for address in self.cc))
        return f"mailto:{quote(self.to, safe='@')}?{'&'.join(query)}"


def request(dataset: Dataset, ctx: RenderContext) -> AccessRequest | None:
    """The access-request e-mail of the dataset, or None when nobody can receive it."""
    addresses = [contact.email for contact in dataset.contacts if contact.email]
    to = dataset.access.email if dataset.access and dataset.access.email else (addresses[0] if addresses else None)
    if to is None:
        return None
    body = "\n".join([
        "Hello,",
        "",
        f"I would like to request access to the dataset \"{dataset.title}\" ({doi_url(dataset.doi)}).",
        "",
        "Applicant (name, position, e-mail): ",
        "Research institution: ",
        "Responsible researcher, who holds a PhD (name, e-mail): ",
        "Research project and what the data will be used for: ",
        "Ethical approval (authority, reference number): ",
        "Who will work with the data, and for how long: ",
        "",
        "I have read the dataset's license terms and will follow them.",
        "",
        "Kind regards,",
    ])
    return AccessRequest(to, [a for a in dict.fromkeys(addresses) if a != to], f"Access request: {dataset.title} ({dataset.doi})", body)
