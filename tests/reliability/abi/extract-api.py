#!/usr/bin/env python3
"""Prints the declarations of libcrm's public header that make its ABI, one
normalized line each, sorted: every CRM_API function prototype (without
parameter names: renaming a parameter changes no ABI), every public struct
with its members in order, every callback type, and every enumerator with
its value. Reads crm.h through codegen/crm_header.py, the parser the binding
generators use.

Usage: extract-api.py path/to/crm.h
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "codegen"))
import crm_header  # noqa: E402


def readable(c_type):
    return re.sub(r"\*(?=\w)", "* ", c_type)


def main(path):
    header = crm_header.parse_file(path)
    lines = set()
    for function in header.functions:
        params = ", ".join(readable(p.type) for p in function.params)
        lines.add("function %s %s(%s)" % (readable(function.returns),
                                          function.name, params or "void"))
    for struct in header.structs:
        if not struct.opaque:
            members = "".join("%s %s;" % (readable(m.type), m.name)
                              for m in struct.members)
            lines.add("struct %s {%s}" % (struct.name, members))
    for callback in header.callbacks:
        params = ", ".join(readable(p.type) for p in callback.params)
        lines.add("callback %s %s(%s)" % (readable(callback.returns),
                                          callback.name, params or "void"))
    for item in header.enumerators():
        lines.add("enumerator %s = %d" % (item.name, item.value))
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
