"""app.json's test environment: what Heroku CI reads, and an error naming the key that is wrong."""

import pytest

from buildpack import app_json
from buildpack.log.output import BuildError


def test_scripts_env_and_addons_are_read():
    parsed = app_json.parse('{"name": "site", "environments": {"test": {'
                            '"scripts": {"test-setup": "python manage.py migrate", "test": "pytest -q",'
                            ' "postdeploy": "ignored"},'
                            '"env": {"A": "1", "B": {"value": "2", "description": "from the schema"}},'
                            '"addons": ["heroku-postgresql:in-dyno", {"plan": "heroku-redis"}]}}}')
    assert parsed == app_json.TestEnvironment(
        {"test-setup": "python manage.py migrate", "test": "pytest -q"}, {"A": "1", "B": "2"},
        ["heroku-postgresql", "heroku-redis"])


@pytest.mark.parametrize("text", ["{}", '{"environments": {}}', '{"environments": {"review": {"scripts": 1}}}',
                                  '{"environments": {"test": {}}}'])
def test_no_test_environment_is_an_empty_one(text):
    assert app_json.parse(text) == app_json.TestEnvironment()


def test_no_app_json_is_an_empty_test_environment(tmp_path):
    assert app_json.test_environment(tmp_path) == app_json.TestEnvironment()


@pytest.mark.parametrize("text, title", [
    ('{"environments": []}', "app.json's environments must be an object, not []."),
    ('{"environments": {"test": "pytest"}}', "app.json's environments.test must be an object, not \"pytest\"."),
    ('{"environments": {"test": {"scripts": {"test": ["pytest", "-q"]}}}}',
     "app.json's environments.test.scripts.test must be a string, not [\"pytest\", \"-q\"]."),
    ('{"environments": {"test": {"env": {"DEBUG": true}}}}',
     "app.json's environments.test.env.DEBUG must be a string, not true."),
    ('{"environments": {"test": {"addons": "heroku-postgresql"}}}',
     "app.json's environments.test.addons must be a list, not \"heroku-postgresql\"."),
    ('{"environments": {"test": {"addons": ["heroku-redis", {"name": "x"}]}}}',
     "app.json's environments.test.addons[1] must be an add-on name or a {\"plan\": \"...\"} object, "
     "not {\"name\": \"x\"}."),
    ('{"environments": {"test": {"scripts": {"test": "pytest",}}}}',
     "app.json could not be read: it is not valid JSON: Expecting property name enclosed in double quotes: "
     "line 1 column 57 (char 56)."),
    ("[" * 100000, "app.json could not be read: it is nested too deeply to read."),
])
def test_a_wrong_key_is_an_error_naming_it(text, title):
    with pytest.raises(BuildError) as raised:
        app_json.parse(text)
    assert raised.value.message.title == title


def test_a_long_value_is_quoted_in_part():
    with pytest.raises(BuildError) as raised:
        app_json.parse('{"environments": {"test": {"scripts": {"test": ["' + "x" * 500 + '"]}}}}')
    assert raised.value.message.title.endswith('not ["' + "x" * 198 + "....")


def test_an_app_json_that_is_not_utf8_is_an_error(tmp_path):
    (tmp_path / "app.json").write_bytes(b'{"name": "\xff"}')
    with pytest.raises(BuildError) as raised:
        app_json.test_environment(tmp_path)
    assert raised.value.message.title == "app.json could not be read: it is not UTF-8 text."
