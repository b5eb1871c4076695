"""app.json's test environment (`environments.test`), as Heroku CI reads it.

    {"environments": {"test": {
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


def test_environment(app_dir):
    """The app's test environment from APP_DIR/app.json (empty without one)."""
    path = Path(app_dir) / NAME
    if not path.is_file():
        return TestEnvironment()
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise BuildError(messages.app_json_invalid("it is not UTF-8 text")) from None
    return parse(text)


def parse(text):
    """The TestEnvironment of app.json's `text`; a BuildError names the key that is wrong."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BuildError(messages.app_json_invalid(f"it is not valid JSON: {exc}")) from None
    except RecursionError:
        raise BuildError(messages.app_json_invalid("it is nested too deeply to read")) from None
    test = _table(_table(data, "", "environments"), "environments", "test")
    scripts = _table(test, "environments.test", "scripts")
    for name, command in scripts.items():
        if not isinstance(command, str):
            raise BuildError(messages.app_json_wrong_type(f"environments.test.scripts.{name}", "a string", command))
    env = _table(test, "environments.test", "env")
    values = {}
    for name, value in env.items():
        # The app.json schema allows {"value": ...} objects too, as in the top-level env.
        if isinstance(value, dict) and isinstance(value.get("value"), str):
            value = value["value"]
        if not isinstance(value, str):
            raise BuildError(messages.app_json_wrong_type(f"environments.test.env.{name}", "a string", value))
        values[name] = value
    addons = test.get("addons", [])
    if not isinstance(addons, list):
        raise BuildError(messages.app_json_wrong_type("environments.test.addons", "a list", addons))
    return TestEnvironment({name: scripts[name] for name in SCRIPTS if name in scripts}, values,
                           [_addon_name(addon, index) for index, addon in enumerate(addons)])


def _table(parent, where, key):
    value = parent.get(key, {})
    if not isinstance(value, dict):
        raise BuildError(messages.app_json_wrong_type(f"{where}.{key}" if where else key, "an object", value))
    return value


def _addon_name(addon, index):
    """"heroku-postgresql:in-dyno" and {"plan": "heroku-postgresql:in-dyno"} name heroku-postgresql."""
    plan = addon.get("plan") if isinstance(addon, dict) else addon
    if not isinstance(plan, str) or not plan.strip():
        raise BuildError(messages.app_json_wrong_type(
            f"environments.test.addons[{index}]", 'an add-on name or a {"plan": "..."} object', addon))
    return plan.strip().partition(":")[0]
