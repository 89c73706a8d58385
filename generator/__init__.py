"""Dataset Register: YAML dataset records to DOI landing pages, license texts and DataCite metadata.

The folders are the stages of one pipeline, each importing only from those before it:
source (read records) -> model (record format, licenses) -> check (every rule, the Catalog) ->
render (one output per record) -> build (the site's tree of files) -> mkdocs_plugin (MkDocs);
registration and importers build on them, and cli sits on top. The modules at this level (config,
errors, paths, identifiers, vocabularies, parallel, fingerprints) are shared by all. docs/architecture.md draws it.
"""

from __future__ import annotations

__version__ = "0.1.0"
