"""The slug archive's entries and checksum (runtime/slug_tar.py), on small folders."""

import os

from runtime import slug_tar


def test_the_checksum_line_is_what_sha256sum_writes_and_heroku_takes_the_sha256_form():
    assert slug_tar.checksum_line("ab" * 32, "slug.tgz") == f"{'ab' * 32}  slug.tgz\n"
    assert slug_tar.heroku_checksum("ab" * 32) == f"SHA256:{'ab' * 32}"


def test_entries_are_under_dot_app_each_folder_before_its_contents_links_kept(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.txt").write_text("c")
    (tmp_path / "a.txt").write_text("a")
    os.link(tmp_path / "a.txt", tmp_path / "b" / "same.txt")
    os.symlink("b/c.txt", tmp_path / "link")
    entries = list(slug_tar.entries(tmp_path))
    assert [(e.name, e.kind, e.target) for e in entries] == [
        ("./app", "dir", ""), ("./app/a.txt", "file", ""), ("./app/b", "dir", ""),
        ("./app/link", "link", "b/c.txt"), ("./app/b/c.txt", "file", ""),
        ("./app/b/same.txt", "hardlink", "./app/a.txt")]
    assert {e.owner for e in entries} == {0}
    assert entries[1].mtime == int((tmp_path / "a.txt").stat().st_mtime)


def test_the_same_folder_gives_the_same_archive(tmp_path):
    slug = tmp_path / "slug"
    slug.mkdir()
    (slug / "Procfile").write_text("web: python -m http.server $PORT\n")
    first = slug_tar.write(slug, tmp_path / "one.tgz")
    second = slug_tar.write(slug, tmp_path / "two.tgz")
    assert first == second
    assert (tmp_path / "one.tgz").read_bytes() == (tmp_path / "two.tgz").read_bytes()
    assert (tmp_path / "two.tgz.sha256").read_text() == f"{second}  two.tgz\n"
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".partial")]
