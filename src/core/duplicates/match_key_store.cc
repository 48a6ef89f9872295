#include "core/duplicates/match_key_store.h"

#include <string>
#include <variant>

#include "base/error.h"

namespace crm::core::duplicates {
namespace {

std::string TextAt(const Schema& schema,
                   const std::vector<store::SqlValue>& row, const char* name) {
  const Field* field = schema.Find(name);
  if (field == nullptr) return "";
  const std::vector<const Field*>& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size() && i < row.size(); ++i) {
    if (fields[i] != field) continue;
    const std::string* text = std::get_if<std::string>(&row[i]);
    return text ? *text : std::string();
  }
  return "";
}

}  // namespace

KeySource KeySourceOfRow(const Schema& schema,
                         const std::vector<store::SqlValue>& row) {
  KeySource source;
  source.kind = TextAt(schema, row, "kind");
  source.name = TextAt(schema, row, "name");
  source.email = TextAt(schema, row, "email");
  source.phone = TextAt(schema, row, "phone");
  source.company = TextAt(schema, row, "company");
  return source;
}

std::vector<store::MatchKeyRow> MatchKeyRows(const Schema& schema,
                                             const KeySource& source) {
  std::vector<store::MatchKeyRow> rows;
  for (MatchKey& key :
       MatchKeysOf(source, schema.duplicate_settings().default_region)) {
    rows.push_back({static_cast<int>(key.kind), std::move(key.key)});
  }
  return rows;
}

absl::Status StoreMatchKeys(Session& session, int64_t id,
                            const std::vector<store::SqlValue>& row) {
  const Schema& schema = session.schema();
  return session.backend().ReplaceMatchKeys(
      id, MatchKeyRows(schema, KeySourceOfRow(schema, row)));
}

absl::Status RemoveMatchKeys(Session& session, int64_t id) {
  return session.backend().ReplaceMatchKeys(id, {});
}

absl::Status RebuildMatchKeys(Session&) {
  // Issue #24 in progress: the storage part builds this.
  return absl::OkStatus();
}

}  // namespace crm::core::duplicates
