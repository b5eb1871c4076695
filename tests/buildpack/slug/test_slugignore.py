"""`.slugignore`: bin/compile removes the paths it names at the end of the build, after
collectstatic has used them; links go as links, what the slug needs stays."""

import os

from tests import apps
from tests.conftest import errors, in_slug

SLUGIGNORE = """\
# Not for the slug
notes.txt
docs/
*.psd
/assets
!notes.txt.bak
"""


def app_files(root):
    """Every file and link of the app, relative to it, without what the build adds (Python,
    .profile.d, static files, bytecode)."""
    found = set()
    for folder, dirs, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        if relative == ".":
            dirs[:] = [d for d in dirs if d not in (".heroku", ".profile.d", "staticfiles")]
        found.update(os.path.normpath(os.path.join(relative, name)) for name in names)
        found.update(os.path.normpath(os.path.join(relative, d)) for d in dirs if os.path.islink(os.path.join(folder, d)))
    return found


def test_the_matched_file_folder_glob_and_anchored_path_are_gone_and_the_rest_stays(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", extra_settings='STATICFILES_DIRS = [BASE_DIR / "assets"]\n', files={
        ".slugignore": SLUGIGNORE,
        "notes.txt": "drafts\n", "mysite/notes.txt": "more drafts\n", "notes.txt.bak": "kept\n",
        "docs/guide.md": "# Guide\n", "docs/img/diagram.png": "png\n", "mysite/docs": "a file, not a folder\n",
        "art/logo.psd": "psd\n", "art/deep/banner.psd": "psd\n", "art/logo.png": "png\n",
        "assets/site.css": "body { color: teal }\n", "mysite/assets/keep.txt": "not at the root\n",
    })
    result = builder.compile(app)

    assert result.returncode == 0, result.log
    assert ("-----> Removing 6 paths matched by .slugignore\n"
            "       art/deep/banner.psd\n"
            "       art/logo.psd\n"
            "       assets/\n"
            "       docs/\n"
            "       mysite/notes.txt\n"
            "       ... and 1 more\n") in result.stdout
    assert "Warning: Line 6 of .slugignore, '!notes.txt.bak', is ignored: .slugignore has no negation (!)." \
        in errors(result)
    assert app_files(result.build_dir) == {
        ".python-version", ".slugignore", "requirements.txt", "manage.py", "notes.txt.bak", "art/logo.png",
        "mysite/__init__.py", "mysite/settings.py", "mysite/urls.py", "mysite/wsgi.py", "mysite/docs",
        "mysite/assets/keep.txt",
    }
    # collectstatic ran before the removal: the removed source's static file is in the slug.
    assert (result.build_dir / "staticfiles/site.css").read_text() == "body { color: teal }\n"


def test_links_are_removed_as_links_and_what_they_lead_to_is_untouched(builder, host_folder, tmp_path):
    (host_folder / "secret.txt").write_text("the build machine's\n")
    (host_folder / "shared").mkdir()
    (host_folder / "shared/data.txt").write_text("the build machine's too\n")
    app = apps.plain_app(tmp_path / "app", {
        "requirements.txt": "",
        ".slugignore": "exported.txt\nshared-data\n/data\nlinked-lib\n",
        # Links out of the app fail the build at its start; a hook's are checked at the end, after .slugignore.
        "bin/post_compile": f"#!/bin/sh\nln -s {host_folder}/secret.txt exported.txt\n"
                            f"ln -s {host_folder}/shared shared-data\n",
        "lib/module.py": "VALUE = 1\n",
        "keep/kept.txt": "kept\n",
    })
    (app / "linked-lib").symlink_to("lib")
    (app / "data").mkdir()
    (app / "data/to-keep").symlink_to("../keep")
    result = builder.compile(app)

    assert result.returncode == 0, result.log
    assert ("-----> Removing 4 paths matched by .slugignore\n"
            "       data/\n       exported.txt\n       linked-lib\n       shared-data\n") in result.stdout
    for name in ("exported.txt", "shared-data", "data", "linked-lib"):
        assert not os.path.lexists(result.build_dir / name)
    assert (host_folder / "secret.txt").read_text() == "the build machine's\n"
    assert (host_folder / "shared/data.txt").read_text() == "the build machine's too\n"
    assert (result.build_dir / "lib/module.py").read_text() == "VALUE = 1\n"
    assert (result.build_dir / "keep/kept.txt").read_text() == "kept\n"


def test_a_pattern_naming_what_the_slug_needs_is_refused_and_the_slug_still_runs(builder, tmp_path):
    app = apps.plain_app(tmp_path / "app", {
        "requirements.txt": "", "Procfile": "web: python app.py\n", "scratch.txt": "",
        ".slugignore": "scratch.txt\n.heroku\n/.profile.d/*.sh\nProcfile\n",
    })
    result = builder.compile(app)

    assert result.returncode == 0, result.log
    warnings = [line for line in errors(result) if line.startswith("Warning: Line")]
    assert warnings == [
        "Warning: Line 2 of .slugignore, '.heroku', matches .heroku, which the slug needs: the build keeps it.",
        "Warning: Line 3 of .slugignore, '/.profile.d/*.sh', matches what is in .profile.d/, which the slug "
        "needs: the build keeps it.",
        "Warning: Line 4 of .slugignore, 'Procfile', matches Procfile, which the slug needs: the build keeps it.",
    ]
    assert "-----> Removing 1 path matched by .slugignore\n       scratch.txt\n" in result.stdout
    assert (result.build_dir / "Procfile").read_text() == "web: python app.py\n"
    assert (result.build_dir / ".profile.d/python.sh").is_file()
    run = in_slug(result.build_dir, ".heroku/python/bin/python -c 1 && echo ran")
    assert (run.returncode, run.stdout) == (0, "ran\n"), run.stderr


def test_a_slugignore_that_matches_nothing_says_so(builder, tmp_path):
    app = apps.plain_app(tmp_path / "app", {"requirements.txt": "", ".slugignore": "# nothing yet\n*.psd\n"})
    result = builder.compile(app)

    assert result.returncode == 0, result.log
    assert "-----> No path matched by .slugignore\n" in result.stdout


def test_a_slugignore_that_is_not_utf8_fails_the_build_naming_the_line(builder, tmp_path):
    app = apps.plain_app(tmp_path / "app", {"requirements.txt": ""})
    (app / ".slugignore").write_bytes(b"*.psd\n# r\xe9sum\xe9s\n")
    result = builder.compile(app)

    assert result.returncode == 1, result.log
    assert errors(result)[:3] == [
        "Error: Unable to read .slugignore: line 2 is not UTF-8 text.",
        "",
        "Line 2 is '# r\ufffdsum\ufffds' (\ufffd marks the bytes that are not UTF-8). Save .slugignore",
    ]
    assert "Traceback" not in result.log


def test_a_slugignore_over_1_mb_fails_the_build(builder, tmp_path):
    app = apps.plain_app(tmp_path / "app", {"requirements.txt": ""})
    # A file list, 33 bytes a line: the 1 MB (1048576 bytes) end 1 byte into line 31776.
    (app / ".slugignore").write_text("static/generated/file-0000000.js\n" * 40_000)
    result = builder.compile(app)

    assert result.returncode == 1, result.log
    assert errors(result)[:3] == [
        "Error: The .slugignore file is too large: 1320000 bytes, more than the limit of 1 MB.",
        "",
        "The limit falls on line 31776. .slugignore lists patterns (*.psd, /docs/), not every",
    ]


def test_a_slugignore_folder_fails_the_build(builder, tmp_path):
    app = apps.plain_app(tmp_path / "app", {"requirements.txt": "", ".slugignore/patterns": "*.psd\n"})
    result = builder.compile(app)

    assert result.returncode == 1, result.log
    assert errors(result)[:3] == [
        "Error: .slugignore is a folder, not a file.",
        "",
        "The build reads .slugignore as the list of paths to leave out of the slug, and cannot read a folder.",
    ]
