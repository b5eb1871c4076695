"""Which local servers run (options, app.json's add-ons, what the environment already has),
and the URLs and names they get, decided without starting any."""

import os
from pathlib import Path

import pytest

from runtime import services
from runtime.app import built_from
from runtime.errors import UserError
from runtime.services import postgres, redis


def error(call):
    with pytest.raises(UserError) as caught:
        call()
    return str(caught.value)


# app.json's add-ons (buildpack/app_json.py reads them; tests/unit/buildpack/test_app_json.py)

def test_the_addons_are_app_jsons_add_on_names(tmp_path):
    (tmp_path / "app.json").write_text('{"addons": ["heroku-postgresql:essential-0", {"plan": "heroku-redis"}]}')
    assert services.addons(tmp_path) == {"heroku-postgresql", "heroku-redis"}


def test_a_bad_addons_entry_is_one_line_naming_the_file_and_the_key(tmp_path):
    (tmp_path / "app.json").write_text('{"addons": ["heroku-redis", {"as": "DATABASE"}]}')
    assert error(lambda: services.addons(tmp_path)) == (
        f"{tmp_path}/app.json's addons[1].plan must be a plan such as \"heroku-postgresql\" or "
        f'{{"plan": "heroku-postgresql"}}, not null. Fix it in {tmp_path}/app.json, for example: '
        '{"addons": ["heroku-postgresql:essential-0", {"plan": "heroku-redis:mini"}]}')


def test_app_json_that_is_not_json_is_an_error_with_its_line(tmp_path):
    (tmp_path / "app.json").write_text('{\n  "addons": [heroku-postgresql]\n}\n')
    assert error(lambda: services.addons(tmp_path)) == (
        f"{tmp_path}/app.json could not be read: it is not valid JSON: Expecting value: line 2 column 14 "
        f"(char 15). Fix {tmp_path}/app.json (https://devcenter.heroku.com/articles/app-json-schema), "
        "or remove it.")


def test_app_json_that_is_no_object_is_an_error(tmp_path):
    (tmp_path / "app.json").write_text('["heroku-postgresql"]')
    assert error(lambda: services.addons(tmp_path)).startswith(
        f"{tmp_path}/app.json could not be read: it is not a JSON object. Fix ")


def test_no_app_json_lists_no_addons(tmp_path):
    assert services.addons(tmp_path) == set()


# Which servers run

POSTGRES = {"heroku-postgresql"}
BOTH = {"heroku-postgresql", "heroku-redis"}


@pytest.mark.parametrize("db,use_redis,listed,postgres_why,redis_why", [
    (None, None, set(), None, None),
    ("sqlite", None, set(), None, None),
    ("postgres", None, set(), "runtime (--db postgres)", None),
    (None, True, set(), None, "runtime (--redis)"),
    (None, None, POSTGRES, "runtime (app.json: heroku-postgresql)", None),
    (None, None, BOTH, "runtime (app.json: heroku-postgresql)", "runtime (app.json: heroku-redis)"),
    ("sqlite", None, POSTGRES, None, None),
    (None, False, BOTH, "runtime (app.json: heroku-postgresql)", None),
    ("postgres", True, BOTH, "runtime (--db postgres)", "runtime (--redis)"),
])
def test_options_then_app_json_choose_the_servers(db, use_redis, listed, postgres_why, redis_why):
    assert services.choose(db, use_redis, listed, {}) == services.Choice(postgres_why, redis_why, ())


def test_an_option_given_replaces_a_url_the_environment_has_and_says_so():
    choice = services.choose("postgres", True, set(), {"DATABASE_URL": ".env:3", "REDIS_URL": "environment"})
    assert choice == services.Choice("runtime (--db postgres)", "runtime (--redis)", (
        "--db postgres: DATABASE_URL from .env:3 is replaced by the local server's",
        "--redis: REDIS_URL from environment is replaced by the local server's"))


def test_app_json_yields_to_a_url_the_environment_has_and_says_so():
    choice = services.choose(None, None, BOTH, {"DATABASE_URL": ".env:3", "REDIS_URL": "env.py"})
    assert choice == services.Choice(None, None, (
        "app.json lists heroku-postgresql, but DATABASE_URL is set (.env:3): using it, no local "
        "server (give --db postgres to run one instead)",
        "app.json lists heroku-redis, but REDIS_URL is set (env.py): using it, no local server "
        "(give --redis to run one instead)"))


def test_a_url_set_without_the_addon_says_nothing():
    assert services.choose(None, None, set(), {"DATABASE_URL": ".env:3"}) == services.Choice()


# Names, folders and URLs

@pytest.mark.parametrize("folder,name", [
    ("guestbook", "guestbook"), ("My-Shop 2", "my_shop_2"), ("2048", "app_2048"), ("---", "app"),
    ("x" * 80, "x" * 63),
])
def test_the_database_is_named_after_the_app_folder(folder, name):
    assert postgres.database_name(folder) == name


def test_database_url():
    assert postgres.database_url("s3cret", 54321, "guestbook") == (
        "postgres://postgres:s3cret@127.0.0.1:54321/guestbook")


def test_redis_url():
    assert redis.redis_url("s3cret", 6380) == "redis://:s3cret@127.0.0.1:6380/0"


def test_a_slugs_app_folder_by_its_path_and_where_servers_live():
    assert built_from(Path("/src/shop/.runtime/slug")) == Path("/src/shop")
    assert built_from(Path("/srv/shop-slug")) == Path("/srv/shop-slug")
    assert services.data_folder("/src/shop", "postgres") == "/src/shop/.runtime/postgres"
    assert services.data_folder("/src/shop", "redis") == "/src/shop/.runtime/redis"


# Where PostgreSQL's programs are

def test_the_setting_names_the_only_folder_searched(tmp_path):
    assert postgres.candidate_folders({"RUNTIME_POSTGRES_BIN": str(tmp_path), "PATH": os.defpath}) == [
        str(tmp_path)]


def test_a_folder_without_the_programs_is_an_error_naming_the_setting(tmp_path):
    environ = {"RUNTIME_POSTGRES_BIN": str(tmp_path)}
    assert error(lambda: postgres.find_programs(environ)) == (
        f"RUNTIME_POSTGRES_BIN is {tmp_path}, which has no PostgreSQL server programs (initdb, "
        "pg_ctl, psql): set it to the folder that has them, e.g. /usr/lib/postgresql/15/bin")


def test_no_programs_anywhere_is_an_error_naming_debians_package(tmp_path, monkeypatch):
    monkeypatch.setattr(postgres, "DEBIAN_BINS", str(tmp_path / "*" / "bin"))
    assert error(lambda: postgres.find_programs({"PATH": str(tmp_path)})) == (
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed: install Debian's "
        "`postgresql` package (`sudo apt-get install postgresql`), or set RUNTIME_POSTGRES_BIN "
        "to the folder that has them")
