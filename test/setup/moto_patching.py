"""What the test bed's moto patches share: the refusal to patch a moto that changed, and source rewriting."""

import inspect
import sys
from collections.abc import Callable
from typing import Any


class PatchError(Exception):
    """moto no longer looks like what a patch was written for."""


def source_of(original: Callable[..., Any], where: str) -> str:
    """The source of a moto function a patch rewrites. @raises PatchError when it cannot be read."""
    try:
        return inspect.getsource(original)
    except (OSError, TypeError) as error:
        raise PatchError(f"cannot read the source of {where} to patch it ({error})") from error


def recompiled(original: Callable[..., Any], where: str, fixed: str, module_globals: dict[str, Any]) -> Callable[..., Any]:
    """Compiles ``fixed`` (the dedented, patched source of ``original``) in its module's namespace."""
    # Blank lines in front keep tracebacks pointing at the right lines of moto's file.
    padding = "\n" * (inspect.getsourcelines(original)[1] - 1)
    namespace: dict[str, Any] = {}
    exec(compile(padding + fixed, inspect.getsourcefile(original) or where, "exec"), module_globals, namespace)
    patched = namespace[original.__name__]
    patched.__qualname__ = original.__qualname__
    patched.__wrapped__ = original
    return patched


def moto_version() -> str:
    import moto

    return str(getattr(moto, "__version__", "unknown"))


def log(message: str) -> None:
    print(f"moto_server.py: {message}", file=sys.stderr, flush=True)
