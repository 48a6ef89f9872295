#include "core/workspace.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/duplicates/match_key_store.h"
#include "core/file_backend.h"
#include "core/history.h"
#include "core/json.h"
#include "core/query_service.h"
#include "core/schema.h"
#include "store/backend_plugin.h"

namespace crm::core {

// Holds the workspace lock for the calling thread, waiting while another
// thread owns an open host transaction.
class Workspace::Hold {
 public:
  // Takes the lock without waiting for a transaction: for ending one, which
  // only its owner may do.
  struct NoWait {};
  Hold(Workspace& workspace, NoWait) : lock_(workspace.mutex_) {}

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

namespace {
// kDenied when the session's profile is gone (dropped since its handle was
// made). Checked whenever the session gets a schema: services read a null
// access() as "unrestricted", so a restricted session must never run on a
// schema without its profile.
absl::Status CheckViewer(const Session& session) {
  if (session.viewer() == nullptr || session.access() != nullptr) {
    return absl::OkStatus();
  }
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("access profile '", session.viewer()->profile,
                                "' no longer exists"),
                   "", Rule::kProfile);
}
}  // namespace

absl::Status Session::SchemaChanged() {
  CRM_RETURN_IF_ERROR(backend_->BumpSchemaGeneration());
  filters_->Clear();
  CRM_ASSIGN_OR_RETURN(*schema_, LoadSchema(*backend_));
  return CheckViewer(*this);
}

absl::StatusOr<int64_t> Session::Intern(const std::string& text) {
  auto it = strings_->find(text);
  if (it != strings_->end()) return it->second;
  CRM_ASSIGN_OR_RETURN(int64_t id, backend_->InternString(text));
  strings_->emplace(text, id);
  return id;
}

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::OpenFile(
    const std::string& path, const store::ConnectionOptions& options) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::Backend> backend,
                       OpenFileBackend(path, options));
  return Start(std::move(backend), options, true);
}

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::OpenUrl(
    const std::string& url, const store::ConnectionOptions& options) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::Backend> backend,
                       store::OpenUrlBackend(url, options, ReadFieldColumns));
  return Start(std::move(backend), options, false);
}

absl::Status CreateUrlWorkspace(const std::string& url) {
  return store::CreateUrlWorkspace(url);
}

absl::Status DropUrlWorkspace(const std::string& url) {
  return store::DropUrlWorkspace(url);
}

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::Start(
    std::unique_ptr<store::Backend> backend,
    const store::ConnectionOptions& options, bool check_schema_after_reads) {
  std::unique_ptr<Workspace> workspace(
      new Workspace(std::move(backend), check_schema_after_reads));
  if (!options.read_only) {
    CRM_RETURN_IF_ERROR(workspace->SeedStandardFields());
    // A file from before the event log gets its customers' current values
    // as their first history event, once.
    CRM_RETURN_IF_ERROR(workspace->Run(
        store::ScopeKind::kWrite, [](Session& session) -> absl::Status {
          CRM_ASSIGN_OR_RETURN(bool pending, session.backend().TakeMetaFlag(
                                                 "history_baseline_pending"));
          if (pending) CRM_RETURN_IF_ERROR(WriteHistoryBaseline(session));
          // Likewise the search index for files from before it.
          CRM_ASSIGN_OR_RETURN(
              pending, session.backend().TakeMetaFlag("search_index_pending"));
          if (pending) CRM_RETURN_IF_ERROR(IndexAllCustomerText(session));
          // Likewise the match keys for workspaces from before them.
          CRM_ASSIGN_OR_RETURN(
              pending, session.backend().TakeMetaFlag("match_keys_pending"));
          return pending ? duplicates::RebuildMatchKeys(session)
                         : absl::OkStatus();
        }));
  }
  CRM_RETURN_IF_ERROR(workspace->Run(
      store::ScopeKind::kRead, [](Session&) { return absl::OkStatus(); }));
  return workspace;
}

Workspace::~Workspace() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (backend_->InTransaction()) (void)backend_->RollbackTransaction();
}

absl::Status Workspace::SeedStandardFields() {
  Hold hold(*this);
  CRM_ASSIGN_OR_RETURN(
      store::Scope scope,
      store::Scope::Begin(*backend_, store::ScopeKind::kWrite));
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldRow> rows,
                       backend_->LoadFields());
  bool added = false;
  for (const wire::FieldDefinition& definition : StandardFieldDefinitions()) {
    bool present = false;
    for (const store::FieldRow& row : rows)
      present |= row.name == definition.name();
    if (present) continue;
    store::FieldRow row{0, definition.name(), definition.name(), "active",
                        MessageToJson(definition)};
    CRM_RETURN_IF_ERROR(backend_->InsertStandardField(row));
    added = true;
  }
  if (!added) return absl::OkStatus();  // the scope rolls back a no-op
  CRM_RETURN_IF_ERROR(backend_->BumpSchemaGeneration());
  return scope.Commit();
}

absl::StatusOr<bool> Workspace::RefreshSchema() {
  CRM_ASSIGN_OR_RETURN(int64_t generation, backend_->SchemaGeneration());
  if (schema_ && schema_->generation() == generation) return false;
  filters_.Clear();
  CRM_ASSIGN_OR_RETURN(schema_, LoadSchema(*backend_));
  backend_->LayoutChanged();
  return true;
}

const Access* Session::access() const {
  return viewer_ == nullptr ? nullptr : schema().FindProfile(viewer_->profile);
}

absl::Status Workspace::Run(store::ScopeKind kind,
                            absl::FunctionRef<absl::Status(Session&)> body,
                            const Viewer* viewer) {
  Hold hold(*this);
  CRM_RETURN_IF_ERROR(RecoverStrayTransaction());
  CRM_ASSIGN_OR_RETURN(store::Scope scope,
                       store::Scope::Begin(*backend_, kind));
  const bool read = kind == store::ScopeKind::kRead;
  // The check after the body is made in the snapshot the body read, so that
  // no field change can fall between the check and the reads.
  const bool check_after = check_schema_after_reads_ && read &&
                           !transaction_owner_ && schema_ != nullptr;
  if (!check_after) CRM_RETURN_IF_ERROR(RefreshSchema().status());
  Session session(backend_.get(), &schema_, &strings_, &texts_, &filters_,
                  viewer);
  absl::Status status = CheckViewer(session);
  if (status.ok()) status = body(session);
  if (check_after) {
    absl::StatusOr<bool> reloaded = RefreshSchema();
    if (!reloaded.ok()) {
      status = reloaded.status();
    } else if (*reloaded) {
      // What it read was read with an older schema.
      status = CheckViewer(session);
      if (status.ok()) status = body(session);
    }
  }
  if (status.ok()) status = scope.Commit();
  // A failed call may have loaded a schema or interned strings that its
  // rollback undid; a read's rollback undoes nothing.
  if (!status.ok() && !read) ForgetUncommitted();
  return status;
}

absl::Status Workspace::Begin() {
  Hold hold(*this);
  CRM_RETURN_IF_ERROR(backend_->BeginTransaction());
  transaction_owner_ = std::this_thread::get_id();
  return absl::OkStatus();
}

absl::Status Workspace::Commit() {
  Hold hold(*this, Hold::NoWait());
  CRM_RETURN_IF_ERROR(CheckTransactionOwner());
  if (HostTransactionLost()) {
    ForgetUncommitted();
    ReleaseIfEnded();
    return MakeError(ErrorCode::kMisuse,
                     "nothing was committed: the transaction was rolled back "
                     "after an earlier out-of-memory or I/O failure");
  }
  absl::Status status = backend_->CommitTransaction();
  // A commit that failed may have been rolled back by the storage.
  if (!status.ok()) ForgetUncommitted();
  ReleaseIfEnded();
  return status;
}

absl::Status Workspace::RecoverStrayTransaction() {
  if (HostTransactionLost()) {
    return MakeError(
        ErrorCode::kMisuse,
        "the transaction begun with crm_begin was rolled back after an "
        "earlier out-of-memory or I/O failure, and nothing since crm_begin "
        "is stored; call crm_rollback to end it");
  }
  if (!transaction_owner_ && backend_->InTransaction()) {
    // A call's own transaction whose rollback failed: end it now, so that
    // this call does not run inside it.
    ForgetUncommitted();
    absl::Status status = backend_->RollbackTransaction();
    if (backend_->InTransaction()) return status;
  }
  return absl::OkStatus();
}

absl::Status Workspace::Rollback() {
  Hold hold(*this, Hold::NoWait());
  CRM_RETURN_IF_ERROR(CheckTransactionOwner());
  // A transaction the storage already rolled back after a failure (or lost
  // with its connection) ends as asked; the backend is told all the same, so
  // that it forgets the transaction too.
  const bool lost = HostTransactionLost();
  absl::Status status = backend_->RollbackTransaction();
  if (lost) status = absl::OkStatus();
  ForgetUncommitted();
  ReleaseIfEnded();
  return status;
}

bool Workspace::InHostTransaction() {
  std::lock_guard<std::mutex> lock(mutex_);
  return transaction_owner_ == std::this_thread::get_id();
}

bool Workspace::HostTransactionLost() const {
  return transaction_owner_ && !backend_->InTransaction();
}

void Workspace::ReleaseIfEnded() {
  if (backend_->InTransaction()) return;
  transaction_owner_.reset();
  released_.notify_all();
}

absl::Status Workspace::CheckTransactionOwner() const {
  if (transaction_owner_ && *transaction_owner_ != std::this_thread::get_id()) {
    return MakeError(ErrorCode::kMisuse,
                     "the transaction belongs to another thread; only the "
                     "thread that began it can commit or roll it back");
  }
  return absl::OkStatus();
}

void Workspace::ForgetUncommitted() {
  schema_.reset();
  filters_.Clear();
  strings_.clear();
  texts_.clear();
}

absl::StatusOr<int> Workspace::SchemaVersion() {
  Hold hold(*this);
  return backend_->SchemaVersion();
}

absl::Status Workspace::Checkpoint() {
  Hold hold(*this);
  if (transaction_owner_) {
    return MakeError(ErrorCode::kMisuse,
                     "a checkpoint cannot run inside a transaction begun "
                     "with crm_begin: commit or roll it back first");
  }
  CRM_RETURN_IF_ERROR(RecoverStrayTransaction());
  return backend_->Checkpoint();
}

}  // namespace crm::core
