#include "core/duplicates/match_key_store.h"

#include <optional>
#include <string>
#include <variant>

#include "base/error.h"
#include "core/query_service.h"

namespace crm::core::duplicates {
namespace {

// Customers read per page by RebuildMatchKeys (the query path's largest).
constexpr int64_t kRebuildPageSize = 10000;

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

absl::Status RebuildMatchKeys(Session& session) {
  // Pages of ids through the query path (an id cursor), then each row as
  // stored: one page of ids and one row in memory at a time.
  QueryRequest request;
  request.select = {"kind"};
  request.include_archived = true;
  request.page_size = kRebuildPageSize;
  const Schema& schema = session.schema();
  while (true) {
    CRM_ASSIGN_OR_RETURN(QueryPage page, RunQuery(session, request));
    for (const CustomerRecord& record : page.rows) {
      CRM_ASSIGN_OR_RETURN(
          std::optional<store::CustomerRow> row,
          session.backend().SelectCustomer(schema.stored_columns(), "id",
                                           store::SqlValue(record.id), false));
      if (!row) continue;
      CRM_RETURN_IF_ERROR(StoreMatchKeys(session, record.id, row->values));
    }
    if (page.next_cursor.empty()) return absl::OkStatus();
    request.cursor = page.next_cursor;
  }
}

}  // namespace crm::core::duplicates
