"""Which processes run, how many of each, and the PORT and DYNO each one gets.

Port rule (the same for `start`, `run TYPE` and `export`):
    PORT = base + 100 x (position of the type in the Procfile) + (instance - 1)
with base from -p, else the app environment's PORT, else 5000. Positions count every Procfile
entry, so `start worker` gives the worker the port it has when everything runs (honcho numbers
only the types started, so its ports shift with the selection).
"""

import re
from dataclasses import dataclass

from runtime import messages
from runtime.errors import UserError

DEFAULT_BASE_PORT = 5000
ONE_SHOT = "release"  # runs to completion before a deploy: never started unless named
COUNT = re.compile(r"^(?P<name>[^=\s]+)=(?P<count>\d+)$")


@dataclass
class Process:
    name: str  # web.1
    type: str  # web
    command: str
    where: str  # Procfile:3, the line of the command
    port: int
    env: dict  # the complete environment of the process


def parse_counts(options):
    """`-c web=2,worker=1` (repeatable) -> {"web": 2, "worker": 1}; `all=N` sets every type."""
    counts = {}
    for option in options:
        for item in option.split(","):
            match = COUNT.match(item.strip())
            if not match:
                raise UserError(messages.bad_process_count(item, option))
            counts[match["name"]] = int(match["count"])
    return counts


def select(procfile, types, counts):
    """[(type, count)] in Procfile order: the named types, else every type but `release`."""
    for name in [*types, *(name for name in counts if name != "all")]:
        if name not in procfile.entries:
            raise UserError(messages.unknown_process_type(name, procfile))
    if types:
        chosen = [name for name in procfile.names() if name in types]
    else:
        chosen = [name for name in procfile.names() if name != ONE_SHOT]
    for name in counts:
        if name != "all" and name not in chosen:
            hint = (f"`{ONE_SHOT}` runs only when named" if name == ONE_SHOT
                    else f"it is not among the types to start ({', '.join(chosen)})")
            raise UserError(messages.count_for_unstarted_type(name, hint))
    selection = [(name, counts.get(name, counts.get("all", 1))) for name in chosen]
    if not any(count for _, count in selection):
        only = f" ({procfile.path} has only `{ONE_SHOT}`: run it with `runtime release`)" \
            if procfile.names() == [ONE_SHOT] else ""
        raise UserError(messages.nothing_to_start(only))
    return selection


def is_port_number(text):
    """Whether `text` is a port number, 1-65535, in decimal digits."""
    return text.isdecimal() and 0 < int(text) < 65536


def base_port(option, env):
    """Base port from -p (`option`), else the environment's PORT, else 5000."""
    if option is not None:
        return option
    setting = env.get("PORT")
    if setting is None:
        return DEFAULT_BASE_PORT
    if not is_port_number(setting.value):
        raise UserError(messages.port_not_a_number(setting))
    return int(setting.value)


def port_of(procfile, base, name, instance):
    port = base + 100 * procfile.position(name) + instance - 1
    if port > 65535:
        raise UserError(messages.port_too_high(name, instance, port))
    return port


def processes(procfile, selection, env, base, dyno=None):
    """One Process per instance, each with PORT and DYNO (`dyno` fixes DYNO, e.g. run.1)."""
    result = []
    for name, count in selection:
        entry = procfile.entries[name]
        for instance in range(1, count + 1):
            port = port_of(procfile, base, name, instance)
            process_env = {**env, "PORT": str(port), "DYNO": dyno or f"{name}.{instance}"}
            result.append(Process(f"{name}.{instance}", name, entry.command,
                                  f"{procfile.path}:{entry.line}", port, process_env))
    return result
