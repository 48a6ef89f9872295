// crm.h: opening and closing workspaces, and host transactions.
#include <cstddef>

#include "capi/capi_support.h"
#include "core/workspace.h"
#include "store/rows.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::Out;

namespace {
// The size of crm_open_options in libcrm 0.1, its first release: up to and
// including `sync`.
constexpr uint32_t kFirstOptionsSize =
    offsetof(crm_open_options, sync) + sizeof(int);

// `options` (NULL for the defaults) as the core takes them, checked.
absl::StatusOr<crm::store::ConnectionOptions> ConnectionOptionsOf(
    const crm_open_options* options) {
  CRM_ASSIGN_OR_RETURN(
      crm_open_options chosen,
      crm::capi::ReadOptions(options, crm_open_options(CRM_OPEN_OPTIONS_INIT),
                             kFirstOptionsSize, "CRM_OPEN_OPTIONS_INIT"));
  if ((chosen.flags & ~(CRM_OPEN_CREATE | CRM_OPEN_READ_ONLY)) != 0 ||
      chosen.busy_timeout_ms < 0 ||
      (chosen.sync != CRM_SYNC_NORMAL && chosen.sync != CRM_SYNC_FULL)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "options hold an unknown flag, a negative busy timeout "
                     "or an unknown sync mode",
                     "", Rule::kOptions);
  }
  crm::store::ConnectionOptions connection_options;
  connection_options.create = (chosen.flags & CRM_OPEN_CREATE) != 0;
  connection_options.read_only = (chosen.flags & CRM_OPEN_READ_ONLY) != 0;
  connection_options.busy_timeout_ms = chosen.busy_timeout_ms;
  connection_options.sync_full = chosen.sync == CRM_SYNC_FULL;
  return connection_options;
}

// A workspace URL's C-level shape; its meaning is the backend's to check.
// Never quotes the URL: it may hold a password.
absl::Status CheckUrl(const char* url) {
  CRM_RETURN_IF_ERROR(CheckText(url, Rule::kUrl));
  if (*url == '\0') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "url must name a workspace of a database server", "",
                     Rule::kUrl);
  }
  return absl::OkStatus();
}

}  // namespace

extern "C" {

int crm_open(crm_db** out, const char* path, const crm_open_options* options) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_db> {
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    if (*path == '\0') {
      // SQLite would open a temporary file, lost at close.
      return MakeError(ErrorCode::kInvalidArgument,
                       "path must name a file (or be \":memory:\")", "",
                       Rule::kPath);
    }
    CRM_ASSIGN_OR_RETURN(crm::store::ConnectionOptions connection_options,
                         ConnectionOptionsOf(options));
    CRM_ASSIGN_OR_RETURN(auto workspace, crm::core::Workspace::OpenFile(
                                             path, connection_options));
    return std::make_unique<crm_db>(crm_db{std::move(workspace), std::nullopt});
  });
}

int crm_open_url(crm_db** out, const char* url,
                 const crm_open_options* options) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_db> {
    CRM_RETURN_IF_ERROR(CheckUrl(url));
    CRM_ASSIGN_OR_RETURN(crm::store::ConnectionOptions connection_options,
                         ConnectionOptionsOf(options));
    CRM_ASSIGN_OR_RETURN(
        auto workspace, crm::core::Workspace::OpenUrl(url, connection_options));
    return std::make_unique<crm_db>(crm_db{std::move(workspace), std::nullopt});
  });
}

int crm_workspace_create(const char* url) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckUrl(url));
    return crm::core::CreateUrlWorkspace(url);
  });
}

int crm_workspace_drop(const char* url) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckUrl(url));
    return crm::core::DropUrlWorkspace(url);
  });
}

int crm_open_options_init(crm_open_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_open_options(CRM_OPEN_OPTIONS_INIT),
                                  kFirstOptionsSize);
  });
}

void crm_close(crm_db* db) { delete db; }

int crm_db_schema_version(int* out, crm_db* db) {
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<int> {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    return db->workspace->SchemaVersion();
  });
}

int crm_begin(crm_db* db) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    return db->workspace->Begin();
  });
}

int crm_commit(crm_db* db) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    return db->workspace->Commit();
  });
}

int crm_rollback(crm_db* db) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    return db->workspace->Rollback();
  });
}

}  // extern "C"
