"""The slug's run-time environment: `.profile.d/*.sh`, sourced by bash at every process start.

They are sourced (so they never `exit`), after the app's config vars are set (so every
default is `${VAR:-default}` and a user's value wins), with HOME at the slug's folder
wherever it was moved to. For a later buildpack in the same build, `export` gets the same
variables with build-time paths.
"""

from pathlib import Path

from buildpack import slug

PYTHON_SH = f"""\
# The slug's own Python, wherever the slug was moved to (HOME is the slug's folder).
export PATH="$HOME/{slug.PYTHON_HOME}/bin:$PATH"
export LD_LIBRARY_PATH="$HOME/{slug.PYTHON_HOME}/lib${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"
export PYTHONUNBUFFERED="${{PYTHONUNBUFFERED:-1}}"
export LANG="${{LANG:-C.UTF-8}}"
# The active environment, for what looks for it (uWSGI's `virtualenv = $(VIRTUAL_ENV)`, Poetry,
# uv pip list): always the slug's, since a value from elsewhere (a Docker image's /opt/venv,
# a config var) names a folder this slug's processes do not run from.
export VIRTUAL_ENV="$HOME/{slug.PYTHON_HOME}"
"""

GUNICORN_SH = """\
# gunicorn: trust the router's X-Forwarded-* headers, log requests to stdout.
export FORWARDED_ALLOW_IPS="${FORWARDED_ALLOW_IPS:-*}"
export GUNICORN_CMD_ARGS="${GUNICORN_CMD_ARGS:---access-logfile -}"
"""

# About 256 MB per worker, at most 2 x cores + 1, at least 1; from the memory limit and CPU
# quota of this process's own cgroup (v2, else v1), since nproc ignores quotas.
WEB_CONCURRENCY_SH = r"""# Default gunicorn workers from the memory and CPUs this process may use.
if [ -z "${WEB_CONCURRENCY:-}" ]; then
  _memory=$(awk '/^MemTotal:/ {printf "%d", $2 * 1024}' /proc/meminfo 2>/dev/null)
  _cores=$(nproc 2>/dev/null || echo 1)
  _lower() {  # _lower VAR VALUE: VAR = min(VAR, VALUE), ignoring "max", "-1" and garbage
    # `return 0`: a bare return passes on a failed $(...) argument's status, ending `set -e` shells.
    case "$2" in ''|*[!0-9]*) return 0 ;; esac
    if [ -z "${!1}" ] || [ "$2" -lt "${!1}" ]; then printf -v "$1" %s "$2"; fi
  }
  _quota_cores() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" != max ] && [ "$1" -gt 0 ] 2>/dev/null && echo $(( ($1 + $2 - 1) / $2 )); }
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    _dir="/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup 2>/dev/null)"
    while :; do  # a limit anywhere up the tree applies
      _lower _memory "$(cat "$_dir/memory.max" 2>/dev/null)"
      _lower _cores "$(_quota_cores $(cat "$_dir/cpu.max" 2>/dev/null))"
      [ "${_dir%/}" = /sys/fs/cgroup ] || [ -z "$_dir" ] && break
      _dir=${_dir%/*}
    done
  else
    # A container sees its own cgroup at the mount point, not at the path /proc/self/cgroup names.
    _dir="/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup 2>/dev/null)"
    [ -d "$_dir" ] || _dir=/sys/fs/cgroup/memory
    _lower _memory "$(cat "$_dir/memory.limit_in_bytes" 2>/dev/null)"
    _dir="/sys/fs/cgroup/cpu$(sed -n 's/^[0-9]*:\(cpu\|cpu,cpuacct\|cpuacct,cpu\)://p' /proc/self/cgroup 2>/dev/null)"
    [ -d "$_dir" ] || _dir=/sys/fs/cgroup/cpu
    _lower _cores "$(_quota_cores "$(cat "$_dir/cpu.cfs_quota_us" 2>/dev/null)" "$(cat "$_dir/cpu.cfs_period_us" 2>/dev/null)")"
  fi
  _workers=$(( ${_memory:-536870912} / 268435456 ))
  [ "$_workers" -gt $(( 2 * _cores + 1 )) ] && _workers=$(( 2 * _cores + 1 ))
  [ "$_workers" -lt 1 ] && _workers=1
  export WEB_CONCURRENCY=$_workers
  unset -f _lower _quota_cores
  unset _memory _cores _dir _workers
fi
"""


# What a dyno does before a process's command, in the app root: exported processes and the
# tests start with it.
SOURCE = 'for script in .profile.d/*.sh; do [ -f "$script" ] && . "$script"; done; '


def write(build_dir):
    folder = Path(build_dir) / ".profile.d"
    folder.mkdir(exist_ok=True)
    for name, text in (("python.sh", PYTHON_SH), ("WEB_CONCURRENCY.sh", WEB_CONCURRENCY_SH),
                       ("gunicorn.sh", GUNICORN_SH)):
        (folder / name).write_text(text)


def write_export(buildpack_dir, build_dir):
    """Environment for the next buildpack of a multi-buildpack build (build-time paths)."""
    python_home = Path(build_dir) / slug.PYTHON_HOME
    (Path(buildpack_dir) / "export").write_text(
        f'export PATH="{python_home}/bin:$PATH"\n'
        f'export LD_LIBRARY_PATH="{python_home}/lib${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"\n'
        'export PYTHONUNBUFFERED=1\n'
    )
