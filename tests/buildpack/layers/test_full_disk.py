"""A full disk: a cache that cannot be saved is a warning and a successful build, never a
corrupt cache; a build folder that fills up is one error naming it. Each full disk is a real
one, a small tmpfs mounted for the test (it needs root, as on CI)."""

import shutil
import subprocess

import pytest

from tests import apps
from tests.conftest import BIN, build_env, in_slug, resize, slug_python

NO_SPACE_WARNING = " !     Warning: The cache could not be saved: no space left on {}; the next build starts over."


def leftovers(cache):
    return sorted(str(path.relative_to(cache)) for path in cache.rglob("*.partial"))


def assert_readable(result):
    """No traceback, no internal error, no line longer than a screen's few rows (an
    installer's error names two paths: 400 characters)."""
    assert "Traceback" not in result.log and "Internal error" not in result.log, result.log[-3000:]
    assert max(map(len, result.log.splitlines())) < 1000


def assert_slug_works(result):
    assert slug_python(result.build_dir, "-c", "'import django, gunicorn, whitenoise'").returncode == 0
    assert (result.build_dir / "staticfiles" / "staticfiles.json").is_file()
    assert in_slug(result.build_dir, "python manage.py check").returncode == 0


def assert_built_without_the_cache(result, cache):
    assert result.returncode == 0, result.log[-3000:]
    assert NO_SPACE_WARNING.format(cache) in result.stderr
    assert result.stderr.count("Warning: The cache could not be saved") == 1, result.stderr
    assert_readable(result)
    assert_slug_works(result)
    assert leftovers(cache) == []


def test_a_cache_too_small_to_save_into_warns_and_every_build_succeeds(builder, small_volume, tmp_path):
    """The whole cache (downloads, uv, the saved environment) on 160 MB: the downloads fit,
    the environment does not."""
    app = apps.django_app(tmp_path / "app")
    cache = small_volume(builder.root / "cache-small", 160)

    for _ in ("first", "second, on the same full cache"):
        assert_built_without_the_cache(builder.compile(app, cache=cache.name), cache)
        assert not (cache / "python.json").exists()

    resize(cache, 1024)
    roomy = builder.compile(app, cache=cache.name)
    assert roomy.returncode == 0, roomy.log[-3000:]
    assert "could not be saved" not in roomy.log
    assert (cache / "python.json").is_file() and (cache / "static.json").is_file()
    again = builder.compile(app, cache=cache.name)
    assert "-----> Restoring cache\n" in again.stdout
    assert "Dependencies unchanged since the last build: nothing to install" in again.stdout
    assert "Reusing the static files of the last build" in again.stdout
    assert_slug_works(again)


def test_a_cache_with_no_room_for_uv_builds_with_pip_and_leaves_no_partial_files(builder, small_volume, tmp_path):
    """16 MB: not even the uv wheel (17 MB) fits, so neither does the uv binary."""
    app = apps.django_app(tmp_path / "app")
    cache = small_volume(builder.root / "cache-tiny", 16)
    first = builder.compile(app, cache=cache.name)
    assert_built_without_the_cache(first, cache)
    assert "-----> Installing dependencies with pip from requirements.txt" in first.stdout

    # As a build killed while extracting uv leaves it: named for a process that cannot exist
    # (Linux never gives a pid over 2**22).
    scrap = cache / "tools" / f"uv-0.13.9.{2**22 + 1}.partial"
    scrap.mkdir(parents=True)
    (scrap / "uv").write_bytes(b"\0" * 1024)
    second = builder.compile(app, cache=cache.name)
    assert_built_without_the_cache(second, cache)
    assert "-----> Installing dependencies with pip from requirements.txt" in second.stdout


@pytest.mark.parametrize("megabytes,cached", [(40, False), (100, False), (100, True)],
                         ids=["copying-python", "installing-packages", "restoring-the-cache"])
def test_a_full_build_folder_is_one_error_naming_it(builder, small_volume, tmp_path, megabytes, cached):
    """40 MB fills up while Python is copied in, 100 MB while the packages are installed or
    the cached ones copied in (the cache is on another filesystem)."""
    app = apps.django_app(tmp_path / "app")
    cache = builder.cache_dir(f"cache-for-a-full-build-{megabytes}-{cached}")
    if cached:
        assert builder.compile(app, cache=cache.name).returncode == 0
    build_dir = small_volume(tmp_path / "build", megabytes)
    shutil.copytree(app, build_dir, symlinks=True, dirs_exist_ok=True)
    result = subprocess.run([str(BIN / "compile"), str(build_dir), str(cache), str(builder.env_dir({}))],
                            env=build_env(), capture_output=True, text=True, timeout=600)
    result.log = result.stdout + result.stderr
    assert result.returncode == 1, result.log[-3000:]
    assert result.stderr.count(" !     Error: ") == 1, result.log
    assert f" !     Error: No space left on {build_dir}, the build folder." in result.stderr
    assert_readable(result)
    assert leftovers(cache) == []
    if cached:
        assert "-----> Restoring cache\n" in result.stdout


def test_an_internal_error_prints_at_most_a_few_hundred_characters_of_the_exception(monkeypatch, capsys):
    """shutil.copytree's error lists every file it failed on: half a megabyte for a Python."""
    from buildpack import main

    def fail(*step_and_arguments):
        raise shutil.Error([(f"/src/{n}", f"/dst/{n}", "[Errno 5] Input/output error") for n in range(10000)])

    monkeypatch.setattr(main, "_run", fail)
    with pytest.raises(SystemExit) as exit:
        main.main(["release", "/nowhere"])
    assert exit.value.code == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith(" !     Error: Internal error in the buildpack")
    assert "Error: [('/src/0', '/dst/0', '[Errno 5] Input/output error')" in lines[0]
    assert len(lines[0]) < 500 and lines[0].endswith("...")
