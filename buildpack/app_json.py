"""app.json, Heroku's app manifest (also read by Dokku and review apps): the add-ons the app
runs with (`addons`) and its test environment (`environments.test`), as Heroku CI reads it.

    {"addons": ["heroku-postgresql:essential-0"],
     "environments": {"test": {
        "scripts": {"test-setup": "python manage.py migrate", "test": "pytest"},
        "env": {"DJANGO_SETTINGS_MODULE": "mysite.settings.test"},
        "addons": ["heroku-postgresql"]}}}

Heroku CI runs bin/test-compile, then `scripts.test-setup`, then `scripts.test` (or the
buildpack's bin/test when there is none), with `env` as config vars and the add-ons
provisioned. Every key is optional; one of the wrong type is an error naming it.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from buildpack.log import messages
from buildpack.log.output import BuildError

NAME = "app.json"
SCRIPTS = ("test-setup", "test")


@dataclass
class TestEnvironment:
    scripts: dict = field(default_factory=dict)  # "test-setup" / "test" -> shell command
    env: dict = field(default_factory=dict)
    addons: list = field(default_factory=list)  # the add-ons' names, plans left out


@dataclass
class AppJson:
    addons: list = field(default_factory=list)  # the top-level add-ons' names, plans left out
    test: TestEnvironment = field(default_factory=TestEnvironment)


def read(app_dir, shown=NAME):
    """APP_DIR/app.json (empty without one); `shown` is how errors name the file."""
    path = Path(app_dir) / NAME
    if not path.is_file():
        return AppJson()
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise BuildError(messages.app_json_invalid(shown, "it is not UTF-8 text")) from None
    except OSError as exc:
        raise BuildError(messages.app_json_invalid(shown, exc.strerror)) from None
    return parse(text, shown)


def parse(text, shown=NAME):
    """The AppJson of app.json's `text`; a BuildError names the key that is wrong."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BuildError(messages.app_json_invalid(shown, f"it is not valid JSON: {exc}")) from None
    except RecursionError:
        raise BuildError(messages.app_json_invalid(shown, "it is nested too deeply to read")) from None
    if not isinstance(data, dict):
        raise BuildError(messages.app_json_invalid(shown, "it is not a JSON object"))
    try:
        return AppJson(_addon_names(data, ""), _test_environment(data))
    except _WrongTypeError as wrong:
        raise BuildError(messages.app_json_wrong_type(shown, *wrong.args)) from None


class _WrongTypeError(Exception):
    """A key whose value is of the wrong type: (key, what it must be, the value)."""


def _test_environment(data):
    test = _table(_table(data, "", "environments"), "environments", "test")
    scripts = _table(test, "environments.test", "scripts")
    for name, command in scripts.items():
        if not isinstance(command, str):
            raise _WrongTypeError(f"environments.test.scripts.{name}", "a string", command)
    env = _table(test, "environments.test", "env")
    values = {}
    for name, value in env.items():
        # The app.json schema allows {"value": ...} objects too, as in the top-level env.
        if isinstance(value, dict) and isinstance(value.get("value"), str):
            value = value["value"]
        if not isinstance(value, str):
            raise _WrongTypeError(f"environments.test.env.{name}", "a string", value)
        values[name] = value
    return TestEnvironment({name: scripts[name] for name in SCRIPTS if name in scripts}, values,
                           _addon_names(test, "environments.test"))


def _table(parent, where, key):
    value = parent.get(key, {})
    if not isinstance(value, dict):
        raise _WrongTypeError(_key(where, key), "an object", value)
    return value


def _addon_names(parent, where):
    """The names of `parent`'s add-ons: "heroku-postgresql:essential-0" and
    {"plan": "heroku-postgresql:essential-0"} both name heroku-postgresql."""
    listed = parent.get("addons", [])
    if not isinstance(listed, list):
        raise _WrongTypeError(_key(where, "addons"), "a list", listed)
    names = []
    for index, addon in enumerate(listed):
        plan = addon.get("plan") if isinstance(addon, dict) else addon
        name = plan.partition(":")[0].strip() if isinstance(plan, str) else ""
        if not name:
            key = _key(where, f"addons[{index}]") + (".plan" if isinstance(addon, dict) else "")
            raise _WrongTypeError(key, 'a plan such as "heroku-postgresql" or {"plan": "heroku-postgresql"}', plan)
        names.append(name)
    return names


def _key(where, key):
    return f"{where}.{key}" if where else key
