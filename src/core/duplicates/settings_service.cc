#include "core/duplicates/settings_service.h"

#include <vector>

#include "base/error.h"
#include "base/json_text.h"
#include "core/access.h"
#include "core/customer_service.h"
#include "core/duplicates/duplicate_settings.h"
#include "core/duplicates/match_key_store.h"
#include "core/duplicates/match_keys.h"
#include "core/schema.h"

namespace crm::core::duplicates {
namespace {

// The standard field a key kind is made from (the name keys also read
// `kind`, which only chooses how the name is folded).
const char* SourceFieldOf(KeyKind kind) {
  switch (kind) {
    case KeyKind::kEmail:
    case KeyKind::kEmailLocal:
      return "email";
    case KeyKind::kPhone:
      return "phone";
    case KeyKind::kName:
    case KeyKind::kNameToken:
      return "name";
    case KeyKind::kCompany:
      return "company";
  }
  return "";
}

}  // namespace

absl::Status SetDuplicateSettings(Session& session, absl::string_view json) {
  CRM_RETURN_IF_ERROR(
      Access::Never(session.access(), "crm_duplicate_settings_set"));
  CRM_ASSIGN_OR_RETURN(DuplicateSettings settings,
                       ParseDuplicateSettings(json));
  const bool region_changed =
      settings.default_region !=
      session.schema().duplicate_settings().default_region;
  CRM_RETURN_IF_ERROR(session.backend().StoreSetting(
      kSettingsKey, DuplicateSettingsToJson(settings)));
  CRM_RETURN_IF_ERROR(session.SchemaChanged());
  return region_changed ? RebuildMatchKeys(session) : absl::OkStatus();
}

std::string GetDuplicateSettings(const Session& session) {
  return DuplicateSettingsToJson(session.schema().duplicate_settings());
}

absl::StatusOr<std::string> CustomerMatchKeysJson(Session& session,
                                                  int64_t id) {
  // Found as crm_customer_get finds it: not found, or outside the scope.
  CRM_RETURN_IF_ERROR(
      GetCustomer(session, CustomerKey::kId, Value::Integer(id)).status());
  CRM_ASSIGN_OR_RETURN(std::vector<store::MatchKeyRow> keys,
                       session.backend().SelectMatchKeys(id));
  const Access* access = session.access();
  const Schema& schema = session.schema();
  std::string json = "[";
  bool first = true;
  for (const store::MatchKeyRow& row : keys) {
    if (row.kind < 1 || row.kind >= kKeyKindCount) continue;
    const KeyKind kind = static_cast<KeyKind>(row.kind);
    if (access != nullptr) {
      const Field* field = schema.Find(SourceFieldOf(kind));
      if (field == nullptr || !access->ReadsPlain(*field)) continue;
    }
    if (!first) json += ',';
    first = false;
    json += "{\"kind\":";
    AppendJsonString(KeyKindName(kind), &json);
    json += ",\"key\":";
    AppendJsonString(row.key, &json);
    json += '}';
  }
  json += ']';
  return json;
}

}  // namespace crm::core::duplicates
