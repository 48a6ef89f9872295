#include "store/postgres/workspaces.h"

#include <cstdint>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/catalog.h"
#include "store/postgres/connection.h"
#include "store/postgres/event_log.h"
#include "store/postgres/postgres_backend.h"
#include "store/postgres/transaction.h"
#include "store/postgres/workspace_url.h"

namespace crm::store::postgres {
namespace {

// `status` with any password of `url` taken out of its message; code,
// field and rule kept.
absl::Status WithoutPasswordIn(absl::Status status, const std::string& url) {
  if (status.ok()) return status;
  std::string message = WithoutPassword(status.message(), url);
  if (message == status.message()) return status;
  absl::Status scrubbed(status.code(), message);
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) {
        scrubbed.SetPayload(type_url, payload);
      });
  return scrubbed;
}

// A connection to the prepared database of `url`, and the workspace's name.
absl::StatusOr<std::pair<std::unique_ptr<Connection>, std::string>> Connect(
    const std::string& url) {
  CRM_ASSIGN_OR_RETURN(WorkspaceUrl parsed, ParseWorkspaceUrl(url));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                       Connection::Open(parsed.conninfo));
  CRM_RETURN_IF_ERROR(PrepareDatabase(*connection));
  return std::make_pair(std::move(connection), std::move(parsed.workspace));
}

// Registers workspace `name` and seeds its event log, in one transaction.
absl::StatusOr<int64_t> CreateIn(Connection& connection,
                                 const std::string& name) {
  CRM_ASSIGN_OR_RETURN(auto transaction, Transaction::Begin(connection));
  CRM_ASSIGN_OR_RETURN(int64_t id, postgres::CreateWorkspace(connection, name));
  CRM_RETURN_IF_ERROR(SeedEventLog(connection, id));
  CRM_RETURN_IF_ERROR(transaction->Commit());
  return id;
}

absl::StatusOr<std::unique_ptr<Backend>> Open(
    const std::string& url, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(auto connected, Connect(url));
  auto& [connection, name] = connected;
  absl::StatusOr<int64_t> id = FindWorkspace(*connection, name);
  if (CodeOf(id.status()) == ErrorCode::kNotFound && options.create &&
      !options.read_only) {
    id = CreateIn(*connection, name);
    // Another process created it first.
    if (RuleIdOf(id.status()) == Rule::kUnique) {
      id = FindWorkspace(*connection, name);
    }
  }
  if (!id.ok()) return id.status();
  CRM_ASSIGN_OR_RETURN(
      std::unique_ptr<PostgresBackend> backend,
      PostgresBackend::Open(std::move(connection), *id, options));
  CRM_RETURN_IF_ERROR(backend->VerifyWorkspaceObjects(read_field_columns));
  return std::unique_ptr<Backend>(std::move(backend));
}

absl::Status Drop(const std::string& url) {
  CRM_ASSIGN_OR_RETURN(auto connected, Connect(url));
  auto& [connection, name] = connected;
  CRM_ASSIGN_OR_RETURN(auto transaction, Transaction::Begin(*connection));
  CRM_RETURN_IF_ERROR(LockSharedLayout(*connection));
  CRM_ASSIGN_OR_RETURN(int64_t id, FindWorkspace(*connection, name));
  // Its per-column indexes and statistics (column_index.h) are not rows:
  // dropped by name.
  CRM_ASSIGN_OR_RETURN(
      Result objects,
      connection->Execute(
          "SELECT 'DROP INDEX ' || quote_ident(indexname) FROM pg_indexes "
          "WHERE schemaname = current_schema() AND tablename = "
          "'crm_customers' AND indexname LIKE $1 UNION ALL SELECT 'DROP "
          "STATISTICS ' || quote_ident(stxname) FROM pg_statistic_ext WHERE "
          "stxnamespace = current_schema()::regnamespace AND stxname LIKE $2",
          {absl::StrCat("crm\\_ix\\_", id, "\\_%"),
           absl::StrCat("crm\\_st\\_", id, "\\_%")}));
  for (int row = 0; row < objects.rows(); ++row) {
    CRM_RETURN_IF_ERROR(connection->Execute(objects.Text(row, 0)).status());
  }
  CRM_RETURN_IF_ERROR(postgres::DropWorkspace(*connection, name));
  return transaction->Commit();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> OpenWorkspace(
    const std::string& url, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns) {
  auto opened = Open(url, options, read_field_columns);
  if (!opened.ok()) return WithoutPasswordIn(opened.status(), url);
  return opened;
}

absl::Status CreateWorkspace(const std::string& url) {
  auto connected = Connect(url);
  if (!connected.ok()) return WithoutPasswordIn(connected.status(), url);
  return WithoutPasswordIn(
      CreateIn(*connected->first, connected->second).status(), url);
}

absl::Status DropWorkspace(const std::string& url) {
  return WithoutPasswordIn(Drop(url), url);
}

}  // namespace crm::store::postgres
