// A workspace: one storage backend (store/backend.h: a SQLite file or a
// database server, the core does not know which), the current field schema,
// and the rules for using them from several threads.
#ifndef CRM_CORE_WORKSPACE_H_
#define CRM_CORE_WORKSPACE_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "core/filter_cache.h"
#include "core/schema.h"
#include "store/backend.h"
#include "store/rows.h"

namespace crm::core {

class Access;

// Who a restricted handle acts for (crm_db_restrict): the profile every call
// runs with, and the actor bound to its scope's `:actor` and recorded on
// what it writes.
struct Viewer {
  std::string profile;
  std::string actor;
};

// What one call sees while it runs: the backend inside its scope, and the
// schema current in that scope.
class Session {
 public:
  store::Backend& backend() { return *backend_; }
  const Schema& schema() const { return **schema_; }
  // Call after changing field definitions in this scope: bumps the stored
  // generation and reloads the schema, so that the rest of the call and
  // other handles see the change.
  absl::Status SchemaChanged();
  // The interned id of an event string (type, channel, actor, source).
  absl::StatusOr<int64_t> Intern(const std::string& text);
  // The text of interned ids read so far, for the event reads.
  store::InternedTexts& texts() { return *texts_; }
  // Filters checked against schema().
  FilterCache& filters() { return *filters_; }
  // The rules of the call's profile, resolved against schema(); null for an
  // unrestricted call. Valid until the schema changes (SchemaChanged()).
  const Access* access() const;
  // The restricted handle the call came through; null for an unrestricted
  // one.
  const Viewer* viewer() const { return viewer_; }

 private:
  friend class Workspace;
  Session(store::Backend* backend, std::shared_ptr<const Schema>* schema,
          absl::flat_hash_map<std::string, int64_t>* strings,
          store::InternedTexts* texts, FilterCache* filters,
          const Viewer* viewer)
      : backend_(backend),
        schema_(schema),
        strings_(strings),
        texts_(texts),
        filters_(filters),
        viewer_(viewer) {}

  store::Backend* backend_;
  std::shared_ptr<const Schema>* schema_;
  absl::flat_hash_map<std::string, int64_t>* strings_;
  store::InternedTexts* texts_;
  FilterCache* filters_;
  const Viewer* viewer_;
};

// Thread-safe. Every call runs under the workspace's lock; a host
// transaction belongs to the thread that began it, and other threads wait
// until it ends.
class Workspace {
 public:
  // Opens the workspace file at `path` (":memory:" for one in memory).
  static absl::StatusOr<std::unique_ptr<Workspace>> OpenFile(
      const std::string& path, const store::ConnectionOptions& options);
  // Opens the workspace a URL names, in a database server
  // (store::OpenUrlBackend: the scheme picks the backend's plugin).
  static absl::StatusOr<std::unique_ptr<Workspace>> OpenUrl(
      const std::string& url, const store::ConnectionOptions& options);
  ~Workspace();

  // Runs `body` in a scope of `kind` and commits it when `body` succeeds;
  // on failure nothing `body` wrote remains. A read body may run twice in
  // the same snapshot (when the field schema it ran with turns out to be
  // older than the snapshot's): it must have no effect beyond its result and
  // the session's caches.
  // `viewer` (may be null: unrestricted) must outlive the call; a call
  // whose viewer's profile is gone fails with kDenied, rule kProfile.
  absl::Status Run(store::ScopeKind kind,
                   absl::FunctionRef<absl::Status(Session&)> body,
                   const Viewer* viewer = nullptr);

  absl::Status Begin();
  absl::Status Commit();
  absl::Status Rollback();
  // Whether the calling thread has a host transaction open (Begin()): its
  // calls then run inside it, and what they commit is the host's to keep.
  bool InHostTransaction();

  absl::StatusOr<int> SchemaVersion();

  // The backend's upkeep outside any scope (store::Backend::Checkpoint(),
  // crm_checkpoint): kMisuse inside a host transaction.
  absl::Status Checkpoint();

 private:
  class Hold;
  Workspace(std::unique_ptr<store::Backend> backend,
            bool check_schema_after_reads)
      : backend_(std::move(backend)),
        check_schema_after_reads_(check_schema_after_reads) {}
  // Takes over a backend that holds a verified workspace and readies it:
  // standard fields, one-off work migrations left, the first schema.
  static absl::StatusOr<std::unique_ptr<Workspace>> Start(
      std::unique_ptr<store::Backend> backend,
      const store::ConnectionOptions& options, bool check_schema_after_reads);
  // Reloads the schema if the stored generation moved; true when it did.
  absl::StatusOr<bool> RefreshSchema();
  absl::Status SeedStandardFields();
  // kMisuse when another thread owns the open transaction.
  absl::Status CheckTransactionOwner() const;
  // Before each call: after an out-of-memory or I/O failure the storage may
  // have rolled back the host's transaction by itself (then every call fails
  // until crm_rollback, so that none runs outside it), or a call's own
  // rollback may have failed (then it is rolled back here).
  absl::Status RecoverStrayTransaction();
  // The host's transaction is still recorded but the storage no longer has
  // one.
  bool HostTransactionLost() const;
  // After commit or rollback: frees waiting threads once no transaction is
  // open.
  void ReleaseIfEnded();
  // Drops caches that may hold what a rollback undid.
  void ForgetUncommitted();

  std::mutex mutex_;
  std::condition_variable released_;
  std::optional<std::thread::id> transaction_owner_;  // guarded by mutex_
  std::unique_ptr<store::Backend> backend_;           // guarded by mutex_
  // Whether a read call outside a host transaction checks the schema after
  // its body instead of before: for backends whose read scope is one
  // snapshot from its first read on and whose SchemaGeneration() needs no
  // statement once a read has taken it (a file). Others, such as a server
  // whose failed statement aborts the scope, check first.
  const bool check_schema_after_reads_;
  std::shared_ptr<const Schema> schema_;  // guarded by mutex_
  // Interned event strings; only ever holds committed ids between calls.
  absl::flat_hash_map<std::string, int64_t> strings_;  // guarded by mutex_
  // Their text by id, likewise.
  store::InternedTexts texts_;  // guarded by mutex_
  // Filters checked against schema_; cleared whenever schema_ changes.
  FilterCache filters_;  // guarded by mutex_
};

// Creates the workspace `url` names in its database server, or drops it with
// everything it holds (store::CreateUrlWorkspace / DropUrlWorkspace).
absl::Status CreateUrlWorkspace(const std::string& url);
absl::Status DropUrlWorkspace(const std::string& url);

}  // namespace crm::core

#endif  // CRM_CORE_WORKSPACE_H_
