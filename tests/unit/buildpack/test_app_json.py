"""app.json: its add-ons and the test environment Heroku CI reads, and an error naming the key
that is wrong."""

import json

import pytest

from buildpack import app_json
from buildpack.log.output import BuildError


def test_scripts_env_and_addons_are_read():
    parsed = app_json.parse('{"name": "site", "environments": {"test": {'
                            '"scripts": {"test-setup": "python manage.py migrate", "test": "pytest -q",'
                            ' "postdeploy": "ignored"},'
                            '"env": {"A": "1", "B": {"value": "2", "description": "from the schema"}},'
                            '"addons": ["heroku-postgresql:in-dyno", {"plan": "heroku-redis"}]}}}')
    assert parsed.test == app_json.TestEnvironment(
        {"test-setup": "python manage.py migrate", "test": "pytest -q"}, {"A": "1", "B": "2"},
        ["heroku-postgresql", "heroku-redis"])
    assert parsed.addons == []


@pytest.mark.parametrize("addons,names", [
    ([], []),
    (["heroku-postgresql"], ["heroku-postgresql"]),
    (["heroku-postgresql:essential-0", "heroku-redis:mini"], ["heroku-postgresql", "heroku-redis"]),
    ([{"plan": "heroku-postgresql:standard-0", "as": "DATABASE"}], ["heroku-postgresql"]),
    (["papertrail"], ["papertrail"]),
])
def test_the_top_level_addons_are_their_plans_names(addons, names):
    assert app_json.parse(json.dumps({"name": "shop", "addons": addons})) == app_json.AppJson(names)


@pytest.mark.parametrize("text", ["{}", '{"environments": {}}', '{"environments": {"review": {"scripts": 1}}}',
                                  '{"environments": {"test": {}}}'])
def test_no_test_environment_is_an_empty_one(text):
    assert app_json.parse(text) == app_json.AppJson()


def test_no_app_json_is_an_empty_one(tmp_path):
    assert app_json.read(tmp_path) == app_json.AppJson([], app_json.TestEnvironment())


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
     "app.json's environments.test.addons[1].plan must be a plan such as \"heroku-postgresql\" or "
     "{\"plan\": \"heroku-postgresql\"}, not null."),
    ('{"addons": "heroku-postgresql"}', "app.json's addons must be a list, not \"heroku-postgresql\"."),
    ('{"addons": [3]}', "app.json's addons[0] must be a plan such as \"heroku-postgresql\" or "
                        "{\"plan\": \"heroku-postgresql\"}, not 3."),
    ('{"addons": [":essential-0"]}', "app.json's addons[0] must be a plan such as \"heroku-postgresql\" or "
                                     "{\"plan\": \"heroku-postgresql\"}, not \":essential-0\"."),
    ('["heroku-postgresql"]', "app.json could not be read: it is not a JSON object."),
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
        app_json.read(tmp_path)
    assert raised.value.message.title == "app.json could not be read: it is not UTF-8 text."


def test_errors_name_the_file_as_they_are_told_and_show_a_fix_for_the_key():
    with pytest.raises(BuildError) as raised:
        app_json.parse('{"addons": [{"plan": 42}]}', "shop/app.json")
    assert raised.value.message.title == ("shop/app.json's addons[0].plan must be a plan such as "
                                          '"heroku-postgresql" or {"plan": "heroku-postgresql"}, not 42.')
    assert raised.value.message.body == ("Fix it in shop/app.json, for example:\n"
                                         '  {"addons": ["heroku-postgresql:essential-0", {"plan": "heroku-redis:mini"}]}')
