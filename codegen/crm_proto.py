"""The one reader of libcrm's wire format, include/crm/crm.proto, for the
binding generators: every message with its fields (name, number, type,
label, oneof) and every enum. It reads the proto3 that crm.proto uses and
raises ProtoError on anything else, rather than guess.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List


class ProtoError(Exception):
    """crm.proto holds something this reader does not understand."""


SCALARS = {
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32",
    "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string",
    "bytes",
}


@dataclass
class Field:
    name: str
    number: int
    type: str  # a scalar type or a message/enum name of crm.proto
    label: str  # "", "optional" or "repeated"
    oneof: str  # the oneof it belongs to, or ""


@dataclass
class Message:
    name: str
    fields: List[Field] = field(default_factory=list)

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise ProtoError(f"{self.name} has no field {name}")


@dataclass
class Proto:
    package: str = ""
    messages: Dict[str, Message] = field(default_factory=dict)
    enums: Dict[str, Dict[str, int]] = field(default_factory=dict)


_FIELD = re.compile(
    r"^(?:(optional|repeated)\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+)$")


def parse(source: str) -> Proto:
    source = re.sub(r"//[^\n]*", "", source)
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    proto = Proto()
    # Statements end with ';' and blocks open with '{' and close with '}'.
    tokens = re.findall(r"[^;{}]+[;{]|\}", source)
    stack: List[str] = []  # "message X", "oneof y", "enum Z"
    for token in tokens:
        text = re.sub(r"\s+", " ", token).strip()
        if text == "}":
            if not stack:
                raise ProtoError("unbalanced '}'")
            stack.pop()
            continue
        if text.endswith("{"):
            head = text[:-1].strip().split()
            if len(head) != 2 or head[0] not in ("message", "oneof", "enum"):
                raise ProtoError(f"cannot read the block '{text}'")
            if head[0] == "message":
                if any(s.startswith("message ") for s in stack):
                    raise ProtoError(f"nested message {head[1]}")
                proto.messages[head[1]] = Message(head[1])
            elif head[0] == "enum":
                proto.enums[head[1]] = {}
            stack.append(" ".join(head))
            continue
        statement = text[:-1].strip()
        if not stack:
            if statement.startswith("syntax"):
                if '"proto3"' not in statement:
                    raise ProtoError("crm.proto must be proto3")
            elif statement.startswith("package "):
                proto.package = statement.split()[1]
            elif not statement.startswith("option "):
                raise ProtoError(f"cannot read '{statement}'")
            continue
        kind, name = stack[-1].split()
        if kind == "enum":
            match = re.fullmatch(r"(\w+)\s*=\s*(-?\d+)", statement)
            if not match:
                raise ProtoError(f"cannot read the enum value '{statement}'")
            proto.enums[name][match.group(1)] = int(match.group(2))
            continue
        match = _FIELD.match(statement)
        if not match:
            raise ProtoError(f"cannot read the field '{statement}'")
        message = next(s for s in reversed(stack) if s.startswith("message "))
        proto.messages[message.split()[1]].fields.append(Field(
            match.group(3), int(match.group(4)), match.group(2),
            match.group(1) or "", name if kind == "oneof" else ""))
    if stack:
        raise ProtoError(f"unclosed block {stack[-1]}")
    for message in proto.messages.values():
        for item in message.fields:
            if (item.type not in SCALARS and item.type not in proto.messages
                    and item.type not in proto.enums):
                raise ProtoError(
                    f"{message.name}.{item.name} has unknown type {item.type}")
    return proto


def parse_file(path: str) -> Proto:
    with open(path, encoding="utf-8") as source:
        return parse(source.read())
