"""Generates the Python binding's declarations from libcrm's contract.

    bindings/python/crm/_declarations.py   from include/crm/crm.h
        every #define constant and enumerator (status codes included) with
        its value; named enums as enum.IntEnum classes; the opaque handle
        types (a distinct ctypes pointer type each); the option structs,
        members in order, and a function per _INIT macro returning the struct
        set to its defaults; PROTOTYPES: every CRM_API function with its
        ctypes result type and named parameter types.
    bindings/python/crm/_wire_fields.py    from include/crm/crm.proto
        the field number and wire type of every field of every message.

A C type is mapped through CTYPES below, or as a handle or option struct
that crm.h typedefs; any other type, or an _INIT item that is not a number,
a constant of crm.h, NULL or the struct's sizeof, raises HeaderError naming
the declaration: the generator refuses what it cannot map rather than guess.
"""
import keyword
import re
import textwrap
from typing import Dict, List, Set, Tuple

import crm_header
from crm_header import HeaderError
from generate import notice

DECLARATIONS = "bindings/python/crm/_declarations.py"
WIRE_FIELDS = "bindings/python/crm/_wire_fields.py"

# C type (spelled as crm_header normalizes it) -> ctypes type. The one table:
# crm.h's handles and option structs are added to it from their typedefs.
CTYPES = {
    "int": "c_int",
    "int32_t": "c_int32",
    "int64_t": "c_int64",
    "uint32_t": "c_uint32",
    "size_t": "c_size_t",
    "int*": "POINTER(c_int)",
    "int64_t*": "POINTER(c_int64)",
    "const int64_t*": "POINTER(c_int64)",  # an array of integers in
    "size_t*": "POINTER(c_size_t)",
    # Text passed in, or returned borrowed (valid until a documented event):
    # ctypes converts it to bytes.
    "const char*": "c_char_p",
    "const char**": "POINTER(c_char_p)",  # borrowed text out
    "const char*const*": "POINTER(c_char_p)",  # an array of texts in
    # Text libcrm allocates and the caller frees with crm_string_free():
    # OwnedString keeps the address (ctypes never converts it to bytes).
    "char*": "OwnedString",
    "char**": "POINTER(OwnedString)",
    "const void*": "c_void_p",  # bytes in
    "void*": "c_void_p",  # a host's context, passed back to its callback
    "const void**": "POINTER(c_void_p)",  # borrowed bytes out
}
RESULT_ONLY = {"void": "None"}

_WIRE_TYPES = {
    "VARINT": {"int32", "int64", "uint32", "uint64", "sint32", "sint64",
               "bool"},
    "I64": {"fixed64", "sfixed64", "double"},
    "LEN": {"string", "bytes"},
    "I32": {"fixed32", "sfixed32", "float"},
}


def camel(c_name: str) -> str:
    """crm_batch_report -> BatchReport."""
    return "".join(part.capitalize() for part in c_name[4:].split("_"))


def upper_snake(proto_name: str) -> str:
    """RowSet -> ROW_SET, next_cursor -> NEXT_CURSOR."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", proto_name).upper()


def _comment_lines(text: str) -> List[str]:
    """A comment of crm.h as #: lines (empty for none)."""
    return [f"#: {line}" for line in textwrap.wrap(" ".join(text.split()), 76)]


class _Types:
    """The C type -> ctypes mapping for one crm.h."""

    def __init__(self, header: crm_header.Header) -> None:
        self.table = dict(CTYPES)
        self.handles: List[Tuple[str, str]] = []  # (C struct, pointer type)
        self.options: List[crm_header.Struct] = []
        self.callbacks: List[Tuple[crm_header.Callback, str]] = []
        for callback in header.callbacks:
            self.callbacks.append((callback, camel(callback.name)))
            self.table[callback.name] = camel(callback.name)
        for struct in header.structs:
            if not struct.name.startswith("crm_"):
                raise HeaderError(f"struct {struct.name} lacks the crm_ prefix")
            if struct.opaque:
                pointer = camel(struct.name) + "Ptr"
                self.handles.append((struct.name, pointer))
                self.table[f"{struct.name}*"] = pointer
                self.table[f"const {struct.name}*"] = pointer
                self.table[f"{struct.name}**"] = f"POINTER({pointer})"
            else:
                self.options.append(struct)
                self.table[f"{struct.name}*"] = f"POINTER({camel(struct.name)})"
                self.table[f"const {struct.name}*"] = (
                    f"POINTER({camel(struct.name)})")
        for enum in header.enums:
            if enum.name:  # a typedef'd enum is an int across the ABI
                self.table[enum.name] = "c_int"

    def ctype(self, c_type: str, where: str, result: bool = False) -> str:
        if result and c_type in RESULT_ONLY:
            return RESULT_ONLY[c_type]
        if c_type not in self.table:
            raise HeaderError(
                f"{where} has the C type '{c_type}', which codegen/gen_python.py "
                f"has no ctypes mapping for: add it to CTYPES there")
        return self.table[c_type]


def _constants(header: crm_header.Header) -> List[str]:
    lines = ["# -- Constants (#define) " + "-" * 52]
    for name, text in header.defines.items():
        value = header.value(text)
        shown = f'"{value}"' if isinstance(value, str) else str(value)
        note = "" if text == shown else f"  # {text}"
        lines.append(f"{name} = {shown}{note}")
    lines += ["", "", "# -- Enumerators " + "-" * 59]
    for enum in header.enums:
        lines.append("")
        if enum.name:
            lines.append(f"# {enum.name}")
        for item in enum.items:
            lines += _comment_lines(item.doc)
            lines.append(f"{item.name} = {item.value}")
    for enum in header.enums:
        if not enum.name:
            continue
        prefix = _common_prefix([item.name for item in enum.items])
        lines += ["", "", f"class {camel(enum.name)}(enum.IntEnum):",
                  f'    """``{enum.name}`` of crm.h."""', ""]
        for item in enum.items:
            member = item.name[len(prefix):]
            if not member.isidentifier() or keyword.iskeyword(member):
                raise HeaderError(
                    f"enumerator {item.name} of {enum.name} makes no "
                    f"Python name without the prefix {prefix}")
            lines.append(f"    {member} = {item.name}")
    return lines


def _common_prefix(names: List[str]) -> str:
    """The longest prefix ending with '_' that every name has."""
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[:prefix.rfind("_") + 1]


def _pointer(ctype: str) -> bool:
    return ctype.startswith("POINTER(") or ctype.endswith("Fn") or ctype in (
        "c_char_p", "c_void_p", "OwnedString")


def _structs(header: crm_header.Header, types: _Types) -> List[str]:
    lines = ["# -- Opaque handles: a distinct pointer type each, so that ctypes "
             "refuses", "# a record where a workspace is expected.", ""]
    for c_name, _ in types.handles:
        lines += [f"class {c_name}(Structure):",
                  f'    """Opaque ``{c_name}`` of crm.h."""', "", ""]
    lines += [f"{pointer} = POINTER({c_name})" for c_name, pointer
              in types.handles]
    for callback, cls in types.callbacks:
        where = f"callback {callback.name}"
        params = [types.ctype(param.type, f"{where}({param.name})")
                  for param in callback.params]
        lines += ["", ""] + _comment_lines(callback.doc)
        lines.append(f"{cls} = CFUNCTYPE("
                     f"{', '.join([types.ctype(callback.returns, where)] + params)})")
    initializers = {struct: (macro, items) for macro, (struct, items)
                    in header.initializers.items()}
    for struct in types.options:
        cls = camel(struct.name)
        lines += ["", "", f"class {cls}(CheckedStructure):",
                  f'    """``{struct.name}`` (integer members range-checked '
                  f'when set)."""', "",
                  f'    _c_name_ = "{struct.name}"',
                  "    _fields_ = ["]
        member_types = {}
        for member in struct.members:
            ctype = types.ctype(member.type, f"{struct.name}.{member.name}")
            member_types[member.name] = ctype
            lines.append(f'        ("{member.name}", {ctype}),')
        lines.append("    ]")
        if struct.name not in initializers:
            continue
        macro, items = initializers[struct.name]
        lines += _defaults(header, struct, cls, macro, items, member_types)
    for struct_name in initializers:
        if struct_name not in [struct.name for struct in types.options]:
            raise HeaderError(f"an _INIT macro initializes {struct_name}, "
                              f"which is not an option struct of crm.h")
    return lines


def _defaults(header: crm_header.Header, struct: crm_header.Struct, cls: str,
              macro: str, items: List[str],
              member_types: Dict[str, str]) -> List[str]:
    if len(items) > len(struct.members):
        raise HeaderError(f"{macro} has more items than {struct.name} has "
                          f"members")
    lines = ["", "", f"def {struct.name[4:]}() -> {cls}:",
             f'    """A ``{struct.name}`` set as ``{macro}``."""',
             f"    return {cls}("]
    for member, item in zip(struct.members, items):
        ctype = member_types[member.name]
        where = f"{macro}: {struct.name}.{member.name} = {item}"
        if item == f"sizeof({struct.name})":
            if ctype not in ("c_uint32", "c_size_t"):
                raise HeaderError(f"{where}: a size in a {ctype}")
            value, note = f"ctypes.sizeof({cls})", ""
        elif item == "NULL":
            if not _pointer(ctype):
                raise HeaderError(f"{where}: NULL for a {ctype}")
            value, note = "None", ""
        else:
            number = header.value(item)
            if _pointer(ctype) or not isinstance(number, int):
                raise HeaderError(f"{where}: cannot set a {ctype} to {item}")
            value, note = str(number), ("" if item == str(number)
                                        else f"  # {item}")
        lines.append(f"        {member.name}={value},{note}")
    lines.append("    )")
    return lines


def _prototypes(header: crm_header.Header, types: _Types) -> List[str]:
    lines = ["# -- Functions " + "-" * 61,
             "",
             "#: name: (result type, [(parameter name, type), ...]) of every "
             "function of",
             "#: crm.h, in its order.",
             "PROTOTYPES: Dict[str, Tuple[Any, List[Tuple[str, Any]]]] = {"]
    for function in header.functions:
        where = f"{function.name}()"
        restype = types.ctype(function.returns, f"the result of {where}",
                              result=True)
        params = []
        for param in function.params:
            params.append(f'("{param.name}", '
                          f'{types.ctype(param.type, f"{where} {param.name}")})')
        c_params = ", ".join(f"{p.type} {p.name}" for p in function.params)
        lines.append(f"    # {function.returns} {function.name}"
                     f"({c_params or 'void'})")
        lines.append(f'    "{function.name}": ({restype}, '
                     f'[{", ".join(params)}]),')
    lines.append("}")
    return lines


def declarations(header: crm_header.Header) -> str:
    types = _Types(header)
    body = (_constants(header) + ["", ""] + _structs(header, types)
            + ["", ""] + _prototypes(header, types))
    text = "\n".join(body)
    used = sorted(set(re.findall(r"\bc_\w+\b|\bPOINTER\b|\bStructure\b|\bCFUNCTYPE\b",
                                 text)))
    uses: Set[str] = set(re.findall(r"\b(enum|ctypes)\.", text))
    head = [
        notice("#").rstrip("\n"),
        '"""ctypes declarations of libcrm\'s C ABI, generated from crm/crm.h by',
        "codegen/gen_python.py: its constants and enumerators, opaque handle "
        "types,",
        "option structs with their _INIT defaults, and PROTOTYPES, every "
        "function with",
        "its result and named parameter types. crm/_native.py declares the "
        "loaded",
        'library\'s functions from PROTOTYPES."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    head += [f"import {module}" for module in sorted(uses)]
    head += [f"from ctypes import {', '.join(used)}",
             "from typing import Any, Dict, List, Tuple", "",
             "from ._integers import CheckedStructure", "", "",
             "class OwnedString(c_void_p):",
             '    """A ``char*`` that libcrm allocated: the caller reads it '
             "(ctypes.string_at",
             '    of ``.value``) and frees it with ``crm_string_free``."""',
             "", ""]
    text = "\n".join(head + body) + "\n"
    defined = re.findall(r"^(?:class |def )?(\w+)\b(?: =|\(|:)", text, re.M)
    twice = sorted({name for name in defined if defined.count(name) > 1})
    if twice:
        raise HeaderError(f"crm.h makes two Python names {', '.join(twice)}")
    # What `from ._declarations import *` takes: the declarations, not the
    # modules and names this file imports.
    names = "".join(f'    "{name}",\n' for name in defined)
    marker = "\n\nclass OwnedString("
    return text.replace(marker, f"\n__all__ = [\n{names}]\n{marker}", 1)


def wire_fields(proto) -> str:
    lines = [
        notice("#").rstrip("\n"),
        '"""Field numbers and wire types of crm/crm.proto (package '
        f'{proto.package}),',
        "generated by codegen/gen_python.py: MESSAGE_FIELD is a field's "
        "number and",
        "MESSAGE_FIELD_WIRE the wire type of one of its values (repeated "
        "numbers are",
        'written packed, as one LEN field)."""',
        "",
        "VARINT = 0",
        "I64 = 1",
        "LEN = 2",
        "I32 = 5",
    ]
    names: Set[str] = set()

    def define(name: str, value: str) -> None:
        if name in names:
            raise HeaderError(f"crm.proto: two constants named {name}")
        names.add(name)
        lines.append(f"{name} = {value}")

    for enum_name, values in proto.enums.items():
        lines += ["", f"# enum {enum_name}"]
        for value_name, number in values.items():
            define(f"{upper_snake(enum_name)}_{value_name}", str(number))
    for message in proto.messages.values():
        lines += ["", f"# message {message.name}"]
        for field in message.fields:
            if field.type in proto.messages:
                wire = "LEN"
            elif field.type in proto.enums:
                wire = "VARINT"
            else:
                wire = next((wire for wire, scalars in _WIRE_TYPES.items()
                             if field.type in scalars), "")
                if not wire:
                    raise HeaderError(f"crm.proto: {message.name}.{field.name} "
                                      f"has the type {field.type}, which "
                                      f"gen_python.py has no wire type for")
            name = f"{upper_snake(message.name)}_{upper_snake(field.name)}"
            declared = " ".join(filter(None, [field.label, field.type,
                                              field.name]))
            if field.oneof:
                declared += f" (oneof {field.oneof})"
            lines.append(f"#: {declared}")
            define(name, str(field.number))
            define(f"{name}_WIRE", wire)
    return "\n".join(lines) + "\n"


def outputs(header, proto) -> Dict[str, str]:
    return {DECLARATIONS: declarations(header), WIRE_FIELDS: wire_fields(proto)}
