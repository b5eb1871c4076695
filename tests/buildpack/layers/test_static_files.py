"""The slug serves collectstatic's output through WhiteNoise, and a rebuild reuses that output
when nothing collectstatic reads has changed (a changed CSS file is collected again, in the
app or in an installed package)."""

import contextlib
import gzip
import json
import os
import shutil
import signal
import subprocess
import urllib.error
import urllib.request

import pytest
import yaml

from tests import apps
from tests.conftest import SOURCE_PROFILE_D, build_env, free_port, run_bin, wait_for_http

REQUIREMENTS = "django\ngunicorn\nwhitenoise[brotli]\n"
CSS = "".join(f".rule-{n} {{ color: #123456; margin: {n}px; }}\n" for n in range(200))
IMMUTABLE = "max-age=315360000, public, immutable"
THEME_CSS = ".theme { color: #111111; }\n"
THEME_CSS_1_1 = ".theme { color: #222222; }\n"  # the same size as 1.0's: only the bytes differ


def theme(app, version, css):
    """An installed Django app with a static file, as a wheel in the app; its requirement line."""
    wheel = app / "wheels" / f"sitetheme-{version}-py3-none-any.whl"
    wheel.parent.mkdir(parents=True, exist_ok=True)
    wheel.write_bytes(apps.wheel("sitetheme", version, {
        "sitetheme/__init__.py": "", "sitetheme/static/sitetheme/theme.css": css}))
    return f"./wheels/{wheel.name}\n"


@pytest.fixture(scope="module")
def themed_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    return apps.django_app(root, requirements=REQUIREMENTS + theme(root, "1.0", THEME_CSS),
                           extra_settings='STATICFILES_DIRS = [BASE_DIR / "static"]\n'
                                          'INSTALLED_APPS += ["sitetheme"]\n',
                           files={"static/css/site.css": CSS})


@pytest.fixture(scope="module")
def first(builder, themed_app):
    result = builder.compile(themed_app)
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="module")
def second(builder, themed_app, first):
    result = builder.compile(themed_app)
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="module")
def changed(builder, themed_app, second, tmp_path_factory):
    edited = tmp_path_factory.mktemp("edited") / "app"
    shutil.copytree(themed_app, edited)
    (edited / "static/css/site.css").write_text(CSS + ".added { color: red; }\n")
    result = builder.compile(edited)
    assert result.returncode == 0, result.log
    result.app = edited
    return result


@pytest.fixture(scope="module")
def upgraded(builder, changed, tmp_path_factory):
    """The app of `changed`, with sitetheme upgraded."""
    app = tmp_path_factory.mktemp("upgraded") / "app"
    shutil.copytree(changed.app, app)
    (app / "requirements.txt").write_text(REQUIREMENTS + theme(app, "1.1", THEME_CSS_1_1))
    result = builder.compile(app)
    assert result.returncode == 0, result.log
    return result


def hashed(slug, name):
    return json.loads((slug / "staticfiles/staticfiles.json").read_text())["paths"][name]


@contextlib.contextmanager
def serving(slug):
    """The slug's default web process (gunicorn), started as a host would; yields its URL."""
    web = yaml.safe_load(run_bin("release", slug).stdout)["default_process_types"]["web"]
    port = free_port()
    script = SOURCE_PROFILE_D + "exec " + web
    server = subprocess.Popen(["bash", "-c", script], env=build_env(HOME=str(slug), PORT=str(port)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(url + "/", process=server)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def fetch(url, encoding):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.mark.slow
def test_slug_serves_hashed_compressed_static_files_through_whitenoise(first):
    static = first.build_dir / "staticfiles"
    name = hashed(first.build_dir, "css/site.css")
    assert name != "css/site.css"
    with serving(first.build_dir) as url:
        status, headers, body = fetch(f"{url}/static/{name}", "br")
        assert (status, headers["Content-Encoding"], headers["Cache-Control"]) == (200, "br", IMMUTABLE)
        assert headers["Vary"] == "Accept-Encoding"
        assert body == (static / f"{name}.br").read_bytes()

        status, headers, body = fetch(f"{url}/static/{name}", "gzip")
        assert (status, headers["Content-Encoding"], headers["Cache-Control"]) == (200, "gzip", IMMUTABLE)
        assert gzip.decompress(body).decode() == CSS

        admin = hashed(first.build_dir, "admin/css/base.css")
        status, headers, _ = fetch(f"{url}/static/{admin}", "gzip, deflate, br")
        assert (status, headers["Content-Encoding"]) == (200, "br")


def test_each_brotli_file_is_what_brotli_writes_for_its_source(first):
    """The build has WhiteNoise compress each content once, for the original name and the
    hashed one alike (inspector.py): every .br file is still Brotli's output for its own
    source, byte for byte."""
    check = ("import brotli, pathlib, sys\n"
             "files = list(pathlib.Path(sys.argv[1]).rglob('*.br'))\n"
             "print(len(files), [str(p) for p in files\n"
             "                   if brotli.compress(p.with_suffix('').read_bytes()) != p.read_bytes()])\n")
    python = first.build_dir / ".heroku/python/bin/python"
    result = subprocess.run([str(python), "-c", check, str(first.build_dir / "staticfiles")],
                            capture_output=True, text=True, check=True)
    count, wrong = result.stdout.split(" ", 1)
    assert int(count) > 200 and wrong.strip() == "[]", result.stdout  # the admin's and the app's


def test_rebuild_without_static_changes_reuses_the_output(first, second):
    assert ("-----> Reusing the static files of the last build: nothing collectstatic reads has "
            "changed") in second.stdout
    assert "manage.py collectstatic" not in second.stdout
    # The theme is installed again from the new build folder's path, with the same bytes.
    assert " + sitetheme==1.0 (from file://" in second.stdout
    files = sorted(str(p.relative_to(first.build_dir / "staticfiles"))
                   for p in (first.build_dir / "staticfiles").rglob("*"))
    assert sorted(str(p.relative_to(second.build_dir / "staticfiles"))
                  for p in (second.build_dir / "staticfiles").rglob("*")) == files
    name = hashed(second.build_dir, "css/site.css")
    assert name == hashed(first.build_dir, "css/site.css")
    for suffix in ("", ".gz", ".br"):
        assert ((second.build_dir / "staticfiles" / f"{name}{suffix}").read_bytes()
                == (first.build_dir / "staticfiles" / f"{name}{suffix}").read_bytes())


@pytest.mark.slow
def test_changed_css_is_collected_again_and_its_new_hash_served(first, changed):
    assert "-----> Running python manage.py collectstatic --noinput" in changed.stdout
    assert "       Not reusing the static files of the last build: static/css/site.css changed." in changed.stdout
    old, new = hashed(first.build_dir, "css/site.css"), hashed(changed.build_dir, "css/site.css")
    assert old != new
    with serving(changed.build_dir) as url:
        status, headers, body = fetch(f"{url}/static/{new}", "gzip")
        assert (status, headers["Cache-Control"]) == (200, IMMUTABLE)
        assert gzip.decompress(body).decode().endswith(".added { color: red; }\n")
        with pytest.raises(urllib.error.HTTPError) as gone:
            fetch(f"{url}/static/{old}", "gzip")
        assert gone.value.code == 404


def test_static_file_of_an_upgraded_package_is_collected_again(changed, upgraded):
    css = ".heroku/python/lib/python3.12/site-packages/sitetheme/static/sitetheme/theme.css"
    reason = next(line for line in upgraded.stdout.splitlines() if "Not reusing the static files" in line)
    assert css in reason
    assert "-----> Running python manage.py collectstatic --noinput" in upgraded.stdout
    old, new = hashed(changed.build_dir, "sitetheme/theme.css"), hashed(upgraded.build_dir, "sitetheme/theme.css")
    assert old != new
    assert (upgraded.build_dir / "staticfiles" / new).read_text() == THEME_CSS_1_1
