"""The edge where the register meets MkDocs, and the only package that imports it.

plugin.py is the plugin MkDocs loads (the `dataset-register` entry point): it validates the records and
hands their files over. settings.py reads mkdocs.yml as MkDocs does, for the `register` commands, which
need the settings without loading the plugin and the whole site builder behind it.
"""
