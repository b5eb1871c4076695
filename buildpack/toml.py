"""Read TOML files (pyproject.toml) on any Python >= 3.9.

Uses the standard library's tomllib where it exists (3.11+). Build hosts with an older
python3 get a small reader for the TOML that project files use: tables, arrays of tables,
dotted keys, strings of all four kinds, numbers, booleans, arrays and inline tables.
"""

import functools
import re

from buildpack.log import messages
from buildpack.log.output import BuildError, warning


def load(path):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        warning(messages.toml_not_utf8(path.name, data.count(b"\n", 0, exc.start) + 1))
        text = data.decode("utf-8-sig", errors="replace")
    try:
        return _parse(text)
    except (ValueError, IndexError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise BuildError(messages.invalid_toml(path.name, str(exc))) from None
    except RecursionError:  # both readers go one call deeper per nested array or table
        raise BuildError(messages.invalid_toml(
            path.name, "arrays or inline tables are nested too deeply (within each other)")) from None


def _parse(text):
    try:
        import tomllib  # imported here: most builds read no TOML, and it costs 10 ms to import
    except ImportError:  # Python < 3.11
        return _Reader(text).document()
    return tomllib.loads(text)


@functools.lru_cache(maxsize=None)  # three steps of a build ask; read the file once
def project_table(pyproject):
    """The [project] table of a pyproject.toml, checked to have the shapes the build reads
    (not to be changed by the caller: each call gets the same table)."""
    project = load(pyproject).get("project", {})
    if not isinstance(project, dict):
        raise BuildError(messages.invalid_pyproject("[project] is not a table"))
    if not isinstance(project.get("requires-python", ""), str):
        raise BuildError(messages.invalid_pyproject('requires-python is not a string such as ">=3.12"'))
    groups = {"dependencies": project.get("dependencies", []),
              **{f"optional-dependencies.{name}": value
                 for name, value in _table(project.get("optional-dependencies", {})).items()}}
    for name, value in groups.items():
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise BuildError(messages.invalid_pyproject(
                f'{name} is not a list of requirement strings such as ["django>=5.2"]'))
    return project


def _table(value):
    if not isinstance(value, dict):
        raise BuildError(messages.invalid_pyproject("optional-dependencies is not a table"))
    return value


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NUMBER = re.compile(r"[+-]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9_]+(\.[0-9_]+)?([eE][+-]?[0-9_]+)?|inf|nan)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}:\d{2}(\.\d+)?")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Reader:
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def fail(self, what):
        line = self.text.count("\n", 0, self.pos) + 1
        raise ValueError(f"{what} (at line {line})")

    def peek(self, count=1):
        return self.text[self.pos:self.pos + count]

    def skip(self, newlines=False):
        """Skip spaces and comments (and newlines, inside arrays and between statements)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                break

    def expect(self, literal):
        if not self.text.startswith(literal, self.pos):
            self.fail(f"expected {literal!r}")
        self.pos += len(literal)

    def document(self):
        root = {}
        table = root
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.text):
                return root
            if self.peek(2) == "[[":
                self.pos += 2
                keys = self.key()
                self.expect("]]")
                parent = self.walk(root, keys[:-1])
                table = {}
                parent.setdefault(keys[-1], []).append(table)
            elif self.peek() == "[":
                self.pos += 1
                table = self.walk(root, self.key())
                self.expect("]")
            else:
                keys = self.key()
                self.expect("=")
                self.skip()
                self.assign(table, keys, self.value())
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] != "\n":
                self.fail("expected the end of the line")

    def walk(self, table, keys):
        for key in keys:
            table = table.setdefault(key, {})
            if isinstance(table, list) and table and isinstance(table[-1], dict):
                table = table[-1]
            elif not isinstance(table, dict):
                self.fail(f"{key} is already defined as a value, not a table")
        return table

    def assign(self, table, keys, value):
        table = self.walk(table, keys[:-1])
        if keys[-1] in table:
            self.fail(f"{keys[-1]} is defined twice")
        table[keys[-1]] = value

    def key(self):
        keys = []
        while True:
            self.skip()
            if self.peek() in ('"', "'"):
                keys.append(self.string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    self.fail("expected a key")
                keys.append(match.group())
                self.pos = match.end()
            self.skip()
            if self.peek() != ".":
                return keys
            self.pos += 1

    def value(self):
        char = self.peek()
        if char in ('"', "'"):
            return self.string()
        if char == "[":
            self.pos += 1
            items = []
            while True:
                self.skip(newlines=True)
                if self.peek() == "]":
                    self.pos += 1
                    return items
                items.append(self.value())
                self.skip(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
                elif self.peek() != "]":
                    self.fail("expected ',' or ']'")
        if char == "{":
            self.pos += 1
            table = {}
            self.skip()
            while self.peek() != "}":
                keys = self.key()
                self.expect("=")
                self.skip()
                self.assign(table, keys, self.value())
                self.skip()
                if self.peek() == ",":
                    self.pos += 1
                    self.skip()
            self.pos += 1
            return table
        for word, result in (("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _DATE.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return match.group()
        match = _NUMBER.match(self.text, self.pos)
        if not match:
            self.fail("expected a value")
        self.pos = match.end()
        number = match.group().replace("_", "")
        return float(number) if any(c in number for c in ".eEn") and "x" not in number else int(number, 0)

    def string(self):
        quote = self.peek()
        multi = self.peek(3) == quote * 3
        delimiter = quote * 3 if multi else quote
        self.pos += len(delimiter)
        if multi and self.peek() == "\n":
            self.pos += 1
        parts = []
        while True:
            if self.pos >= len(self.text):
                self.fail("unterminated string")
            if self.text.startswith(delimiter, self.pos):
                self.pos += len(delimiter)
                return "".join(parts)
            char = self.text[self.pos]
            if char == "\n" and not multi:
                self.fail("unterminated string")
            if char == "\\" and quote == '"':
                parts.append(self.escape())
                continue
            parts.append(char)
            self.pos += 1

    def escape(self):
        self.pos += 1
        char = self.peek()
        if char in _ESCAPES:
            self.pos += 1
            return _ESCAPES[char]
        if char in "uU":
            size = 4 if char == "u" else 8
            code = self.text[self.pos + 1:self.pos + 1 + size]
            self.pos += 1 + size
            return chr(int(code, 16))
        if char in " \t\n\r":  # a line-ending backslash trims the following whitespace
            while self.peek() in (" ", "\t", "\n", "\r"):
                self.pos += 1
            return ""
        self.fail(f"invalid escape \\{char}")
