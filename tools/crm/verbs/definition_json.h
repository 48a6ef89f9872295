// What the field, profile and segment verbs share: the JSON they exchange
// with libcrm (definitions given on the command line, JSON text libcrm
// returns), how a writing verb reports what it did, and help footers.
#ifndef CRM_TOOLS_CRM_VERBS_DEFINITION_JSON_H_
#define CRM_TOOLS_CRM_VERBS_DEFINITION_JSON_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "crm/crm.h"
#include "globals.h"
#include "owned.h"

namespace crm::cli {

// The JSON object `text` given with `option` (e.g. "--json"); a usage
// Failure naming the option when it is not a JSON object.
nlohmann::ordered_json JsonObjectOption(const std::string& option,
                                        const std::string& text);

// Puts "name": `name` first in `object` when `name` is not empty; a usage
// Failure when the object already names something else, or (naming `what`)
// when neither gives a name.
void MergeName(nlohmann::ordered_json& object, const std::string& name,
               const std::string& what);

// Prints what a writing verb did as one document: "action" (e.g.
// "defined"), "dry_run", then the members of `definition` (the object as
// it stands after the change, or before it for a delete or drop).
void PrintDone(const Globals& globals, const std::string& action, bool dry_run,
               const nlohmann::ordered_json& definition);

// A verb's help footer: "Example:", the `examples` lines, then the footer
// of the tool (the exit codes), found from `parent` up.
std::string ExampleFooter(const CLI::App& parent, const std::string& examples);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_VERBS_DEFINITION_JSON_H_
