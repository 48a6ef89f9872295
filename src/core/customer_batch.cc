#include "core/customer_batch.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "core/customer_service.h"

namespace crm::core {
namespace {

// The fields and values a row of a batch with the columns `fields` gives, in
// column order, leaving out the columns the row lists as absent; the column
// whose field is nullptr is created_at.
absl::Status RowInput(const Schema& schema, const wire::CustomerRow& row,
                      const std::vector<const Field*>& fields,
                      ResolvedValues* input) {
  CRM_ASSIGN_OR_RETURN(std::vector<bool> left_out,
                       AbsentColumns(row, fields.size()));
  input->fields.clear();
  input->values.clear();
  input->created_at_us.reset();
  int next = 0;
  for (size_t c = 0; c < fields.size(); ++c) {
    if (!left_out.empty() && left_out[c]) continue;
    if (fields[c] == nullptr) {
      CRM_RETURN_IF_ERROR(
          SetCreatedAt(schema, ValueFromWire(row.values(next++)), input));
      continue;
    }
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
                                BatchMode mode, const WriteTime& time,
                                BatchOutcome* outcome) {
  outcome->rows.clear();
  outcome->rejected = 0;
  CRM_ASSIGN_OR_RETURN(std::string actor, CheckActor(batch.actor()));
  std::vector<std::string> names(batch.columns().begin(),
                                 batch.columns().end());
  // created_at, read-only elsewhere, is each creating row's start.
  auto created_at = std::find(names.begin(), names.end(), "created_at");
  std::optional<size_t> created_at_column;
  if (created_at != names.end()) {
    created_at_column = created_at - names.begin();
    names.erase(created_at);
  }
  CRM_ASSIGN_OR_RETURN(std::vector<const Field*> fields,
                       ResolveWritableFields(session.schema(), names));
  if (created_at_column) {
    fields.insert(fields.begin() + *created_at_column, nullptr);
  }
  outcome->rows.assign(batch.rows_size(), RowOutcome());
  absl::Status first_error;
  std::string first_message;
  ResolvedValues input;
  WriteTime row_time = time;
  if (!row_time.duplicate_operation) {
    row_time.duplicate_operation = duplicates::Operation::kBatch;
  }
  for (int r = 0; r < batch.rows_size(); ++r) {
    RowOutcome& result = outcome->rows[r];
    absl::Status status =
        RowInput(session.schema(), batch.rows(r), fields, &input);
    if (status.ok()) {
      absl::StatusOr<WriteOutcome> written =
          mode == BatchMode::kCreate
              ? CreateResolved(session, input, row_time, actor)
              : UpsertResolved(session, input, row_time, actor);
      status = written.status();
      if (written.ok()) {
        result.id = written->id;
        result.created = written->created;
        result.candidates_json =
            duplicates::CandidatesToJson(written->candidates);
      }
    }
    if (status.ok()) continue;
    result.code = CodeOf(status);
    result.message = absl::StrCat("row ", r, ": ", status.message());
    result.field = FieldOf(status);
    result.rule = RuleOf(status);
    result.candidates_json = CandidatesOf(status);
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
  return WithCandidates(
      MakeError(CodeOf(first_error),
                absl::StrCat(
                    outcome->rejected, " of ", batch.rows_size(),
                    " rows rejected, nothing stored; first: ", first_message),
                FieldOf(first_error), RuleIdOf(first_error)),
      CandidatesOf(first_error));
}

}  // namespace crm::core
