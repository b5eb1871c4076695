"""A PostgreSQL server from the machine's packages, as a cluster in the app's own folder.

The cluster is made once (initdb) in `<app>/.runtime/postgres/data` and started for each
command that needs it, on 127.0.0.1 and a free port (and a Unix socket in that folder), with
a database named after the app. PostgreSQL refuses to run as root: as root the server runs as
the `postgres` user Debian's package creates, allowed to pass through folders only root may
enter (the app may live in /root or in a test's private temporary folder).
"""

import contextlib
import glob
import os
import pwd
import re
import secrets
import shlex
import shutil
import subprocess
import urllib.parse

from runtime import messages
from runtime.errors import UserError
from runtime.services.shared import Shared, free_port

BIN_SETTING = "RUNTIME_POSTGRES_BIN"  # the folder of initdb and pg_ctl, when not the default
DEBIAN_BINS = "/usr/lib/postgresql/*/bin"
PROGRAMS = ("initdb", "pg_ctl", "psql")
USER = "postgres"  # the cluster's superuser, and the system user the server runs as under root
SOCKET_PATH_MAX = 107  # a Unix socket's path, as Linux's sockaddr_un holds it
TIMEOUT = 60  # seconds pg_ctl waits for the server to start or stop


def database_name(folder_name):
    """The database for an app folder: its name as an unquoted SQL identifier."""
    name = re.sub(r"[^a-z0-9_]+", "_", folder_name.lower()).strip("_")
    if not name or name[0].isdigit():
        name = "app_" + name
    return name[:63].rstrip("_")


def database_url(password, port, name, host="127.0.0.1", user=USER):
    quote = urllib.parse.quote
    return f"postgres://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}/{quote(name, safe='')}"


def candidate_folders(environ):
    """Where initdb and pg_ctl may be, best first: the folder the setting names (only that),
    else the one of pg_ctl on PATH, else Debian's, newest version first."""
    if environ.get(BIN_SETTING):
        return [environ[BIN_SETTING]]
    on_path = shutil.which("pg_ctl", path=environ.get("PATH", os.defpath))
    debian = sorted(glob.glob(DEBIAN_BINS), key=lambda path: int(path.split("/")[-2]), reverse=True)
    return ([os.path.dirname(on_path)] if on_path else []) + debian


def major_version(folder):
    """PostgreSQL's major version, as `pg_ctl --version` says it (`pg_ctl (PostgreSQL) 15.4`)."""
    out = subprocess.run([os.path.join(folder, "pg_ctl"), "--version"], capture_output=True,
                         text=True, start_new_session=True).stdout
    match = re.search(r"\)\s+(\d+)", out)
    return match.group(1) if match else None


def find_programs(environ, wanted=None):
    """(major version, folder) of the server programs, of version `wanted` when given."""
    found = []
    for folder in candidate_folders(environ):
        if all(os.access(os.path.join(folder, name), os.X_OK) for name in PROGRAMS):
            version = major_version(folder)
            if wanted is None or version == wanted:
                return version, folder
            found.append(version)
    if wanted and found:
        raise UserError(messages.postgres_version_missing(wanted, found))
    raise UserError(messages.postgres_missing(BIN_SETTING, environ.get(BIN_SETTING)))


def server_user():
    """The argv prefix that runs a program as the server's user: none, except under root."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam(USER)
    except KeyError:
        raise UserError(messages.postgres_no_user(USER)) from None
    if not shutil.which("setpriv"):
        raise UserError(messages.postgres_no_setpriv())
    # CAP_DAC_OVERRIDE, in the ambient set so that it survives exec, lets the server through the
    # app's folders without changing their permissions.
    return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--init-groups",
            "--inh-caps=+dac_override", "--ambient-caps=+dac_override", "--"], account


def postmaster_pid(data):
    """The pid of the server running on `data`, from its postmaster.pid, else None (no file, or
    one left by a server that was killed, whose pid may now be another process's). Without
    /proc, a pid that is alive is taken for the server: two servers on one cluster would
    corrupt it."""
    try:
        with open(os.path.join(data, "postmaster.pid")) as file:
            pid = int(file.readline())
    except (OSError, ValueError):
        return None
    if not os.path.isdir("/proc/self"):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return pid
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            argv = file.read().split(b"\0")
    except OSError:
        return None
    if os.path.basename(argv[0]) == b"postgres" and os.fsencode(data) in argv:
        return pid
    return None


class Cluster:
    def __init__(self, folder, database, environ):
        self.folder = os.path.abspath(folder)
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "log")
        self.database = database
        self.environ = environ
        self.as_server, self.account = server_user()
        self.version = self.bin = self.port = self.password = None

    def _run(self, program, *args, as_server=False, stdin=None):
        argv = [*(self.as_server if as_server else []), os.path.join(self.bin, program), *args]
        # A session of its own: Ctrl-C reaches runtime only, which then stops the server.
        result = subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=self.folder,
                                env=self._client_env(), start_new_session=True)
        if result.returncode != 0:
            raise UserError(messages.service_failed(program, (result.stderr or result.stdout).strip(),
                                                    self.log))
        return result.stdout

    def _client_env(self):
        env = {name: value for name, value in self.environ.items() if not name.startswith("PG")}
        return {**env, "PGPASSWORD": self.password or "", "LC_ALL": "C.UTF-8"}

    def _own(self, path):
        if self.account:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def make_folder(self):
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        self._own(self.folder)
        return self.folder

    def prepare(self):
        """Find the programs for the cluster's version (the newest for a new cluster); make the
        cluster when there is none. Returns whether it was made now."""
        version_file = os.path.join(self.data, "PG_VERSION")
        made = not os.path.isfile(version_file)
        if made:
            self.version, self.bin = find_programs(self.environ)
            self._init()
        else:
            with open(version_file) as file:
                self.version, self.bin = find_programs(self.environ, file.read().strip())
        with open(os.path.join(self.folder, "password")) as file:
            self.password = file.read().strip()
        return made

    def _init(self):
        password_file = os.path.join(self.folder, "password")
        with open(os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_hex(16) + "\n")
        self._own(password_file)
        # Made aside and renamed into place: an initdb that was interrupted leaves no cluster.
        new = self.data + ".new"
        shutil.rmtree(new, ignore_errors=True)
        self._run("initdb", "-D", new, "-U", USER, f"--pwfile={password_file}", "-E", "UTF8",
                  "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
                  as_server=True)
        os.rename(new, self.data)

    def start(self):
        """Start the server, or find it running (a command that was killed left it). Returns
        whether it was running already."""
        if postmaster_pid(self.data):
            with open(os.path.join(self.data, "postmaster.pid")) as file:
                self.port = int(file.read().splitlines()[3])
            return True
        with contextlib.suppress(FileNotFoundError):  # left by a server that was killed
            os.remove(os.path.join(self.data, "postmaster.pid"))
        self.port = self._free_port()
        socket_dir = self.folder if len(self._socket(self.port)) <= SOCKET_PATH_MAX else ""
        options = shlex.join(["-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                              "-c", f"unix_socket_directories={socket_dir}"])
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", str(TIMEOUT), "-o", options,
                  "start", as_server=True)
        return False

    def _socket(self, port):
        return os.path.join(self.folder, f".s.PGSQL.{port}")

    def _free_port(self):
        """The port of the last run when it is free (a stable DATABASE_URL), else any free one."""
        path = os.path.join(self.folder, "port")
        previous = None
        with contextlib.suppress(OSError, ValueError), open(path) as file:
            previous = int(file.read())
        port = free_port(previous)
        with open(path, "w") as file:
            file.write(f"{port}\n")
        return port

    def query(self, sql, database=None, **variables):
        """The rows `sql` returns in `database` (the app's), one string per row, its columns
        joined by `|`; `:'name'` in it is the variable `name`, quoted (psql does it)."""
        args = ["-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", database or self.database,
                "-At", "-v", "ON_ERROR_STOP=1"]
        for name, value in variables.items():
            args += ["-v", f"{name}={value}"]
        return self._run("psql", *args, stdin=sql).splitlines()

    def create_database(self, fresh=False):
        """Create the app's database unless it exists; `fresh`: drop it first."""
        if fresh:
            self.query(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)', "postgres")
        if not self.query("SELECT 1 FROM pg_database WHERE datname = :'name'", "postgres",
                          name=self.database):
            self.query(f'CREATE DATABASE "{self.database}"', "postgres")

    @property
    def url(self):
        return database_url(self.password, self.port, self.database)

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", str(TIMEOUT), "stop",
                  as_server=True)


@contextlib.contextmanager
def running(folder, database, environ, say, fresh=False):
    """PostgreSQL running for the block; yields its DATABASE_URL (`fresh`: of an empty database).
    The last command using it stops it at the end."""
    cluster = Cluster(folder, database, environ)
    with Shared(cluster.make_folder()) as shared:
        made = cluster.prepare()
        reused = cluster.start()
        try:
            cluster.create_database(fresh)
        except BaseException:
            if not reused:
                cluster.stop()
            raise
        shared.started()
        say(messages.postgres_running(cluster.version, cluster.port, cluster.database,
                                      cluster.folder, made, reused))
        with shared.in_use(cluster.url, cluster.stop, "PostgreSQL", say) as url:
            yield url

