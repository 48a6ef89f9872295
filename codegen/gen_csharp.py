"""The C# binding's declarations, generated from crm.h and crm.proto.

Writes, under bindings/csharp/Crm/:

  Constants.g.cs  every enumerator and #define constant of crm.h as a const
                  of Native under its C name; the status codes as the public
                  enum StatusCode; each named C enum (crm_value_kind) as a C#
                  enum (ValueKind)
  Handles.g.cs    a SafeHandle per opaque crm.h type (crm_db -> DbHandle, ...)
                  and for the strings libcrm hands out through char**
                  (StringHandle), each released with its crm.h free function
  Native.g.cs     the option structs (layout as declared, Init() with the
                  values of their _INIT initializer) and a [LibraryImport]
                  declaration of every crm.h function with its exact types
  Wire.g.cs       the field numbers of every crm.proto message (Wire.Value.Text
                  is 1, ...), for the hand-written encoders and decoders

One table maps C types to C# types (PARAM_TYPES, RETURN_TYPES, MEMBER_TYPES);
what it does not hold, and what the rules below do not derive from crm.h's
own declarations, raises MappingError naming the declaration: a new kind of
parameter needs a decision here, never a guess.

Rules that follow from crm.h's conventions (see its opening comment):
  crm_x** out          out XHandle: the caller owns it (SafeHandle releases it
                       with crm_x_free, or crm_close for crm_db)
  crm_x* / const crm_x*  XHandle, except as the only parameter of crm_x's free
                       function (nint: what SafeHandle.ReleaseHandle passes)
  crm_x* returned      nint: borrowed from another object (wrap it with
                       XHandle.Borrow, which keeps the owner alive)
  char** out           out StringHandle: owned, freed with crm_string_free
  const char** out     out nint: borrowed (read with Native.Text)
  const char* in       string? marshalled as UTF-8 (C may take NULL; libcrm
                       checks, the hand-written layer checks first)
  crm_x_options*       X* (a pointer to the generated struct; NULL allowed)
"""
import re
from typing import Dict, List, Optional, Tuple

import crm_header
from generate import notice

OUT = "bindings/csharp/Crm/"


class MappingError(crm_header.HeaderError):
    """crm.h or crm.proto declares something this generator cannot map
    (generate.py reports it and writes nothing, as for the parsers' own
    errors)."""


# ---------------------------------------------------------------------------
# The mapping table: C type as crm_header normalizes it -> C# type.
# ---------------------------------------------------------------------------

PARAM_TYPES = {
    "int": "int",
    "int32_t": "int",
    "uint32_t": "uint",
    "int64_t": "long",
    "size_t": "nuint",
    "const char*": "string?",  # UTF-8 text in
    "const char*const*": "string?[]?",  # an array of UTF-8 texts in
    "const void*": "void*",  # bytes in (with their size)
    "const int64_t*": "long[]",  # an array of integers in (with its size)
    "int*": "out int",  # out-parameters (crm.h: out-parameters come first)
    "int32_t*": "out int",
    "uint32_t*": "out uint",
    "int64_t*": "out long",
    "size_t*": "out nuint",
    "char**": "out StringHandle",  # owned: crm_string_free
    "const char**": "out nint",  # borrowed text
    "const void**": "out nint",  # borrowed bytes
}

RETURN_TYPES = {
    "void": "void",
    "int": "int",
    "int32_t": "int",
    "uint32_t": "uint",
    "int64_t": "long",
    "size_t": "nuint",
    "const char*": "nint",  # borrowed text (static storage or an object's)
}

# Members of option structs: the caller keeps what pointers point to alive
# for the duration of the call.
MEMBER_TYPES = {
    "int": "int",
    "int32_t": "int",
    "uint32_t": "uint",
    "int64_t": "long",
    "size_t": "nuint",
    "const char*": "byte*",
    "const char*const*": "byte**",
    "void*": "nint",  # a host's context, passed back to its callback
}

# C constants that #define values may use.
C_LIMITS = {
    "INT32_MIN": ("int", "int.MinValue"),
    "INT32_MAX": ("int", "int.MaxValue"),
    "UINT32_MAX": ("uint", "uint.MaxValue"),
    "INT64_MIN": ("long", "long.MinValue"),
    "INT64_MAX": ("long", "long.MaxValue"),
}

# Anonymous C enums that are C# enum types too, found by their first
# enumerator: (C# name, visibility, prefixes stripped from member names,
# member names that are not the mechanical ones, summary). Every enumerator
# is a const of Native anyway; named C enums (typedef enum crm_x) are always
# C# enums (X, internal).
ENUM_TYPES = {
    "CRM_OK": (
        "StatusCode", "public", ("CRM_E_", "CRM_"),
        # The names the binding's public API had before it was generated.
        {"CRM_E_IO": "IO", "CRM_E_NOMEM": "NoMemory"},
        "The status codes of libcrm (CRM_OK and CRM_E_* in crm/crm.h)."),
}

# The functions that free what crm.h hands out, where they are not named
# crm_x_free after the type (crm.h: "the matching crm_*_free()").
RELEASES = {"crm_db": "crm_close", "char": "crm_string_free"}

CSHARP_KEYWORDS = set("""
abstract as base bool break byte case catch char checked class const continue
decimal default delegate do double else enum event explicit extern false
finally fixed float for foreach goto if implicit in int interface internal is
lock long namespace new null object operator out override params private
protected public readonly ref return sbyte sealed short sizeof stackalloc
static string struct switch this throw true try typeof uint ulong unchecked
unsafe ushort using virtual void volatile while
""".split())


# ---------------------------------------------------------------------------
# Names and text
# ---------------------------------------------------------------------------

def pascal(snake: str) -> str:
    """crm_field_timeline -> FieldTimeline (without the crm_ prefix)."""
    if snake.lower().startswith("crm_"):
        snake = snake[4:]
    return "".join(part[:1].upper() + part[1:].lower()
                   for part in snake.split("_") if part)


def camel(snake: str) -> str:
    name = pascal(snake)
    name = name[:1].lower() + name[1:]
    return "@" + name if name in CSHARP_KEYWORDS else name


def xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def summary(lines: List[str], indent: str) -> str:
    """A /// <summary> of the given lines (already XML-escaped)."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) == 1:
        return f"{indent}/// <summary>{lines[0]}</summary>\n"
    body = "".join(f"{indent}/// {line}".rstrip() + "\n" for line in lines)
    return f"{indent}/// <summary>\n{body}{indent}/// </summary>\n"


def doc_lines(doc: str) -> List[str]:
    return [xml(line.strip()) for line in doc.splitlines()] if doc else []


def one_line(doc: str) -> str:
    return xml(re.sub(r"\s+", " ", doc).strip())


# ---------------------------------------------------------------------------
# What crm.h declares, indexed for the rules
# ---------------------------------------------------------------------------

class Contract:
    def __init__(self, header: crm_header.Header):
        self.header = header
        self.opaque = {s.name: s for s in header.structs if s.opaque}
        self.options = {s.name: s for s in header.structs if not s.opaque}
        self.named_enums = {e.name: e for e in header.enums if e.name}
        # Member types: the table, and each callback of crm.h as an
        # unmanaged function pointer (the binding passes an
        # [UnmanagedCallersOnly] method's address).
        self.member_types: Dict[str, str] = dict(MEMBER_TYPES)
        for callback in header.callbacks:
            types = []
            for param in callback.params + [crm_header.Param(
                    callback.returns, "")]:
                if param.type not in MEMBER_TYPES:
                    raise MappingError(
                        f"callback {callback.name} has the C type "
                        f"'{param.type}', which codegen/gen_csharp.py does "
                        f"not map; add it to MEMBER_TYPES")
                types.append(MEMBER_TYPES[param.type])
            self.member_types[callback.name] = (
                f"delegate* unmanaged<{', '.join(types)}>")
        # The type of each constant of Native, by C name.
        self.constants: Dict[str, str] = {}
        for item in header.enumerators():
            self.constants[item.name] = "int"
        self.releases = self._release_functions()

    def handle(self, c_type: str) -> str:
        """crm_rows -> RowsHandle; char -> StringHandle."""
        return ("StringHandle" if c_type == "char"
                else pascal(c_type) + "Handle")

    def _release_functions(self) -> Dict[str, Optional[crm_header.Function]]:
        """For each owned pointer type (the opaque structs, and char for the
        strings handed out through char**): its free function (crm_x_free,
        or the one RELEASES names), or None for a type the caller never
        owns."""
        owned = {p.type[:-2] for f in self.header.functions
                 for p in f.params if p.type.endswith("**")}
        functions = {f.name: f for f in self.header.functions}
        releases: Dict[str, Optional[crm_header.Function]] = {}
        for name in list(self.opaque) + ["char"]:
            release = functions.get(RELEASES.get(name, name + "_free"))
            if release and (release.returns != "void" or
                            [p.type for p in release.params] != [name + "*"]):
                raise MappingError(f"{release.name} does not free a {name}: "
                                   f"it is not void {release.name}({name}*)")
            if not release and name in owned:
                raise MappingError(
                    f"crm.h hands out {name}** but has no function that frees "
                    f"it ({RELEASES.get(name, name + '_free')})")
            if release or name != "char":
                releases[name] = release
        return releases

    def is_release(self, function: crm_header.Function) -> bool:
        return any(f is function for f in self.releases.values())


def strip_const(c_type: str) -> str:
    return c_type[6:] if c_type.startswith("const ") else c_type


def param_type(contract: Contract, function, param) -> str:
    c_type = param.type
    if c_type in PARAM_TYPES:
        return PARAM_TYPES[c_type]
    base = strip_const(c_type)
    if base.endswith("**") and base[:-2] in contract.opaque \
            and not c_type.startswith("const"):
        return "out " + contract.handle(base[:-2])
    if base.endswith("*") and not base.endswith("**"):
        target = base[:-1]
        if target in contract.opaque or target == "char":
            if contract.is_release(function):
                return "nint"
            if target in contract.opaque:
                return contract.handle(target)
        if target in contract.options:
            return pascal(target) + "*"
    if c_type in contract.named_enums:
        return pascal(c_type)
    raise MappingError(
        f"{function.name}: parameter '{c_type} {param.name}' has a C type "
        f"codegen/gen_csharp.py does not map; add it to PARAM_TYPES")


def return_type(contract: Contract, function) -> str:
    c_type = function.returns
    if c_type in RETURN_TYPES:
        return RETURN_TYPES[c_type]
    if c_type.endswith("*") and strip_const(c_type)[:-1] in contract.opaque:
        return "nint"  # borrowed: owned objects come through crm_x** out
    if (c_type.startswith("const ") and c_type.endswith("*")
            and strip_const(c_type)[:-1] in contract.options):
        return pascal(strip_const(c_type)[:-1]) + "*"  # borrowed (crm_error)
    if c_type in contract.named_enums:
        return pascal(c_type)
    raise MappingError(
        f"{function.name} returns '{c_type}', a C type "
        f"codegen/gen_csharp.py does not map; add it to RETURN_TYPES")


# ---------------------------------------------------------------------------
# Constants.g.cs
# ---------------------------------------------------------------------------

def define_value(contract: Contract, name: str, value: str) -> Tuple[str, str]:
    """(C# type, C# expression) of a #define, or MappingError."""
    text = value.strip()
    if re.fullmatch(r'"[^"\\]*"', text):
        return "string", text
    if text in C_LIMITS:
        return C_LIMITS[text]
    tokens = re.findall(r"\s*(0x[0-9A-Fa-f]+|\d+|\w+|[-+*/()])", text)
    if "".join(tokens).replace(" ", "") != re.sub(r"\s+", "", text):
        raise MappingError(f"#define {name} {value}: not a constant "
                           f"codegen/gen_csharp.py can read")
    types = set()
    for token in tokens:
        if re.fullmatch(r"0x[0-9A-Fa-f]+|\d+", token):
            types.add("int" if int(token, 0) <= 2**31 - 1 else "long")
        elif re.fullmatch(r"\w+", token):
            if contract.constants.get(token) not in ("int", "long"):
                raise MappingError(f"#define {name} uses {token}, which is "
                                   f"not an integer constant of crm.h")
            types.add(contract.constants[token])
    if not types:
        raise MappingError(f"#define {name} {value}: no value")
    return ("long" if "long" in types else "int"), text


def enum_spec(enum: crm_header.Enum):
    if enum.name:
        items = [item.name for item in enum.items]
        prefix = items[0]
        for item in items[1:]:
            while not item.startswith(prefix):
                prefix = prefix[:-1]
        prefix = prefix[:prefix.rfind("_") + 1]
        return (pascal(enum.name), "internal", (prefix,), {},
                f"{enum.name} in crm/crm.h.")
    return ENUM_TYPES.get(enum.items[0].name) if enum.items else None


def member_name(spec, c_name: str) -> str:
    _, _, prefixes, names, _ = spec
    if c_name in names:
        return names[c_name]
    for prefix in prefixes:
        if c_name.startswith(prefix) and len(c_name) > len(prefix):
            return pascal(c_name[len(prefix):])
    raise MappingError(f"{c_name} does not start with {prefixes[0]}")


def constants_file(contract: Contract) -> str:
    header = contract.header
    out = [notice("//"), "namespace Crm;\n\n"]
    out.append("internal static partial class Native\n{\n")
    for enum in header.enums:
        if enum.name:
            out.append(f"    // enum {enum.name}\n")
        elif enum.items:
            names = [enum.items[0].name, enum.items[-1].name][:len(enum.items)]
            out.append(f"    // enum {{ {' ... '.join(names)} }}\n")
        for item in enum.items:
            if not -2**31 <= item.value <= 2**31 - 1:
                raise MappingError(f"{item.name} = {item.value} is not an int")
            if item.doc:
                out.append(summary(doc_lines(item.doc), "    "))
            out.append(f"    internal const int {item.name} = {item.value};\n")
        out.append("\n")
    out.append("    // #define\n")
    for name, value in header.defines.items():
        cs_type, expression = define_value(contract, name, value)
        contract.constants[name] = cs_type
        out.append(f"    internal const {cs_type} {name} = {expression};\n")
    out.append("}\n")

    for enum in header.enums:
        spec = enum_spec(enum)
        if spec is None:
            continue
        cs_name, visibility, _, _, type_doc = spec
        out.append("\n" + summary([xml(type_doc)], ""))
        out.append(f"{visibility} enum {cs_name}\n{{\n")
        seen = set()
        for item in enum.items:
            name = member_name(spec, item.name)
            if name in seen:
                raise MappingError(f"{item.name} gives {cs_name}.{name} twice")
            seen.add(name)
            text = item.name + (": " + one_line(item.doc) if item.doc else "")
            out.append(summary([text.rstrip(".") + "."], "    "))
            out.append(f"    {name} = {item.value},\n")
        out.append("}\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# Handles.g.cs
# ---------------------------------------------------------------------------

def borrow_code(name: str, c_type: str) -> str:
    owner = '<paramref name="owner"/>'
    return (summary([f"Wraps a {c_type} borrowed from {owner}'s object; the "
                     f"owner stays alive until this handle is released."],
                    "    ")
            + f"    internal static {name} Borrow(nint pointer, "
              f"SafeHandle owner)\n"
              f"    {{\n"
              f"        var handle = new {name}();\n"
              f"        handle.BorrowFrom(pointer, owner, \"{c_type}\");\n"
              f"        return handle;\n"
              f"    }}\n\n")


def handles_file(contract: Contract) -> str:
    out = [notice("//"), "using System.Runtime.InteropServices;\n\n",
           "namespace Crm;\n"]
    for c_type, release in contract.releases.items():
        name = contract.handle(c_type)
        if c_type == "char":
            lines = ["A string libcrm handed out through a char** "
                     "out-parameter,", f"owned: released with {release.name}."]
        else:
            doc = contract.opaque[c_type].doc
            lines = [c_type + (": " + one_line(doc) if doc else "."),
                     f"Owned (released with {release.name}) or borrowed from "
                     f"another object." if release else
                     "Always borrowed from another object."]
        out.append("\n" + summary(lines, ""))
        out.append(f"internal sealed partial class {name} : CrmHandle\n{{\n")
        if c_type != "char":
            out.append(borrow_code(name, c_type))
        if release:
            out.append(f"    protected override void Free(nint pointer) => "
                       f"Native.{release.name}(pointer);\n")
        else:
            out.append("    protected override void Free(nint pointer) =>\n"
                       "        throw new System.InvalidOperationException("
                       f"\"libcrm has no function that frees a {c_type}.\");\n")
        if c_type == "char":
            out.append("\n" + summary(["The text, decoded from UTF-8; \"\" "
                                       "for NULL."], "    "))
            out.append("    internal string Text() => Native.Text(handle);\n")
        out.append("}\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# Native.g.cs
# ---------------------------------------------------------------------------

def init_value(contract: Contract, struct_name: str, member, item: str) -> str:
    cs_type = contract.member_types[member.type]
    sizeof = re.fullmatch(r"sizeof\((\w+)\)", item)
    if sizeof:
        if sizeof.group(1) not in contract.options:
            raise MappingError(f"{struct_name}'s initializer takes the size "
                               f"of {sizeof.group(1)}, not an option struct")
        return f"({cs_type})sizeof({pascal(sizeof.group(1))})"
    if item == "NULL":
        if cs_type == "nint":
            return "0"
        if not cs_type.endswith("*") and not cs_type.startswith("delegate*"):
            raise MappingError(f"{struct_name}.{member.name} is not a "
                               f"pointer but its initializer is NULL")
        return "null"
    if re.fullmatch(r"-?(?:0x[0-9A-Fa-f]+|\d+)", item):
        return item
    if item in contract.constants:
        return item
    raise MappingError(f"{struct_name}'s initializer holds '{item}', which "
                       f"codegen/gen_csharp.py cannot read")


def struct_code(contract: Contract, struct: crm_header.Struct) -> str:
    name = pascal(struct.name)
    lines = [f"{struct.name}, as crm.h declares it."]
    if struct.doc:
        lines += doc_lines(struct.doc)
    out = [summary(lines, "    "),
           "    [StructLayout(LayoutKind.Sequential)]\n",
           f"    internal struct {name}\n    {{\n"]
    for member in struct.members:
        if member.type not in contract.member_types:
            raise MappingError(
                f"{struct.name}.{member.name} has the C type '{member.type}', "
                f"which codegen/gen_csharp.py does not map; add it to "
                f"MEMBER_TYPES")
        out.append(f"        public {contract.member_types[member.type]} "
                   f"{pascal(member.name)}; // {member.type} {member.name}\n")
    inits = [(macro, items) for macro, (target, items)
             in contract.header.initializers.items() if target == struct.name]
    for macro, items in inits:
        if len(items) != len(struct.members):
            raise MappingError(f"{macro} has {len(items)} values for the "
                               f"{len(struct.members)} members of "
                               f"{struct.name}")
        out.append("\n" + summary(
            [f"{macro}: {{ {xml(', '.join(items))} }}."], "        "))
        out.append(f"        public static {name} Init() => new()\n"
                   f"        {{\n")
        for member, item in zip(struct.members, items):
            out.append(f"            {pascal(member.name)} = "
                       f"{init_value(contract, struct.name, member, item)},\n")
        out.append("        };\n")
    if len(inits) > 1:
        raise MappingError(f"{struct.name} has more than one initializer")
    out.append("    }\n")
    return "".join(out)


def function_code(contract: Contract, function) -> str:
    params = []
    for param in function.params:
        params.append(f"{param_type(contract, function, param)} "
                      f"{camel(param.name)}")
    c_params = ", ".join(f"{p.type} {p.name}" for p in function.params)
    lines = [f"<c>{xml(function.returns)} {function.name}"
             f"({xml(c_params or 'void')})</c>"]
    lines += doc_lines(function.doc)
    return (summary(lines, "    ")
            + "    [LibraryImport(Library, StringMarshalling = "
              "StringMarshalling.Utf8)]\n"
            + f"    internal static partial {return_type(contract, function)} "
              f"{function.name}({', '.join(params)});\n")


def native_file(contract: Contract) -> str:
    out = [notice("//"), "using System.Runtime.InteropServices;\n\n",
           "namespace Crm;\n\n",
           "// Every function of crm/crm.h with its exact types, and its option\n"
           "// structs. Native.cs holds what is written by hand: the library's\n"
           "// name, the resolver registration and Text().\n",
           "internal static unsafe partial class Native\n{\n"]
    for struct in contract.options.values():
        out.append(struct_code(contract, struct) + "\n")
    out.append("\n".join(function_code(contract, f)
                         for f in contract.header.functions))
    out.append("}\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# Wire.g.cs
# ---------------------------------------------------------------------------

def wire_file(proto) -> str:
    out = [notice("//"), "namespace Crm;\n\n",
           summary([f"The field numbers of the {proto.package} messages "
                    f"(include/crm/crm.proto), for the",
                    "binding's encoders and decoders: Wire.Value.Text is the "
                    "number of Value's text field."], ""),
           "internal static class Wire\n{\n"]
    blocks = []
    for message in proto.messages.values():
        block = [summary([f"{proto.package}.{message.name}."], "    "),
                 f"    internal static class {message.name}\n    {{\n"]
        seen = set()
        for field in message.fields:
            name = pascal(field.name)
            if name == message.name or name in seen:
                raise MappingError(f"{message.name}.{field.name} gives the C# "
                                   f"name {message.name}.{name}, which is taken")
            seen.add(name)
            label = f"{field.label} " if field.label else ""
            oneof = f" (oneof {field.oneof})" if field.oneof else ""
            block.append(summary([f"{label}{field.type} {field.name} = "
                                  f"{field.number}{oneof}."], "        "))
            block.append(f"        internal const int {name} = "
                         f"{field.number};\n")
        block.append("    }\n")
        blocks.append("".join(block))
    for enum_name, values in proto.enums.items():
        block = [summary([f"{proto.package}.{enum_name} (an enum)."], "    "),
                 f"    internal static class {enum_name}\n    {{\n"]
        for value_name, number in values.items():
            block.append(f"        internal const int {value_name} = "
                         f"{number};\n")
        block.append("    }\n")
        blocks.append("".join(block))
    out.append("\n".join(blocks))
    out.append("}\n")
    return "".join(out)


def outputs(header, proto) -> Dict[str, str]:
    contract = Contract(header)
    constants = constants_file(contract)  # records the #define types first
    files = {
        "Constants.g.cs": constants,
        "Handles.g.cs": handles_file(contract),
        "Native.g.cs": native_file(contract),
        "Wire.g.cs": wire_file(proto),
    }
    # A .g.cs file is generated code, compiled without nullable annotations
    # unless it asks for them, as the hand-written files get them from
    # Crm.csproj.
    top = notice("//")
    return {OUT + name: text.replace(top, top + "#nullable enable\n", 1)
            for name, text in files.items()}
