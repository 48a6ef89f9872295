#include "core/access.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/json_text.h"
#include "base/utf8.h"
#include "core/definition_problems.h"
#include "core/json.h"
#include "core/schema.h"
#include "google/protobuf/struct.pb.h"

namespace crm::core {
namespace {

using google::protobuf::Struct;
using JsonValue = google::protobuf::Value;

constexpr size_t kMaxGroupBytes = 64;
constexpr size_t kMaxEventNameBytes = 64;
constexpr size_t kMaxScopeBytes = 4096;
constexpr size_t kMaxRules = 1024;

struct Named {
  const char* name;
  FieldAccess access;
};
constexpr Named kFieldModes[] = {
    {"hidden", FieldAccess::kHidden},
    {"masked", FieldAccess::kMasked},
    {"masked_match", FieldAccess::kMaskedMatch},
    {"read_only", FieldAccess::kReadOnly},
    {"read_write", FieldAccess::kReadWrite},
};
constexpr std::pair<const char*, EventAccess> kEventModes[] = {
    {"hidden", EventAccess::kHidden},
    {"read", EventAccess::kRead},
    {"append", EventAccess::kAppend},
};
constexpr std::pair<const char*, Operation> kOperations[] = {
    {"delete", Operation::kDelete},
    {"erase", Operation::kErase},
    {"define_fields", Operation::kDefineFields},
    {"define_event_types", Operation::kDefineEventTypes},
    {"retention", Operation::kRetention},
    {"suppression", Operation::kSuppression},
    {"segments", Operation::kSegments},
    {"bulk_export", Operation::kBulkExport},
    {"import", Operation::kImport},
    {"dump", Operation::kDump},
    {"backup", Operation::kBackup},
    {"merge", Operation::kMerge},
};

absl::Status CheckEventName(const DefinitionProblems& problems,
                            absl::string_view key, const std::string& name) {
  bool ok = !name.empty() && name.size() <= kMaxEventNameBytes;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
                c == ':' || c == '/');
  }
  if (ok) return absl::OkStatus();
  return problems.At(key, absl::StrCat("'", Quoted(name),
                                       "' is not an event type or channel "
                                       "name: use 1 to 64 letters, digits "
                                       "and . _ - : /"));
}

absl::StatusOr<FieldAccess> FieldModeOf(const DefinitionProblems& problems,
                                        absl::string_view key,
                                        const JsonValue& value) {
  CRM_ASSIGN_OR_RETURN(std::string mode, TextOf(problems, key, value));
  for (const Named& named : kFieldModes) {
    if (mode == named.name) return named.access;
  }
  return problems.At(key, absl::StrCat("unknown access '", Quoted(mode),
                                       "' (read_write, read_only, masked, "
                                       "masked_match or hidden)"));
}

// "fields" or "groups": an object of modes, keyed by names `check` accepts.
absl::Status ParseModes(
    const DefinitionProblems& problems, absl::string_view what,
    const JsonValue& value,
    absl::FunctionRef<absl::Status(const std::string&)> check,
    std::map<std::string, FieldAccess>* out) {
  if (value.kind_case() != JsonValue::kStructValue) {
    return problems.At(what, "must be an object of access modes");
  }
  if (value.struct_value().fields_size() > static_cast<int>(kMaxRules)) {
    return problems.At(what, "names more than 1,024 entries");
  }
  for (const auto& [name, mode] : value.struct_value().fields()) {
    std::string key = absl::StrCat(what, ".", Quoted(name));
    absl::Status status = check(name);
    if (!status.ok()) {
      return problems.At(
          key, absl::StrCat("'", Quoted(name), "' ", status.message()));
    }
    CRM_ASSIGN_OR_RETURN((*out)[name], FieldModeOf(problems, key, mode));
  }
  return absl::OkStatus();
}

absl::Status CheckProfileFieldName(const std::string& name) {
  // Field names follow the field rules; "id" is always readable.
  absl::Status status = CheckFieldName(name);
  if (status.ok()) return status;
  return MakeError(ErrorCode::kValidation,
                   name == "id" ? "is always readable and takes no rule"
                                : "is not a valid field name");
}

absl::Status CheckGroupName(const std::string& name) {
  if (name.size() > kMaxGroupBytes || !TextProblem(name).empty()) {
    return MakeError(ErrorCode::kValidation,
                     "is not a valid group (0 to 64 bytes of text)");
  }
  return absl::OkStatus();
}

absl::Status ParseEvents(const DefinitionProblems& problems,
                         const JsonValue& value, std::vector<EventRule>* out) {
  if (value.kind_case() != JsonValue::kListValue) {
    return problems.At("events", "must be an array of rules");
  }
  if (value.list_value().values_size() > static_cast<int>(kMaxRules)) {
    return problems.At("events", "holds more than 1,024 rules");
  }
  std::set<std::pair<std::string, std::string>> seen;
  int index = 0;
  for (const JsonValue& item : value.list_value().values()) {
    std::string key = absl::StrCat("events[", index++, "]");
    if (item.kind_case() != JsonValue::kStructValue) {
      return problems.At(key, "must be an object");
    }
    EventRule rule;
    bool has_access = false;
    for (const auto& [name, member] : item.struct_value().fields()) {
      std::string member_key = absl::StrCat(key, ".", Quoted(name));
      if (name == "type" || name == "channel") {
        CRM_ASSIGN_OR_RETURN(std::string text,
                             TextOf(problems, member_key, member));
        CRM_RETURN_IF_ERROR(CheckEventName(problems, member_key, text));
        (name == "type" ? rule.type : rule.channel) = std::move(text);
      } else if (name == "access") {
        CRM_ASSIGN_OR_RETURN(std::string mode,
                             TextOf(problems, member_key, member));
        auto it = std::find_if(std::begin(kEventModes), std::end(kEventModes),
                               [&](const auto& m) { return mode == m.first; });
        if (it == std::end(kEventModes)) {
          return problems.At(member_key,
                             absl::StrCat("unknown access '", Quoted(mode),
                                          "' (hidden, read or append)"));
        }
        rule.access = it->second;
        has_access = true;
      } else {
        return problems.At(member_key, "unknown key");
      }
    }
    if (rule.type.empty() && rule.channel.empty()) {
      return problems.At(key, "a rule names a type, a channel or both");
    }
    if (!has_access) return problems.At(key, "has no access");
    if (!seen.emplace(rule.type, rule.channel).second) {
      return problems.At(key,
                         "repeats the rule of an earlier entry for the "
                         "same type and channel");
    }
    out->push_back(std::move(rule));
  }
  std::sort(out->begin(), out->end(), [](const auto& a, const auto& b) {
    return std::tie(a.type, a.channel) < std::tie(b.type, b.channel);
  });
  return absl::OkStatus();
}

absl::Status ParseOperations(const DefinitionProblems& problems,
                             const JsonValue& value,
                             std::vector<Operation>* out) {
  if (value.kind_case() != JsonValue::kListValue) {
    return problems.At("operations", "must be an array of operation names");
  }
  int index = 0;
  for (const JsonValue& item : value.list_value().values()) {
    std::string key = absl::StrCat("operations[", index++, "]");
    CRM_ASSIGN_OR_RETURN(std::string name, TextOf(problems, key, item));
    auto it = std::find_if(std::begin(kOperations), std::end(kOperations),
                           [&](const auto& op) { return name == op.first; });
    if (it == std::end(kOperations)) {
      return problems.At(
          key, absl::StrCat("unknown operation '", Quoted(name), "'"));
    }
    if (std::find(out->begin(), out->end(), it->second) != out->end()) {
      return problems.At(key, absl::StrCat("'", name, "' is named twice"));
    }
    out->push_back(it->second);
  }
  std::sort(out->begin(), out->end());
  return absl::OkStatus();
}

const char* FieldModeName(FieldAccess access) {
  for (const Named& named : kFieldModes) {
    if (named.access == access) return named.name;
  }
  return "hidden";
}

const char* EventModeName(EventAccess access) {
  for (const auto& [name, value] : kEventModes) {
    if (value == access) return name;
  }
  return "hidden";
}

void AppendModes(const std::map<std::string, FieldAccess>& modes,
                 std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [name, access] : modes) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(name, out);
    out->push_back(':');
    AppendJsonString(FieldModeName(access), out);
  }
  out->push_back('}');
}

// The first UTF-8 character of `text`.
std::string FirstCharacter(const std::string& text) {
  if (text.empty()) return "";
  size_t length = Utf8CharLength(text, 0);
  return text.substr(0, std::max<size_t>(length, 1));
}

}  // namespace

absl::string_view OperationName(Operation operation) {
  for (const auto& [name, value] : kOperations) {
    if (value == operation) return name;
  }
  return "";
}

absl::StatusOr<ProfileDefinition> ParseProfile(absl::string_view json) {
  DefinitionProblems problems("profile", Rule::kProfile);
  Struct document;
  absl::Status parsed =
      MessageFromJson(json, "access profile definition", &document);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kValidation, parsed.message(), "",
                     Rule::kProfile);
  }
  const auto& members = document.fields();
  ProfileDefinition definition;
  auto name = members.find("name");
  if (name == members.end()) return problems.At("name", "must be given");
  CRM_ASSIGN_OR_RETURN(definition.name, TextOf(problems, "name", name->second));
  problems.set_name(definition.name);
  if (!CheckFieldName(definition.name).ok()) {
    return problems.At("name",
                       "use 1 to 48 lowercase letters, digits and '_', "
                       "starting with a letter");
  }
  for (const auto& [key, value] : members) {
    if (key == "name") continue;
    if (key == "fields") {
      CRM_RETURN_IF_ERROR(ParseModes(problems, "fields", value,
                                     CheckProfileFieldName,
                                     &definition.fields));
    } else if (key == "groups") {
      CRM_RETURN_IF_ERROR(ParseModes(problems, "groups", value, CheckGroupName,
                                     &definition.groups));
    } else if (key == "events") {
      CRM_RETURN_IF_ERROR(ParseEvents(problems, value, &definition.events));
    } else if (key == "scope") {
      CRM_ASSIGN_OR_RETURN(definition.scope, TextOf(problems, key, value));
      if (definition.scope.size() > kMaxScopeBytes) {
        return problems.At(key, "is longer than 4,096 bytes");
      }
    } else if (key == "operations") {
      CRM_RETURN_IF_ERROR(
          ParseOperations(problems, value, &definition.operations));
    } else {
      return problems.At(Quoted(key), "unknown key");
    }
  }
  return definition;
}

std::string ProfileToJson(const ProfileDefinition& definition) {
  std::string out = "{\"name\":";
  AppendJsonString(definition.name, &out);
  out += ",\"fields\":";
  AppendModes(definition.fields, &out);
  out += ",\"groups\":";
  AppendModes(definition.groups, &out);
  out += ",\"events\":[";
  for (size_t i = 0; i < definition.events.size(); ++i) {
    const EventRule& rule = definition.events[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    if (!rule.type.empty()) {
      out += "\"type\":";
      AppendJsonString(rule.type, &out);
      out.push_back(',');
    }
    if (!rule.channel.empty()) {
      out += "\"channel\":";
      AppendJsonString(rule.channel, &out);
      out.push_back(',');
    }
    out += "\"access\":";
    AppendJsonString(EventModeName(rule.access), &out);
    out.push_back('}');
  }
  out += "],\"scope\":";
  AppendJsonString(definition.scope, &out);
  out += ",\"operations\":[";
  for (size_t i = 0; i < definition.operations.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(OperationName(definition.operations[i]), &out);
  }
  out += "]}";
  return out;
}

Access::Access(ProfileDefinition definition, const Schema& schema)
    : definition_(std::move(definition)) {
  for (const auto& field : schema.fields()) {
    auto own = definition_.fields.find(field->name());
    if (own != definition_.fields.end()) {
      by_field_id_[field->id()] = own->second;
      continue;
    }
    auto group = definition_.groups.find(field->definition().group());
    if (group != definition_.groups.end()) {
      by_field_id_[field->id()] = group->second;
    }
  }
}

FieldAccess Access::OfField(const Field& field) const {
  auto it = by_field_id_.find(field.id());
  return it == by_field_id_.end() ? FieldAccess::kHidden : it->second;
}

EventAccess Access::OfEvent(absl::string_view type,
                            absl::string_view channel) const {
  // Rules are few; the most specific match wins: 3 = type and channel,
  // 2 = type, 1 = channel.
  int best = 0;
  EventAccess access = EventAccess::kHidden;
  for (const EventRule& rule : definition_.events) {
    int rank = 0;
    if (!rule.type.empty() && !rule.channel.empty()) {
      if (rule.type == type && rule.channel == channel) rank = 3;
    } else if (!rule.type.empty()) {
      if (rule.type == type) rank = 2;
    } else if (rule.channel == channel) {
      rank = 1;
    }
    if (rank > best) {
      best = rank;
      access = rule.access;
    }
  }
  return access;
}

bool Access::Allows(Operation operation) const {
  return std::find(definition_.operations.begin(), definition_.operations.end(),
                   operation) != definition_.operations.end();
}

CustomerRecord Access::ScopeParams(const std::string& actor) {
  CustomerRecord params;
  params.Set("actor", core::Value::Text(actor));
  return params;
}

CustomerRecord Access::FilterRecord(const Schema& schema,
                                    const CustomerRecord& record) const {
  CustomerRecord filtered;
  filtered.id = record.id;
  filtered.version = record.version;
  filtered.values.reserve(record.values.size());
  for (const FieldValue& value : record.values) {
    const Field* field = schema.Find(value.field);
    if (field == nullptr) continue;
    FieldAccess access = OfField(*field);
    if (access == FieldAccess::kHidden) continue;
    if (access >= FieldAccess::kReadOnly ||
        value.value.kind == ValueKind::kNull) {
      filtered.values.push_back(value);
    } else {
      filtered.values.push_back({value.field, MaskValue(*field, value.value)});
    }
  }
  return filtered;
}

absl::Status Access::Hidden(absl::string_view what) {
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("field '", what,
                                "' is hidden by the handle's access profile"),
                   what, Rule::kHidden);
}

absl::Status Access::NotWritable(const Field& field) {
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("field '", field.name(),
                                "' is not writable through the handle's "
                                "access profile"),
                   field.name(), Rule::kNotWritable);
}

absl::Status Access::MaskedCompare(const Field& field) {
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("field '", field.name(),
                                "' is masked by the handle's access profile "
                                "and cannot be compared that way"),
                   field.name(), Rule::kMasked);
}

absl::Status Access::Denied(Operation operation) const {
  return MakeError(
      ErrorCode::kDenied,
      absl::StrCat("access profile '", name(), "' does not grant '",
                   OperationName(operation), "'"),
      "", Rule::kOperation);
}

absl::Status Access::Require(const Access* access, Operation operation) {
  if (access == nullptr || access->Allows(operation)) return absl::OkStatus();
  return access->Denied(operation);
}

absl::Status Access::Never(const Access* access, absl::string_view what) {
  if (access == nullptr) return absl::OkStatus();
  return NeverOnProfile(access->name(), what);
}

absl::Status NeverOnProfile(absl::string_view profile, absl::string_view what) {
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat(what,
                                " is not allowed on a handle restricted "
                                "to access profile '",
                                profile, "'"),
                   "", Rule::kOperation);
}

Value MaskValue(const Field& field, const Value& value) {
  constexpr char kStars[] = "***";
  switch (field.type()) {
    case FieldType::kText:
    case FieldType::kLongText:
    case FieldType::kUrl:
      if (value.kind != ValueKind::kText) break;
      return Value::Text(absl::StrCat(FirstCharacter(value.text), kStars));
    case FieldType::kEmail: {
      if (value.kind != ValueKind::kText) break;
      size_t at = value.text.rfind('@');
      if (at == std::string::npos) break;
      return Value::Text(absl::StrCat(kStars, value.text.substr(at)));
    }
    case FieldType::kPhone: {
      if (value.kind != ValueKind::kText) break;
      std::string digits;
      for (char c : value.text) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (digits.size() > 4) digits.erase(0, digits.size() - 4);
      return Value::Text(absl::StrCat(kStars, digits));
    }
    default:
      break;
  }
  return Value::Text(kStars);
}

}  // namespace crm::core
