"""`runtime build` leaves out of the slug what the app's .slugignore names, as a host does."""

import subprocess

from tests import apps
from tests.runtime.commands.test_build import runtime_build


def test_the_slug_has_no_path_the_slugignore_names(tmp_path):
    app = apps.plain_app(tmp_path / "app", {
        "requirements.txt": "", "Procfile": "web: python app.py\n",
        ".slugignore": "docs/\n*.psd\n/local-notes.txt\n",
        "docs/guide.md": "# Guide\n", "art/logo.psd": "psd\n", "art/logo.png": "png\n",
        "local-notes.txt": "drafts\n", "lib/local-notes.txt": "not at the root\n",
    })
    subprocess.run(["git", "init", "-q"], cwd=app, check=True)
    out = tmp_path / "slug"
    result = runtime_build(app, "--out", out, "--cache", tmp_path / "cache")

    assert result.returncode == 0, result.stdout + result.stderr
    assert ("-----> Removing 3 paths matched by .slugignore\n"
            "       art/logo.psd\n       docs/\n       local-notes.txt\n") in result.stdout
    assert [name for name in ("docs", "art/logo.psd", "local-notes.txt") if (out / name).exists()] == []
    assert (out / "art/logo.png").read_text() == "png\n"
    assert (out / "lib/local-notes.txt").read_text() == "not at the root\n"
    assert (out / "Procfile").read_text() == "web: python app.py\n"
    # The app itself is left as it was.
    assert (app / "docs/guide.md").is_file() and (app / "art/logo.psd").is_file()
