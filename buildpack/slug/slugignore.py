"""`.slugignore`: the paths of the app that the slug leaves out (Heroku's file).

One pattern a line, in .gitignore's syntax without negation: `#` comments and blank lines are
skipped; a pattern without `/` matches a name at any depth, one with a leading or inner `/`
is anchored at the app's root; a trailing `/` matches folders only; `*`, `?`, `[...]` and
`**` as in .gitignore. The build removes what the patterns match at its end (after
collectstatic and bin/post_compile, which may still use the files), so every host, and
`runtime build`, gets a slug without them.

`parse` and `matches` decide, without touching a file; `remove_ignored` reads the file, walks
the build folder and removes.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from buildpack.log import messages
from buildpack.log.output import BuildError, detail, step, warning

NAME = ".slugignore"
MAX_SIZE = 1024 * 1024  # bytes: a list of patterns is far smaller; more is a generated file list

# What the build made (or the host reads) and the slug needs: the app's Python and packages,
# the environment its processes start with, its process types. Never removed.
KEPT_FOLDERS = (".heroku", ".profile.d")
KEPT = (*KEPT_FOLDERS, "Procfile")

GLOBSTAR = "**"  # a whole segment of an anchored pattern: any number of folders

# The tokens of a segment: a character (a str of length 1), one of these, or a _Class.
STAR = ("*",)
ANY = ("?",)


@dataclass(frozen=True)
class _Class:
    """`[...]`: one character within one of the (low, high) ranges, or with `negated` outside all."""
    negated: bool
    ranges: tuple


@dataclass(frozen=True)
class Pattern:
    line: int  # its line number in .slugignore
    text: str  # as written, for messages
    anchored: bool  # at the app's root; otherwise `segments` is one, for the last name of a path
    segments: tuple  # each a tuple of tokens, or GLOBSTAR
    folders_only: bool


def parse(text):
    """(the patterns of a .slugignore's text, the warnings about its lines)."""
    patterns, warnings = [], []
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = _trim(raw.removesuffix("\r"))
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            warnings.append(messages.slugignore_negation(number, line))
            continue
        body = line.rstrip("/")
        parts = [part for part in body.split("/") if part]
        if not parts:  # `/` alone names no path (in .gitignore too)
            continue
        if ".." in parts:
            warnings.append(messages.slugignore_outside(number, line))
            continue
        anchored = "/" in body
        segments = tuple(GLOBSTAR if anchored and part == GLOBSTAR else _tokens(part) for part in parts)
        if None in segments:  # a `[` without its `]`: matches nothing, as in .gitignore
            continue
        pattern = Pattern(number, line, anchored, segments, folders_only=body != line)
        kept = _kept(pattern)
        if kept:
            warnings.append(messages.slugignore_kept(number, line, *kept))
        patterns.append(pattern)
    return patterns, warnings


def matches(pattern, path, is_dir=False):
    """Whether `pattern` matches `path` (relative to the app, `/` between names) itself; what is
    in a matched folder goes with it."""
    return _matches(pattern, path.split("/"), is_dir)


def ignored(patterns, path, is_dir=False):
    names = path.split("/")
    return any(_matches(pattern, names, is_dir) for pattern in patterns)


def _matches(pattern, names, is_dir):
    if pattern.folders_only and not is_dir:
        return False
    if not pattern.anchored:
        return _segment_matches(pattern.segments[0], names[-1])
    # reach: how many of the names the segments so far can match, every way they can
    reach, last = {0}, len(pattern.segments) - 1
    for index, segment in enumerate(pattern.segments):
        if segment is GLOBSTAR:  # zero or more names; a trailing one (what is inside): one or more
            fewest = min(reach) + (1 if index == last else 0)
            reach = set(range(fewest, len(names) + 1))
        else:
            reach = {n + 1 for n in reach if n < len(names) and _segment_matches(segment, names[n])}
        if not reach:
            return False
    return len(names) in reach


def _segment_matches(tokens, name):
    """Glob matching of one name, in time proportional to len(tokens) * len(name) at worst: on a
    mismatch only the last `*` takes one more character (no backtracking over every `*`, which
    a regular expression does and `*a*a*a*a*b` makes slow)."""
    t = n = 0
    star, resume = -1, 0
    while n < len(name):
        if t < len(tokens) and tokens[t] is STAR:
            star, resume = t, n
            t += 1
        elif t < len(tokens) and _one_matches(tokens[t], name[n]):
            t += 1
            n += 1
        elif star >= 0:
            t, resume = star + 1, resume + 1
            n = resume
        else:
            return False
    return all(token is STAR for token in tokens[t:])


def _one_matches(token, char):
    if token is ANY:
        return True
    if isinstance(token, _Class):
        return any(low <= char <= high for low, high in token.ranges) != token.negated
    return token == char


def _tokens(segment):
    """The tokens of one segment of a pattern, or None when it cannot match anything."""
    tokens, i = [], 0
    while i < len(segment):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            tokens.append(segment[i + 1])
            i += 2
            continue
        if char == "*":
            if not tokens or tokens[-1] is not STAR:  # `**` within a name is `*`
                tokens.append(STAR)
        elif char == "?":
            tokens.append(ANY)
        elif char == "[":
            parsed = _class(segment, i + 1)
            if parsed is None:
                return None
            token, i = parsed
            tokens.append(token)
            continue
        else:
            tokens.append(char)
        i += 1
    return tuple(tokens)


def _class(segment, start):
    """(the _Class that starts at `start`, after its `[`, the index after its `]`), or None when
    it has no `]`."""
    i = start
    negated = i < len(segment) and segment[i] in "!^"
    if negated:
        i += 1
    ranges = []
    while i < len(segment):
        if segment[i] == "]" and ranges:
            return _Class(negated, tuple(ranges)), i + 1
        low, i = _class_char(segment, i)
        if i + 1 < len(segment) and segment[i] == "-" and segment[i + 1] != "]":
            high, i = _class_char(segment, i + 1)
        else:
            high = low
        ranges.append((low, high))
    return None


def _class_char(segment, i):
    if segment[i] == "\\" and i + 1 < len(segment):
        return segment[i + 1], i + 2
    return segment[i], i + 1


def _trim(line):
    """`line` without its trailing spaces, but for one escaped with a backslash."""
    end = i = 0
    while i < len(line):
        if line[i] == "\\":
            i = end = min(i + 2, len(line))
            continue
        i += 1
        if line[i - 1] != " ":
            end = i
    return line[:end]


def _kept(pattern):
    """(the kept path the pattern matches, whether it matches what is inside it rather than
    it), or None."""
    for name in KEPT:
        if _matches(pattern, [name], name in KEPT_FOLDERS):
            return name, False
    first = pattern.segments[0]
    if pattern.anchored and len(pattern.segments) > 1 and first is not GLOBSTAR:
        for name in KEPT_FOLDERS:
            if _segment_matches(first, name):
                return name, True
    return None


# --- The effect -------------------------------------------------------------------------

def remove_ignored(build_dir):
    """Remove from the build folder every path its .slugignore matches (nothing without one).
    Links are removed as links, never followed; the kept paths are never looked at."""
    path = Path(build_dir) / NAME
    if path.is_dir():
        raise BuildError(messages.folder_not_file(NAME, "the list of paths to leave out of the slug"))
    if not path.is_file():
        return
    patterns, warnings = parse(_read(path))
    for message in warnings:
        warning(message)
    found = _matched(build_dir, patterns)
    step(messages.slugignore_removing(len(found)))
    if found:
        detail(messages.slugignore_removed([relative + "/" * is_dir for relative, is_dir in found]))
    for relative, is_dir in found:
        target = os.path.join(build_dir, relative)
        if is_dir:
            shutil.rmtree(target)  # removes the links inside as links
        else:
            os.unlink(target)


def _read(path):
    size = path.stat().st_size
    if size > MAX_SIZE:
        with open(path, "rb") as file:
            head = file.read(MAX_SIZE)
        raise BuildError(messages.slugignore_too_large(size, MAX_SIZE, head.count(b"\n") + 1))
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        line = data.split(b"\n")[number - 1].decode("utf-8", errors="replace")
        raise BuildError(messages.slugignore_not_utf8(number, line)) from None


def _matched(build_dir, patterns):
    """(path relative to the app, whether a folder) of each path the patterns match, sorted;
    not looking into a matched folder, nor through a link."""
    found, pending = [], [""]
    while pending:
        folder = pending.pop()
        with os.scandir(os.path.join(build_dir, folder)) as entries:
            for entry in entries:
                relative = f"{folder}/{entry.name}" if folder else entry.name
                if relative in KEPT:
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                if ignored(patterns, relative, is_dir):
                    found.append((relative, is_dir))
                elif is_dir:
                    pending.append(relative)
    return sorted(found)
