// PostgreSQL workspaces by URL (workspace_url.h): what the plugin's entry
// points (store/backend_plugin.h) do. Each connects, brings the database to
// this build's layout (catalog.h PrepareDatabase), and no error names the
// URL's password. Thread-safe: each call has a connection of its own.
#ifndef CRM_STORE_POSTGRES_WORKSPACES_H_
#define CRM_STORE_POSTGRES_WORKSPACES_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/rows.h"

namespace crm::store::postgres {

// Opens the workspace `url` names, creating it first when it is absent and
// `options.create` is set (and not `options.read_only`): kNotFound when it
// is absent otherwise. Verifies its id sequences, and its indexes against its
// fields
// (PostgresBackend::VerifyWorkspaceObjects).
absl::StatusOr<std::unique_ptr<Backend>> OpenWorkspace(
    const std::string& url, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns);

// Creates the workspace with its event log's fixed strings (kConstraint
// rule "unique" when it exists), or drops it with every row and index it
// has (kNotFound when absent); each in one transaction.
absl::Status CreateWorkspace(const std::string& url);
absl::Status DropWorkspace(const std::string& url);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_WORKSPACES_H_
