"""Check: every rule a record must pass, with each problem at its line, before anything is built.

`validate` checks one record (field rules, rules across keys, repairs so that every problem shows in
one run); `catalog` checks the register as a whole (records together, license terms, images, the
DataCite metadata each record would give) and yields the Catalog of valid records; `messages` lists
every message for the contributor guide. Imports: the shared modules, source, model, and render
only for the DataCite metadata a record would give.
"""
