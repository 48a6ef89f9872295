// The workspace a verb works on: opened from Globals (a path or a
// postgresql:// URL, restricted to --profile when given), closed when the
// object goes. Move-only; one thread.
#ifndef CRM_TOOLS_CRM_WORKSPACE_H_
#define CRM_TOOLS_CRM_WORKSPACE_H_

#include <functional>

#include "crm/crm.h"
#include "globals.h"

namespace crm::cli {

// What a verb does with the workspace.
enum class Access {
  kRead,    // opened read-only; never created
  kWrite,   // opened for writing; must exist
  kCreate,  // opened for writing, created when missing (import, load, ...)
};

class Workspace {
 public:
  // Opens globals.workspace; throws Failure (usage when no workspace is
  // named, else libcrm's status).
  Workspace(const Globals& globals, Access access);
  ~Workspace();
  Workspace(Workspace&& other) noexcept;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  Workspace& operator=(Workspace&&) = delete;

  // The handle verbs call libcrm with: the restricted one under --profile.
  // Owned by this object.
  crm_db* db() const { return restricted_ != nullptr ? restricted_ : db_; }

  // Runs `write` (libcrm calls on db()) in one host transaction: committed
  // when it returns, rolled back when it throws or when `dry_run` is set, so
  // that a dry run meets every error the write would and stores nothing.
  void WriteTransaction(bool dry_run, const std::function<void()>& write);

  // True when the workspace is a postgresql:// URL rather than a file.
  bool on_server() const { return on_server_; }

 private:
  crm_db* db_ = nullptr;
  crm_db* restricted_ = nullptr;
  bool on_server_ = false;
};

// True when `location` is a PostgreSQL URL rather than a file's path.
bool IsWorkspaceUrl(const std::string& location);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_WORKSPACE_H_
