"""Importers: other registers' records into this register's format.

One module per source maps that source's records (jekyll: an AIDA-style Jekyll site; datacite: the
DOIs a prefix holds at DataCite, read from its REST API). What every importer shares is in base:
the converted record, its notes (also written into the record as `# import:` comments, which
`register check` reports until removed), the account of every old fact (carried, changed or not
carried, and why), the record files and import-report.md/.json.
license_match finds the license version an old text has; git_history the date a record's metadata
last changed in the old repository; yaml_writer writes a record as a person reads it.
A new source (a CKAN or Zenodo export) is one module that builds base.Converted records, accounts
for their facts (base.account, or base.account_round_trip where the new record can be turned back
into the source's format) and passes them to base.write_records.
"""
