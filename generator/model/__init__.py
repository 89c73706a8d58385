"""Model: the record format and what a record refers to.

`record` is the record format, one pydantic model per part, documented field by field (the
reference page and the JSON Schema of `schema` come from it); `licenses` is the license library of
licenses/ (templates, versions, parameters, published wording). Imports: the shared modules only.
"""
