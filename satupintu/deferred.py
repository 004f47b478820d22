"""Libraries a serving process finds installed but may never use: loaded at their first use.

python-socketio and python-engineio import, when the server imports them, every library their
other parts use if it is installed: their clients' (requests, websocket-client, aiohttp, which a
development venv has for the tests) and Redis's (only a `message_queue` uses it). Together they
cost the serve process about 19 MiB that a station without a message queue never uses. Others
come the same way, at about 3 MiB together: asyncio (for the `deprecated` decorators of the
rate limiter's storages, and Socket.IO's asyncio servers), the rate limiter's own asyncio
storages (`limits.aio`), the date parser of sqlite-utils' recipes (dateutil), the debugger
Flask-SocketIO's test client imports (pdb) and the HTML entities of the development server
Werkzeug imports (html).
`defer_optional_libraries` makes those imports lazy in this process: an `import` still fails at
once where the library is not installed, but the module's code runs only when a name of it is
first asked for. A subpackage named in `from redis import asyncio` is deferred the same way,
rather than running its parent's code.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any

OPTIONAL_LIBRARIES = (
    "requests",
    "websocket",
    "aiohttp",
    "redis",
    "redis.asyncio",
    "asyncio",
    "limits.aio",
    "dateutil",
    "dateutil.parser",
    "pdb",
    "html",
)


class DeferredModule(ModuleType):
    """A module whose code has not run: the first name it lacks runs it (a subpackage's name
    imports that subpackage instead)."""

    def __getattr__(self, name: str) -> Any:
        spec = self.__spec__
        assert spec is not None
        assert isinstance(spec.loader, DeferringLoader)
        search = spec.submodule_search_locations
        if search is not None and PathFinder.find_spec(f"{spec.name}.{name}", search):
            return importlib.import_module(f"{spec.name}.{name}")
        self.__class__ = ModuleType
        spec.loader = self.__loader__ = spec.loader.loader
        spec.loader.exec_module(self)
        return getattr(self, name)


class DeferringLoader(Loader):
    """Makes a module as its own loader would, and leaves its code for later."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__class__ = DeferredModule


class Deferred(MetaPathFinder):
    """Finds the named modules where Python would, and defers their code."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.names:
            return None
        spec = PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = DeferringLoader(spec.loader)
        return spec


def defer_optional_libraries() -> None:
    """Call first thing in a serving process, before it imports Socket.IO."""
    if not any(isinstance(finder, Deferred) for finder in sys.meta_path):
        sys.meta_path.insert(0, Deferred(OPTIONAL_LIBRARIES))
