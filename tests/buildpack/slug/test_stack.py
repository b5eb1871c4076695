"""A built slug records the stack it was built on, for an image's base to be checked against (a
slug on the distribution's Python: test_version.py's test of that machine)."""

from buildpack.slug import stack
from tests import apps


def test_a_built_slug_names_the_build_machines_os_in_heroku_stack(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path / "app"))
    assert result.returncode == 0, result.log
    release = stack.parse_os_release(open("/etc/os-release").read())
    assert (result.build_dir / ".heroku/stack").read_text() == f"{release['ID']}-{release['VERSION_ID']}\n"
    assert stack.distribution_python(result.build_dir) is None

