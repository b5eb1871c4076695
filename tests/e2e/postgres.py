"""A private PostgreSQL server for the end-to-end tests: runtime's own local cluster
(runtime.services.postgres, which finds Debian's binaries and runs the server as `postgres`
under root), in a temporary folder instead of the app's."""

import os
import shutil
import tempfile

from runtime.services.postgres import Cluster


class PostgreSQL:
    def __init__(self, database="guestbook"):
        self.folder = tempfile.mkdtemp(prefix="e2e-postgres-")
        self.cluster = Cluster(os.path.join(self.folder, "postgres"), database, os.environ)
        self.cluster.make_folder()
        self.cluster.prepare()
        self.cluster.start()
        self.cluster.create_database()
        self.database = database
        self.url = self.cluster.url

    def query(self, sql):
        """The rows of a query, one string per row (columns joined by |)."""
        return self.cluster.query(sql)

    def stop(self):
        self.cluster.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
