// crm.h: customers one at a time.
#include "capi/capi_support.h"
#include "capi/capi_write.h"
#include "core/customer_service.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckNotNull;
using crm::capi::CheckOptionalText;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::CustomerKey;
using crm::core::CustomerRecord;
using crm::core::Session;
using crm::core::Value;
using crm::core::WriteOutcome;
using crm::core::WriteTime;
using crm::store::ScopeKind;

namespace {

const char* ActorOrDefault(const char* actor) {
  return actor == nullptr ? "" : actor;
}

absl::Status CheckId(int64_t id) {
  if (id > 0) return absl::OkStatus();
  return crm::MakeError(ErrorCode::kInvalidArgument,
                        "a customer id is a positive integer", "", Rule::kId);
}

absl::Status CheckExpectedVersion(int64_t expected_version) {
  if (expected_version >= 0) return absl::OkStatus();
  return crm::MakeError(ErrorCode::kInvalidArgument,
                        "expected_version must be 0 or positive", "",
                        Rule::kExpectedVersion);
}

HandleOr<crm_record> GetBy(crm_db* db, CustomerKey key, Value value) {
  CRM_ASSIGN_OR_RETURN(crm::core::CustomerRecord record,
                       OnDb(db, ScopeKind::kRead, [&](Session& session) {
                         return crm::core::GetCustomer(session, key, value);
                       }));
  return crm::capi::NewRecord(std::move(record));
}

// The customer whose `key` is `text`, the argument called `parameter`.
HandleOr<crm_record> GetByText(crm_db* db, CustomerKey key, const char* text,
                               Rule parameter) {
  CRM_RETURN_IF_ERROR(CheckText(text, parameter));
  return GetBy(db, key, Value::Text(text));
}

// The writes, v1 and _v2 alike (a v1 call is its _v2 with options NULL).
// `write` is CreateCustomer or UpsertCustomer.
using RecordWrite = absl::StatusOr<WriteOutcome> (*)(Session&,
                                                     const CustomerRecord&,
                                                     const WriteTime&,
                                                     absl::string_view);
absl::StatusOr<WriteOutcome> Write(RecordWrite write, crm_db* db,
                                   const crm_record* record,
                                   const crm_write_options* options,
                                   const char* actor) {
  CRM_RETURN_IF_ERROR(CheckNotNull(record, Rule::kRecord));
  CRM_RETURN_IF_ERROR(CheckOptionalText(actor, Rule::kActor));
  CRM_ASSIGN_OR_RETURN(WriteTime time, crm::capi::ReadWriteTime(options));
  return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
    return write(session, record->record, time, ActorOrDefault(actor));
  });
}

absl::StatusOr<WriteOutcome> Update(crm_db* db, int64_t id,
                                    int64_t expected_version,
                                    const crm_record* changes,
                                    const crm_write_options* options,
                                    const char* actor) {
  CRM_RETURN_IF_ERROR(CheckNotNull(changes, Rule::kChanges));
  CRM_RETURN_IF_ERROR(CheckId(id));
  CRM_RETURN_IF_ERROR(CheckOptionalText(actor, Rule::kActor));
  CRM_RETURN_IF_ERROR(CheckExpectedVersion(expected_version));
  CRM_ASSIGN_OR_RETURN(WriteTime time, crm::capi::ReadWriteTime(options));
  return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
    return crm::core::UpdateCustomer(session, id, expected_version,
                                     changes->record, time,
                                     ActorOrDefault(actor));
  });
}

HandleOr<crm_write_result> ResultOf(absl::StatusOr<WriteOutcome> outcome) {
  CRM_RETURN_IF_ERROR(outcome.status());
  return crm::capi::NewWriteResult(*outcome);
}

}  // namespace

extern "C" {

int crm_customer_create(int64_t* out_id, crm_db* db, const crm_record* record,
                        const char* actor) {
  return Call(Out(out_id, Rule::kOutId), [&]() -> absl::StatusOr<int64_t> {
    CRM_ASSIGN_OR_RETURN(
        WriteOutcome written,
        Write(crm::core::CreateCustomer, db, record, nullptr, actor));
    return written.id;
  });
}

int crm_customer_create_v2(crm_write_result** out, crm_db* db,
                           const crm_record* record,
                           const crm_write_options* options,
                           const char* actor) {
  return Call(Out(out), [&] {
    return ResultOf(
        Write(crm::core::CreateCustomer, db, record, options, actor));
  });
}

int crm_customer_get(crm_record** out, crm_db* db, int64_t id) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_record> {
    CRM_RETURN_IF_ERROR(CheckId(id));
    return GetBy(db, CustomerKey::kId, Value::Integer(id));
  });
}

int crm_customer_get_by_external_id(crm_record** out, crm_db* db,
                                    const char* external_id) {
  return Call(Out(out, Rule::kOut), [&] {
    return GetByText(db, CustomerKey::kExternalId, external_id,
                     Rule::kExternalId);
  });
}

int crm_customer_get_by_email(crm_record** out, crm_db* db, const char* email) {
  return Call(Out(out, Rule::kOut), [&] {
    return GetByText(db, CustomerKey::kEmail, email, Rule::kEmail);
  });
}

int crm_customer_update(int64_t* out_version, crm_db* db, int64_t id,
                        int64_t expected_version, const crm_record* changes,
                        const char* actor) {
  return Call(Out(out_version), [&]() -> absl::StatusOr<int64_t> {
    CRM_ASSIGN_OR_RETURN(WriteOutcome written, Update(db, id, expected_version,
                                                      changes, nullptr, actor));
    return written.version;
  });
}

int crm_customer_update_v2(crm_write_result** out, crm_db* db, int64_t id,
                           int64_t expected_version, const crm_record* changes,
                           const crm_write_options* options,
                           const char* actor) {
  return Call(Out(out), [&] {
    return ResultOf(Update(db, id, expected_version, changes, options, actor));
  });
}

int crm_customer_delete(crm_db* db, int64_t id, int64_t expected_version,
                        const char* actor) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckId(id));
    CRM_RETURN_IF_ERROR(CheckOptionalText(actor, Rule::kActor));
    CRM_RETURN_IF_ERROR(CheckExpectedVersion(expected_version));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::DeleteCustomer(session, id, expected_version,
                                       ActorOrDefault(actor));
    });
  });
}

int crm_customer_upsert(int64_t* out_id, int* out_created, crm_db* db,
                        const crm_record* record, const char* actor) {
  return Call(
      Out(out_id, Rule::kOutId), Out(out_created),
      [&]() -> absl::StatusOr<std::pair<int64_t, int>> {
        CRM_ASSIGN_OR_RETURN(
            WriteOutcome written,
            Write(crm::core::UpsertCustomer, db, record, nullptr, actor));
        return std::pair<int64_t, int>(written.id, written.created ? 1 : 0);
      });
}

int crm_customer_upsert_v2(crm_write_result** out, crm_db* db,
                           const crm_record* record,
                           const crm_write_options* options,
                           const char* actor) {
  return Call(Out(out), [&] {
    return ResultOf(
        Write(crm::core::UpsertCustomer, db, record, options, actor));
  });
}

int crm_customer_count(int64_t* out, crm_db* db) {
  return Call(Out(out, Rule::kOut), [&] {
    return OnDb(db, ScopeKind::kRead, [](Session& session) {
      return crm::core::CountCustomers(session);
    });
  });
}

}  // extern "C"
