"""Process output as the user sees it: `HH:MM:SS name | line`, whole lines only.

honcho prints and flushes every line on its own, which caps it near 35,000 lines/s. Here the
manager hands over blocks of whole lines; each block is prefixed with two C-level byte operations
and queued for one writer thread, so a slow terminal never blocks the manager's signal handling.
The queue is bounded: when it is full the manager stops reading pipes, the processes block on
their writes, and memory stays flat however fast they print.
"""

import itertools
import os
import sys
import threading
import time
from collections import deque

from buildpack.log.output import use_colour
from runtime import messages

QUEUE_LIMIT = 1 << 20  # bytes of formatted output waiting for the terminal
SYSTEM_NAME = messages.PROGRAM
# SGR codes given to the process names in turn: cyan, yellow, green, magenta, red, blue, then bold.
COLOURS = ("36", "33", "32", "35", "31", "34", "36;1", "33;1", "32;1", "35;1", "31;1", "34;1")


class Printer:
    def __init__(self, names, stream=None, prefix=True, colour=None):
        """`names`: every process name that will print, so the prefixes line up."""
        stream = stream or sys.stdout
        stream.flush()
        self._fd = stream.fileno()
        self._prefix = prefix
        colour = use_colour(stream) if colour is None else colour
        width = max(len(name) for name in [SYSTEM_NAME, *names])
        colours = itertools.cycle(COLOURS)
        self._labels = {}  # name -> (bytes before the time, bytes after it)
        for name in names:
            start, end = (f"\033[{next(colours)}m", "\033[0m") if colour else ("", "")
            self._labels[name] = (start.encode(), f" {name.ljust(width)} | {end}".encode())
        self._labels[SYSTEM_NAME] = (b"", f" {SYSTEM_NAME.ljust(width)} | ".encode())
        self._clock_second = None
        self._clock = b""
        self._queue = deque()
        self._queued_bytes = 0
        self._closing = False
        self.broken = False  # the reader went away: output is dropped
        self._condition = threading.Condition()
        self._writer = threading.Thread(target=self._write_forever, name="printer", daemon=True)
        self._writer.start()

    def lines(self, name, data):
        """Queue `data`, one or more whole lines each ending in a newline, printed by `name`."""
        if self._prefix:
            start, end = self._labels[name]
            prefix = start + self._now() + end
            data = prefix + data[:-1].replace(b"\n", b"\n" + prefix) + b"\n"
        self._put(data)

    def message(self, text):
        """A line from the runner itself, not from a process."""
        if self._prefix:
            self.lines(SYSTEM_NAME, text.encode() + b"\n")
        else:  # keep raw process output on stdout free of our own lines
            print(messages.line(text), file=sys.stderr, flush=True)

    def has_room(self):
        return self._queued_bytes < QUEUE_LIMIT

    def wait_for_room(self, timeout):
        with self._condition:
            self._condition.wait_for(self.has_room, timeout)

    def close(self):
        """Write everything still queued, then stop the writer thread."""
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        self._writer.join()

    def _now(self):
        second = int(time.time())
        if second != self._clock_second:
            self._clock_second = second
            self._clock = time.strftime("%H:%M:%S", time.localtime(second)).encode()
        return self._clock

    def _put(self, data):
        with self._condition:
            self._queue.append(data)
            self._queued_bytes += len(data)
            self._condition.notify_all()

    def _write_forever(self):
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._queue or self._closing)
                if not self._queue:
                    return
                block = b"".join(self._queue)
                self._queue.clear()
            self._write(block)
            with self._condition:
                self._queued_bytes -= len(block)
                self._condition.notify_all()

    def _write(self, block):
        view = memoryview(block)
        while view and not self.broken:
            try:
                view = view[os.write(self._fd, view):]
            except InterruptedError:
                continue
            except OSError:  # closed pipe, hung-up terminal
                self.broken = True
