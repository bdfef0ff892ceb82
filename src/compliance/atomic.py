"""Write files atomically: a temporary file in the same folder, then a rename.

A reader (or a crash, or Ctrl-C) sees the old file or the whole new one, never half of it. Used for
reports, baselines and cache entries. Imports nothing heavy.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically, with the permissions a new file would get."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` (UTF-8) atomically."""
    write_bytes(target, text.encode("utf-8"))
