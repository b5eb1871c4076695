""".slugignore's patterns, decided from its text alone: .gitignore's matching without negation,
the kept paths of the slug refused, nothing outside the app."""

import pytest

from buildpack.log import messages
from buildpack.slug.slugignore import ignored, matches, parse


def pattern(line):
    (only,), _ = parse(line)
    return only


# (pattern, path, is a folder, matched): each as `git check-ignore --no-index` decides.
CASES = [
    # No slash: a name at any depth, file or folder.
    ("notes.txt", "notes.txt", False, True),
    ("notes.txt", "docs/old/notes.txt", False, True),
    ("notes.txt", "notes.txt.bak", False, False),
    ("docs", "docs", True, True),
    ("docs", "src/docs", True, True),
    ("docs", "docs", False, True),
    # A trailing slash: folders only.
    ("docs/", "docs", True, True),
    ("docs/", "a/b/docs", True, True),
    ("docs/", "docs", False, False),
    # A leading or inner slash: anchored at the root.
    ("/docs", "docs", True, True),
    ("/docs", "src/docs", True, False),
    ("src/docs", "src/docs", False, True),
    ("src/docs", "app/src/docs", False, False),
    ("/src/docs/", "src/docs", True, True),
    ("/src/docs/", "src/docs", False, False),
    # *, ?, [...] never match a slash.
    ("*.psd", "art/logo.psd", False, True),
    ("*.psd", "logo.psd.txt", False, False),
    ("*", ".env", False, True),
    ("/*.md", "README.md", False, True),
    ("/*.md", "docs/README.md", False, False),
    ("doc/*.txt", "doc/a.txt", False, True),
    ("doc/*.txt", "doc/sub/a.txt", False, False),
    ("log?.txt", "log1.txt", False, True),
    ("log?.txt", "log12.txt", False, False),
    ("log[0-9].txt", "log7.txt", False, True),
    ("log[0-9].txt", "logx.txt", False, False),
    ("log[!0-9].txt", "logx.txt", False, True),
    ("log[!0-9].txt", "log7.txt", False, False),
    ("log[^0-9].txt", "logx.txt", False, True),
    ("[]]x", "]x", False, True),
    ("[ab-]x", "-x", False, True),
    ("a*b*c", "aXbYbZc", False, True),
    ("a*b*c", "aXbYbZ", False, False),
    ("foo**bar", "fooXbar", False, True),
    # ** as a whole segment: any number of folders.
    ("**/cache", "cache", True, True),
    ("**/cache", "a/b/cache", True, True),
    ("a/**/b", "a/b", False, True),
    ("a/**/b", "a/x/y/b", False, True),
    ("a/**/b", "x/a/b", False, False),
    ("a/**", "a/x", False, True),
    ("a/**", "a/x/y", True, True),
    ("a/**", "a", True, False),
    ("**", "any/thing", False, True),
    # Escapes and spaces.
    (r"\#notes", "#notes", False, True),
    (r"\!important", "!important", False, True),
    (r"star\*", "star*", False, True),
    (r"star\*", "starX", False, False),
    ("trailing   ", "trailing", False, True),
    ("escaped\\ ", "escaped ", False, True),
    (" leading", " leading", False, True),
]


@pytest.mark.parametrize("line,path,is_dir,expected", CASES)
def test_patterns_match_as_in_gitignore(line, path, is_dir, expected):
    assert matches(pattern(line), path, is_dir) is expected


def test_comments_blank_lines_and_crlf_are_skipped():
    patterns, warnings = parse("\ufeff# drafts\r\n\r\n   \n*.psd\r\n/docs/\r\n")
    assert [(p.line, p.text) for p in patterns] == [(4, "*.psd"), (5, "/docs/")]
    assert warnings == []
    assert ignored(patterns, "art/logo.psd") and ignored(patterns, "docs", is_dir=True)
    assert not ignored(patterns, "docs") and not ignored(patterns, "src/docs", is_dir=True)


def test_a_negation_is_ignored_with_a_warning_naming_its_line():
    patterns, warnings = parse("*.log\n!keep.log\n")
    assert [p.text for p in patterns] == ["*.log"]
    assert ignored(patterns, "keep.log")
    assert warnings == [messages.slugignore_negation(2, "!keep.log")]
    assert warnings[0].title == ("Line 2 of .slugignore, '!keep.log', is ignored: "
                                 ".slugignore has no negation (!).")


@pytest.mark.parametrize("line", ["../secrets", "/../etc/passwd", "docs/../../x", ".."])
def test_a_pattern_that_leads_outside_the_app_is_ignored_with_a_warning(line):
    patterns, warnings = parse(f"*.psd\n{line}\n")
    assert [p.text for p in patterns] == ["*.psd"]
    assert warnings == [messages.slugignore_outside(2, line)]


def test_an_absolute_path_is_anchored_at_the_app_root():
    patterns, warnings = parse("/etc/passwd\n")
    assert warnings == []
    assert ignored(patterns, "etc/passwd")
    assert not ignored(patterns, "app/etc/passwd")


@pytest.mark.parametrize("line,kept,inside", [
    (".heroku", ".heroku", False),
    (".heroku/", ".heroku", False),
    ("/.profile.d", ".profile.d", False),
    ("Procfile", "Procfile", False),
    ("*", ".heroku", False),
    (".*", ".heroku", False),
    ("Proc*", "Procfile", False),
    (".heroku/python/lib", ".heroku", True),
    ("/.profile.d/*.sh", ".profile.d", True),
    (".h*/**", ".heroku", True),
])
def test_a_pattern_that_matches_what_the_slug_needs_is_refused_with_a_warning(line, kept, inside):
    patterns, warnings = parse(f"\n{line}\n")
    assert warnings == [messages.slugignore_kept(2, line, kept, inside)]
    assert [p.text for p in patterns] == [line]  # it still applies to the app's other files


@pytest.mark.parametrize("line", ["*.py", "tests/", "**/python", "Procfile/", "/docs/.heroku", "heroku"])
def test_patterns_that_name_no_kept_path_give_no_warning(line):
    assert parse(line)[1] == []


def test_a_slash_alone_and_an_unclosed_bracket_match_nothing():
    assert parse("/\n//\n[unclosed\nlog[0-9\n") == ([], [])


def test_many_stars_match_in_time_proportional_to_the_name():
    """A backtracking matcher takes minutes on this (each * tries every split of the name)."""
    many = pattern("*a" * 30 + "*b")
    assert not matches(many, "a" * 255)
    assert matches(many, "a" * 254 + "b")
