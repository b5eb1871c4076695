"""A private PostgreSQL server from Debian's packages, on localhost, for the end-to-end tests.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the
Debian package creates, from a folder that user owns.
"""

import glob
import os
import shutil
import subprocess
import tempfile

from tests.conftest import free_port


class PostgreSQL:
    def __init__(self, database="guestbook"):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not versions:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (scripts/test does)")
        self.bin = versions[-1]
        self.folder = tempfile.mkdtemp(prefix="e2e-postgres-")
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        data = os.path.join(self.folder, "data")
        self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run("pg_ctl", "-D", data, "-l", os.path.join(self.folder, "log"), "-w", "start", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        self.database = database
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program, *args):
        return subprocess.run(self.as_owner + [os.path.join(self.bin, program), *args], check=True,
                              capture_output=True, text=True, cwd=self.folder).stdout

    def query(self, sql):
        """The rows of a query, one string per row (columns joined by |)."""
        out = self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
                        self.database, "-At", "-c", sql)
        return out.splitlines()

    def stop(self):
        subprocess.run(self.as_owner + [os.path.join(self.bin, "pg_ctl"), "-D",
                                        os.path.join(self.folder, "data"), "-m", "fast", "stop"],
                       capture_output=True, cwd=self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)
