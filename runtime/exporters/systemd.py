"""systemd: one service per process, one target per process type and one for the app.

Values are double-quoted with C escapes and `%%` (systemd expands `%` specifiers), ExecStart also
with `$$` (systemd substitutes `$VAR` there itself), so every value can be written.
"""

from itertools import groupby

from runtime.exporters.base import CONTROL, File, dashrepl, templates

C_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text):
    """One double-quoted systemd word: C escapes for `\\`, `"` and control characters, and
    `%%` because systemd expands `%` specifiers."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    escaped = CONTROL.sub(lambda m: C_ESCAPES.get(m[0], f"\\x{ord(m[0]):02x}"), escaped)
    return f'"{escaped}"'


def exec_quote(text):
    """As quote, plus `$$`: systemd substitutes `$VAR` in ExecStart itself."""
    return quote(text).replace("$", "$$")


def value_problem(value):
    """None: quote can write any value."""
    return None


def path_problem(path):
    """None: quote can write any path that base.path_problem lets through."""
    return None


def render(processes, context):
    """[File]: APP.target wants APP-TYPE.target for each type, which wants APP-TYPE-N.service."""
    env = templates(systemd_quote=quote, systemd_exec_quote=exec_quote)
    app = context["app"]
    groups = [(f"{app}-{type_}", [(f"{app}-{dashrepl(process.name)}", process)
                                  for process in members])
              for type_, members in groupby(processes, lambda process: process.type)]
    files = [File(f"{app}.target", env.get_template("systemd/master.target.j2").render(
        context, master_wants=" ".join(f"{group}.target" for group, _ in groups)))]
    for group, members in groups:
        files.append(File(f"{group}.target", env.get_template(
            "systemd/process_master.target.j2").render(
                context, process_master_name=group,
                process_master_wants=" ".join(f"{name}.service" for name, _ in members))))
        for name, process in members:
            files.append(File(f"{name}.service", env.get_template(
                "systemd/process.service.j2").render(
                    context, process_master_name=group, process=process)))
    return files
