"""Database: user-defined fields."""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, List, Mapping, Optional

from . import _native
from .errors import check
from .literals import FieldType
from .values import rule_text, rule_value, value_object, value_of_object
from ._db_core import DatabaseCore


# Definition keys whose value is a bound in the field's text form.
_BOUND_KEYS = ("min", "max")


def _field_json(name: Optional[str], options: Mapping[str, Any], patch: bool) -> str:
    body = _field_body(name, options, patch)
    try:
        return json.dumps(body, ensure_ascii=False)
    except TypeError as error:
        raise TypeError(f"a field definition holds a value JSON cannot carry: {error}") from None


def _field_body(name: Optional[str], options: Mapping[str, Any], patch: bool) -> Dict[str, Any]:
    """The JSON object of a definition or patch. A key given as None is left
    out ("not given"), except ``default_value`` in a patch, where None
    clears the default."""
    body: Dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    for key, value in options.items():
        if value is None:
            if key == "default_value" and patch:
                body[key] = {}
            continue
        if key == "default_value":
            body[key] = dict(value) if isinstance(value, Mapping) else value_object(value, key)
        elif key in _BOUND_KEYS:
            body[key] = rule_text(value, key)
        elif key in ("options", "add_options"):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"'{key}' must be a list of str")
            body[key] = list(value)
        else:
            body[key] = value
    return body


# Keys of a field definition that libcrm's JSON carries as 64-bit integers,
# which JSON writes as strings ("17"); read back as int.
_INT64_KEYS = ("id", "max_length")


def _native_field(definition: Dict[str, Any]) -> Dict[str, Any]:
    """A definition as libcrm's JSON has it, with its values made native:
    ``default_value`` a value of the field's Python type (no key when there
    is no default), ``min``/``max`` int, Decimal, date or datetime."""
    for key in _INT64_KEYS:
        if isinstance(definition.get(key), str):
            definition[key] = int(definition[key])
    if "default_value" in definition:
        default = value_of_object(definition["default_value"])
        if default is None:
            del definition["default_value"]
        else:
            definition["default_value"] = default
    for key in _BOUND_KEYS:
        if key in definition:
            definition[key] = rule_value(definition[key], definition.get("type"))
    return definition


class FieldsMixin(DatabaseCore):
    """Fields: define, change, archive, restore, delete, describe, list."""

    def define_field(self, name: str, type: FieldType, /, **options: Any) -> int:
        """Defines a user field and returns its id.

        ``options`` are the keys of a libcrm field definition: label,
        description, group, required, unique, indexed, scale, min, max,
        max_length, pattern, options, default_value. ``default_value`` is a
        native value (e.g. ``"basic"``, ``Decimal("0.00")``); ``min``/``max``
        may be int, Decimal, date or aware datetime. A key given as None is
        not given (``options=None``: no options).
        """
        if not isinstance(name, str) or not isinstance(type, str):
            raise TypeError("name and type must be str")
        body = _field_json(name, {"type": type, **options}, patch=False)
        out = ctypes.c_int64()
        definition = _native.to_c_string(body, "definition")
        with self._use() as handle:
            check(_native.lib().crm_field_define(ctypes.byref(out), handle, definition))
        self._field_names.forget()
        return out.value

    def update_field(self, name: str, /, **patch: Any) -> None:
        """Changes a field: only the keys given change (label, description,
        group, required, unique, indexed, min, max, max_length, pattern,
        add_options, type with scale, and ``name`` to rename it).
        ``default_value=None`` clears the default, ``min=""``/``max=""``
        remove a bound; other keys given as None are left as they are."""
        c_name = _native.to_c_string(name, "field name")
        body = _native.to_c_string(_field_json(None, patch, patch=True), "patch")
        with self._use() as handle:
            check(_native.lib().crm_field_update(handle, c_name, body))
        self._field_names.forget()

    def _field_call(self, function_name: str, name: str) -> None:
        c_name = _native.to_c_string(name, "field name")
        with self._use() as handle:
            check(getattr(_native.lib(), function_name)(handle, c_name))
        self._field_names.forget()

    def archive_field(self, name: str) -> None:
        """Archives a field: hidden from reads, refused in writes, data kept."""
        self._field_call("crm_field_archive", name)

    def restore_field(self, name: str) -> None:
        """Restores an archived field with its data."""
        self._field_call("crm_field_restore", name)

    def delete_field(self, name: str) -> None:
        """Deletes a user field and its values. Cannot be undone."""
        self._field_call("crm_field_delete", name)

    def describe_field(self, name: str) -> Dict[str, Any]:
        """The definition of one field (archived ones too) as a dict, with
        the read-only keys id, builtin, read_only and status.

        Values are native, as :meth:`define_field` takes them:
        ``default_value`` is of the field's Python type (``Decimal("0.00")``,
        ``date``, ``["a"]``, ...; the key is absent when there is no
        default) and ``min``/``max`` are int, Decimal, date or aware UTC
        datetime."""
        c_name = _native.to_c_string(name, "field name")
        cdll = _native.lib()
        result = self._read_json(lambda out, handle: cdll.crm_field_describe(out, handle, c_name))
        return _native_field(dict(result))

    def fields(self, include_archived: bool = False) -> List[Dict[str, Any]]:
        """All fields, standard first then user-defined by id, each as
        :meth:`describe_field` gives it."""
        flags = _native.CRM_LIST_INCLUDE_ARCHIVED if include_archived else 0
        cdll = _native.lib()
        result = self._read_json(lambda out, handle: cdll.crm_field_list(out, handle, flags))
        return [_native_field(dict(item)) for item in result]
