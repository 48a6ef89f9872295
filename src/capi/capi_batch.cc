// crm.h: bulk writes and their reports.
#include <limits>

#include "capi/capi_support.h"
#include "core/customer_batch.h"

using crm::ErrorCode;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::RunOn;
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
  return Guard([&] {
    if (out_report != nullptr) *out_report = nullptr;
    absl::Status status = crm::capi::CheckDb(db);
    if (status.ok() && batch_size > 0) {
      status = crm::capi::CheckNotNull(batch, "batch");
    }
    if (!status.ok()) return Fail(status);
    if (mode != CRM_BATCH_CREATE && mode != CRM_BATCH_UPSERT) {
      return Fail(ErrorCode::kInvalidArgument,
                  "mode must be CRM_BATCH_CREATE or CRM_BATCH_UPSERT", "",
                  "mode");
    }
    if (batch_size > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return Fail(ErrorCode::kInvalidArgument, "batch is larger than 2 GiB", "",
                  "batch_size");
    }
    crm::wire::CustomerBatch decoded;
    if (!decoded.ParseFromArray(batch, static_cast<int>(batch_size))) {
      return Fail(ErrorCode::kInvalidArgument,
                  "batch is not a valid crm.wire.CustomerBatch message (or "
                  "holds text that is not UTF-8)",
                  "", "batch");
    }
    auto report = std::make_unique<crm_batch_report>();
    int rc = RunOn(
        db, crm::store::ScopeKind::kWrite, [&](crm::core::Session& session) {
          return crm::core::WriteCustomerBatch(
              session, decoded,
              mode == CRM_BATCH_CREATE ? crm::core::BatchMode::kCreate
                                       : crm::core::BatchMode::kUpsert,
              &report->outcome);
        });
    if (out_report != nullptr) *out_report = report.release();
    return rc;
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

}  // extern "C"
