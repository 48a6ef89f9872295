#include "core/profile_service.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "core/access.h"
#include "core/query_checker.h"
#include "core/schema.h"
#include "core/time_text.h"

namespace crm::core {
namespace {

absl::Status DefinitionError(const ProfileDefinition& definition,
                             absl::string_view key, absl::string_view message) {
  return MakeError(
      ErrorCode::kValidation,
      absl::StrCat("profile '", definition.name, "': ", key, ": ", message),
      key, Rule::kProfile);
}

// What a definition must agree with in the schema it is defined against:
// the fields it names exist, and its scope is a customer filter over every
// field (the host writes it, so it may name fields the profile hides).
absl::Status CheckAgainstSchema(const Schema& schema,
                                const ProfileDefinition& definition) {
  for (const auto& [name, access] : definition.fields) {
    if (schema.Find(name) == nullptr) {
      return DefinitionError(definition, absl::StrCat("fields.", name),
                             absl::StrCat("no field is called '", name, "'"));
    }
  }
  if (definition.scope.empty()) return absl::OkStatus();
  absl::StatusOr<std::optional<store::Condition>> checked = CheckFilter(
      schema, QueryTarget::kCustomers, definition.scope,
      Access::ScopeParams(""), /*include_archived=*/true, NowMicros());
  if (checked.ok()) return absl::OkStatus();
  return DefinitionError(definition, "scope", checked.status().message());
}

}  // namespace

absl::Status UnknownProfile(absl::string_view name) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no access profile is called '", name, "'"), "",
                   Rule::kProfile);
}

absl::Status DefineProfile(Session& session, absl::string_view json) {
  CRM_ASSIGN_OR_RETURN(ProfileDefinition definition, ParseProfile(json));
  CRM_RETURN_IF_ERROR(CheckAgainstSchema(session.schema(), definition));
  CRM_RETURN_IF_ERROR(session.backend().UpsertProfile(
      definition.name, ProfileToJson(definition)));
  return session.SchemaChanged();
}

absl::StatusOr<std::string> GetProfile(Session& session,
                                       absl::string_view name) {
  const Access* access = session.schema().FindProfile(name);
  if (access == nullptr) return UnknownProfile(name);
  return ProfileToJson(access->definition());
}

absl::StatusOr<std::string> ListProfiles(Session& session) {
  std::vector<absl::string_view> names;
  for (const auto& [name, access] : session.schema().profiles()) {
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(names[i], &out);
  }
  out.push_back(']');
  return out;
}

absl::Status DropProfile(Session& session, absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(bool dropped,
                       session.backend().DeleteProfile(std::string(name)));
  if (!dropped) return UnknownProfile(name);
  return session.SchemaChanged();
}

}  // namespace crm::core
