"""Importers: other registers' records into this register's format."""
