"""Range checks of the integers that cross into libcrm.

ctypes wraps an int around silently when it does not fit the C type
(``2**64 + 1`` passed as ``int64_t`` arrives as 1), so every integer that
crosses into libcrm, as an argument (``crm/_native.py`` wraps each declared
function) or a member of an options struct (:class:`CheckedStructure`, the
base of the generated option structs), is range-checked against its C type
first, and one that does not fit raises :class:`crm.IntegerRangeError`
naming the parameter.
"""

from __future__ import annotations

import ctypes
from ctypes import Structure
from typing import Any, Optional, Tuple

__all__ = ["integer_range", "check_integer", "CheckedStructure"]

# ctypes' format codes of its integer types (c_size_t is c_ulong or
# c_ulonglong, c_int32 is c_int, ...).
_INTEGER_CODES = "bBhHiIlLqQ"


def integer_range(ctype: Any) -> Optional[Tuple[int, int]]:
    """(lowest, highest) value of a ctypes integer type; None for others."""
    code = getattr(ctype, "_type_", None)
    if not isinstance(code, str) or code not in _INTEGER_CODES:
        return None
    bits = 8 * ctypes.sizeof(ctype)
    if code.islower():
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def check_integer(
    value: Any, ctype: Any, parameter: str, where: str, field: str = ""
) -> None:
    """Raises IntegerRangeError unless ``value`` fits the ctypes integer type
    ``ctype`` it crosses into libcrm as (anything but an int or a float is
    left to ctypes, which refuses it itself)."""
    low, high = integer_range(ctype)  # type: ignore[misc]
    try:
        fits = low <= value <= high
    except TypeError:
        return
    if not fits:
        from .errors import IntegerRangeError

        signed = "signed" if low else "unsigned"
        bits = 8 * ctypes.sizeof(ctype)
        raise IntegerRangeError(
            f"{parameter} must be an int from {low} to {high} to cross into "
            f"libcrm as a {bits}-bit {signed} integer ({where}), not {value!r}",
            field=field,
            rule=parameter,
        )


class CheckedStructure(Structure):
    """A ctypes Structure whose integer members are range-checked when set;
    ``_c_name_`` is the struct's name in crm.h."""

    _c_name_ = ""

    def __setattr__(self, name: str, value: Any) -> None:
        ctype = dict(self._fields_).get(name)  # type: ignore[call-overload]
        if ctype is not None and integer_range(ctype) is not None:
            check_integer(value, ctype, name, self._c_name_)
        elif value is None and isinstance(ctype, type) and issubclass(ctype, ctypes._CFuncPtr):  # type: ignore[attr-defined]
            # A function pointer member (crm_progress_fn) set to NULL: ctypes
            # takes None for pointers, but only a function object here.
            value = ctype()
        super().__setattr__(name, value)
