// crm.h: field definitions.
#include "capi/capi_support.h"
#include "core/access.h"
#include "core/field_service.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Access;
using crm::core::Operation;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// Field changes on a restricted handle need the operation "define_fields".
absl::Status RequireDefineFields(const Session& session) {
  return Access::Require(session.access(), Operation::kDefineFields);
}

// Runs `change` on the field called `name`.
absl::Status ChangeField(crm_db* db, const char* name,
                         absl::FunctionRef<absl::Status(Session&)> change) {
  CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
  return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
    CRM_RETURN_IF_ERROR(RequireDefineFields(session));
    return change(session);
  });
}

}  // namespace

extern "C" {

int crm_field_define(int64_t* out_field_id, crm_db* db,
                     const char* definition_json) {
  return Call(
      Out(out_field_id, Rule::kOutFieldId), [&]() -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckText(definition_json, Rule::kDefinitionJson));
        return OnDb(db, ScopeKind::kWrite,
                    [&](Session& session) -> absl::StatusOr<int64_t> {
                      CRM_RETURN_IF_ERROR(RequireDefineFields(session));
                      return crm::core::DefineField(session, definition_json);
                    });
      });
}

int crm_field_update(crm_db* db, const char* name, const char* patch_json) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(patch_json, Rule::kPatchJson));
    return ChangeField(db, name, [&](Session& session) {
      return crm::core::UpdateField(session, name, patch_json);
    });
  });
}

int crm_field_archive(crm_db* db, const char* name) {
  return Call([&] {
    return ChangeField(db, name, [&](Session& session) {
      return crm::core::SetFieldArchived(session, name, true);
    });
  });
}

int crm_field_restore(crm_db* db, const char* name) {
  return Call([&] {
    return ChangeField(db, name, [&](Session& session) {
      return crm::core::SetFieldArchived(session, name, false);
    });
  });
}

int crm_field_delete(crm_db* db, const char* name) {
  return Call([&] {
    return ChangeField(db, name, [&](Session& session) {
      return crm::core::DeleteField(session, name);
    });
  });
}

// The NULL check of out_json follows the other arguments' and names it
// "out", as in libcrm 0.1.
int crm_field_describe(char** out_json, crm_db* db, const char* name) {
  return Call(Out(out_json), [&]() -> absl::StatusOr<std::string> {
    CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
    CRM_RETURN_IF_ERROR(CheckNotNull(out_json, Rule::kOut));
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::DescribeField(session, name);
    });
  });
}

int crm_field_list(char** out_json, crm_db* db, int flags) {
  return Call(Out(out_json), [&]() -> absl::StatusOr<std::string> {
    if ((flags & ~CRM_LIST_INCLUDE_ARCHIVED) != 0) {
      return crm::MakeError(ErrorCode::kInvalidArgument, "unknown flags", "",
                            Rule::kFlags);
    }
    CRM_RETURN_IF_ERROR(CheckNotNull(out_json, Rule::kOut));
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::ListFields(session,
                                   (flags & CRM_LIST_INCLUDE_ARCHIVED) != 0);
    });
  });
}

}  // extern "C"
