"""Files that may hold minors' data are created private: 0600 files in 0700 folders.

The process umask is left alone (it belongs to whoever runs us); every place that writes the
database, uploads, backups or exports asks for these modes explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create the folder (and missing parents) 0700; tighten it if it exists looser."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, DIR_MODE)
    return path


def open_private(path: Path, *, exclusive: bool = False) -> IO[bytes]:
    """Open `path` for binary writing, created 0600 (truncated if it exists)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    if not exclusive:
        os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb")


def tighten(path: Path) -> None:
    """Make an existing file 0600 if it is readable by others (a file made before this fix)."""
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, FILE_MODE)
    except FileNotFoundError:
        return
