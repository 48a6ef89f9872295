#include "core/workspace.h"

#include "base/error.h"
#include "store/field_table.h"
#include "store/migrations.h"

namespace crm::core {

// Holds the workspace lock for the calling thread, waiting while another
// thread owns an open host transaction.
class Workspace::Hold {
 public:
  explicit Hold(Workspace& workspace) : lock_(workspace.mutex_) {
    std::thread::id me = std::this_thread::get_id();
    workspace.released_.wait(lock_, [&] {
      return !workspace.transaction_owner_ ||
             *workspace.transaction_owner_ == me;
    });
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

absl::Status Session::SchemaChanged() {
  CRM_RETURN_IF_ERROR(store::BumpSchemaGeneration(*connection_));
  CRM_ASSIGN_OR_RETURN(int64_t generation,
                       store::SchemaGeneration(*connection_));
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldRow> rows,
                       store::LoadFields(*connection_));
  CRM_ASSIGN_OR_RETURN(*schema_, Schema::FromRows(rows, generation));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::Open(
    const std::string& path, const store::ConnectionOptions& options) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::Connection> connection,
                       store::Connection::Open(path, options));
  CRM_RETURN_IF_ERROR(store::OpenWorkspace(*connection));
  std::unique_ptr<Workspace> workspace(new Workspace(std::move(connection)));
  if (!options.read_only) CRM_RETURN_IF_ERROR(workspace->SeedStandardFields());
  CRM_RETURN_IF_ERROR(workspace->Run(
      store::ScopeKind::kRead, [](Session&) { return absl::OkStatus(); }));
  return workspace;
}

Workspace::~Workspace() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (connection_->InTransaction()) {
    (void)store::RollbackHostTransaction(*connection_);
  }
}

absl::Status Workspace::SeedStandardFields() {
  Hold hold(*this);
  CRM_ASSIGN_OR_RETURN(
      store::Scope scope,
      store::Scope::Begin(*connection_, store::ScopeKind::kWrite));
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldRow> rows,
                       store::LoadFields(*connection_));
  bool added = false;
  for (const wire::FieldDefinition& definition : StandardFieldDefinitions()) {
    bool present = false;
    for (const store::FieldRow& row : rows)
      present |= row.name == definition.name();
    if (present) continue;
    store::FieldRow row{0, definition.name(), definition.name(), "active",
                        DefinitionToJson(definition)};
    CRM_RETURN_IF_ERROR(store::InsertStandardField(*connection_, row));
    added = true;
  }
  if (!added) return absl::OkStatus();  // the scope rolls back a no-op
  CRM_RETURN_IF_ERROR(store::BumpSchemaGeneration(*connection_));
  return scope.Commit();
}

absl::Status Workspace::RefreshSchema() {
  CRM_ASSIGN_OR_RETURN(int64_t generation,
                       store::SchemaGeneration(*connection_));
  if (schema_ && schema_->generation() == generation) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldRow> rows,
                       store::LoadFields(*connection_));
  CRM_ASSIGN_OR_RETURN(schema_, Schema::FromRows(rows, generation));
  connection_->ClearStatementCache();
  return absl::OkStatus();
}

absl::Status Workspace::Run(store::ScopeKind kind,
                            absl::FunctionRef<absl::Status(Session&)> body) {
  Hold hold(*this);
  CRM_ASSIGN_OR_RETURN(store::Scope scope,
                       store::Scope::Begin(*connection_, kind));
  CRM_RETURN_IF_ERROR(RefreshSchema());
  Session session(connection_.get(), &schema_);
  absl::Status status = body(session);
  if (status.ok()) status = scope.Commit();
  // A failed call may have reloaded a schema that its rollback undid.
  if (!status.ok()) schema_.reset();
  return status;
}

absl::Status Workspace::Begin() {
  Hold hold(*this);
  CRM_RETURN_IF_ERROR(store::BeginHostTransaction(*connection_));
  transaction_owner_ = std::this_thread::get_id();
  return absl::OkStatus();
}

absl::Status Workspace::Commit() {
  Hold hold(*this);
  absl::Status status = store::CommitHostTransaction(*connection_);
  if (!connection_->InTransaction()) {
    transaction_owner_.reset();
    released_.notify_all();
  }
  return status;
}

absl::Status Workspace::Rollback() {
  Hold hold(*this);
  absl::Status status = store::RollbackHostTransaction(*connection_);
  schema_.reset();
  if (!connection_->InTransaction()) {
    transaction_owner_.reset();
    released_.notify_all();
  }
  return status;
}

absl::StatusOr<int> Workspace::SchemaVersion() {
  Hold hold(*this);
  return store::SchemaVersion(*connection_);
}

}  // namespace crm::core
