"""A built slug records the stack it was built on, for an image's base to be checked against."""

import glob

from buildpack.slug import stack
from tests import apps
from tests.conftest import require


def test_a_built_slug_names_the_build_machines_os_in_heroku_stack(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path / "app"))
    assert result.returncode == 0, result.log
    release = stack.parse_os_release(open("/etc/os-release").read())
    assert (result.build_dir / ".heroku/stack").read_text() == f"{release['ID']}-{release['VERSION_ID']}\n"
    assert stack.distribution_python(result.build_dir) is None


def test_a_slug_on_the_distributions_python_names_that_interpreter(builder, tmp_path):
    system = sorted(glob.glob("/usr/bin/python3.1[0-9]"))
    require(system, "no distribution Python 3.10+ in /usr/bin: install Debian's python3")
    version = system[-1].rsplit("python", 1)[1]
    home = tmp_path / "home"
    home.mkdir()
    apps.django_app(tmp_path / "app", python_version=version)
    result = builder.compile(tmp_path / "app", cache="cache-system",
                             env={"HOME": str(home), "PATH": "/usr/bin:/bin", "PYENV_ROOT": ""})
    assert result.returncode == 0, result.log
    assert stack.distribution_python(result.build_dir) == system[-1]
