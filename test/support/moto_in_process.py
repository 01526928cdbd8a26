"""moto in this process, with one fix of test/setup/moto_server.py applied unless S3M_MOTO_PATCHES=off.

For the race scripts beside it, which drive moto's backends directly so that a race can be staged
step by step instead of hoped for over HTTP. Each takes the setup directory as its first argument.
"""

import os
import sys

sys.dont_write_bytecode = True


def with_fix(setup_dir: str, fix: str) -> None:
    """Imports the launcher from ``setup_dir`` and applies its function ``fix`` (unless patches are off)."""
    sys.path.insert(0, setup_dir)
    import moto_server

    if os.environ.get("S3M_MOTO_PATCHES", "on") == "on":
        getattr(moto_server, fix)()
