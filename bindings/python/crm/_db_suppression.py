"""Suppression of erased people's emails and phone numbers (crm.h,
"Suppression: not taking an erased person back by accident"): while a value
is suppressed, a customer write that sets it raises ConstraintError with
rule "suppressed", naming the field. Only keyed hashes are stored."""

from __future__ import annotations

import ctypes
from typing import Optional, Tuple

from . import _native
from ._db_core import DatabaseCore
from .errors import check


def _person(email: Optional[str], phone: Optional[str]) -> Tuple[Optional[bytes], Optional[bytes]]:
    """The C arguments for an email and a phone number, at least one given."""
    if email is None and phone is None:
        raise ValueError("give an email, a phone number or both")
    return (
        _native.optional_c_string(email, "email"),
        _native.optional_c_string(phone, "phone"),
    )


class SuppressionMixin(DatabaseCore):
    """Suppression calls of :class:`crm.Database`."""

    def suppress(self, email: Optional[str] = None, phone: Optional[str] = None) -> None:
        """Suppresses an email and/or a phone number (compared normalised:
        an email trimmed and lower-cased, a phone number's digits and a
        leading +). Suppressing one already suppressed changes nothing."""
        c_email, c_phone = _person(email, phone)
        with self._use() as handle:
            check(_native.lib().crm_suppression_add(handle, c_email, c_phone))

    def is_suppressed(self, email: Optional[str] = None, phone: Optional[str] = None) -> bool:
        """True when the email or the phone number given is suppressed."""
        c_email, c_phone = _person(email, phone)
        out = ctypes.c_int()
        with self._use() as handle:
            check(
                _native.lib().crm_suppression_check(ctypes.byref(out), handle, c_email, c_phone)
            )
        return bool(out.value)

    def unsuppress(self, email: Optional[str] = None, phone: Optional[str] = None) -> None:
        """Takes back the suppression of the email and/or phone number given
        (the person came back and consented); NotFoundError when none of
        them was suppressed."""
        c_email, c_phone = _person(email, phone)
        with self._use() as handle:
            check(_native.lib().crm_suppression_remove(handle, c_email, c_phone))

    def count_suppressed(self) -> int:
        """How many emails and phone numbers are suppressed."""
        out = ctypes.c_int64()
        with self._use() as handle:
            check(_native.lib().crm_suppression_count(ctypes.byref(out), handle))
        return out.value
