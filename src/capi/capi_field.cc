// crm.h: field definitions.
#include "capi/capi_support.h"
#include "core/field_service.h"

using crm::ErrorCode;
using crm::capi::CheckText;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::RunOn;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// Runs a field change on the field called `name`.
int ChangeField(crm_db* db, const char* name,
                absl::FunctionRef<absl::Status(Session&)> change) {
  return Guard([&] {
    absl::Status status = CheckText(name, "name");
    if (!status.ok()) return Fail(status);
    return RunOn(db, ScopeKind::kWrite, change);
  });
}

// Runs a read that hands a JSON string to *out.
int ReadJson(char** out, crm_db* db,
             absl::FunctionRef<absl::StatusOr<std::string>(Session&)> read) {
  return Guard([&] {
    absl::Status status = crm::capi::CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    std::string json;
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(json, read(session));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out = crm::capi::CopyString(json);
    return rc;
  });
}

}  // namespace

extern "C" {

int crm_field_define(int64_t* out_field_id, crm_db* db,
                     const char* definition_json) {
  return Guard([&] {
    absl::Status status = crm::capi::CheckNotNull(out_field_id, "out_field_id");
    if (!status.ok()) return Fail(status);
    *out_field_id = 0;
    status = CheckText(definition_json, "definition_json");
    if (!status.ok()) return Fail(status);
    int64_t id = 0;
    int rc = RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(id,
                           crm::core::DefineField(session, definition_json));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out_field_id = id;
    return rc;
  });
}

int crm_field_update(crm_db* db, const char* name, const char* patch_json) {
  return Guard([&] {
    absl::Status status = CheckText(patch_json, "patch_json");
    if (!status.ok()) return Fail(status);
    return ChangeField(db, name, [&](Session& session) {
      return crm::core::UpdateField(session, name, patch_json);
    });
  });
}

int crm_field_archive(crm_db* db, const char* name) {
  return ChangeField(db, name, [&](Session& session) {
    return crm::core::SetFieldArchived(session, name, true);
  });
}

int crm_field_restore(crm_db* db, const char* name) {
  return ChangeField(db, name, [&](Session& session) {
    return crm::core::SetFieldArchived(session, name, false);
  });
}

int crm_field_delete(crm_db* db, const char* name) {
  return ChangeField(db, name, [&](Session& session) {
    return crm::core::DeleteField(session, name);
  });
}

int crm_field_describe(char** out_json, crm_db* db, const char* name) {
  return Guard([&] {
    absl::Status status = CheckText(name, "name");
    if (!status.ok()) {
      if (out_json != nullptr) *out_json = nullptr;
      return Fail(status);
    }
    return ReadJson(out_json, db, [&](Session& session) {
      return crm::core::DescribeField(session, name);
    });
  });
}

int crm_field_list(char** out_json, crm_db* db, int flags) {
  return Guard([&] {
    if ((flags & ~CRM_LIST_INCLUDE_ARCHIVED) != 0) {
      if (out_json != nullptr) *out_json = nullptr;
      return Fail(ErrorCode::kInvalidArgument, "unknown flags", "", "flags");
    }
    return ReadJson(out_json, db, [&](Session& session) {
      return crm::core::ListFields(session,
                                   (flags & CRM_LIST_INCLUDE_ARCHIVED) != 0);
    });
  });
}

}  // extern "C"
