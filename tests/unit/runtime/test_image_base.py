"""The base image's decisions: where its cache is, the mmdebstrap command, the apt sources it
uses, and the check of a base against the slug (its OS release, a distribution Python)."""

from pathlib import Path

from buildpack.slug.stack import Stack
from runtime.image import base
from runtime.image.base import Base

DEBIAN_12 = {"ID": "debian", "VERSION_ID": "12"}


def test_the_cache_is_under_xdg_cache_home_else_the_homes_cache():
    assert base.default_cache_root({"XDG_CACHE_HOME": "/x/cache", "HOME": "/h"}) == Path("/x/cache/runtime")
    assert base.default_cache_root({"XDG_CACHE_HOME": "", "HOME": "/h"}) == Path("/h/.cache/runtime")


def test_a_base_of_another_release_is_refused_naming_both():
    ubuntu = Base([], "amd64", "linux", {}, {"ID": "ubuntu", "VERSION_ID": "24.04"})
    assert base.check(ubuntu, Stack("debian", "12"), None) == (
        "the base is ubuntu 24.04, the slug was built on debian 12: its Python and packages are linked "
        "against debian 12's libraries, which another release may lack or have in other versions; "
        "give a debian 12 base with --base, or leave --base out to make one")


def test_a_base_without_os_release_is_of_an_unknown_os():
    assert base.check(Base([], "amd64", "linux", {}, {}), Stack("debian", "12"), None).startswith(
        "the base is of an unknown OS (no os-release), the slug was built on debian 12: ")


def test_a_distribution_python_must_be_in_the_base():
    without = Base([], "amd64", "linux", {}, DEBIAN_12, files={"usr": None, "usr/bin": None})
    assert base.check(without, Stack("debian", "12"), "/usr/bin/python3.11") == (
        "the slug's Python is the distribution's /usr/bin/python3.11 (its .heroku/python is a virtual "
        "environment over it), and the base has no /usr/bin/python3.11: give a base that has it (in "
        "Debian, the package python3.11), leave --base out to make one with it, or rebuild the slug "
        "with a self-contained Python (installed with pyenv or uv)")


def test_a_distribution_python_found_through_the_images_links_is_there():
    merged = {"bin": "usr/bin", "usr": None, "usr/bin": None, "usr/bin/python3.11": None,
              "usr/bin/python3": "python3.11"}
    with_python = Base([], "amd64", "linux", {}, DEBIAN_12, files=merged)
    assert base.check(with_python, Stack("debian", "12"), "/bin/python3") is None
    assert with_python.has("/usr/bin/../bin/python3.11") and not with_python.has("/usr/bin/python3.12")


def test_links_are_followed_inside_the_image_and_a_loop_ends():
    looping = Base([], "amd64", "linux", {}, DEBIAN_12, files={"a": "b", "b": "/a", "etc": "../../etc"})
    assert not looping.has("/a") and not looping.has("/etc/passwd")


def test_a_slug_without_a_stack_record_is_to_be_rebuilt():
    assert base.check(Base([], "amd64", "linux", {}, DEBIAN_12), None, None) == (
        "the slug has no .heroku/stack, so the OS it was built on is not known (it was built before "
        "the buildpack recorded it): rebuild it with `runtime build`")


def test_the_mmdebstrap_command_excludes_documentation_and_adds_the_app_user(tmp_path):
    command = base.mmdebstrap_command("bookworm", "amd64", ["libpq5", "tzdata"], tmp_path / "root.tar",
                                      [Path("/etc/apt/sources.list.d/debian.sources")], {})
    assert command[:5] == ["mmdebstrap", "--variant=essential", "--architectures=amd64", "--format=tar",
                           "--include=libpq5,tzdata"]
    assert "--dpkgopt=path-exclude=/usr/share/man/*" in command
    assert "--dpkgopt=path-exclude=/usr/share/locale/*" in command
    assert "--customize-hook=echo \"app:x:1000:1000:app:/app:/bin/sh\" >> \"$1/etc/passwd\"" in command
    assert command[-3:] == ["bookworm", str(tmp_path / "root.tar"), "/etc/apt/sources.list.d/debian.sources"]
    assert not any("CaInfo" in part for part in command)


def test_the_machines_certificate_authority_reaches_apt():
    command = base.mmdebstrap_command("bookworm", "amd64", [], "t.tar", [], {"SSL_CERT_FILE": "/etc/my-ca.pem"})
    assert '--aptopt=Acquire::https::CaInfo "/etc/my-ca.pem"' in command


def test_only_the_sources_naming_the_suite_are_used(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d/debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n")
    (tmp_path / "sources.list.d/vendor.list").write_text("deb https://vendor.example/apt nodistro main\n")
    (tmp_path / "sources.list.d/old.list.disabled").write_text("deb http://x bookworm main\n")
    assert base.apt_sources("bookworm", tmp_path) == [tmp_path / "sources.list.d/debian.sources"]
    assert base.apt_sources("trixie", tmp_path) == []
