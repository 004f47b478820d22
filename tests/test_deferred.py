"""A serving process defers the libraries Socket.IO imports but a station may never use
(`satupintu.deferred`): their code runs at their first use, and they work as before."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from satupintu.deferred import Deferred, DeferredModule

# A library as the optional ones are: a package whose code says when it ran, with a subpackage.
RAN = "import sys\nsys.ran.append(__name__)\n"
LIBRARY = {
    "optlib/__init__.py": RAN + "from optlib import sub\nNAME = 1\n",
    "optlib/errors.py": RAN + "class Failed(Exception): ...\n",
    "optlib/sub/__init__.py": RAN + "TOOL = 2\n",
}
NAMES = ("optlib", "optlib.sub", "optmissing")


@pytest.fixture
def ran(tmp_path: Path) -> Iterator[list[str]]:
    """Which of the library's modules ran, in order, with the library deferred meanwhile."""
    for name, code in LIBRARY.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(code, encoding="utf-8")
    finder = Deferred(NAMES)
    sys.path.insert(0, str(tmp_path))
    sys.meta_path.insert(0, finder)
    sys.ran = []  # type: ignore[attr-defined]
    try:
        yield sys.ran  # type: ignore[attr-defined]
    finally:
        sys.meta_path.remove(finder)
        sys.path.remove(str(tmp_path))
        del sys.ran  # type: ignore[attr-defined]
        for name in [name for name in sys.modules if name.startswith("optlib")]:
            del sys.modules[name]


def test_a_deferred_library_runs_at_its_first_use_and_gives_what_it_always_gave(
    ran: list[str],
) -> None:
    import optlib

    assert ran == []
    assert isinstance(optlib, DeferredModule)
    assert optlib.NAME == 1
    assert ran == ["optlib"]  # its subpackage is deferred too
    assert type(optlib).__name__ == "module"
    assert optlib.sub.TOOL == 2
    assert ran == ["optlib", "optlib.sub"]


def test_names_taken_from_it_run_only_what_they_need(ran: list[str]) -> None:
    from optlib import sub
    from optlib.errors import Failed

    assert ran == ["optlib.errors"]  # not the package's code, nor its deferred subpackage's
    assert issubclass(Failed, Exception)
    assert sub.TOOL == 2
    assert ran == ["optlib.errors", "optlib.sub"]


def test_a_library_not_installed_still_fails_at_its_import(ran: list[str]) -> None:
    with pytest.raises(ModuleNotFoundError):
        import optmissing  # noqa: F401
