// crm.h: opening and closing workspaces, and host transactions.
#include <cstddef>

#include "capi/capi_support.h"
#include "store/migrations.h"

using crm::ErrorCode;
using crm::capi::CheckDb;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::Report;

namespace {
// The size of crm_open_options in libcrm 0.1, its first release: up to and
// including `sync`.
constexpr uint32_t kFirstOptionsSize =
    offsetof(crm_open_options, sync) + sizeof(int);
}  // namespace

extern "C" {

int crm_open(crm_db** out, const char* path, const crm_open_options* options) {
  return Guard([&] {
    if (out == nullptr)
      return Fail(ErrorCode::kInvalidArgument, "out must not be NULL", "",
                  "out");
    *out = nullptr;
    absl::Status status = crm::capi::CheckText(path, "path");
    if (!status.ok()) return Fail(status);
    if (*path == '\0') {
      // SQLite would open a temporary file, lost at close.
      return Fail(ErrorCode::kInvalidArgument,
                  "path must name a file (or be \":memory:\")", "", "path");
    }
    absl::StatusOr<crm_open_options> read =
        crm::capi::ReadOptions(options, crm_open_options(CRM_OPEN_OPTIONS_INIT),
                               kFirstOptionsSize, "CRM_OPEN_OPTIONS_INIT");
    if (!read.ok()) return Fail(read.status());
    crm_open_options chosen = *read;
    if ((chosen.flags & ~(CRM_OPEN_CREATE | CRM_OPEN_READ_ONLY)) != 0 ||
        chosen.busy_timeout_ms < 0 ||
        (chosen.sync != CRM_SYNC_NORMAL && chosen.sync != CRM_SYNC_FULL)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "options hold an unknown flag, a negative busy timeout or "
                  "an unknown sync mode",
                  "", "options");
    }
    crm::store::ConnectionOptions connection_options;
    connection_options.create = (chosen.flags & CRM_OPEN_CREATE) != 0;
    connection_options.read_only = (chosen.flags & CRM_OPEN_READ_ONLY) != 0;
    connection_options.busy_timeout_ms = chosen.busy_timeout_ms;
    connection_options.sync_full = chosen.sync == CRM_SYNC_FULL;
    auto workspace = crm::core::Workspace::Open(path, connection_options);
    if (!workspace.ok()) return Fail(workspace.status());
    *out = new crm_db{*std::move(workspace)};
    return static_cast<int>(CRM_OK);
  });
}

int crm_open_options_init(crm_open_options* options, size_t struct_size) {
  return Guard([&] {
    absl::Status status = crm::capi::InitOptions(
        options, struct_size, crm_open_options(CRM_OPEN_OPTIONS_INIT),
        kFirstOptionsSize);
    return status.ok() ? static_cast<int>(CRM_OK) : Fail(status);
  });
}

void crm_close(crm_db* db) { delete db; }

int crm_db_schema_version(int* out, crm_db* db) {
  return Guard([&] {
    absl::Status status = crm::capi::CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = 0;
    status = CheckDb(db);
    if (!status.ok()) return Fail(status);
    absl::StatusOr<int> version = db->workspace->SchemaVersion();
    if (!version.ok()) return Fail(version.status());
    *out = *version;
    return static_cast<int>(CRM_OK);
  });
}

int crm_begin(crm_db* db) {
  return Guard([&] {
    absl::Status status = CheckDb(db);
    return Report(status.ok() ? db->workspace->Begin() : status);
  });
}

int crm_commit(crm_db* db) {
  return Guard([&] {
    absl::Status status = CheckDb(db);
    return Report(status.ok() ? db->workspace->Commit() : status);
  });
}

int crm_rollback(crm_db* db) {
  return Guard([&] {
    absl::Status status = CheckDb(db);
    return Report(status.ok() ? db->workspace->Rollback() : status);
  });
}

}  // extern "C"
