#include "store/sqlite/workspace_copy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/customer_table.h"
#include "store/sqlite/field_table.h"
#include "store/sqlite/meta_table.h"

namespace crm::store::sqlite {
namespace {

constexpr char kLastCustomerIdKey[] = "last_customer_id";

SqlValue OptionalId(int64_t id) { return id == 0 ? SqlValue() : SqlValue(id); }

// The first column of the one row `sql` returns, 0 for NULL or no row.
absl::StatusOr<int64_t> ReadInteger(Connection& connection,
                                    const std::string& sql) {
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql));
  CRM_ASSIGN_OR_RETURN(bool row, statement->Step());
  SqlValue value = row ? statement->Column(0) : SqlValue();
  statement->Reset();
  if (IsNull(value)) return 0;
  return StoredInteger(value, "an id counter");
}

class SqliteCopySeam final : public WorkspaceCopySeam {
 public:
  explicit SqliteCopySeam(Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::vector<FieldRow>> LoadAllFields() override {
    return sqlite::LoadAllFields(connection_);
  }

  absl::StatusOr<std::vector<CustomerRow>> SelectCustomersAfter(
      const std::vector<std::string>& columns, int64_t after_id,
      int64_t limit) override {
    std::string sql = "SELECT id, version, created_at, updated_at";
    for (const std::string& column : columns) {
      absl::StrAppend(&sql, ", ", QuoteIdentifier(column));
    }
    absl::StrAppend(&sql,
                    " FROM crm_customers WHERE id > ? ORDER BY id LIMIT ?");
    CRM_ASSIGN_OR_RETURN(Statement * statement, connection_.Prepare(sql));
    CRM_RETURN_IF_ERROR(statement->BindAll({after_id, limit}));
    std::vector<CustomerRow> rows;
    CRM_RETURN_IF_ERROR(statement->ForEachRow([&](const Statement& at) {
      rows.push_back(ReadCustomerRow(at, columns.size()));
    }));
    return rows;
  }

  absl::StatusOr<IdFloors> ReadIdFloors() override {
    IdFloors floors;
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> last_customer,
                         ReadMetaValue(connection_, kLastCustomerIdKey));
    CRM_ASSIGN_OR_RETURN(
        int64_t max_customer,
        ReadInteger(connection_, "SELECT max(id) FROM crm_customers"));
    floors.customer_id = std::max(last_customer.value_or(0), max_customer);
    // AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence.
    CRM_ASSIGN_OR_RETURN(
        int64_t last_seq,
        ReadInteger(connection_,
                    "SELECT seq FROM sqlite_sequence WHERE name = "
                    "'crm_events'"));
    CRM_ASSIGN_OR_RETURN(
        int64_t max_seq,
        ReadInteger(connection_, "SELECT max(seq) FROM crm_events"));
    floors.seq = std::max(last_seq, max_seq);
    // Field rows are never deleted (a deleted field keeps its row).
    CRM_ASSIGN_OR_RETURN(
        floors.field_id,
        ReadInteger(connection_, "SELECT max(id) FROM crm_fields"));
    return floors;
  }

  absl::Status InsertUserFieldAsIs(const FieldRow& row) override {
    CRM_ASSIGN_OR_RETURN(
        Statement * insert,
        connection_.Prepare("INSERT INTO crm_fields(id, name, column_name, "
                            "status, definition) VALUES (?, ?, ?, ?, ?)"));
    CRM_RETURN_IF_ERROR(insert->BindAll(
        {row.id, row.name, row.column, row.status, row.definition}));
    CRM_RETURN_IF_ERROR(insert->Run());
    if (row.status == "deleted") return absl::OkStatus();
    // No declared type, as InsertUserField() adds it.
    CRM_RETURN_IF_ERROR(connection_.Execute(absl::StrCat(
        "ALTER TABLE crm_customers ADD COLUMN ", QuoteIdentifier(row.column))));
    connection_.ClearStatementCache();
    return absl::OkStatus();
  }

  absl::Status InsertCustomersAsIs(
      const std::vector<std::string>& columns,
      const std::vector<CustomerRow>& rows) override {
    for (const CustomerRow& row : rows) {
      CRM_RETURN_IF_ERROR(InsertCustomer(columns, row));
    }
    return absl::OkStatus();
  }

  absl::Status InsertEventsAsIs(const std::vector<EventRow>& rows,
                                const std::vector<EventIds>& ids) override {
    for (size_t i = 0; i < rows.size() && i < ids.size(); ++i) {
      CRM_RETURN_IF_ERROR(InsertEvent(rows[i], ids[i]));
    }
    return absl::OkStatus();
  }

  // A file's write transaction already excludes every other writer.
  absl::Status LockForIndexBuilds() override { return absl::OkStatus(); }

  const char* BackendName() const override { return "sqlite"; }

  absl::Status RaiseIdFloors(const IdFloors& floors) override {
    CRM_ASSIGN_OR_RETURN(
        Statement * customer,
        connection_.Prepare(
            "UPDATE crm_meta SET value = max(value, ?) WHERE key = ?"));
    CRM_RETURN_IF_ERROR(
        customer->BindAll({floors.customer_id, kLastCustomerIdKey}));
    CRM_RETURN_IF_ERROR(customer->Run());
    // An event inserted with its seq has moved sqlite_sequence already; a
    // floor above the last event (none since) needs the row raised or made.
    CRM_ASSIGN_OR_RETURN(
        Statement * raise,
        connection_.Prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) "
                            "WHERE name = 'crm_events'"));
    CRM_RETURN_IF_ERROR(raise->Bind(1, floors.seq));
    CRM_RETURN_IF_ERROR(raise->Run());
    CRM_ASSIGN_OR_RETURN(
        Statement * make,
        connection_.Prepare(
            "INSERT INTO sqlite_sequence(name, seq) SELECT 'crm_events', ? "
            "WHERE ? > 0 AND NOT EXISTS (SELECT 1 FROM sqlite_sequence "
            "WHERE name = 'crm_events')"));
    CRM_RETURN_IF_ERROR(make->BindAll({floors.seq, floors.seq}));
    CRM_RETURN_IF_ERROR(make->Run());
    // Field ids come from max(id) + 1, above every row copied; a source
    // floor above its rows cannot be kept in a file.
    return absl::OkStatus();
  }

 private:
  absl::Status InsertCustomer(const std::vector<std::string>& columns,
                              const CustomerRow& row) {
    if (columns != insert_columns_) {
      insert_columns_ = columns;
      insert_sql_ =
          "INSERT INTO crm_customers(id, version, created_at, updated_at";
      std::string params = "?, ?, ?, ?";
      for (const std::string& column : columns) {
        absl::StrAppend(&insert_sql_, ", ", QuoteIdentifier(column));
        absl::StrAppend(&params, ", ?");
      }
      absl::StrAppend(&insert_sql_, ") VALUES (", params, ")");
    }
    CRM_ASSIGN_OR_RETURN(Statement * statement,
                         connection_.Prepare(insert_sql_));
    CRM_RETURN_IF_ERROR(statement->Bind(1, row.id));
    CRM_RETURN_IF_ERROR(statement->Bind(2, row.version));
    CRM_RETURN_IF_ERROR(statement->Bind(3, row.created_at_us));
    CRM_RETURN_IF_ERROR(statement->Bind(4, row.updated_at_us));
    for (size_t i = 0; i < row.values.size() && i < columns.size(); ++i) {
      CRM_RETURN_IF_ERROR(
          statement->Bind(static_cast<int>(i + 5), row.values[i]));
    }
    return statement->Run();
  }

  absl::Status InsertEvent(const EventRow& row, const EventIds& ids) {
    CRM_ASSIGN_OR_RETURN(
        Statement * insert,
        connection_.Prepare(
            "INSERT INTO crm_events(seq, customer_id, occurred_at, "
            "recorded_at, type_id, channel_id, actor_id, source_id, "
            "idempotency_key, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    CRM_RETURN_IF_ERROR(insert->BindAll(
        {row.seq, row.customer_id, row.occurred_at_us, row.recorded_at_us,
         ids.type, OptionalId(ids.channel), OptionalId(ids.actor),
         OptionalId(ids.source),
         row.idempotency_key.empty() ? SqlValue()
                                     : SqlValue(row.idempotency_key),
         Blob{row.body}}));
    return insert->Run();
  }

  Connection& connection_;
  // The customer insert for the last column list.
  std::vector<std::string> insert_columns_;
  std::string insert_sql_ =
      "INSERT INTO crm_customers(id, version, created_at, updated_at) "
      "VALUES (?, ?, ?, ?)";
};

}  // namespace

std::unique_ptr<WorkspaceCopySeam> NewSqliteCopySeam(Connection& connection) {
  return std::make_unique<SqliteCopySeam>(connection);
}

}  // namespace crm::store::sqlite
