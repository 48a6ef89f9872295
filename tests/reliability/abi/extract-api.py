#!/usr/bin/env python3
"""Prints the declarations of libcrm's public header that make its ABI, one
normalized line each, sorted: every CRM_API function prototype, every public
struct with its members in order, and every enumerator with its value.

Usage: extract-api.py path/to/crm.h
"""
import re
import sys


def normalize(text):
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*([(),;{}\[\]])\s*", r"\1", text)
    text = re.sub(r"\s*\*\s*", "*", text)
    return text.replace(",", ", ")


KEYWORDS = {"const", "unsigned", "signed", "struct", "enum", "long", "short"}


def without_names(prototype):
    """Drops parameter names: renaming a parameter changes no ABI."""
    head, _, params = prototype.partition("(")
    params = params.rsplit(")", 1)[0]
    kept = []
    for param in params.split(","):
        param = param.strip()
        match = re.match(r"^(.*[\s*])(\w+)$", param)
        if match and match.group(1).strip() not in KEYWORDS:
            param = match.group(1).strip()
        kept.append(param)
    return "%s(%s)" % (head, ", ".join(kept))


def readable(text):
    return re.sub(r"\*(?=\w)", "* ", text)


def main(path):
    source = open(path, encoding="utf-8").read()
    source = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    source = re.sub(r"//[^\n]*", " ", source)
    source = re.sub(r"^\s*#.*?(?<!\\)$", " ", source, flags=re.M | re.S)
    lines = set()
    for match in re.finditer(r"\bCRM_API\b([^;]*);", source):
        lines.add("function " + readable(without_names(normalize(match.group(1)))))
    for match in re.finditer(r"typedef\s+struct\s+(\w+)\s*\{([^}]*)\}", source):
        lines.add("struct %s {%s}" % (match.group(1), readable(normalize(match.group(2)))))
    for match in re.finditer(r"\benum\b\s*(\w*)\s*\{([^}]*)\}", source):
        for item in match.group(2).split(","):
            item = normalize(item)
            if item:
                lines.add("enumerator " + item.replace(" = ", "=").replace("=", " = "))
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
