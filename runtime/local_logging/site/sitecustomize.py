"""Django's request errors on stderr, for processes that `runtime start`, `run` and `release` run.

With DEBUG off, Django's default LOGGING sends a 500's traceback and the reason of a 400
(DisallowedHost and the other SuspiciousOperations) to mail_admins only: a local run would
show nothing. Once Django has configured logging (its defaults, then the app's LOGGING or
LOGGING_CONFIG), a handler is added to the `django.request` (errors) and `django.security`
(warnings and errors) loggers that writes a record to stderr only when no handler of the
app's already writes it to stdout or stderr, so no line is shown twice (with DEBUG on, Django's
own console handler shows them). Then the sitecustomize this one hides, if any, runs.

This file runs in the app's Python (any version Django supports) before the app's code, so
it imports only the standard library and does nothing until Django's logging is configured.
"""

import importlib.machinery
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOGGERS = (("django.request", 40), ("django.security", 30))  # logging.ERROR, logging.WARNING
FORMAT = "%(levelname)s %(name)s: %(message)s"


def console_shows(record, exclude=None):
    """Whether a handler on the way from the record's logger to the root (other than
    `exclude`) writes it to stdout or stderr."""
    import logging

    logger = logging.getLogger(record.name)
    while logger is not None:
        for handler in logger.handlers:
            if (handler is not exclude and _on_console(handler) and record.levelno >= handler.level
                    and handler.filter(record)):
                return True
        if not logger.propagate:
            return False
        logger = logger.parent
    return False


def _on_console(handler):
    stream = getattr(handler, "stream", None)
    if stream is None:
        return False
    try:
        return stream.fileno() in (1, 2)
    except (AttributeError, OSError, ValueError):  # a stream without a file descriptor
        return stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)


def _add_handlers():
    import logging

    class FallbackHandler(logging.Handler):
        """Writes to stderr what no console handler of the app shows."""

        def emit(self, record):
            if console_shows(record, exclude=self):
                return
            if record.name.startswith("django.security"):
                # The message is the reason (the Host header to allow ...); the traceback only
                # shows where Django raised it.
                record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
            try:
                sys.stderr.write(self.format(record) + "\n")
                sys.stderr.flush()
            except Exception:
                self.handleError(record)

    for name, level in LOGGERS:
        logger = logging.getLogger(name)
        # A LOGGING with `disable_existing_loggers` that names only the root disables
        # django.request, which Django created before: its errors would reach no handler.
        logger.disabled = False
        if not any(getattr(handler, "runtime_fallback", False) for handler in logger.handlers):
            handler = FallbackHandler(level)
            handler.runtime_fallback = True  # added once, however often Django is set up
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)


class _DjangoLoggingHook:
    """A finder that finds nothing itself: when `django.utils.log` is imported, its
    configure_logging (which django.setup() looks up when it runs) gets the handlers added
    after it has run."""

    def find_spec(self, name, path=None, target=None):
        if name != "django.utils.log":
            return None
        sys.meta_path.remove(self)
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                break
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_wrap(module):
            exec_module(module)
            configure_logging = module.configure_logging

            def configure_logging_then_add_handlers(*args, **kwargs):
                configure_logging(*args, **kwargs)
                _add_handlers()

            module.configure_logging = configure_logging_then_add_handlers

        spec.loader.exec_module = exec_and_wrap
        return spec


def _run_hidden_sitecustomize():
    """Run the sitecustomize this file hides (the next on sys.path), as the app's own."""
    path = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


if __name__ == "sitecustomize":
    sys.meta_path.insert(0, _DjangoLoggingHook())
    _run_hidden_sitecustomize()
