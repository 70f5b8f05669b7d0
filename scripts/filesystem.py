"""What to tell a contributor when the file system refuses a write (the site build and the PDF step)."""

from __future__ import annotations

import errno
from pathlib import Path


def os_error_message(err: OSError, site_dir: Path) -> str:
    """What to do when the file system refuses: disk full, read-only folder, no permission."""
    where = err.filename or site_dir.parent
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"no space left on the device while writing {where}: free some space (`df -h "
            f"{site_dir.parent}` shows how much is left), then build again"
        )
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"cannot write {where} ({err.strerror}): the build writes a new site beside {site_dir.name}/ "
            f"in {site_dir.parent} and needs write permission there; make it writable (chmod u+w) or "
            "build elsewhere: python3 scripts/handbook.py build --site-dir /tmp/handbook-site"
        )
    return f"{where}: {err.strerror or err}"
