"""Editable installs made relative to site-packages, so a moved slug still finds the app's code."""

from buildpack.python import relocate


def test_pth_lines_naming_the_app_or_a_folder_in_it_become_relative(tmp_path):
    build_dir = tmp_path / "build"
    site_packages = build_dir / ".heroku" / "python" / "lib" / "python3.12" / "site-packages"
    site_packages.mkdir(parents=True)
    (site_packages / "_app.pth").write_text(f"{build_dir}\n")  # uv's and Poetry's `-e .`
    (site_packages / "_src.pth").write_text(f"{build_dir}/src\n")  # setuptools' with a src layout
    (site_packages / "other.pth").write_text(f"/usr/lib/python3/dist-packages\n{build_dir}-other\n")
    relocate.editable_installs(site_packages, build_dir)
    assert (site_packages / "_app.pth").read_text() == "../../../../..\n"
    assert (site_packages / "_src.pth").read_text() == "../../../../../src\n"
    assert (site_packages / "other.pth").read_text() == f"/usr/lib/python3/dist-packages\n{build_dir}-other\n"
