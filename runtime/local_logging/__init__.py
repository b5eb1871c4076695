"""Django's request errors shown by local runs: the folder of `site/sitecustomize.py` (read it
for how) put in front of PYTHONPATH for the processes `runtime start`, `run` and `release` run
(and shown by `runtime config`), never for exports or images, whose logs are the app's own
LOGGING's business (`runtime check` says what to add).

A layer of the environment, on top of the real environment and the .env files, so that a
PYTHONPATH of the app's is kept behind it; RUNTIME_LOCAL_LOGGING=0 turns it off.
"""

import os

from runtime import messages

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site")
SITECUSTOMIZE = os.path.join(FOLDER, "sitecustomize.py")
SWITCH = "RUNTIME_LOCAL_LOGGING"


def python_path(values):
    """The PYTHONPATH with FOLDER in front of the one in `values` (a {name: value} environment),
    or None when `values` turns local logging off or it is there already."""
    if values.get(SWITCH) == "0":
        return None
    current = values.get("PYTHONPATH", "")
    if FOLDER in current.split(os.pathsep):
        return None
    return FOLDER + (os.pathsep + current if current else "")


def add_layer(env):
    """Add the PYTHONPATH of python_path to the runtime.environment.Environment `env`."""
    value = python_path(env.values())
    if value is not None:
        env.set("PYTHONPATH", value, messages.local_logging_source())
