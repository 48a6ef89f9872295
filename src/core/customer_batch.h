// Bulk writes of customers: one decoded crm.wire.CustomerBatch per call.
#ifndef CRM_CORE_CUSTOMER_BATCH_H_
#define CRM_CORE_CUSTOMER_BATCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/error.h"
#include "core/wire.h"
#include "core/workspace.h"
#include "core/write_time.h"

namespace crm::core {

enum class BatchMode { kCreate, kUpsert };

struct RowOutcome {
  ErrorCode code = ErrorCode::kOk;
  int64_t id = 0;
  bool created = false;
  std::string message, field, rule;
  // The row's duplicate candidates as JSON (crm.h "Duplicates"): a warn
  // rule's for a written row, a block rule's for a row it rejects.
  std::string candidates_json = "[]";
};

struct BatchOutcome {
  std::vector<RowOutcome> rows;
  size_t rejected = 0;
};

// Which of the `columns` columns of a batch `row` leaves out
// (CustomerRow.absent), after checking that each absent position is a
// column, listed once, and that the row holds one value per other column:
// kInvalidArgument, rule "absent" or "columns", otherwise. Empty when the
// row leaves out nothing. For batches and crm_record_decode alike.
absl::StatusOr<std::vector<bool>> AbsentColumns(const wire::CustomerRow& row,
                                                size_t columns);

// Writes every row of `batch` or none. Each rejected row is reported in
// `outcome` (all rows are tried, so that one call reports every problem);
// the returned status is then the first rejected row's. On success every
// row's id is in `outcome`.
// `time` applies to every row (crm_customer_write_batch_v2); a column
// "created_at" gives each row that creates its own start.
absl::Status WriteCustomerBatch(Session& session,
                                const wire::CustomerBatch& batch,
                                BatchMode mode, const WriteTime& time,
                                BatchOutcome* outcome);

}  // namespace crm::core

#endif  // CRM_CORE_CUSTOMER_BATCH_H_
