// What a backend remembers of a workspace's suppressions within one scope
// (Backend::BeginScope forgets it), so that a batch of customer writes
// reads whether any suppression exists, and the key, once rather than per
// row. Sound within a scope: on a file the write scope holds the write lock
// and a read scope is one snapshot, so only the scope's own writes change
// what was read, and those update the cache; on a server (read committed
// writes) a suppression another writer commits while a scope runs may be
// missed by that scope, as if the scope had started before it. The key,
// once stored, never changes. Not thread-safe (used like its Backend).
#ifndef CRM_STORE_SUPPRESSION_CACHE_H_
#define CRM_STORE_SUPPRESSION_CACHE_H_

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace crm::store {

class SuppressionCache {
 public:
  // At the start of every scope.
  void Forget() {
    any_.reset();
    key_.reset();
  }

  // Backend::LoadSuppressionKey, reading through `load` once per scope
  // after a key is found.
  absl::StatusOr<std::optional<std::string>> Key(
      absl::FunctionRef<absl::StatusOr<std::optional<std::string>>()> load) {
    if (key_.has_value()) return key_;
    absl::StatusOr<std::optional<std::string>> loaded = load();
    if (loaded.ok() && loaded->has_value()) key_ = **loaded;
    return loaded;
  }
  // Backend::StoreSuppressionKey through `store`.
  absl::StatusOr<std::string> StoreKey(
      absl::FunctionRef<absl::StatusOr<std::string>()> store) {
    absl::StatusOr<std::string> stored = store();
    if (stored.ok()) key_ = *stored;
    return stored;
  }
  // Backend::HasSuppressions, reading through `read` once per scope.
  absl::StatusOr<bool> Any(absl::FunctionRef<absl::StatusOr<bool>()> read) {
    if (any_.has_value()) return *any_;
    absl::StatusOr<bool> any = read();
    if (any.ok()) any_ = *any;
    return any;
  }
  // After a suppression was stored, or some removed.
  void Added() { any_ = true; }
  void Removed() { any_.reset(); }

 private:
  std::optional<bool> any_;
  std::optional<std::string> key_;
};

}  // namespace crm::store

#endif  // CRM_STORE_SUPPRESSION_CACHE_H_
