"""The release YAML: what bin/release prints is read back by `runtime build` and by YAML readers."""

import pytest
import yaml

from buildpack import release


@pytest.mark.parametrize("types", [
    {},
    {"web": "gunicorn shop.wsgi --chdir 'my app' --bind 0.0.0.0:$PORT"},
    {"web": 'echo "a: b" # not a comment', "worker": "celery -A app worker"},
])
def test_what_render_writes_reads_back_the_same(types):
    text = release.render(types)
    assert release.process_types(text) == types
    assert (yaml.safe_load(text) or {}).get("default_process_types", {}) == types
