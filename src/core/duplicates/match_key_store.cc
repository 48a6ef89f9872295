#include "core/duplicates/match_key_store.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/query_service.h"

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

absl::Status ForEachStoredRow(
    Session& session,
    absl::FunctionRef<absl::Status(int64_t id,
                                   const std::vector<store::SqlValue>& row)>
        visit) {
  const Schema& schema = session.schema();
  return ForEachCustomerId(session, [&](int64_t id) -> absl::Status {
    CRM_ASSIGN_OR_RETURN(
        std::optional<store::CustomerRow> row,
        session.backend().SelectCustomer(schema.stored_columns(), "id",
                                         store::SqlValue(id), false));
    if (!row) return absl::OkStatus();
    return visit(id, row->values);
  });
}

absl::Status RebuildMatchKeys(Session& session) {
  return ForEachStoredRow(
      session, [&](int64_t id, const std::vector<store::SqlValue>& row) {
        return StoreMatchKeys(session, id, row);
      });
}

absl::StatusOr<int64_t> CheckMatchKeys(
    Session& session,
    absl::FunctionRef<void(int64_t id, std::string message)> problem) {
  const Schema& schema = session.schema();
  int64_t checked = 0;
  CRM_RETURN_IF_ERROR(ForEachStoredRow(
      session,
      [&](int64_t id, const std::vector<store::SqlValue>& row) -> absl::Status {
        ++checked;
        std::vector<store::MatchKeyRow> expected =
            MatchKeyRows(schema, KeySourceOfRow(schema, row));
        std::sort(expected.begin(), expected.end());
        expected.erase(std::unique(expected.begin(), expected.end()),
                       expected.end());
        CRM_ASSIGN_OR_RETURN(std::vector<store::MatchKeyRow> stored,
                             session.backend().SelectMatchKeys(id));
        if (stored == expected) return absl::OkStatus();
        std::vector<store::MatchKeyRow> missing, extra;
        std::set_difference(expected.begin(), expected.end(), stored.begin(),
                            stored.end(), std::back_inserter(missing));
        std::set_difference(stored.begin(), stored.end(), expected.begin(),
                            expected.end(), std::back_inserter(extra));
        problem(id, absl::StrCat("the stored match keys differ from the "
                                 "customer's values: ",
                                 missing.size(), " missing, ", extra.size(),
                                 " not of its values"));
        return absl::OkStatus();
      }));
  return checked;
}

}  // namespace crm::core::duplicates
