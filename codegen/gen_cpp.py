"""The core's closed set of error rules, from crm.h's CRM_RULE_* defines.

src/base/rules.g.h: `enum class crm::Rule` with kNone ("", no rule) and one
enumerator per CRM_RULE_<NAME> (CRM_RULE_MAX_LENGTH -> Rule::kMaxLength), in
the header's order, and RuleText(), whose texts are the defines themselves,
so that the core and crm.h cannot disagree. MakeError() and every helper that
sets a rule take a Rule: a rule crm.h does not list does not compile.
"""
import re

from crm_header import HeaderError
from generate import notice

PATH = "src/base/rules.g.h"
PREFIX = "CRM_RULE_"


def rule_defines(header):
    """[(define name, text)] of every CRM_RULE_* define, in order."""
    rules = []
    texts = {}
    for name, value in header.defines.items():
        if not name.startswith(PREFIX):
            continue
        match = re.fullmatch(r'"([a-z][a-z0-9_]*)"', value)
        if not match:
            raise HeaderError(f"#define {name} {value}: a rule is a quoted "
                              f"lower_case name")
        if match.group(1) in texts:
            raise HeaderError(f"#define {name} {value}: the same text as "
                              f"{texts[match.group(1)]}")
        texts[match.group(1)] = name
        rules.append((name, match.group(1)))
    return rules


def enumerator(define: str) -> str:
    words = define[len(PREFIX):].lower().split("_")
    return "k" + "".join(word.capitalize() for word in words)


def outputs(header, proto):
    rules = rule_defines(header)
    # Generated text keeps its own layout: clang-format is off for the file.
    lines = ["// clang-format off",
             notice("//").rstrip("\n"),
             "//",
             "// libcrm's closed set of error rules: one enumerator per "
             "CRM_RULE_* define",
             "// of crm.h, whose text RuleText() returns "
             "(codegen/gen_cpp.py).",
             "#ifndef CRM_BASE_RULES_G_H_",
             "#define CRM_BASE_RULES_G_H_",
             "",
             "#include <cstddef>",
             "",
             "#include \"crm/crm.h\"",
             "",
             "namespace crm {",
             "",
             "enum class Rule {",
             "  kNone,  // no rule applies: \"\""]
    lines += [f"  {enumerator(name)},  // {name}" for name, _ in rules]
    lines += ["};",
              "",
              f"inline constexpr size_t kRuleCount = {len(rules) + 1};",
              "",
              "// The text of `rule`, as crm_last_error_rule() returns it.",
              "inline constexpr const char* RuleText(Rule rule) {",
              "  constexpr const char* kTexts[kRuleCount] = {",
              "      \"\","]
    lines += [f"      {name}," for name, _ in rules]
    lines += ["  };",
              "  return kTexts[static_cast<size_t>(rule)];",
              "}",
              "",
              "}  // namespace crm",
              "",
              "#endif  // CRM_BASE_RULES_G_H_",
              ""]
    return {PATH: "\n".join(lines)}
