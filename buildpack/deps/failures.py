"""Explain a failed install: the installer's output is above; this adds one hint for the cause.

pip and uv word their errors differently, so each cause has a pattern for each.
"""

import re

from buildpack.log import messages

_NETWORK = re.compile(
    r"Failed to establish a new connection|Temporary failure in name resolution|Name or service not known"
    r"|dns error|failed to lookup address|Could not fetch URL|ConnectTimeout|Connection refused"
    r"|Network is unreachable|tcp connect error|error sending request", re.IGNORECASE)
_NO_SPACE = re.compile(r"^.*No space left on device.*$", re.MULTILINE)
_PG_CONFIG = re.compile(r"pg_config executable not found|pg_config is required")
_COMPILER = re.compile(
    r"command '[\w./+-]*(?:gcc|cc|clang|\+\+)' failed|unable to execute '[\w./+-]*(?:gcc|cc|clang)'"
    r"|No such file or directory: '[\w./+-]*(?:gcc|cc|clang|\+\+)'|Python\.h: No such file or directory"
    r"|(?:gcc|cc|clang|x86_64-linux-gnu-gcc): command not found")
_INVALID_PIP = re.compile(r"Invalid requirement: .*\(from line (\d+) of ([^)]+)\)")
_INVALID_UV = re.compile(r"Couldn't parse requirement in `([^`]+)` at position (\d+)")
_NOT_FOUND = (
    re.compile(r"No matching distribution found for ([^\s;]+)"),
    re.compile(r"Because ([^\s,]+) was not found in the package registry"),
    re.compile(r"Because there is no version of ([^\s,]+) and you require"),
)
_HASH_MISMATCH = (
    re.compile(r"DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE\..*\n\s+(\S+) from "),
    re.compile(r"Hash mismatch for `([^`]+)`"),
)
_CONFLICT_PIP = re.compile(r"The conflict is caused by:\n((?:.*\n)+?)\n")
_CONFLICT_UV = re.compile(r"No solution found when resolving dependencies[^\n]*\n((?:.*\n?)+)")


def explain(log, installer, build_dir):
    """The Message for an install (or pip-compile) that failed with this output."""
    match = _NO_SPACE.search(log)
    if match:  # the line names the file it could not write
        in_build = f"{build_dir}/" in match.group()
        return messages.no_space_left(f"{build_dir}, the build folder" if in_build
                                      else "a disk the installer writes to")
    if _PG_CONFIG.search(log):
        return messages.install_failed_pg_config()
    if _COMPILER.search(log):
        return messages.install_failed_compiler()
    match = _INVALID_PIP.search(log)
    if match:
        return _invalid_line(match.group(2).strip(), build_dir, number=int(match.group(1)))
    match = _INVALID_UV.search(log)
    if match:
        return _invalid_line(match.group(1), build_dir, position=int(match.group(2)))
    for pattern in _HASH_MISMATCH:
        match = pattern.search(log)
        if match:
            return messages.install_failed_hash(match.group(1)[:200])
    if _NETWORK.search(log):
        return messages.install_failed_network(installer)
    for pattern in _NOT_FOUND:
        match = pattern.search(log)
        if match:
            return messages.install_failed_not_found(match.group(1))
    match = _CONFLICT_PIP.search(log) or _CONFLICT_UV.search(log)
    if match:
        lines = [line.strip(" ╰─▶│") for line in match.group(1).splitlines() if line.strip(" ╰─▶│")]
        return messages.install_failed_conflict(lines)
    return messages.install_failed(installer)


def _invalid_line(name, build_dir, number=None, position=None):
    """The message for a bad line, quoting it from the file (uv names a character offset)."""
    path = build_dir / name
    name = str(path.relative_to(build_dir)) if path.is_relative_to(build_dir) else name
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return messages.install_failed_invalid_line(name, number, "")
    if number is None:
        number = text.count("\n", 0, position) + 1
    lines = text.splitlines()
    return messages.install_failed_invalid_line(name, number, lines[number - 1].strip() if number <= len(lines) else "")
