"""Explain a failed install: the installer's output is above; this adds one hint for the cause.

pip and uv word their errors differently, so each cause has a pattern for each.
"""

import re

from buildpack import messages

_NETWORK = re.compile(
    r"Failed to establish a new connection|Temporary failure in name resolution|Name or service not known"
    r"|dns error|failed to lookup address|Could not fetch URL|ConnectTimeout|Connection refused"
    r"|Network is unreachable|tcp connect error|error sending request", re.IGNORECASE)
_PG_CONFIG = re.compile(r"pg_config executable not found|pg_config is required")
_COMPILER = re.compile(
    r"command '[\w./-]*(?:gcc|cc|clang)' failed|unable to execute '[\w./-]*(?:gcc|cc)'"
    r"|No such file or directory: '(?:gcc|cc)'|Python\.h: No such file or directory"
    r"|error: (?:gcc|cc|x86_64-linux-gnu-gcc): command not found")
_INVALID_PIP = re.compile(r"Invalid requirement: '?(.*?)'?:?[^\n]*\(from line (\d+) of ([^)]+)\)")
_INVALID_UV = re.compile(r"Couldn't parse requirement in `([^`]+)` at position (\d+)")
_NOT_FOUND = (
    re.compile(r"No matching distribution found for ([^\s;]+)"),
    re.compile(r"Because ([^\s,]+) was not found in the package registry"),
    re.compile(r"Because there is no version of ([^\s,]+) and you require"),
)
_CONFLICT_PIP = re.compile(r"The conflict is caused by:\n((?:.*\n)+?)\n")
_CONFLICT_UV = re.compile(r"No solution found when resolving dependencies[^\n]*\n((?:.*\n?)+)")


def explain(log, installer, requirements_file, build_dir):
    """The Message for an install (or pip-compile) that failed with this output."""
    if _PG_CONFIG.search(log):
        return messages.install_failed_pg_config()
    if _COMPILER.search(log):
        return messages.install_failed_compiler()
    match = _INVALID_PIP.search(log)
    if match:
        return messages.install_failed_invalid_line(match.group(3).strip(), int(match.group(2)), match.group(1))
    match = _INVALID_UV.search(log)
    if match:
        return _invalid_at_position(match.group(1), int(match.group(2)), build_dir)
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


def _invalid_at_position(name, position, build_dir):
    """uv names a character offset; people want the line."""
    path = build_dir / name
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return messages.install_failed_invalid_line(name, None, "")
    number = text.count("\n", 0, position) + 1
    return messages.install_failed_invalid_line(name, number, text.splitlines()[number - 1].strip())
