// crm fields (list, describe, define, update, archive, restore, delete) and
// crm event-types define: the workspace's field definitions.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "output.h"
#include "time_text.h"
#include "verbs/definition_json.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

using Json = nlohmann::ordered_json;

// What the field verbs read from the command line; outlives the parse.
struct FieldArgs {
  bool archived = false;
  std::string name;
  std::string type;
  std::string label;
  std::string description;
  std::string group;
  std::vector<std::string> options;
  int scale = 0;
  std::string min;
  std::string max;
  bool required = false;
  bool unique = false;
  bool indexed = false;
  std::string default_text;
  std::string json;
  bool dry_run = false;
};

// The columns of `crm fields`, in this order; keys a field lacks are empty.
const std::vector<std::string>& ListColumns() {
  static const auto* columns = new std::vector<std::string>{
      "id",       "name",    "type",   "label",   "group",  "status",
      "required", "indexed", "unique", "builtin", "options"};
  return *columns;
}

Json ListFields(crm_db* db, bool archived) {
  char* json = nullptr;
  Check(crm_field_list(&json, db, archived ? CRM_LIST_INCLUDE_ARCHIVED : 0),
        "cannot list the fields");
  return TakeJson(json);
}

// libcrm writes a definition's 64-bit integers as JSON strings; the tool
// prints ids and sizes as integers.
Json WithIntegers(Json definition) {
  for (const char* key : {"id", "max_length"}) {
    auto found = definition.find(key);
    if (found != definition.end() && found->is_string()) {
      *found = std::stoll(found->get<std::string>());
    }
  }
  return definition;
}

Json DescribeField(crm_db* db, const std::string& name) {
  char* json = nullptr;
  Check(crm_field_describe(&json, db, name.c_str()),
        "cannot describe field '" + name + "'");
  return WithIntegers(TakeJson(json));
}

void PrintFieldList(const Globals& globals, bool archived) {
  Workspace workspace(globals, Access::kRead);
  Json fields = ListFields(workspace.db(), archived);
  Table table{ListColumns(), {}};
  for (const Json& listed : fields) {
    Json field = WithIntegers(listed);
    std::vector<Cell> row;
    for (const std::string& column : table.columns) {
      auto found = field.find(column);
      row.push_back(found == field.end() ? Cell() : Cell(*found));
    }
    table.rows.push_back(std::move(row));
  }
  PrintTable(table, globals.format, std::cout);
}

// Runs `write_and_describe` on a writable workspace in one transaction
// (rolled back under --dry-run) and prints the definition it returns, read
// inside that transaction.
void WriteField(const Globals& globals, bool dry_run, const std::string& action,
                const std::function<Json(crm_db*)>& write_and_describe) {
  Workspace workspace(globals, Access::kWrite);
  Json definition;
  workspace.WriteTransaction(
      dry_run, [&] { definition = write_and_describe(workspace.db()); });
  PrintDone(globals, action, dry_run, definition);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// --default TEXT as the value object a definition takes for a field of
// `type` (crm.h, "Fields"). libcrm checks the value itself.
Json DefaultValue(const std::string& type, const std::string& text) {
  if (type == "integer" || type == "reference") return {{"integer", text}};
  if (type == "decimal") return {{"decimal", text}};
  if (type == "date") return {{"date", text}};
  if (type == "boolean") {
    if (text != "true" && text != "false") {
      UsageError("--default: a boolean is true or false, not '" + text + "'");
    }
    return {{"boolean", text == "true"}};
  }
  if (type == "datetime") {
    return {{"datetime_us", std::to_string(MicrosOption("--default", text))}};
  }
  if (type == "multi_choice" || type == "tags") {
    return {{"list", {{"items", SplitList(text)}}}};
  }
  return {{"text", text}};
}

// The definition `crm fields define` sends: --json, then NAME and TYPE,
// then the options given (which win over --json's keys).
Json DefinitionFromArgs(const CLI::App& define, const FieldArgs& args) {
  Json definition = args.json.empty() ? Json::object()
                                      : JsonObjectOption("--json", args.json);
  MergeName(definition, args.name, "field");
  if (!args.type.empty()) definition["type"] = args.type;
  if (!definition.contains("type") || !definition["type"].is_string()) {
    UsageError("no field type: give TYPE or \"type\" in --json");
  }
  const std::string type = definition["type"].get<std::string>();
  if (define.count("--label") > 0) definition["label"] = args.label;
  if (define.count("--description") > 0) {
    definition["description"] = args.description;
  }
  if (define.count("--group") > 0) definition["group"] = args.group;
  if (define.count("--options") > 0) definition["options"] = args.options;
  if (define.count("--scale") > 0) definition["scale"] = args.scale;
  if (define.count("--min") > 0) definition["min"] = args.min;
  if (define.count("--max") > 0) definition["max"] = args.max;
  if (args.required) definition["required"] = true;
  if (args.unique) definition["unique"] = true;
  if (args.indexed) definition["indexed"] = true;
  if (define.count("--default") > 0) {
    definition["default_value"] = DefaultValue(type, args.default_text);
  }
  return definition;
}

CLI::App* AddNameVerb(CLI::App& fields, const std::string& verb,
                      const std::string& description, FieldArgs& args) {
  auto* sub = fields.add_subcommand(verb, description);
  sub->add_option("name", args.name, "The field's name")->required();
  return sub;
}

void AddDryRun(CLI::App& verb, FieldArgs& args) {
  verb.add_flag("--dry-run", args.dry_run,
                "Check and show the change, but store nothing");
}

void AddListAndDescribe(CLI::App& fields, const Globals& globals,
                        FieldArgs& args) {
  auto* list = fields.add_subcommand(
      "list", "List the fields: standard first, then user-defined by id");
  list->add_flag("--archived", args.archived, "Include archived fields");
  list->footer(
      ExampleFooter(fields, "  crm -w shop.crm fields list --archived"));
  list->callback([&globals, &args] { PrintFieldList(globals, args.archived); });

  auto* describe =
      AddNameVerb(fields, "describe",
                  "Show one field's definition (archived ones too)", args);
  describe->footer(
      ExampleFooter(fields, "  crm -w shop.crm fields describe plan"));
  describe->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    PrintDocument(DescribeField(workspace.db(), args.name), globals.format,
                  std::cout);
  });
}

void AddDefine(CLI::App& fields, const Globals& globals, FieldArgs& args) {
  auto* define = fields.add_subcommand(
      "define",
      "Define a new field NAME of TYPE (text, long_text, integer, decimal,\n"
      "boolean, date, datetime, choice, multi_choice, tags, email, phone,\n"
      "url, reference), from the options below or --json for any key");
  define->add_option("name", args.name,
                     "Lowercase letters, digits and _, starting with a letter");
  define->add_option("type", args.type, "The field's type");
  define->add_option("--label", args.label, "Label shown to people");
  define->add_option("--description", args.description, "Description");
  define->add_option("--group", args.group, "Group (e.g. finance)");
  define
      ->add_option("--options", args.options,
                   "Choices of a choice or multi_choice field: a,b,c")
      ->delimiter(',')
      ->allow_extra_args(false);
  define->add_option("--scale", args.scale,
                     "Digits after the point of a decimal (0..9)");
  define->add_option("--min", args.min, "Smallest value, in the field's form");
  define->add_option("--max", args.max, "Largest value, in the field's form");
  define->add_flag("--required", args.required, "A value is required");
  define->add_flag("--unique", args.unique, "No two customers share a value");
  define->add_flag("--indexed", args.indexed, "Index it for fast filters");
  define->add_option("--default", args.default_text,
                     "Default value (a list: a,b; a datetime: ISO 8601)");
  define->add_option("--json", args.json,
                     "The definition as JSON (any key crm.h lists); the "
                     "options above win over its keys");
  AddDryRun(*define, args);
  define->footer(ExampleFooter(
      fields,
      "  crm -w shop.crm fields define plan choice --options basic,premium "
      "--indexed\n"
      "  crm -w shop.crm fields define revenue decimal --scale 2 --min 0\n"
      "  crm -w shop.crm fields define code --json "
      "'{\"type\": \"text\", \"pattern\": \"[A-Z]{3}\"}'"));
  define->callback([&globals, &args, define] {
    Json definition = DefinitionFromArgs(*define, args);
    std::string name = definition["name"].is_string()
                           ? definition["name"].get<std::string>()
                           : std::string();
    WriteField(globals, args.dry_run, "defined", [&](crm_db* db) {
      int64_t id = 0;
      Check(crm_field_define(&id, db, definition.dump().c_str()),
            "cannot define field '" + name + "'");
      return DescribeField(db, name);
    });
  });
}

void AddUpdate(CLI::App& fields, const Globals& globals, FieldArgs& args) {
  auto* update = AddNameVerb(
      fields, "update",
      "Change a field with a JSON patch of what changes: name (rename),\n"
      "label, description, group, required, unique, indexed, min, max,\n"
      "max_length, pattern, default_value, add_options, type and scale",
      args);
  update->add_option("--json", args.json, "The patch as a JSON object")
      ->required();
  AddDryRun(*update, args);
  update->footer(ExampleFooter(fields,
                               "  crm -w shop.crm fields update plan --json "
                               "'{\"add_options\": [\"gold\"]}'"));
  update->callback([&globals, &args] {
    Json patch = JsonObjectOption("--json", args.json);
    std::string after = args.name;
    if (patch.contains("name") && patch["name"].is_string()) {
      after = patch["name"].get<std::string>();
    }
    WriteField(globals, args.dry_run, "updated", [&](crm_db* db) {
      Check(crm_field_update(db, args.name.c_str(), patch.dump().c_str()),
            "cannot update field '" + args.name + "'");
      return DescribeField(db, after);
    });
  });
}

// archive, restore and delete: one libcrm call on a field by name.
void AddStatusVerb(CLI::App& fields, const Globals& globals, FieldArgs& args,
                   const std::string& verb, const std::string& description,
                   const std::string& action,
                   int (*call)(crm_db*, const char*)) {
  auto* sub = AddNameVerb(fields, verb, description, args);
  AddDryRun(*sub, args);
  sub->footer(ExampleFooter(
      fields, "  crm -w shop.crm fields " + verb + " plan --dry-run"));
  sub->callback([&globals, &args, verb, action, call] {
    WriteField(globals, args.dry_run, action, [&](crm_db* db) {
      Json before = action == "deleted" ? DescribeField(db, args.name) : Json();
      Check(call(db, args.name.c_str()),
            "cannot " + verb + " field '" + args.name + "'");
      return action == "deleted" ? before : DescribeField(db, args.name);
    });
  });
}

void AddEventTypes(CLI::App& app, const Globals& globals, FieldArgs& args) {
  auto* types = app.add_subcommand(
      "event-types", "Register event types with a schema of properties");
  types->require_subcommand(1);
  auto* define = types->add_subcommand(
      "define",
      "Register (or replace) event type NAME; events of it are then\n"
      "validated against its properties, each defined like a field");
  define->add_option("name", args.name, "The event type, e.g. order.placed")
      ->required();
  define->add_option("--json", args.json,
                     "The definition: {\"description\": ..., \"properties\": "
                     "[{\"name\": ..., \"type\": ...}, ...]}");
  AddDryRun(*define, args);
  define->footer(ExampleFooter(
      *types,
      "  crm -w shop.crm event-types define order.placed --json "
      "'{\"properties\": [{\"name\": \"amount\", \"type\": \"decimal\", "
      "\"scale\": 2, \"required\": true}]}'"));
  define->callback([&globals, &args] {
    Json definition = args.json.empty() ? Json::object()
                                        : JsonObjectOption("--json", args.json);
    MergeName(definition, args.name, "event type");
    Workspace workspace(globals, Access::kWrite);
    workspace.WriteTransaction(args.dry_run, [&] {
      Check(crm_event_type_define(workspace.db(), definition.dump().c_str()),
            "cannot define event type '" + args.name + "'");
    });
    PrintDone(globals, "defined", args.dry_run, definition);
  });
}

}  // namespace

void AddFieldVerbs(CLI::App& app, const Globals& globals) {
  auto* args = new FieldArgs();  // lives as long as the process
  auto* fields = app.add_subcommand(
      "fields",
      "Field definitions: list (the default), describe, define, update,\n"
      "archive, restore, delete");
  fields->add_flag("--archived", args->archived,
                   "With no sub-verb: include archived fields");
  fields->footer(ExampleFooter(app,
                               "  crm -w shop.crm fields\n"
                               "  crm -w shop.crm fields describe email"));
  AddListAndDescribe(*fields, globals, *args);
  AddDefine(*fields, globals, *args);
  AddUpdate(*fields, globals, *args);
  AddStatusVerb(*fields, globals, *args, "archive",
                "Archive a field: hidden from reads, refused in writes, "
                "its data kept",
                "archived", crm_field_archive);
  AddStatusVerb(*fields, globals, *args, "restore",
                "Restore an archived field with its data", "restored",
                crm_field_restore);
  AddStatusVerb(*fields, globals, *args, "delete",
                "Delete a user-defined field and its values (cannot be "
                "undone)",
                "deleted", crm_field_delete);
  fields->callback([&globals, args, fields] {
    if (fields->get_subcommands().empty()) {
      PrintFieldList(globals, args->archived);
    }
  });
  AddEventTypes(app, globals, *args);
}

}  // namespace crm::cli
