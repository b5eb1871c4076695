"""Finding manage.py, the settings module and the WSGI module of a Django app."""

import yaml

from tests import apps
from tests.conftest import run_bin


def test_two_manage_py_at_the_same_depth_is_a_clear_error(builder, tmp_path):
    apps.django_app(tmp_path, subdir="shop", requirements="django\n")
    apps.django_app(tmp_path, subdir="blog", requirements="django\n")
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: Multiple manage.py files found at the same depth." in result.stderr
    assert " !       - blog/manage.py\n !       - shop/manage.py" in result.stderr
    assert " !     Set the DJANGO_MANAGE_PY config var to the one to use" in result.stderr
    assert "Traceback" not in result.log


def test_manage_py_that_is_a_folder_is_an_error_not_a_project_without_manage_py(builder, tmp_path):
    apps.django_app(tmp_path)
    (tmp_path / "manage.py").unlink()
    (tmp_path / "manage.py").mkdir()
    (tmp_path / "manage.py" / "__main__.py").write_text("")
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: manage.py is a folder, not a file.\n" in result.stderr
    assert "no manage.py was found" not in result.log


def test_django_manage_py_config_var_picks_one(builder, tmp_path):
    apps.django_app(tmp_path, subdir="shop", project="shop_site", requirements=apps.REQUIREMENTS)
    apps.django_app(tmp_path, subdir="blog", project="blog_site", requirements=apps.REQUIREMENTS)
    result = builder.compile(tmp_path, config={"DJANGO_MANAGE_PY": "blog/manage.py"})
    assert result.returncode == 0, result.log
    release = yaml.safe_load(run_bin("release", result.build_dir).stdout)
    assert release["default_process_types"]["web"] == (
        "gunicorn blog_site.wsgi --chdir blog --bind 0.0.0.0:$PORT")


def test_manage_py_and_wsgi_py_disagreeing_is_warned(builder, tmp_path):
    apps.django_app(tmp_path, files={
        "mysite/wsgi.py": apps.WSGI_PY.format(project="mysite").replace("mysite.settings", "mysite.production"),
        "mysite/production.py": "from .settings import *\n",
    })
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert " !     Warning: manage.py and wsgi.py default to different settings modules." in result.stderr
    assert "manage.py uses 'mysite.settings' but mysite/wsgi.py uses 'mysite.production'" in result.stderr
