#include "core/customer_batch.h"

#include "absl/strings/str_cat.h"
#include "core/customer_service.h"

namespace crm::core {
namespace {

// The fields and values a row of a batch with the columns `fields` gives, in
// column order, leaving out the columns the row lists as absent.
absl::Status RowInput(const wire::CustomerRow& row,
                      const std::vector<const Field*>& fields,
                      ResolvedValues* input) {
  CRM_ASSIGN_OR_RETURN(std::vector<bool> left_out,
                       AbsentColumns(row, fields.size()));
  input->fields.clear();
  input->values.clear();
  int next = 0;
  for (size_t c = 0; c < fields.size(); ++c) {
    if (!left_out.empty() && left_out[c]) continue;
    input->fields.push_back(fields[c]);
    input->values.push_back(ValueFromWire(row.values(next++)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<bool>> AbsentColumns(const wire::CustomerRow& row,
                                                size_t columns) {
  std::vector<bool> left_out;
  if (row.absent_size() > 0) {
    left_out.assign(columns, false);
    for (uint32_t column : row.absent()) {
      if (column >= columns) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            absl::StrCat("absent column ", column,
                         " is not one of the batch's ", columns, " columns"),
            "", Rule::kAbsent);
      }
      if (left_out[column]) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            absl::StrCat("absent column ", column, " is listed twice"), "",
            Rule::kAbsent);
      }
      left_out[column] = true;
    }
  }
  size_t given = columns - static_cast<size_t>(row.absent_size());
  if (static_cast<size_t>(row.values_size()) != given) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat(row.values_size(), " values for ", columns,
                     " columns of which ", row.absent_size(),
                     " are absent: a row needs one value per other column"),
        "", Rule::kColumns);
  }
  return left_out;
}

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
  for (int r = 0; r < batch.rows_size(); ++r) {
    RowOutcome& result = outcome->rows[r];
    absl::Status status = RowInput(batch.rows(r), fields, &input);
    if (status.ok()) {
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
    // Out of memory or I/O can make the storage roll back the whole
    // transaction; rows after that would be stored on their own, so stop here.
    if (!session.backend().InTransaction()) break;
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
      FieldOf(first_error), RuleIdOf(first_error));
}

}  // namespace crm::core
