"""The CI jobs of docs/ci.md: each caches the folder its commands give `--cache`, and their
`runtime` commands, run in order here on an app with a pytest suite on PostgreSQL, test it,
write JUnit XML, the slug archive with a checksum `sha256sum -c` accepts, and an image archive
skopeo reads. The GitLab job starts from the GitHub job's cache moved into its own checkout,
as a CI cache step restores it elsewhere, and reuses it."""

import json
import os
import re
import shutil
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests import apps
from tests.conftest import REPO, require
from tests.runtime.helpers import RUNTIME

CI_DOC = REPO / "docs" / "ci.md"
COMMIT = "0123abc"


def jobs():
    """{service: (the cached folders, the runtime commands in order)} from docs/ci.md."""
    github, gitlab = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", CI_DOC.read_text(), re.S))
    steps = github["jobs"]["build"]["steps"]
    cached = [step["with"]["path"] for step in steps if step.get("uses", "").startswith("actions/cache@")]
    github_commands = [step["run"] for step in steps if step.get("run", "").startswith("runtime ")]
    gitlab_commands = [line for line in gitlab["build"]["script"] if line.startswith("runtime ")]
    return {"github": (cached, github_commands), "gitlab": (gitlab["build"]["cache"]["paths"], gitlab_commands)}


def cache_options(commands):
    return {match for command in commands for match in re.findall(r"--cache (\S+)", command)}


def test_each_job_caches_the_folder_its_commands_use_as_their_cache():
    for service, (cached, commands) in jobs().items():
        assert len(commands) == 3, service
        assert cache_options(commands) == set(cached), service


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """What a CI job checks out: an app whose tests need a migrated PostgreSQL."""
    app_json = {"environments": {"test": {"addons": ["heroku-postgresql:in-dyno"],
                                          "scripts": {"test-setup": "python manage.py migrate --noinput"}}}}
    return apps.django_app(tmp_path_factory.mktemp("repository") / "app",
                           requirements=apps.POSTGRES_REQUIREMENTS, extra_settings=apps.DATABASE_FROM_URL,
                           files={"requirements-test.txt": "pytest\n", "tests/test_database.py": apps.POSTGRES_TESTS,
                                  "app.json": json.dumps(app_json)})


def run_job(commands, folder, image_env):
    """Each command as the job's shell runs it, in the checkout, with the CI's variables."""
    env = {**image_env, "PATH": f"{Path(RUNTIME[0]).parent}{os.pathsep}{image_env['PATH']}",
           "CI": "true", "CI_COMMIT_SHORT_SHA": COMMIT}
    outputs = []
    for command in commands:
        command = command.replace("${{ github.sha }}", COMMIT)
        result = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True,
                                timeout=900)
        assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"
        outputs.append(result.stdout + result.stderr)
    return outputs


def assert_artifacts(folder):
    suite = ET.parse(folder / "junit.xml").getroot().find("testsuite")
    assert {name: suite.get(name) for name in ("tests", "failures", "errors")} == {
        "tests": "2", "failures": "0", "errors": "0"}
    checked = subprocess.run(["sha256sum", "-c", "slug.tgz.sha256"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout == "slug.tgz: OK\n", checked.stdout + checked.stderr
    with tarfile.open(folder / "slug.tgz") as archive:
        names = archive.getnames()
    assert "./app/manage.py" in names and all(name.startswith("./app") for name in names)
    inspected = subprocess.run(["skopeo", "inspect", f"docker-archive:{folder / 'image.tar'}"],
                               capture_output=True, text=True)
    assert inspected.returncode == 0, inspected.stderr
    return json.loads(inspected.stdout)


@pytest.mark.slow  # two jobs: tests on PostgreSQL, builds, images
def test_the_ci_jobs_commands_test_build_and_image_the_app_and_reuse_a_moved_cache(checkout, image_env, tmp_path):
    require(shutil.which("skopeo"), "skopeo is not installed (scripts/test installs Debian's skopeo)")
    found = jobs()
    github, gitlab = tmp_path / "github" / "app", tmp_path / "gitlab" / "app"
    shutil.copytree(checkout, github)
    shutil.copytree(checkout, gitlab)

    tested, built, imaged = run_job(found["github"][1], github, image_env)
    assert "\n-----> Tests passed\n" in tested
    assert "2 passed" in tested
    assert "SHA256:" in built
    assert f"app:{COMMIT}" in imaged
    assert "PORT=5000" in assert_artifacts(github)["Env"]

    cache, = found["github"][0]
    (gitlab / cache).parent.mkdir(parents=True)
    shutil.move(github / cache, gitlab / cache)  # the cache step restores it in another checkout
    tested, built, _ = run_job(found["gitlab"][1], gitlab, image_env)
    for output in (tested, built):  # the moved cache's Python and packages, not new ones
        assert "-----> Restoring cache" in output
        assert "Installing Python" not in output
    assert "2 passed" in tested
    assert_artifacts(gitlab)
