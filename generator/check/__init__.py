"""Check: every rule a record must pass, with each problem at its line, before anything is built.

`validate` checks one record (field rules, rules across keys, repairs so that every problem shows in
one run); `catalog` checks the register as a whole (records together, license terms, images,
collections) and yields the Catalog of valid records; `messages` lists every message for the
contributor guide. The rules about rendered outputs (DataCite's schema, site paths) are the build
stage's (`build/verify.py`), passed in to `catalog.run_checks`. Imports: the shared modules, source, model.
"""
