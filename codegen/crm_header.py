"""The one parser of libcrm's public header, include/crm/crm.h.

The ABI baseline check (tests/reliability/abi/extract-api.py) and the
binding generators (codegen/generate.py) read crm.h through this module, so
they cannot disagree about what the header declares. It understands exactly
the C that crm.h uses (CRM_API prototypes, opaque and complete typedef'd
structs, typedef'd function pointers (callbacks), anonymous and named enums
with explicit values, #define constants and the option structs' _INIT initializers) and raises HeaderError on
anything else it meets at the top level, rather than guess.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union


class HeaderError(Exception):
    """crm.h holds a declaration this parser does not understand."""


@dataclass
class Param:
    type: str  # normalized C type, e.g. "const char*", "int64_t*"
    name: str


@dataclass
class Function:
    name: str
    returns: str
    params: List[Param]
    doc: str  # the comment just above, without the comment markers


@dataclass
class Struct:
    name: str
    members: List[Param]  # empty for an opaque type
    opaque: bool
    doc: str


@dataclass
class Callback:
    """typedef RETURNS (*NAME)(PARAMS): a function the host hands libcrm."""
    name: str
    returns: str
    params: List[Param]
    doc: str


@dataclass
class Enumerator:
    name: str
    value: int
    doc: str


@dataclass
class Enum:
    name: str  # "" for an anonymous enum
    items: List[Enumerator]


@dataclass
class Header:
    functions: List[Function] = field(default_factory=list)
    structs: List[Struct] = field(default_factory=list)
    callbacks: List[Callback] = field(default_factory=list)
    enums: List[Enum] = field(default_factory=list)
    # #define NAME VALUE for constants (numbers and strings), in order.
    defines: Dict[str, str] = field(default_factory=dict)
    # The comment of a #define: the one after it on its line, else the one
    # right before it.
    define_docs: Dict[str, str] = field(default_factory=dict)
    # CRM_X_OPTIONS_INIT -> (struct name, initializer items as written).
    initializers: Dict[str, Tuple[str, List[str]]] = field(
        default_factory=dict)

    def enumerators(self) -> List[Enumerator]:
        return [item for enum in self.enums for item in enum.items]

    def struct(self, name: str) -> Struct:
        for struct in self.structs:
            if struct.name == name:
                return struct
        raise HeaderError(f"no struct {name}")

    def value(self, text: str) -> Union[int, str]:
        """The value of a constant as crm.h writes it (a #define's value, an
        _INIT item): a decimal or hex integer, a string literal, the name of
        an enumerator or of a #define constant, INT64_MIN / INT64_MAX /
        INT32_MAX / UINT32_MAX..., or integers combined with + - * and
        parentheses. Raises HeaderError on anything else (sizeof, NULL, a
        cast, a name crm.h does not define) for the caller to map or refuse."""
        return _evaluate(self, text, ())

    def constants(self) -> Dict[str, Union[int, str]]:
        """Every #define constant of crm.h with its value, in order."""
        return {name: self.value(value)
                for name, value in self.defines.items()}


# The limits of <stdint.h> that crm.h may name in a constant.
_STDINT_LIMITS = {
    f"{prefix}{bits}_{end}": value
    for bits in (8, 16, 32, 64)
    for prefix, end, value in (
        ("INT", "MIN", -(1 << (bits - 1))),
        ("INT", "MAX", (1 << (bits - 1)) - 1),
        ("UINT", "MAX", (1 << bits) - 1),
    )
}


def _evaluate(header: Header, text: str,
              seen: Tuple[str, ...]) -> Union[int, str]:
    text = text.strip()
    string = re.fullmatch(r'"([^"\\]*)"', text)
    if string:
        return string.group(1)
    tokens = re.findall(r"0[xX][0-9a-fA-F]+|\d+|\w+|\S", text)
    position = 0

    def fail() -> HeaderError:
        return HeaderError(f"cannot read the constant '{text}'")

    def take() -> str:
        nonlocal position
        if position == len(tokens):
            raise fail()
        position += 1
        return tokens[position - 1]

    def peek() -> str:
        return tokens[position] if position < len(tokens) else ""

    # expression := term {(+|-) term}; term := unary {* unary};
    # unary := (+|-) unary | number | name | ( expression )
    def expression() -> int:
        value = term()
        while peek() in ("+", "-"):
            value = value + term() if take() == "+" else value - term()
        return value

    def term() -> int:
        value = unary()
        while peek() == "*":
            take()
            value *= unary()
        return value

    def unary() -> int:
        token = take()
        if token in ("+", "-"):
            return unary() if token == "+" else -unary()
        if token == "(":
            value = expression()
            if take() != ")":
                raise fail()
            return value
        if re.fullmatch(r"0[xX][0-9a-fA-F]+|\d+", token):
            return int(token, 0)
        if re.fullmatch(r"[A-Za-z_]\w*", token):
            return _name_value(header, token, seen, text)
        raise fail()

    value = expression()
    if position != len(tokens):
        raise fail()
    return value


def _name_value(header: Header, name: str, seen: Tuple[str, ...],
                text: str) -> int:
    if name in _STDINT_LIMITS:
        return _STDINT_LIMITS[name]
    for item in header.enumerators():
        if item.name == name:
            return item.value
    if name in header.defines and name not in seen:
        value = _evaluate(header, header.defines[name], seen + (name,))
        if isinstance(value, int):
            return value
    raise HeaderError(f"'{text}': {name} is not an integer constant of crm.h")


def normalize_type(text: str) -> str:
    """One spelling per C type: single spaces, '*' bound to the type."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*\*\s*", "*", text)
    return text


def _split_declarator(text: str) -> Param:
    text = re.sub(r"\s+", " ", text).strip()
    match = re.match(r"^(.*[\s*])(\w+)$", text)
    if not match:
        raise HeaderError(f"cannot read the declaration '{text}'")
    return Param(normalize_type(match.group(1)), match.group(2))


def _comment_text(comment: str) -> str:
    body = comment[2:-2]
    lines = [re.sub(r"^\s*\* ?", "", line) for line in body.splitlines()]
    return "\n".join(line.rstrip() for line in lines).strip()


# Top-level items, in the order they appear. Comments are kept: a comment
# right before a declaration is its documentation.
_TOKEN = re.compile(
    r"""
    (?P<comment>/\*.*?\*/)
  | (?P<define>^\#\s*define\s+(?P<dname>\w+)(?P<dvalue>(?:[^\n\\]|\\\n)*))
  | (?P<directive>^\#[^\n]*)
  | (?P<extern>extern\s+"C"\s*\{|^\}(?=\s*(?:/\*[^\n]*\*/)?\s*$))
  | (?P<function>\bCRM_API\b(?P<fbody>[^;]*);)
  | (?P<callback>typedef\s+(?P<cret>\w+[\s*]*?)\s*\(\s*\*\s*(?P<cname>\w+)\s*\)
        \s*\((?P<cparams>[^)]*)\)\s*;)
  | (?P<struct>typedef\s+struct\s+(?P<sname>\w+)\s*
        (?:\{(?P<sbody>[^}]*)\}\s*)?(?P<salias>\w+)\s*;)
  | (?P<enum>(?:typedef\s+)?enum\s*(?P<ename>\w*)\s*\{(?P<ebody>[^}]*)\}
        \s*(?P<ealias>\w*)\s*;)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.S | re.M | re.X,
)


def parse(source: str) -> Header:
    header = Header()
    doc = ""
    for token in _TOKEN.finditer(source):
        kind = token.lastgroup
        if kind is None:
            continue
        if token.group("comment"):
            doc = _comment_text(token.group("comment"))
            continue
        if token.group("space"):
            continue
        if token.group("define"):
            name = token.group("dname")
            value = re.sub(r"\\\n", " ", token.group("dvalue")).strip()
            trailing = re.search(r"/\*(?:(?!\*/).)*\*/\s*$", value)
            if trailing:
                doc = _comment_text(trailing.group(0))
                value = value[:trailing.start()].strip()
            if name.endswith("_INIT"):
                _initializer(header, name, value)
            elif value and name != "CRM_API":
                header.defines[name] = re.sub(r"\s+", " ", value)
                if doc:
                    header.define_docs[name] = doc
        elif token.group("function"):
            header.functions.append(_function(token.group("fbody"), doc))
        elif token.group("callback"):
            function = _function(
                f"{token.group('cret')} {token.group('cname')}"
                f"({token.group('cparams')})", doc)
            header.callbacks.append(Callback(function.name, function.returns,
                                             function.params, doc))
        elif token.group("struct"):
            header.structs.append(_struct(token, doc))
        elif token.group("enum"):
            header.enums.append(_enum(token))
        elif token.group("other"):
            line = source.count("\n", 0, token.start()) + 1
            raise HeaderError(
                f"crm.h line {line}: cannot read what starts with "
                f"{source[token.start():token.start() + 40]!r}")
        doc = ""
    return header


def parse_file(path: str) -> Header:
    with open(path, encoding="utf-8") as source:
        return parse(source.read())


def _function(body: str, doc: str) -> Function:
    body = re.sub(r"\s+", " ", body).strip()
    match = re.match(r"^(.*?[\s*])(\w+)\s*\((.*)\)$", body)
    if not match:
        raise HeaderError(f"cannot read the prototype '{body}'")
    params = []
    text = match.group(3).strip()
    if text and text != "void":
        params = [_split_declarator(part) for part in text.split(",")]
    return Function(match.group(2), normalize_type(match.group(1)), params,
                    doc)


def _struct(token, doc: str) -> Struct:
    name, alias = token.group("sname"), token.group("salias")
    if name != alias:
        raise HeaderError(f"struct {name} is typedef'd as {alias}")
    body = token.group("sbody")
    if body is None:
        return Struct(name, [], True, doc)
    body = re.sub(r"/\*.*?\*/", " ", body, flags=re.S)
    members = [_split_declarator(part) for part in body.split(";")
               if part.strip()]
    return Struct(name, members, False, doc)


def _enum(token) -> Enum:
    comments: List[str] = []

    def stash(match):
        comments.append(_comment_text(match.group(0)))
        return f"@{len(comments) - 1}@"

    body = re.sub(r"/\*.*?\*/", stash, token.group("ebody"), flags=re.S)
    items: List[Enumerator] = []
    for chunk in body.split(","):
        # A comment on the line of the comma documents the item before it.
        trailing = re.match(r"[ \t]*@(\d+)@[ \t]*(?:\n|$)", chunk)
        if trailing and items and not items[-1].doc:
            items[-1].doc = comments[int(trailing.group(1))]
            chunk = chunk[trailing.end():]
        notes = [comments[int(n)] for n in re.findall(r"@(\d+)@", chunk)]
        chunk = re.sub(r"@\d+@", " ", chunk).strip()
        if not chunk:
            continue
        match = re.fullmatch(r"(CRM_\w+)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+))",
                             chunk)
        if not match:
            raise HeaderError(f"cannot read the enumerator '{chunk}'")
        items.append(Enumerator(match.group(1), int(match.group(2), 0),
                                notes[-1] if notes else ""))
    return Enum(token.group("ealias") or token.group("ename"), items)


def _initializer(header: Header, name: str, value: str) -> None:
    match = re.fullmatch(r"\{(.*)\}", value.strip(), re.S)
    if not match:
        raise HeaderError(f"{name} is not a braced initializer")
    items = [re.sub(r"\s+", " ", item).strip()
             for item in match.group(1).split(",")]
    sizeof = re.fullmatch(r"sizeof\((\w+)\)", items[0])
    if not sizeof:
        raise HeaderError(f"{name} does not start with sizeof(struct)")
    header.initializers[name] = (sizeof.group(1), items)
