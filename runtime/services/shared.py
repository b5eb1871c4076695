"""A local server that several `runtime` commands of one app may use at once.

`runtime start` in one terminal and `runtime run python manage.py shell` in another share one
PostgreSQL: the first starts it, the last to end stops it. Two locks in the server's folder
say who is there: `.control`, held while a server starts or stops, and `.users`, held shared by
every command using the server. A command killed outright loses its locks with its life, so a
server it left running is taken over (and stopped) by the next one.
"""

import contextlib
import fcntl
import os
import socket

from runtime import messages


class Shared:
    def __init__(self, folder):
        self.folder = folder
        self.control = None
        self.users = None

    def __enter__(self):
        """Join the users, holding the control lock: start the server or find it running."""
        self.control = open(os.path.join(self.folder, ".control"), "a")
        self.users = open(os.path.join(self.folder, ".users"), "a")
        fcntl.flock(self.control, fcntl.LOCK_EX)
        fcntl.flock(self.users, fcntl.LOCK_SH)
        return self

    def started(self):
        """The server runs: let others start or join it."""
        fcntl.flock(self.control, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def leaving(self):
        """Yield whether this command is the server's last user (then it stops the server);
        the control lock is held inside, so nobody joins meanwhile."""
        fcntl.flock(self.control, fcntl.LOCK_EX)
        try:
            fcntl.flock(self.users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            last = True
        except BlockingIOError:  # others still hold it shared
            last = False
        yield last

    @contextlib.contextmanager
    def in_use(self, url, stop, name, say):
        """`url` for the block; after it, the last command using the server stops it with
        `stop`, and any other says the server `name` is left running for the others."""
        try:
            yield url
        finally:
            with self.leaving() as last:
                if last:
                    stop()
                else:
                    say(messages.service_left_running(name, self.folder))

    def __exit__(self, *exc_info):
        # Closing the files releases both locks.
        for file in (self.users, self.control):
            if file:
                file.close()


def free_port(preferred=None):
    """`preferred` when nothing listens there on 127.0.0.1 (binding it works, as for the servers,
    which reuse ports whose last connections linger), else a free port the system picks."""
    if preferred:
        with socket.socket() as sock, contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", preferred))
            return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
