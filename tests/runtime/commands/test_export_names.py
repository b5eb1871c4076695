"""`runtime export` names units and programs after the app, also when it exports the app's slug."""

import pytest

from tests import apps
from tests.runtime.helpers import runtime

PROCFILE = "web: exec gunicorn app.wsgi\nworker: exec sleep 30\n"


@pytest.fixture
def slug(tmp_path):
    """A slug where `runtime build` puts it: shop/.runtime/slug."""
    return apps.write(tmp_path / "shop" / ".runtime" / "slug", {"Procfile": PROCFILE})


def test_systemd_units_of_a_slug_carry_the_apps_name(slug, tmp_path):
    out = tmp_path / "units"

    result = runtime("export", "systemd", out, "-d", slug)

    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == [
        "shop-web-1.service", "shop-web.target", "shop-worker-1.service", "shop-worker.target",
        "shop.target"]
    unit = (out / "shop-web-1.service").read_text().splitlines()
    assert "Description=shop: web.1" in unit and "User=shop" in unit
    assert f"WorkingDirectory={slug}" in unit


def test_supervisord_programs_of_a_slug_run_from_the_current_folder_carry_the_apps_name(slug, tmp_path):
    out = tmp_path / "conf"

    result = runtime("export", "supervisord", out, cwd=slug)

    assert result.returncode == 0, result.stderr
    config = (out / "shop.conf").read_text().splitlines()
    assert "[group:shop]" in config and "[program:shop-web-1]" in config
    assert "user=shop" in config


def test_the_app_option_names_the_units_of_a_slug(slug, tmp_path):
    out = tmp_path / "units"

    assert runtime("export", "systemd", out, "-d", slug, "-a", "store").returncode == 0

    assert (out / "store.target").is_file() and not (out / "shop.target").exists()
