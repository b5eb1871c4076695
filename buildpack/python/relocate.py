"""Make an installed Python environment work from wherever the slug is moved.

Hosts build in one directory (/tmp/build_<id>) and run the slug from another (/app), so
nothing may record the build path: installers write it into console-script shebangs and
`.pth` files, and pyenv-built interpreters find libpython through an absolute RUNPATH.
"""

import os
import re
import struct
from pathlib import Path

from buildpack import files

# A script that is valid as both sh and Python: sh execs the interpreter next to the
# script (wherever the slug now is); Python sees a string literal and runs the rest.
TRAMPOLINE = "#!/bin/sh\n'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")\"/'{python}' \"$0\" \"$@\"\n' '''\n"


def scripts(bin_dir, python_name):
    """Rewrite `#!/abs/path/python` shebangs in bin_dir into relocatable trampolines."""
    for path in Path(bin_dir).iterdir():
        if path.is_symlink() or not path.is_file():
            continue
        with open(path, "rb") as file:
            first = file.readline(512)
            if not first.startswith(b"#!/") or b"python" not in first.rsplit(b"/", 1)[-1]:
                continue
            rest = file.read()
        # Replaced, not rewritten: the installer may have hard-linked the file from its cache.
        files.replace(path, TRAMPOLINE.format(python=python_name).encode() + rest, path.stat().st_mode)


def editable_installs(site_packages, build_dir):
    """Make editable installs (`-e .`) find the app's code wherever the slug is.

    Path lines in `.pth` files become relative to site-packages (Python resolves them from
    there); setuptools' editable finders get their absolute paths computed from `__file__`.
    """
    site_packages = Path(site_packages)
    prefix = str(build_dir).rstrip("/") + "/"
    for pth in site_packages.glob("*.pth"):
        lines = pth.read_text(errors="replace").splitlines()
        # uv and Poetry write the app's own folder itself for `-e .`, setuptools a folder in it.
        fixed = [os.path.relpath(line, site_packages) if line.startswith(prefix) or line == prefix[:-1] else line
                 for line in lines]
        if fixed != lines:
            files.replace(pth, ("\n".join(fixed) + "\n").encode())
    literal = re.compile("'(" + re.escape(prefix) + "[^']*)'")
    os_path = "__import__('os').path"
    for finder in site_packages.glob("__editable___*_finder.py"):
        text = finder.read_text()
        fixed = literal.sub(lambda m: f"{os_path}.normpath({os_path}.join({os_path}.dirname(__file__), "
                                      f"{os.path.relpath(m.group(1), site_packages)!r}))", text)
        if fixed != text:
            files.replace(finder, fixed.encode())


def runpath(executable, new="$ORIGIN/../lib"):
    """Point an ELF binary's RUNPATH/RPATH at `new`, in place, when the old one is longer.

    pyenv builds record their install folder; `$ORIGIN/../lib` finds the slug's own
    libpython instead. The string is overwritten inside the dynamic string table and padded
    with NULs, so nothing else in the file moves. Returns True when patched.
    """
    with open(executable, "r+b") as file:
        data = file.read()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:  # 64-bit little-endian only
            return False
        phoff, = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
        segments = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize) for i in range(phnum)]
        dynamic = [s for s in segments if s[0] == 2]  # PT_DYNAMIC
        if not dynamic:
            return False
        entries = {}
        offset, size = dynamic[0][2], dynamic[0][5]
        for position in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, position)
            if tag == 0:
                break
            entries.setdefault(tag, value)
        strtab_address = entries.get(5)  # DT_STRTAB
        string_offset = entries.get(29, entries.get(15))  # DT_RUNPATH, else DT_RPATH
        if strtab_address is None or string_offset is None:
            return False
        for kind, _flags, file_offset, address, _paddr, file_size, *_ in segments:
            if kind == 1 and address <= strtab_address < address + file_size:  # PT_LOAD
                start = strtab_address - address + file_offset + string_offset
                break
        else:
            return False
        end = data.index(b"\x00", start)
        if end - start < len(new):
            return False
        file.seek(start)
        file.write(new.encode().ljust(end - start, b"\x00"))
        return True
