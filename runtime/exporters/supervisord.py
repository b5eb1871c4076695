"""supervisord: one program per process, in one group named after the app, in one file.

supervisord expands `%(name)s` in every value (log file names twice), replaces `%(here)s` even
after `%%`, cuts config lines at ` ;` and ` #`, and takes environment= values double-quoted
without escapes: the command is quoted around all that, and what cannot be written is refused.
Processes stop with SIGTERM to the whole process group, as on a dyno.
"""

import re
from shlex import quote

from runtime.exporters.base import CONTROL, File, templates

INLINE_COMMENT = re.compile(r"\s[;#]")  # where supervisord's config parser starts a comment
# supervisord replaces this in the raw text of every value, before `%%` means `%`.
HERE = "%(here)s"
# Where command puts a `''` in a single-quoted word.
BREAKS = re.compile(f"{INLINE_COMMENT.pattern}|{re.escape(HERE)}")


def command(text):
    """A single shell word for supervisord, which expands `%(name)s` and then splits the command
    like a POSIX shell. Every character but `'` sits inside single quotes, so a `''` put between a
    space and a `;` or `#` keeps the config parser from taking the rest for a comment, and one
    between `%` and `(here)s` keeps supervisord from replacing it."""
    broken_up = BREAKS.sub(lambda m: m[0][0] + "''" + m[0][1:], quote(text))
    return broken_up.replace("%", "%%")


def value_problem(value):
    """Why `value` cannot be an environment= value, or None."""
    # environment= values are double-quoted without escapes, stripped of quotes at both ends,
    # and each config line ends at a newline or at ` ;` / ` #`.
    if '"' in value:
        return "it contains a double quote"
    if value[:1] == "'" or value[-1:] == "'":
        return "it starts or ends with a single quote"
    if CONTROL.search(value):
        return "it contains a newline or another control character"
    if INLINE_COMMENT.search(value):
        return "it contains a space followed by `;` or `#`"
    if HERE in value:
        return f"it contains `{HERE}`, which supervisord replaces even after `%%`"
    return None


def path_problem(path):
    """Why `path` cannot be a directory= or log file value, or None."""
    if INLINE_COMMENT.search(path) or '"' in path or HERE in path:
        return f"it contains a double quote, `{HERE}`, or a space followed by `;` or `#`"
    return None


def render(processes, context):
    """[File]: APP.conf."""
    env = templates(supervisord_command=command)
    return [File(f"{context['app']}.conf", env.get_template(
        "supervisord/supervisord.conf.j2").render(context, processes=processes))]
