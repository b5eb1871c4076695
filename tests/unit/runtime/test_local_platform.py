"""The local platform's decisions: its defaults, a slug's app folder, what stays out of a slug."""

import pytest

from runtime import environment
from runtime.app import choose_app_folder, read_app_record, record_app_folder, shown_path
from runtime.commands.build import local_only


def test_the_defaults_name_localhost_and_a_database_in_the_app_folder_s_runtime_data(tmp_path):
    assert environment.local_platform_defaults(tmp_path / "app") == {
        "DOMAIN": "localhost",
        "DOMAIN_ALIASES": "127.0.0.1,[::1]",
        "DATABASE_URL": f"sqlite:///{tmp_path}/app/.runtime/data/db.sqlite3",
    }


def test_a_relative_app_folder_gives_an_absolute_database_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    assert environment.local_database("app") == f"{tmp_path}/app/.runtime/data/db.sqlite3"


def test_defaults_fill_only_what_no_layer_sets_and_override_nothing(tmp_path):
    (tmp_path / ".env").write_text("DOMAIN=example.com\n")

    env = environment.load(str(tmp_path), [(str(tmp_path / ".env"), False)],
                           environ={"DATABASE_URL": "postgres://db/app"})

    assert (env.get("DOMAIN").value, env.get("DOMAIN").source, env.get("DOMAIN").overrides) == (
        "example.com", f"{tmp_path}/.env:1", [])
    assert (env.get("DATABASE_URL").source, env.get("DATABASE_URL").overrides) == ("environment", [])
    assert (env.get("DOMAIN_ALIASES").value, env.get("DOMAIN_ALIASES").source) == (
        "127.0.0.1,[::1]", "local platform default")


def test_an_export_s_environment_has_none_of_the_defaults(tmp_path):
    env = environment.load(str(tmp_path), [], environ={}, local=False)

    assert {"DOMAIN", "DOMAIN_ALIASES", "DATABASE_URL"}.isdisjoint(env.settings)


def test_env_py_and_the_database_come_from_the_app_folder_not_the_slug(tmp_path):
    app, slug = tmp_path / "app", tmp_path / "app/.runtime/slug"
    slug.mkdir(parents=True)
    (app / "env.py").write_text("import os\nos.environ.setdefault('FROM', os.getcwd())\n")
    (slug / "env.py").write_text("import os\nos.environ['FROM'] = 'the slug'\n")

    env = environment.load(str(slug), [], environ={}, app_folder=str(app))

    assert (env.get("FROM").value, env.get("FROM").source) == (str(app), f"{app}/env.py")
    assert env.get("DATABASE_URL").value == f"sqlite:///{app}/.runtime/data/db.sqlite3"


@pytest.mark.parametrize("record, exists, expected", [
    (None, False, ("slug", None)),  # a plain app folder, or a slug built by a host
    (("/work/shop/app", "/work/shop/slug"), True, ("app", None)),  # inside the current folder: relative
    (("/srv/shop", "/work/shop/slug"), True, ("/srv/shop", None)),
    (("/srv/shop", "/home/dev/slug"), True, ("slug", None)),  # copied or moved since: it stands alone
    (("/home/dev/app", "/home/dev/slug"), False, ("slug", None)),  # on a server, say: no warning
])
def test_a_slug_where_it_was_built_uses_the_app_folder_it_records(record, exists, expected):
    assert choose_app_folder("slug", record, "/work/shop/slug", exists, "/work/shop") == expected


def test_a_recorded_app_folder_that_is_gone_leaves_the_slug_its_own_with_the_fix():
    record = ("/work/moved-away", "/work/out/slug")
    assert choose_app_folder("out/slug", record, "/work/out/slug", False, "/work") == ("out/slug", (
        "out/slug was built from /work/moved-away, which is no longer there: its .env, env.py and "
        ".runtime/data are looked for in out/slug instead; rebuild the slug from where the app is "
        "now (`runtime build APP_DIR --out out/slug`) to use that folder's"))


@pytest.mark.parametrize("path, cwd, shown", [
    ("/work/app", "/work", "app"),
    ("/work", "/work", "."),
    ("/workshop/app", "/work", "/workshop/app"),
    ("/srv/app", "/work", "/srv/app"),
])
def test_paths_inside_the_current_folder_are_shown_relative(path, cwd, shown):
    assert shown_path(path, cwd) == shown


def test_the_record_round_trips_and_a_folder_without_one_or_a_broken_one_has_none(tmp_path):
    record_app_folder(tmp_path, tmp_path / "app", tmp_path / "slug")
    assert read_app_record(tmp_path) == (str(tmp_path / "app"), str(tmp_path / "slug"))

    assert read_app_record(tmp_path / "app") is None
    for broken in ("{", "[]", "3", '{"app_folder": "/app"}', '{"app_folder": 3, "slug": "/s"}',
                   '{"app_folder": "", "slug": "/s"}'):
        (tmp_path / ".runtime-app.json").write_text(broken)
        assert read_app_record(tmp_path) is None


@pytest.mark.parametrize("path, is_dir, left_out", [
    (".env", False, True),
    ("env.py", False, True),
    ("__pycache__/env.cpython-312.pyc", False, True),
    ("db.sqlite3", False, True),
    ("project/db.sqlite3", False, True),
    ("db.sqlite3-journal", False, True),
    ("db.sqlite3-wal", False, True),
    (".runtime", True, True),
    (".git", True, True),
    ("settings/env.py", False, False),  # a module named env, not the local configuration
    ("env.py.example", False, False),
    (".env.example", False, False),
    ("fixtures.sqlite3.json", False, False),
    ("manage.py", False, False),
    (".env", True, False),  # a folder named .env (a virtualenv) is left to .gitignore
])
def test_what_stays_out_of_a_slug(path, is_dir, left_out):
    assert local_only(path, is_dir) is left_out


def test_a_local_secret_key_is_made_once_kept_private_and_given_under_both_names(tmp_path):
    first = environment.load(str(tmp_path), [], environ={})
    again = environment.load(str(tmp_path), [], environ={})

    key_file = tmp_path / ".runtime/data/secret-key"
    key = key_file.read_text().strip()
    assert len(key) >= 50 and oct(key_file.stat().st_mode & 0o777) == "0o600"
    for env in (first, again):
        assert (env.get("SECRET_KEY").value, env.get("SECRET_KEY").source) == (key, "local platform default")
        assert env.get("DJANGO_SECRET_KEY").value == key


def test_a_secret_key_set_under_either_name_gets_no_local_one(tmp_path):
    env = environment.load(str(tmp_path), [], environ={"DJANGO_SECRET_KEY": "from-the-shell"})

    assert env.get("SECRET_KEY") is None
    assert env.get("DJANGO_SECRET_KEY").source == "environment"
    assert not (tmp_path / ".runtime/data/secret-key").exists()
    assert environment.load(str(tmp_path), [], environ={}, local=False).get("SECRET_KEY") is None


def test_an_app_folder_that_cannot_be_written_gets_no_local_key(tmp_path):
    (tmp_path / ".runtime").write_text("a file where the folder would be\n")

    assert environment.load(str(tmp_path), [], environ={}).get("SECRET_KEY") is None
