// crm.h: bulk writes and their reports.
#include "capi/capi_support.h"
#include "capi/capi_write.h"
#include "core/customer_batch.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::BatchWritten;
using crm::capi::CallBatch;
using crm::capi::CheckDb;
using crm::capi::CheckNotNull;
using crm::capi::DecodeBatch;
using crm::capi::WriteBatch;
using crm::core::RowOutcome;

namespace {

const RowOutcome* RowAt(const crm_batch_report* report, size_t row) {
  if (report == nullptr || row >= report->outcome.rows.size()) return nullptr;
  return &report->outcome.rows[row];
}

}  // namespace

extern "C" {

int crm_customer_write_batch(crm_batch_report** out_report, crm_db* db,
                             const void* batch, size_t batch_size, int mode) {
  return crm_customer_write_batch_v2(out_report, db, batch, batch_size, mode,
                                     nullptr);
}

int crm_customer_write_batch_v2(crm_batch_report** out_report, crm_db* db,
                                const void* batch, size_t batch_size, int mode,
                                const crm_write_options* options) {
  return CallBatch(out_report, [&]() -> absl::StatusOr<BatchWritten> {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    if (batch_size > 0) {
      CRM_RETURN_IF_ERROR(CheckNotNull(batch, Rule::kBatch));
    }
    if (mode != CRM_BATCH_CREATE && mode != CRM_BATCH_UPSERT) {
      return crm::MakeError(ErrorCode::kInvalidArgument,
                            "mode must be CRM_BATCH_CREATE or CRM_BATCH_UPSERT",
                            "", Rule::kMode);
    }
    CRM_ASSIGN_OR_RETURN(crm::core::WriteTime time,
                         crm::capi::ReadWriteTime(options));
    CRM_ASSIGN_OR_RETURN(crm::wire::CustomerBatch decoded,
                         DecodeBatch<crm::wire::CustomerBatch>(
                             batch, batch_size, "crm.wire.CustomerBatch"));
    return WriteBatch(
        db, [&](crm::core::Session& session, crm::core::BatchOutcome* outcome) {
          return crm::core::WriteCustomerBatch(
              session, decoded,
              mode == CRM_BATCH_CREATE ? crm::core::BatchMode::kCreate
                                       : crm::core::BatchMode::kUpsert,
              time, outcome);
        });
  });
}

void crm_batch_report_free(crm_batch_report* report) { delete report; }

size_t crm_batch_report_size(const crm_batch_report* report) {
  return report ? report->outcome.rows.size() : 0;
}

size_t crm_batch_report_rejected(const crm_batch_report* report) {
  return report ? report->outcome.rejected : 0;
}

int crm_batch_report_status(const crm_batch_report* report, size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome ? static_cast<int>(outcome->code) : CRM_E_NOT_FOUND;
}

int64_t crm_batch_report_id(const crm_batch_report* report, size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome ? outcome->id : 0;
}

int crm_batch_report_created(const crm_batch_report* report, size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome && outcome->created ? 1 : 0;
}

const char* crm_batch_report_message(const crm_batch_report* report,
                                     size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome ? outcome->message.c_str() : "";
}

const char* crm_batch_report_field(const crm_batch_report* report, size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome ? outcome->field.c_str() : "";
}

const char* crm_batch_report_rule(const crm_batch_report* report, size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome ? outcome->rule.c_str() : "";
}

const char* crm_batch_report_candidates_json(const crm_batch_report* report,
                                             size_t row) {
  const RowOutcome* outcome = RowAt(report, row);
  return outcome ? outcome->candidates_json.c_str() : "[]";
}

}  // extern "C"
