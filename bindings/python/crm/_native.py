"""Loading libcrm and declaring its C functions.

Every C function of ``crm/crm.h`` is declared from ``PROTOTYPES`` of
``crm/_declarations.py``, which codegen/generate.py generates from crm.h
with the result type and the named parameters of each prototype, beside
crm.h's constants, enumerators, handle types and option structs (all
reachable from here as ``_native.NAME``). Nothing in the package types a
prototype, a constant or a default by hand.

ctypes wraps an int around silently when it does not fit the C type
(``2**64 + 1`` passed as ``int64_t`` arrives as 1), so every integer that
crosses into libcrm, as an argument or a member of an options struct, is
range-checked against its C type first (``crm/_integers.py``), and one that
does not fit raises :class:`crm.IntegerRangeError` naming the parameter.

The library is looked for, in order:

1. the path in the environment variable ``CRM_LIBRARY``;
2. a copy shipped inside the package, ``crm/_lib/libcrm.so*``;
3. the system library path (``ctypes.util.find_library("crm")``, then
   ``libcrm.so.0``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path
from typing import Any, List, Optional, Tuple

from ._declarations import *  # noqa: F401,F403  (crm.h's declarations)
from ._declarations import CRM_VERSION_NUMBER, PROTOTYPES
from ._integers import check_integer, integer_range

__all__ = [
    "EXPECTED_VERSION_NUMBER",
    "LibraryLoadError",
    "check_integer",
    "integer_range",
    "lib",
    "library_path",
    "optional_c_string",
    "text_or_empty",
    "to_c_string",
]

#: The libcrm release this binding was generated for (CRM_VERSION_NUMBER of
#: crm.h: major*10000 + minor*100 + patch). The loaded library must have the
#: same major version and be at least this release.
EXPECTED_VERSION_NUMBER = CRM_VERSION_NUMBER

ENV_VARIABLE = "CRM_LIBRARY"


class LibraryLoadError(ImportError):
    """libcrm could not be found or loaded, or is of an unsupported version."""


def _range_checked(name: str, function: Any, parameters: List[Tuple[str, Any]]) -> Any:
    """``function`` behind a check that its integer arguments fit their C
    types; ``function`` itself when it takes no integer."""
    checks = [
        (index, *bounds, parameter, ctype)
        for index, (parameter, ctype) in enumerate(parameters)
        for bounds in [integer_range(ctype)]
        if bounds is not None
    ]
    if not checks:
        return function
    where = f"{name}()"

    def call(*args: Any) -> Any:
        for index, low, high, parameter, ctype in checks:
            value = args[index]
            # An int in range passes here; anything else goes to the full check.
            if value.__class__ is not int or not low <= value <= high:
                check_integer(value, ctype, parameter, where)
        return function(*args)

    call.__name__ = call.__qualname__ = name
    call.__wrapped__ = function  # type: ignore[attr-defined]
    return call


def _candidates() -> List[Tuple[str, str]]:
    """(where, path-or-name) pairs to try, in order of preference."""
    found: List[Tuple[str, str]] = []
    shipped = Path(__file__).resolve().parent / "_lib"
    if shipped.is_dir():
        # libcrm.so first, then versioned names (libcrm.so.0, libcrm.so.0.1.0).
        for path in sorted(shipped.glob("libcrm.so*"), key=lambda p: len(p.name)):
            found.append(("the copy shipped in the package", str(path)))
    system = ctypes.util.find_library("crm")
    if system:
        found.append(("the system library path", system))
    found.append(("the system library path", "libcrm.so.0"))
    return found


def _declare(cdll: ctypes.CDLL) -> None:
    for name, (restype, parameters) in PROTOTYPES.items():
        try:
            function = getattr(cdll, name)
        except AttributeError as error:
            raise LibraryLoadError(
                f"{cdll._name} does not export {name}(): it is not a libcrm "
                f"library this binding supports"
            ) from error
        function.restype = restype
        function.argtypes = [ctype for _, ctype in parameters]
        setattr(cdll, name, _range_checked(name, function, parameters))


def _check_version(cdll: ctypes.CDLL, path: str) -> None:
    try:
        number_function = cdll.crm_version_number
    except AttributeError as error:
        raise LibraryLoadError(f"{path} is not libcrm (no crm_version_number)") from error
    restype, parameters = PROTOTYPES["crm_version_number"]
    number_function.restype = restype
    number_function.argtypes = [ctype for _, ctype in parameters]
    number = int(number_function())
    major, expected_major = number // 10000, EXPECTED_VERSION_NUMBER // 10000
    if major != expected_major or number < EXPECTED_VERSION_NUMBER:
        loaded = f"{major}.{number // 100 % 100}.{number % 100}"
        wanted = (
            f"{expected_major}.{EXPECTED_VERSION_NUMBER // 100 % 100}."
            f"{EXPECTED_VERSION_NUMBER % 100}"
        )
        raise LibraryLoadError(
            f"{path} is libcrm {loaded}, but this binding needs libcrm "
            f"{expected_major}.x at least {wanted}; point {ENV_VARIABLE} at a "
            f"matching libcrm.so"
        )


def _load() -> Tuple[ctypes.CDLL, str]:
    explicit = os.environ.get(ENV_VARIABLE)
    if explicit:
        try:
            cdll = ctypes.CDLL(explicit)
        except OSError as error:
            raise LibraryLoadError(
                f"{ENV_VARIABLE}={explicit!r} could not be loaded: {error}"
            ) from error
        _check_version(cdll, explicit)
        _declare(cdll)
        return cdll, explicit
    errors: List[str] = []
    for where, candidate in _candidates():
        try:
            cdll = ctypes.CDLL(candidate)
        except OSError as error:
            errors.append(f"  {candidate} ({where}): {error}")
            continue
        _check_version(cdll, candidate)
        _declare(cdll)
        return cdll, candidate
    raise LibraryLoadError(
        "libcrm could not be found. Set the environment variable "
        f"{ENV_VARIABLE} to the path of libcrm.so, ship it in the package as "
        "crm/_lib/libcrm.so, or install it on the system library path. Tried:\n"
        + "\n".join(errors)
    )


_lock = threading.Lock()
_loaded: Optional[Tuple[ctypes.CDLL, str]] = None


def lib() -> ctypes.CDLL:
    """The loaded libcrm, with every prototype declared; loaded on first use."""
    global _loaded
    loaded = _loaded
    if loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load()
            loaded = _loaded
    return loaded[0]


def library_path() -> str:
    """The path or name libcrm was loaded from."""
    lib()
    assert _loaded is not None
    return _loaded[1]


def text_or_empty(raw: Optional[bytes]) -> str:
    """Decodes a borrowed ``const char*`` result (NULL reads as "")."""
    return raw.decode("utf-8", errors="replace") if raw else ""


def to_c_string(value: object, what: str) -> bytes:
    """UTF-8 bytes for a ``const char*`` argument, refusing non-str and NUL."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} must not contain a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"{what} is not encodable as UTF-8: {error}") from None


def optional_c_string(value: Optional[str], what: str) -> Optional[bytes]:
    """Like to_c_string, with None passed on as NULL."""
    return None if value is None else to_c_string(value, what)
