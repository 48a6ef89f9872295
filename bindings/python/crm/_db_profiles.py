"""Access profiles and restricted handles (crm.h, "Access profiles and
restricted handles"): :attr:`Database.profiles` manages the profiles of the
workspace, :meth:`Database.restrict` hands out a Database that sees and
changes only what one profile grants."""

from __future__ import annotations

import ctypes
import json
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Union

from . import _native
from ._db_core import DatabaseCore
from .errors import check

if TYPE_CHECKING:
    from .db import Database

__all__ = ["Profiles", "ProfilesMixin"]


class Profiles:
    """The access profiles of a workspace (``db.profiles``). Managing them
    is for unrestricted handles only: on a restricted one every call raises
    DeniedError, rule "operation"."""

    def __init__(self, database: DatabaseCore) -> None:
        self._db = database

    def define(self, definition: Union[Mapping[str, Any], str]) -> None:
        """Defines or replaces the profile ``definition`` names: a dict (or
        its JSON text) such as ``{"name": "front_desk", "groups":
        {"contact": "read_write"}}``. ValidationError, rule "profile", for a
        bad definition; handles restricted to a replaced profile apply the
        new one from their next call."""
        text = definition if isinstance(definition, str) else json.dumps(dict(definition))
        c_text = _native.to_c_string(text, "definition")
        with self._db._use() as handle:
            check(_native.lib().crm_profile_define(handle, c_text))

    def get(self, name: str) -> Dict[str, Any]:
        """The stored definition of profile ``name`` (NotFoundError, rule
        "profile", when there is none)."""
        c_name = _native.to_c_string(name, "name")
        cdll = _native.lib()
        definition: Dict[str, Any] = self._db._read_json(
            lambda out, handle: cdll.crm_profile_get(out, handle, c_name))
        return definition

    def list(self) -> List[str]:
        """The names of every profile, sorted."""
        cdll = _native.lib()
        names: List[str] = self._db._read_json(cdll.crm_profile_list)
        return names

    def drop(self, name: str) -> None:
        """Drops profile ``name`` (NotFoundError when there is none); calls on
        handles restricted to it then raise DeniedError, rule "profile"."""
        c_name = _native.to_c_string(name, "name")
        with self._db._use() as handle:
            check(_native.lib().crm_profile_drop(handle, c_name))


class ProfilesMixin(DatabaseCore):
    """Profiles and restricted handles of :class:`crm.Database`."""

    @property
    def profiles(self) -> Profiles:
        """The workspace's access profiles: define, get, list, drop."""
        return Profiles(self)

    @property
    def profile(self) -> str:
        """The profile this handle is restricted to, "" when unrestricted."""
        with self._use() as handle:
            return _native.text_or_empty(_native.lib().crm_db_profile(handle))

    def restrict(self, profile: str, actor: Optional[str] = None) -> "Database":
        """A new handle on the same workspace that sees and changes only what
        ``profile`` grants, acting as ``actor`` (bound to ``:actor`` in the
        profile's scope and recorded on what it writes; None is "api").

        The view is a Database of its own: closing it closes only the view,
        and it stays usable after this handle is closed (the workspace stays
        open until its last handle is). NotFoundError, rule "profile", for
        an unknown profile; DeniedError, rule "operation", when this handle
        is itself restricted."""
        from .db import Database  # db.py composes this mixin

        c_profile = _native.to_c_string(profile, "profile")
        c_actor = _native.optional_c_string(actor, "actor")
        view = _native.DbPtr()
        with self._use() as handle:
            check(_native.lib().crm_db_restrict(ctypes.byref(view), handle, c_profile, c_actor))
        return Database(view, self._path)
