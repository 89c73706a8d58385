"""How to get access to a dataset: who may apply, the steps, and a pre-filled access-request e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from generator.model import Dataset
from generator.render import RenderContext
from generator.render.paths import doi_url

# From the AIDA Data Sharing Policy's access-request evaluation; a record's own eligibility text replaces it.
ELIGIBILITY = (
    "Access is given to researchers at a research institution, for research that is ethically approved, "
    "with a responsible researcher who holds a PhD. Each request is evaluated on these grounds and on the "
    "research it describes."
)


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
