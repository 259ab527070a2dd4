"""Static files for a server outside debug: collected (hashed names, a manifest, compressed
copies) only when their sources changed since the last collection.

collectstatic post-processes every file each time it runs (several seconds of CPU), and
`accord serve`, the bench and the tests start servers many times on unchanged sources. A stamp in
STATIC_ROOT records what was collected: every source file's path, size and modification time, and
the storage that collected them.
"""

import hashlib
import os
from pathlib import Path

STAMP = ".accord-collected"


def sources_fingerprint() -> str:
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    seen: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            seen.append(f"{getattr(storage, 'prefix', '') or ''}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for line in sorted(seen):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def collect_if_changed() -> bool:
    """Run collectstatic unless STATIC_ROOT already holds these sources; True when it ran."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = sources_fingerprint()
    if (root / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
