#include "verbs/definition_json.h"

#include <iostream>
#include <memory>
#include <utility>

#include "failure.h"
#include "output.h"

namespace crm::cli {

nlohmann::ordered_json JsonObjectOption(const std::string& option,
                                        const std::string& text) {
  auto parsed = nlohmann::ordered_json::parse(text, nullptr,
                                              /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    UsageError(option + ": not a JSON object: " + text);
  }
  return parsed;
}

void MergeName(nlohmann::ordered_json& object, const std::string& name,
               const std::string& what) {
  auto found = object.find("name");
  if (!name.empty()) {
    if (found != object.end() &&
        (!found->is_string() || found->get<std::string>() != name)) {
      UsageError("--json names " + found->dump() + ", the command line '" +
                 name + "'");
    }
    if (found != object.end()) return;
    nlohmann::ordered_json named = {{"name", name}};
    for (const auto& [key, value] : object.items()) named[key] = value;
    object = std::move(named);
  } else if (found == object.end()) {
    UsageError("no " + what + " name: give NAME or \"name\" in --json");
  }
}

void PrintDone(const Globals& globals, const std::string& action, bool dry_run,
               const nlohmann::ordered_json& definition) {
  nlohmann::ordered_json done = {{"action", action}, {"dry_run", dry_run}};
  for (const auto& [key, value] : definition.items()) done[key] = value;
  PrintDocument(done, globals.format, std::cout);
}

std::string ExampleFooter(const CLI::App& parent, const std::string& examples) {
  const CLI::App* root = &parent;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return "Example:\n" + examples + "\n\n" + root->get_footer();
}

}  // namespace crm::cli
