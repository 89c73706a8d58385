"""Build: the whole site as a virtual tree of files (pages, per-dataset files, API, thumbnails), from the catalog.

Independent of the site builder: the MkDocs plugin (generator/mkdocs_plugin.py) turns the tree into
MkDocs files and pages. Imports: everything below it (shared modules, check, model, render).
"""
