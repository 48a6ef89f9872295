#include "workspace.h"

#include <filesystem>
#include <string>
#include <utility>

#include "failure.h"

namespace crm::cli {

bool IsWorkspaceUrl(const std::string& location) {
  return location.starts_with("postgresql:") ||
         location.starts_with("postgres:");
}

Workspace::Workspace(const Globals& globals, Access access) {
  if (globals.workspace.empty()) {
    UsageError(
        "no workspace: name one with --workspace PATH|URL or "
        "CRM_WORKSPACE");
  }
  crm_open_options options;
  crm_open_options_init(&options, sizeof options);
  options.flags = 0;
  if (access == Access::kRead) options.flags |= CRM_OPEN_READ_ONLY;
  if (access == Access::kCreate) options.flags |= CRM_OPEN_CREATE;
  on_server_ = IsWorkspaceUrl(globals.workspace);
  if (!on_server_ && access != Access::kCreate &&
      globals.workspace != ":memory:" &&
      !std::filesystem::exists(globals.workspace)) {
    // As for a missing workspace on a server: not found, not an I/O error.
    throw Failure(
        static_cast<int>(kExitStatusBase) + CRM_E_NOT_FOUND,
        "no workspace file '" + globals.workspace + "' (CRM_E_NOT_FOUND)");
  }
  int status = on_server_
                   ? crm_open_url(&db_, globals.workspace.c_str(), &options)
                   : crm_open(&db_, globals.workspace.c_str(), &options);
  // libcrm's message names a file's path; a URL is named here.
  Check(status, on_server_ ? "cannot open workspace '" + globals.workspace + "'"
                           : std::string("cannot open the workspace"));
  if (!globals.profile.empty()) {
    status = crm_db_restrict(&restricted_, db_, globals.profile.c_str(),
                             globals.actor.c_str());
    if (status != CRM_OK) {
      crm_close(db_);
      db_ = nullptr;
      Check(status, "cannot use profile '" + globals.profile + "'");
    }
  }
}

void Workspace::WriteTransaction(bool dry_run,
                                 const std::function<void()>& write) {
  Check(crm_begin(db()), "cannot begin a transaction");
  try {
    write();
  } catch (...) {
    crm_rollback(db());
    throw;
  }
  if (dry_run) {
    Check(crm_rollback(db()), "cannot roll the dry run back");
  } else {
    Check(crm_commit(db()), "cannot commit");
  }
}

Workspace::~Workspace() {
  crm_close(restricted_);
  crm_close(db_);
}

Workspace::Workspace(Workspace&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      restricted_(std::exchange(other.restricted_, nullptr)),
      on_server_(other.on_server_) {}

}  // namespace crm::cli
