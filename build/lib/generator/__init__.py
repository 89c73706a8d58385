"""Dataset Register: YAML dataset records to DOI landing pages, license texts and DataCite metadata."""

from __future__ import annotations

__version__ = "0.1.0"
