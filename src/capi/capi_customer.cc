// crm.h: customers one at a time.
#include "capi/capi_support.h"
#include "core/customer_service.h"

using crm::ErrorCode;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::RunOn;
using crm::core::CustomerKey;
using crm::core::Session;
using crm::core::Value;
using crm::store::ScopeKind;

namespace {

const char* ActorOrDefault(const char* actor) {
  return actor == nullptr ? "" : actor;
}

absl::Status CheckActorArgument(const char* actor) {
  return actor == nullptr ? absl::OkStatus() : CheckText(actor, "actor");
}

absl::Status CheckId(int64_t id) {
  if (id > 0) return absl::OkStatus();
  return crm::MakeError(ErrorCode::kInvalidArgument,
                        "a customer id is a positive integer", "", "id");
}

int GetBy(crm_record** out, crm_db* db, CustomerKey key, Value value) {
  return Guard([&] {
    crm_record* record = new crm_record();
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(record->record,
                           crm::core::GetCustomer(session, key, value));
      return absl::OkStatus();
    });
    if (rc != CRM_OK) {
      delete record;
      record = nullptr;
    }
    *out = record;
    return rc;
  });
}

// Checks *out and a text key, then reads the customer with that key.
int GetByText(crm_record** out, crm_db* db, CustomerKey key, const char* text,
              const char* parameter) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    status = CheckText(text, parameter);
    if (!status.ok()) return Fail(status);
    return GetBy(out, db, key, Value::Text(text));
  });
}

}  // namespace

extern "C" {

int crm_customer_create(int64_t* out_id, crm_db* db, const crm_record* record,
                        const char* actor) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out_id, "out_id");
    if (!status.ok()) return Fail(status);
    *out_id = 0;
    status = CheckNotNull(record, "record");
    if (status.ok()) status = CheckActorArgument(actor);
    if (!status.ok()) return Fail(status);
    int64_t id = 0;
    int rc = RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(id,
                           crm::core::CreateCustomer(session, record->record,
                                                     ActorOrDefault(actor)));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out_id = id;
    return rc;
  });
}

int crm_customer_get(crm_record** out, crm_db* db, int64_t id) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    status = CheckId(id);
    if (!status.ok()) return Fail(status);
    return GetBy(out, db, CustomerKey::kId, Value::Integer(id));
  });
}

int crm_customer_get_by_external_id(crm_record** out, crm_db* db,
                                    const char* external_id) {
  return GetByText(out, db, CustomerKey::kExternalId, external_id,
                   "external_id");
}

int crm_customer_get_by_email(crm_record** out, crm_db* db, const char* email) {
  return GetByText(out, db, CustomerKey::kEmail, email, "email");
}

int crm_customer_update(int64_t* out_version, crm_db* db, int64_t id,
                        int64_t expected_version, const crm_record* changes,
                        const char* actor) {
  return Guard([&] {
    if (out_version != nullptr) *out_version = 0;
    absl::Status status = CheckNotNull(changes, "changes");
    if (status.ok()) status = CheckId(id);
    if (status.ok()) status = CheckActorArgument(actor);
    if (status.ok() && expected_version < 0) {
      status = crm::MakeError(ErrorCode::kInvalidArgument,
                              "expected_version must be 0 or positive", "",
                              "expected_version");
    }
    if (!status.ok()) return Fail(status);
    int64_t version = 0;
    int rc = RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(
          version,
          crm::core::UpdateCustomer(session, id, expected_version,
                                    changes->record, ActorOrDefault(actor)));
      return absl::OkStatus();
    });
    if (out_version != nullptr) *out_version = rc == CRM_OK ? version : 0;
    return rc;
  });
}

int crm_customer_delete(crm_db* db, int64_t id, int64_t expected_version,
                        const char* actor) {
  return Guard([&] {
    absl::Status status = CheckId(id);
    if (status.ok()) status = CheckActorArgument(actor);
    if (status.ok() && expected_version < 0) {
      status = crm::MakeError(ErrorCode::kInvalidArgument,
                              "expected_version must be 0 or positive", "",
                              "expected_version");
    }
    if (!status.ok()) return Fail(status);
    return RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::DeleteCustomer(session, id, expected_version,
                                       ActorOrDefault(actor));
    });
  });
}

int crm_customer_upsert(int64_t* out_id, int* out_created, crm_db* db,
                        const crm_record* record, const char* actor) {
  return Guard([&] {
    if (out_created != nullptr) *out_created = 0;
    absl::Status status = CheckNotNull(out_id, "out_id");
    if (!status.ok()) return Fail(status);
    *out_id = 0;
    status = CheckNotNull(record, "record");
    if (status.ok()) status = CheckActorArgument(actor);
    if (!status.ok()) return Fail(status);
    crm::core::UpsertResult result;
    int rc = RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(result,
                           crm::core::UpsertCustomer(session, record->record,
                                                     ActorOrDefault(actor)));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) {
      *out_id = result.id;
      if (out_created != nullptr) *out_created = result.created ? 1 : 0;
    }
    return rc;
  });
}

int crm_customer_count(int64_t* out, crm_db* db) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = 0;
    int64_t count = 0;
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(count, crm::core::CountCustomers(session));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out = count;
    return rc;
  });
}

}  // extern "C"
