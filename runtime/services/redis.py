"""A Redis server from the machine's packages (Debian's `redis-server`), its data in the app's
own folder (`<app>/.runtime/redis/dump.rdb`, saved when it stops), on 127.0.0.1 and a free
port, with a password (Redis listens to every local user otherwise)."""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time

from runtime import messages
from runtime.errors import UserError
from runtime.services.shared import Shared, free_port

PROGRAM = "redis-server"
START_TIMEOUT = 30
STOP_TIMEOUT = 30


def redis_url(password, port, host="127.0.0.1"):
    return f"redis://:{password}@{host}:{port}/0"


def config(folder, port, password):
    """redis-server's configuration, given on its stdin so that the password is in no argv. It
    daemonizes: runtime's supervisor stops every process below runtime, and the server may
    outlive this command when another one still uses it."""
    return (f"port {port}\nbind 127.0.0.1\ndir {quote(folder)}\nrequirepass {password}\n"
            f"daemonize yes\npidfile {quote(os.path.join(folder, 'pid'))}\n"
            f"logfile {quote(os.path.join(folder, 'log'))}\nappendonly no\nsave 60 1\n")


def quote(text):
    """A string in Redis's configuration syntax."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def answers(port, password, timeout=1.0):
    """Whether a Redis server with this password answers PING on the port."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout) as conn:
        conn.sendall(f"AUTH {password}\r\nPING\r\n".encode())
        reply = b""
        while b"+PONG" not in reply and len(reply) < 1024:
            chunk = conn.recv(1024)
            if not chunk:
                break
            reply += chunk
        return reply.startswith(b"+OK\r\n+PONG")
    return False


class Server:
    def __init__(self, folder, environ):
        self.folder = os.path.abspath(folder)
        self.environ = environ
        self.pid_file = os.path.join(self.folder, "pid")  # written by the server
        self.port_file = os.path.join(self.folder, "port")  # of the last server started
        self.pid = self.port = None
        password_file = os.path.join(self.folder, "password")
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        if not os.path.isfile(password_file):
            with open(os.open(password_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
                file.write(secrets.token_hex(16) + "\n")
        with open(password_file) as file:
            self.password = file.read().strip()

    def start(self):
        """Start the server, or find the one a killed command left running. Returns whether
        it was running already."""
        port = _number(self.port_file)
        if port and answers(port, self.password):
            self.pid, self.port = _number(self.pid_file), port
            return True
        program = shutil.which(PROGRAM, path=self.environ.get("PATH", os.defpath))
        if not program:
            raise UserError(messages.redis_missing())
        self.port = free_port(port)
        with open(self.port_file, "w") as file:
            file.write(f"{self.port}\n")
        with contextlib.suppress(FileNotFoundError):  # left by a server that was killed
            os.remove(self.pid_file)
        log = os.path.join(self.folder, "log")
        started = subprocess.run([program, "-"], input=config(self.folder, self.port, self.password),
                                 capture_output=True, text=True, cwd=self.folder,
                                 start_new_session=True)
        if started.returncode != 0:  # a configuration it refused, before it daemonized
            raise UserError(messages.service_failed(PROGRAM, (started.stderr or started.stdout).strip(), log))
        deadline = time.monotonic() + START_TIMEOUT
        while not answers(self.port, self.password):
            self.pid = _number(self.pid_file)
            if time.monotonic() > deadline or (self.pid and not _alive(self.pid)):
                if self.pid:
                    self.stop()
                raise UserError(messages.service_failed(PROGRAM, "", log))
            time.sleep(0.05)
        self.pid = _number(self.pid_file)
        return False

    def stop(self):
        """SIGTERM, on which Redis saves its data and exits."""
        with contextlib.suppress(ProcessLookupError, TypeError):
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while time.monotonic() < deadline and _alive(self.pid):
                time.sleep(0.05)

    @property
    def url(self):
        return redis_url(self.password, self.port)


def _number(path):
    with contextlib.suppress(OSError, ValueError), open(path) as file:
        return int(file.read())
    return None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def running(folder, environ, say):
    """Redis running for the block; yields its REDIS_URL. The last command using it stops it."""
    server = Server(folder, environ)
    with Shared(server.folder) as shared:
        reused = server.start()
        shared.started()
        say(messages.redis_running(server.port, server.folder, reused))
        with shared.in_use(server.url, server.stop, "Redis", say) as url:
            yield url
