"""Source: find the record files of a register and read each into plain data with the line and column of every value.

`loader` reads one YAML file (SourceDoc: values, positions, comments, problems); `syntax` turns
YAML's parser errors into words a contributor understands. Imports: the shared modules at the top
of the package only (config, errors, paths, identifiers, vocabularies).
"""
