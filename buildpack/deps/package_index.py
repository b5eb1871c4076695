"""Download a wheel from a PEP 503/691 simple package index (PyPI, or PIP_INDEX_URL), with
the standard library only, checking its sha256 against the index."""

import base64
import hashlib
import html.parser
import json
import shutil
import ssl
import urllib.parse
import urllib.request
from pathlib import Path

from buildpack import files

DEFAULT_INDEX = "https://pypi.org/simple"


def download_wheel(project, version, platform_tag, cache_dir, config):
    """Download the wheel for this platform into CACHE_DIR/downloads; returns its path."""
    libc, machine = platform_tag
    index = _Index(config.get("PIP_INDEX_URL") or DEFAULT_INDEX)
    found = index.find(project, lambda name: (name.startswith(f"{project}-{version}-") and name.endswith(".whl")
                                              and libc in name and machine in name))
    if found is None:
        raise ValueError(f"no {project} {version} wheel for {libc} {machine}")
    name, url, sha256 = found
    dest = Path(cache_dir) / "downloads" / name
    if dest.is_file() and _sha256(dest) == sha256:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    # A failed download (a full disk, a bad file) leaves nothing behind.
    with files.replacing(dest) as partial:
        with index.open(url, timeout=60) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        if sha256 and _sha256(partial) != sha256:
            raise ValueError(f"{name}: sha256 mismatch")
    return dest


class _Index:
    """A simple index; credentials in its URL (https://user:token@host/simple) are sent as
    basic authentication to that host, which urllib does not do by itself."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url.rstrip("/"))
        self.host = parts.hostname
        self.url = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        self.authorization = None
        if parts.username is not None:
            credentials = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
            self.authorization = "Basic " + base64.b64encode(credentials.encode()).decode()
        self.tls = ssl.create_default_context()  # once: loading the CA certificates takes 25 ms

    def open(self, url, timeout, headers=None):
        headers = dict(headers or {})
        if self.authorization and urllib.parse.urlsplit(url).hostname == self.host:
            headers["Authorization"] = self.authorization
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout,
                                      context=self.tls)

    def find(self, project, wanted):
        """(filename, url, sha256) of the first file of a project whose name is `wanted`, or None
        (PEP 691 JSON, else PEP 503 HTML). Only that file's URL is resolved: uv has thousands."""
        accept = {"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}
        with self.open(f"{self.url}/{project}/", timeout=30, headers=accept) as response:
            body = response.read().decode("utf-8", errors="replace")
            final_url = response.geturl()
            is_json = "json" in response.headers.get("Content-Type", "")
        if is_json:
            files = ((f["filename"], f["url"], f.get("hashes", {}).get("sha256"))
                     for f in json.loads(body)["files"])
        else:
            links = _Links()
            links.feed(body)
            files = ((name, href.split("#")[0], href.split("#sha256=")[1] if "#sha256=" in href else None)
                     for name, href in links.found)
        for name, href, sha256 in files:
            if wanted(name):
                return name, urllib.parse.urljoin(final_url, href), sha256
        return None


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data):
        if self._href:
            self.found.append((data.strip(), self._href))
            self._href = None


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
