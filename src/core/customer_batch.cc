#include "core/customer_batch.h"

#include "absl/strings/str_cat.h"
#include "core/customer_service.h"

namespace crm::core {

absl::Status WriteCustomerBatch(Session& session,
                                const wire::CustomerBatch& batch,
                                BatchMode mode, BatchOutcome* outcome) {
  outcome->rows.clear();
  outcome->rejected = 0;
  CRM_ASSIGN_OR_RETURN(std::string actor, CheckActor(batch.actor()));
  std::vector<std::string> names(batch.columns().begin(),
                                 batch.columns().end());
  CRM_ASSIGN_OR_RETURN(std::vector<const Field*> fields,
                       ResolveWritableFields(session.schema(), names));
  outcome->rows.assign(batch.rows_size(), RowOutcome());
  absl::Status first_error;
  std::string first_message;
  ResolvedValues input;
  input.fields = fields;
  for (int r = 0; r < batch.rows_size(); ++r) {
    const wire::CustomerRow& row = batch.rows(r);
    RowOutcome& result = outcome->rows[r];
    absl::Status status;
    if (row.values_size() != static_cast<int>(fields.size())) {
      status =
          MakeError(ErrorCode::kInvalidArgument,
                    absl::StrCat("row ", r, " has ", row.values_size(),
                                 " values for ", fields.size(), " columns"),
                    "", "columns");
    } else {
      input.values.clear();
      for (const wire::Value& value : row.values()) {
        input.values.push_back(ValueFromWire(value));
      }
      if (mode == BatchMode::kCreate) {
        absl::StatusOr<int64_t> id = CreateResolved(session, input, actor);
        status = id.status();
        if (id.ok()) {
          result.id = *id;
          result.created = true;
        }
      } else {
        absl::StatusOr<UpsertResult> upserted =
            UpsertResolved(session, input, actor);
        status = upserted.status();
        if (upserted.ok()) {
          result.id = upserted->id;
          result.created = upserted->created;
        }
      }
    }
    if (status.ok()) continue;
    result.code = CodeOf(status);
    result.message = absl::StrCat("row ", r, ": ", status.message());
    result.field = FieldOf(status);
    result.rule = RuleOf(status);
    if (outcome->rejected++ == 0) {
      first_error = status;
      first_message = result.message;
    }
    // Out of memory or I/O can make SQLite roll back the whole transaction;
    // rows after that would be stored on their own, so stop here.
    if (!session.connection().InTransaction()) break;
  }
  if (outcome->rejected == 0) return absl::OkStatus();
  // Nothing of a rejected batch is stored, so no row has an id.
  for (RowOutcome& row : outcome->rows) {
    row.id = 0;
    row.created = false;
  }
  return MakeError(
      CodeOf(first_error),
      absl::StrCat(outcome->rejected, " of ", batch.rows_size(),
                   " rows rejected, nothing stored; first: ", first_message),
      FieldOf(first_error), RuleOf(first_error));
}

}  // namespace crm::core
