"""Build: the whole site as a virtual tree of files (pages, per-dataset files, API, thumbnails), from the catalog.

Independent of the site builder: the MkDocs plugin (generator/mkdocs_plugin/plugin.py) turns the tree into
MkDocs files and pages. `render_cache` reuses a dataset's files while nothing they come from has changed; `search_index`
writes Pagefind's index over the finished site. `verify` is the register's whole check: the check stage's rules plus
those about what would be published (the DataCite metadata, the site paths of every output).
Imports: everything below it (shared modules, check, model, render).
"""
