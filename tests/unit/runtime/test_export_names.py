"""The app name `runtime export` gives units and programs, decided from the folder and -a."""

import pytest

from runtime.commands.export import app_name


@pytest.mark.parametrize("given, app_root, expected", [
    (None, "/srv/shop", "shop"),
    (None, "/home/me/examples/guestbook/.runtime/slug", "guestbook"),
    ("store", "/home/me/examples/guestbook/.runtime/slug", "store"),  # -a NAME wins
    (None, "/tmp/slug", "slug"),  # a slug built elsewhere (--out): its own folder's name
    (None, "/srv/shop/slug", "slug"),
    (None, "/srv/shop/runtime/slug", "slug"),  # only runtime build's own .runtime folder counts
    (None, "/.runtime/slug", "slug"),  # no app folder around it
])
def test_the_app_name_is_the_app_folders_also_for_its_slug(given, app_root, expected):
    assert app_name(given, app_root) == expected
