"""YAML syntax errors in words a contributor understands, each at the line it is about and with the likely fix.

PyYAML describes what its parser expected ("did not find expected key"); a person editing a record
needs to know what they wrote wrong. The usual causes are few: indentation that does not line up,
a colon or a special character inside an unquoted value, a quote or bracket left open, a tab, a
missing "- " or ": ". Each is recognised from the parser's message and the text of the line.
"""

from __future__ import annotations

import yaml

# Characters YAML reserves at the start of a plain value.
_RESERVED_START = {"@": "@", "`": "`", "%": "%", "*": "*", "&": "&", "!": "!", "|": "|", ">": ">"}


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, column, message) for a syntax error in `text`."""
    lines = text.splitlines()
    problem, context = error.problem or "", error.context or ""
    at = error.problem_mark or error.context_mark
    line, column = (at.line + 1, at.column + 1) if at else (1, 1)
    start = error.context_mark
    start_line, start_column = (start.line + 1, start.column + 1) if start else (line, column)

    def text_of(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    current = text_of(line)
    if "tab character" in problem or ("\t" in current[: max(column, 1)] and "tab" in problem):
        return line, column, ("a tab is used for indenting; YAML indents with spaces only: "
                              "replace the tab with spaces, lined up with the line above")
    if problem.startswith("mapping values are not allowed"):
        before = current[: column - 1]
        if ": " in before or before.rstrip().endswith(":"):
            key = before.split(":", 1)[0].strip().lstrip("- ")
            return line, column, (f"the value of {key!r} contains ': ', which YAML reads as the start of a new key: "
                                  f"put the whole value in double quotes, e.g. {key}: \"{before.split(':', 1)[1].strip()}: …\"")
        previous = _previous_line(lines, line)
        if previous is not None and _indent(current) <= _indent(text_of(previous)) and _colon_without_space(text_of(previous)):
            return previous, _indent(text_of(previous)) + 1, ("a key needs a space after its colon: write "
                                                              "'key: value', not 'key:value'")
        return line, _indent(current) + 1, ("this line is indented more than the key above it, so YAML cannot read it: "
                                            "line it up with the keys above it (the same number of spaces)")
    if problem == "did not find expected key" and _closing_quote_before(current, column):
        return line, column, ("there is text after the closing quote: put the whole value inside the quotes")
    if problem == "did not find expected key" and current.lstrip().startswith("- "):
        return line, _indent(current) + 1, ("this list item does not line up with the items above it: the items of "
                                            "one list start with '- ' in the same column")
    if problem == "did not find expected key" and _inside_block_text(lines, line):
        return line, _indent(current) + 1, ("this line of a multi-line text is indented less than the text's first "
                                            "line: indent every line of the text at least as far as the first")
    if problem == "did not find expected key":
        return line, _indent(current) + 1, ("this line does not line up with the keys above it: the keys of one "
                                            "mapping start in the same column (check the spaces at the start of the line)")
    if problem == "did not find expected '-' indicator":
        return line, _indent(current) + 1, ("this line does not line up with the list above it: start a new item "
                                            "with '- ', or indent the key to line up with the keys of the item above")
    if problem == "could not find expected ':'" and _colon_without_space(text_of(start_line)):
        return start_line, start_column, "a key needs a space after its colon: write 'key: value', not 'key:value'"
    if problem == "could not find expected ':'":
        return start_line, start_column, ("this line is neither 'key: value' nor a list item ('- value'): add the "
                                          "missing ': ' or '- '; a text of several lines is written 'key: |' with "
                                          "its lines indented below it")
    if "end of stream" in problem and "quoted scalar" in context:
        quote = text_of(start_line)[start_column - 1: start_column] or '"'
        return start_line, start_column, f"the quote {quote} opened here is never closed: add the closing {quote} at the end of the value"
    if problem in ("did not find expected ',' or ']'", "did not find expected ',' or '}'"):
        bracket = "[" if "]" in problem else "{"
        closing = "]" if bracket == "[" else "}"
        return start_line, start_column, (f"the {bracket} opened here is not closed: add {closing} at the end, or put "
                                          "the value in double quotes if the bracket is part of the text")
    if problem == "found character that cannot start any token" or problem == "found undefined alias":
        char = current[column - 1: column]
        if char in _RESERVED_START or problem == "found undefined alias":
            return line, column, (f"a value cannot start with {char or '*'!r} in YAML: put the whole value in double quotes")
    if "found unexpected end of stream" in problem:
        return line, column, "the record ends in the middle of a value: check the quotes and brackets of the last lines"
    words = f"{problem} ({context})" if context else problem
    return line, column, (f"YAML cannot read this line ({words or 'invalid YAML'}): check its indentation and "
                          "quotes, and those of the line above")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _closing_quote_before(line: str, column: int) -> bool:
    """Whether the value on this line is quoted and the error stands after its closing quote."""
    _, separator, value = line.partition(": ")
    value = value.lstrip()
    if not separator or value[:1] not in ('"', "'"):
        return False
    close = value.find(value[0], 1)
    return close != -1 and line.index(value) + close < column - 1


def _previous_line(lines: list[str], line: int) -> int | None:
    """The number of the nearest line above `line` that holds something."""
    for number in range(line - 1, 0, -1):
        if lines[number - 1].strip() and not lines[number - 1].lstrip().startswith("#"):
            return number
    return None


def _colon_without_space(line: str) -> bool:
    head = line.strip().lstrip("- ")
    return ":" in head and ": " not in head and not head.endswith(":") and "://" not in head


def _inside_block_text(lines: list[str], line: int) -> bool:
    """Whether a '|' or '>' text block starts above `line` and the lines between belong to it."""
    for number in range(line - 1, 0, -1):
        above = lines[number - 1]
        if above.rstrip().endswith((": |", ": >", ": |-", ": >-", ": |+", ": >+")):
            return True
        if above.strip() and _indent(above) <= _indent(lines[line - 1]):
            return False
    return False
