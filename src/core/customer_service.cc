#include "core/customer_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/access.h"
#include "core/customer_view.h"
#include "core/duplicates/candidates.h"
#include "core/duplicates/match_key_store.h"
#include "core/history.h"
#include "core/merge/merge_map.h"
#include "core/query_service.h"
#include "core/record_scope.h"
#include "core/suppression.h"
#include "core/time_text.h"
#include "core/valid_time.h"
#include "core/visible_stamp.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr size_t kMaxActorBytes = 255;
constexpr size_t kMaxReasonBytes = 1000;

absl::Status NotFound(int64_t id) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no customer with id ", id));
}

// The value of unique `field` is held by another customer (named neither
// by id nor otherwise).
absl::Status ValueTaken(const Field& field) {
  return MakeError(ErrorCode::kConstraint,
                   absl::StrCat("field '", field.name(),
                                "': the value is already used by another "
                                "customer"),
                   field.name(), Rule::kUnique);
}

// Turns a store constraint error on a column into one naming the field.
absl::Status NameConstraint(const Schema& schema, absl::Status status) {
  if (CodeOf(status) != ErrorCode::kConstraint) return status;
  const Field* field = schema.FindByColumn(FieldOf(status));
  if (field == nullptr) return status;
  if (RuleOf(status) == "unique") return ValueTaken(*field);
  return WithField(status, field->name());
}

// The version of stored customer `row` the session sees (visible_stamp.h).
absl::StatusOr<int64_t> SeenVersion(Session& session,
                                    const store::CustomerRow& row) {
  CRM_ASSIGN_OR_RETURN(
      VisibleStamp stamp,
      VisibleStampOf(session, row.id, row.version, row.updated_at_us));
  return stamp.version;
}

absl::StatusOr<std::optional<store::CustomerRow>> SelectById(Session& session,
                                                             int64_t id,
                                                             bool with_values) {
  static const std::vector<std::string> kNoColumns;
  return session.backend().SelectCustomer(
      with_values ? session.schema().stored_columns() : kNoColumns, "id",
      store::SqlValue(id), false);
}

// Checks a reference value names an existing customer other than `self`.
absl::Status CheckReference(Session& session, const Field& field,
                            const store::SqlValue& stored, int64_t self) {
  int64_t target = std::get<int64_t>(stored);
  if (target == self) {
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("field '", field.name(),
                                  "': a customer cannot refer to itself"),
                     field.name(), Rule::kReference);
  }
  // A restricted session may refer only to customers in its scope, and
  // learns nothing of one outside it (the same error as for a missing id).
  bool exists = false;
  if (session.access() != nullptr) {
    CRM_ASSIGN_OR_RETURN(exists, InScope(session, target));
  } else {
    CRM_ASSIGN_OR_RETURN(auto row, SelectById(session, target, false));
    exists = row.has_value();
  }
  if (!exists) {
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("field '", field.name(),
                                  "': no customer with id ", target),
                     field.name(), Rule::kReference);
  }
  return absl::OkStatus();
}

absl::Status MissingRequired(const Field& field) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("field '", field.name(), "' is required"),
                   field.name(), Rule::kRequired);
}

// A write checked against the schema: the fields written and their stored
// values, aligned.
struct PreparedWrite {
  std::vector<const Field*> fields;
  store::ColumnValues columns;

  void Add(const Field* field, store::SqlValue stored) {
    fields.push_back(field);
    columns.columns.push_back(field->column());
    columns.values.push_back(std::move(stored));
  }
};

absl::StatusOr<store::SqlValue> StoredDefault(const Field& field) {
  return field.ToStored(ValueFromWire(field.definition().default_value()));
}

// Validates `input` and converts it to stored columns. When creating, a
// field not given (or given as null) takes its default, and required ones
// must end up with a value.
absl::StatusOr<PreparedWrite> Prepare(Session& session,
                                      const ResolvedValues& input,
                                      bool creating, int64_t self) {
  PreparedWrite write;
  for (size_t i = 0; i < input.fields.size(); ++i) {
    const Field& field = *input.fields[i];
    CRM_ASSIGN_OR_RETURN(store::SqlValue stored,
                         field.ToStored(input.values[i]));
    if (store::IsNull(stored) && creating && field.has_default()) {
      CRM_ASSIGN_OR_RETURN(stored, StoredDefault(field));
    }
    if (store::IsNull(stored)) {
      if (field.required()) return MissingRequired(field);
    } else if (field.type() == FieldType::kReference) {
      CRM_RETURN_IF_ERROR(CheckReference(session, field, stored, self));
    }
    write.Add(&field, std::move(stored));
  }
  if (!creating) return write;
  for (const Field* field : session.schema().stored_fields()) {
    bool given = false;
    for (const Field* input_field : input.fields) given |= input_field == field;
    if (given) continue;
    if (field->has_default()) {
      CRM_ASSIGN_OR_RETURN(store::SqlValue stored, StoredDefault(*field));
      write.Add(field, std::move(stored));
    } else if (field->required()) {
      return MissingRequired(*field);
    }
  }
  return write;
}

size_t IndexOf(const std::vector<const Field*>& fields, const Field* field) {
  return std::find(fields.begin(), fields.end(), field) - fields.begin();
}

// The stored values of a new customer, aligned with the stored fields.
std::vector<store::SqlValue> StoredRow(Session& session,
                                       const PreparedWrite& write) {
  const std::vector<const Field*>& fields = session.schema().stored_fields();
  std::vector<store::SqlValue> row(fields.size());
  for (size_t i = 0; i < write.fields.size(); ++i) {
    row[IndexOf(fields, write.fields[i])] = write.columns.values[i];
  }
  return row;
}

absl::StatusOr<ResolvedValues> Resolve(const Schema& schema,
                                       const CustomerRecord& record) {
  std::vector<std::string> names;
  ResolvedValues resolved;
  names.reserve(record.values.size());
  for (const FieldValue& value : record.values) {
    if (value.field == "created_at") {
      CRM_RETURN_IF_ERROR(SetCreatedAt(schema, value.value, &resolved));
      continue;
    }
    names.push_back(value.field);
    resolved.values.push_back(value.value);
  }
  CRM_ASSIGN_OR_RETURN(resolved.fields, ResolveWritableFields(schema, names));
  return resolved;
}

absl::Status CreatedAtDiffers() {
  return MakeError(ErrorCode::kValidation,
                   "field 'created_at' is read-only; an update may give it "
                   "only with the customer's stored value",
                   "created_at", Rule::kReadOnly);
}

absl::Status BeforeCreated(int64_t created_at_us) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("effective_at lies before the customer's "
                                "created_at ",
                                FormatDateTime(created_at_us)),
                   "effective_at", Rule::kBeforeCreated);
}

// The changes of `write`, effective from `time` on, slotted into the
// customer's history (crm.h "Valid time"): `history` gets each field whose
// timeline changes (rule 4 drops the others) with its value in force at
// effective_at as the old value; `changed` gets each field whose value now
// (rule 3) differs from the stored one in `current`.
absl::Status LateChanges(Session& session, const store::CustomerRow& current,
                         const AppliedTime& time, const PreparedWrite& write,
                         PreparedWrite* changed,
                         std::vector<FieldChangeValue>* history) {
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectHistory(session.texts(), current.id, INT64_MAX));
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  const std::vector<const Field*>& stored_fields =
      session.schema().stored_fields();
  for (size_t i = 0; i < write.fields.size(); ++i) {
    const Field* field = write.fields[i];
    const store::SqlValue& stored =
        current.values[IndexOf(stored_fields, field)];
    auto [entry, fresh] = timeline.fields.try_emplace(field->id());
    FieldValidTimeline& line = entry->second;
    if (fresh && !store::IsNull(stored)) {
      // A value no history event holds (a field given a default after the
      // customer was created): taken as held since created_at.
      CRM_ASSIGN_OR_RETURN(Value held, field->FromStored(stored));
      line.Apply(current.created_at_us, kOpenEnd, held, current.created_at_us);
    }
    CRM_ASSIGN_OR_RETURN(Value value,
                         field->FromStored(write.columns.values[i]));
    int64_t end = time.effective_until_us != kOpenEnd
                      ? time.effective_until_us
                      : line.OpenEnd(time.effective_at_us);
    if (line.HoldsThroughout(time.effective_at_us, end, value)) continue;
    Value old_value = line.At(time.effective_at_us);
    line.Apply(time.effective_at_us, time.effective_until_us, value,
               time.now_us);
    CRM_ASSIGN_OR_RETURN(store::SqlValue now_stored,
                         field->ToStored(line.Current()));
    if (now_stored != stored) changed->Add(field, std::move(now_stored));
    history->push_back({field, std::move(old_value), std::move(value)});
  }
  return absl::OkStatus();
}

// The changes of `write` from now on: each field whose stored value in
// `current` really changes.
absl::Status LiveChanges(Session& session, const store::CustomerRow& current,
                         const PreparedWrite& write, PreparedWrite* changed,
                         std::vector<FieldChangeValue>* history) {
  const std::vector<const Field*>& stored_fields =
      session.schema().stored_fields();
  for (size_t i = 0; i < write.fields.size(); ++i) {
    const Field* field = write.fields[i];
    const store::SqlValue& old_stored =
        current.values[IndexOf(stored_fields, field)];
    const store::SqlValue& new_stored = write.columns.values[i];
    if (old_stored == new_stored) continue;
    CRM_ASSIGN_OR_RETURN(Value old_value, field->FromStored(old_stored));
    CRM_ASSIGN_OR_RETURN(Value new_value, field->FromStored(new_stored));
    history->push_back({field, std::move(old_value), std::move(new_value)});
    changed->Add(field, new_stored);
  }
  return absl::OkStatus();
}

CustomerRecord RecordFromRow(const Schema& schema, store::CustomerRow row,
                             absl::Status* error) {
  CustomerRecord record;
  record.id = row.id;
  record.version = row.version;
  const auto& fields = schema.stored_fields();
  record.values.reserve(fields.size() + 2);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (store::IsNull(row.values[i])) continue;
    absl::StatusOr<Value> value = fields[i]->FromStored(row.values[i]);
    if (!value.ok()) {
      *error = value.status();
      return record;
    }
    record.values.push_back({fields[i]->name(), *std::move(value)});
  }
  record.values.push_back({"created_at", Value::DateTime(row.created_at_us)});
  record.values.push_back({"updated_at", Value::DateTime(row.updated_at_us)});
  return record;
}

// The survivor of a customer merged away that `key` and `value` (an id or
// an external id no customer holds now) name, with *merged_id set to the
// merged id; nullopt when they name no merged customer.
absl::StatusOr<std::optional<store::CustomerRow>> FollowMerge(
    Session& session, CustomerKey key, const Value& value, int64_t* merged_id) {
  std::optional<store::MergeRow> merged;
  if (key == CustomerKey::kId) {
    CRM_ASSIGN_OR_RETURN(merged, merge::FindMerge(session, value.integer));
  } else {
    CRM_ASSIGN_OR_RETURN(merged,
                         session.backend().SelectMergeByExternalId(value.text));
  }
  if (!merged) return std::nullopt;
  *merged_id = merged->merged_id;
  return SelectById(session, merged->survivor_id, true);
}

}  // namespace

absl::StatusOr<std::string> CheckActor(absl::string_view actor) {
  if (actor.empty()) return std::string("api");
  CRM_RETURN_IF_ERROR(
      ValidateText(actor, "", [] { return std::string("actor"); }));
  if (actor.size() > kMaxActorBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "actor must be UTF-8 of at most 255 bytes", "",
                     Rule::kActor);
  }
  return std::string(actor);
}

absl::Status CheckReason(absl::string_view reason) {
  if (!TextProblem(reason).empty() || reason.size() > kMaxReasonBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "reason must be UTF-8 without NUL bytes, at most 1,000 "
                     "bytes",
                     "", Rule::kReason);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<const Field*>> ResolveWritableFields(
    const Schema& schema, const std::vector<std::string>& names) {
  std::vector<const Field*> fields;
  fields.reserve(names.size());
  for (const std::string& name : names) {
    const Field* field = schema.Find(name);
    std::string shown =
        TextProblem(name).empty() ? name.substr(0, 64) : "(not valid text)";
    if (field == nullptr) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("no field named '", shown, "'"), shown,
                       Rule::kUnknownField);
    }
    if (field->archived()) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("field '", name,
                                    "' is archived; restore it to write it"),
                       name, Rule::kArchived);
    }
    if (field->read_only()) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("field '", name, "' is read-only"), name,
                       Rule::kReadOnly);
    }
    for (const Field* earlier : fields) {
      if (earlier == field) {
        return MakeError(ErrorCode::kValidation,
                         absl::StrCat("field '", name, "' is given twice"),
                         name, Rule::kDistinct);
      }
    }
    fields.push_back(field);
  }
  return fields;
}

absl::Status SetCreatedAt(const Schema& schema, const Value& value,
                          ResolvedValues* input) {
  if (value.kind == ValueKind::kNull) {
    input->created_at_us.reset();
    return absl::OkStatus();
  }
  const Field* field = schema.Find("created_at");
  if (field == nullptr) {
    return MakeError(ErrorCode::kValidation, "no field named 'created_at'",
                     "created_at", Rule::kUnknownField);
  }
  CRM_ASSIGN_OR_RETURN(store::SqlValue stored, field->ToStored(value));
  input->created_at_us = std::get<int64_t>(stored);
  return absl::OkStatus();
}

absl::StatusOr<WriteOutcome> CreateResolved(Session& session,
                                            const ResolvedValues& input,
                                            const WriteTime& time,
                                            const std::string& actor) {
  if (time.bounded()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "effective_until applies to updates only: a customer "
                     "cannot be created for a while only",
                     "", Rule::kEffectiveUntil);
  }
  if (input.created_at_us && time.effective_at &&
      *input.created_at_us != *time.effective_at) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the record's created_at and options->effective_at "
                     "differ",
                     "", Rule::kEffectiveAt);
  }
  int64_t now = NowMicros();
  int64_t created_at = now;
  if (input.created_at_us) {
    CRM_ASSIGN_OR_RETURN(created_at,
                         ClampToNow(*input.created_at_us, now, "created_at"));
  } else if (time.effective_at) {
    CRM_ASSIGN_OR_RETURN(created_at,
                         ClampToNow(*time.effective_at, now, "effective_at"));
  }
  CRM_RETURN_IF_ERROR(CheckWritable(session, input.fields));
  CRM_ASSIGN_OR_RETURN(PreparedWrite write, Prepare(session, input, true, 0));
  CRM_RETURN_IF_ERROR(
      CheckNotSuppressed(session, write.fields, write.columns.values));
  std::vector<store::SqlValue> row = StoredRow(session, write);
  std::vector<duplicates::Candidate> candidates;
  if (!time.skip_duplicate_check) {
    CRM_RETURN_IF_ERROR(duplicates::CheckDuplicates(
        session,
        time.duplicate_operation.value_or(duplicates::Operation::kCreate), row,
        0, &candidates));
  }
  absl::StatusOr<int64_t> id =
      session.backend().InsertCustomer(created_at, now, write.columns);
  if (!id.ok()) return NameConstraint(session.schema(), id.status());
  std::vector<FieldChangeValue> changes;
  changes.reserve(write.fields.size());
  for (size_t i = 0; i < write.fields.size(); ++i) {
    if (store::IsNull(write.columns.values[i])) continue;
    CRM_ASSIGN_OR_RETURN(Value value,
                         write.fields[i]->FromStored(write.columns.values[i]));
    changes.push_back({write.fields[i], Value::Null(), std::move(value)});
  }
  CRM_RETURN_IF_ERROR(RecordHistory(session, *id, HistoryKind::kCreated,
                                    changes, actor,
                                    HistoryTime{.valid_from_us = created_at,
                                                .recorded_at_us = now,
                                                .valid_until_us = INT64_MAX}));
  CRM_RETURN_IF_ERROR(session.backend().SetSearchText(
      *id, SearchText(session.schema(), row), /*is_new=*/true));
  CRM_RETURN_IF_ERROR(duplicates::StoreMatchKeys(session, *id, row));
  CRM_RETURN_IF_ERROR(CheckResultInScope(session, *id));
  return WriteOutcome{.id = *id,
                      .version = 1,
                      .created = true,
                      .effective_at_us = created_at,
                      .changed_current = true,
                      .candidates = std::move(candidates)};
}

absl::StatusOr<WriteOutcome> UpdateResolved(Session& session, int64_t id,
                                            int64_t expected_version,
                                            const ResolvedValues& changes,
                                            const WriteTime& time,
                                            const std::string& actor) {
  CRM_RETURN_IF_ERROR(CheckWritable(session, changes.fields));
  CRM_ASSIGN_OR_RETURN(auto current, SelectById(session, id, true));
  if (!current) return merge::MissingCustomer(session, id, "id", NotFound(id));
  // The clock is read once the row is read (on PostgreSQL, locked against
  // other writers), so that no change of another writer lies after "now".
  CRM_ASSIGN_OR_RETURN(AppliedTime applied, ApplyWriteTime(time, NowMicros()));
  if (!time.effective_at && applied.effective_at_us < current->updated_at_us) {
    // A write "now" from a clock behind the last write's (another process,
    // a clock set back) holds from the last write on, as a later change.
    applied.effective_at_us = current->updated_at_us;
  }
  CRM_ASSIGN_OR_RETURN(bool out_of_scope, OutsideViewScope(session, id));
  if (out_of_scope) return NotFound(id);
  // On a restricted handle both the expected and the returned version are
  // visible ones (visible_stamp.h).
  CRM_ASSIGN_OR_RETURN(int64_t seen_version, SeenVersion(session, *current));
  if (expected_version > 0 && seen_version != expected_version) {
    return MakeError(
        ErrorCode::kConflict,
        absl::StrCat("customer ", id, " is at version ", seen_version,
                     ", not the expected ", expected_version,
                     "; read it again and retry"));
  }
  if (changes.created_at_us &&
      *changes.created_at_us != current->created_at_us) {
    return CreatedAtDiffers();
  }
  if (applied.effective_at_us < current->created_at_us) {
    return BeforeCreated(current->created_at_us);
  }
  CRM_ASSIGN_OR_RETURN(PreparedWrite write,
                       Prepare(session, changes, false, id));
  WriteOutcome outcome{.id = id,
                       .version = seen_version,
                       .created = false,
                       .effective_at_us = applied.effective_at_us,
                       .changed_current = false};
  // Only the fields whose stored value really changes are written.
  PreparedWrite changed;
  std::vector<FieldChangeValue> history;
  // A change given a time before the last write slots into the timelines;
  // one at or after it holds for good, as the stored values do.
  if (applied.effective_until_us != kOpenEnd ||
      applied.effective_at_us < current->updated_at_us) {
    CRM_RETURN_IF_ERROR(
        LateChanges(session, *current, applied, write, &changed, &history));
  } else {
    CRM_RETURN_IF_ERROR(
        LiveChanges(session, *current, write, &changed, &history));
  }
  if (history.empty()) return outcome;
  CRM_RETURN_IF_ERROR(
      CheckNotSuppressed(session, changed.fields, changed.columns.values));
  const std::vector<const Field*>& stored_fields =
      session.schema().stored_fields();
  std::vector<store::SqlValue> row = current->values;
  for (size_t i = 0; i < changed.fields.size(); ++i) {
    row[IndexOf(stored_fields, changed.fields[i])] = changed.columns.values[i];
  }
  if (!time.skip_duplicate_check &&
      duplicates::ChangesComparedField(session.schema(), changed.fields)) {
    CRM_RETURN_IF_ERROR(duplicates::CheckDuplicates(
        session,
        time.duplicate_operation.value_or(duplicates::Operation::kUpdate), row,
        id, &outcome.candidates));
  }
  // Every recorded change bumps the version, also one of the past only.
  int64_t new_version = current->version + 1;
  int64_t now = applied.now_us;
  absl::Status status =
      session.backend().UpdateCustomer(id, new_version, now, changed.columns);
  if (!status.ok()) return NameConstraint(session.schema(), status);
  CRM_RETURN_IF_ERROR(
      RecordHistory(session, id, HistoryKind::kUpdated, history, actor,
                    HistoryTime{.valid_from_us = applied.effective_at_us,
                                .recorded_at_us = now,
                                .valid_until_us = applied.effective_until_us}));
  if (!changed.fields.empty()) {
    CRM_RETURN_IF_ERROR(session.backend().SetSearchText(
        id, SearchText(session.schema(), row), /*is_new=*/false));
    CRM_RETURN_IF_ERROR(duplicates::StoreMatchKeys(session, id, row));
  }
  CRM_RETURN_IF_ERROR(CheckResultInScope(session, id));
  // A restricted handle writes only fields it reads, so its change shows.
  outcome.version = seen_version + (new_version - current->version);
  outcome.changed_current = !changed.fields.empty();
  return outcome;
}

absl::StatusOr<WriteOutcome> UpsertResolved(Session& session,
                                            const ResolvedValues& input,
                                            const WriteTime& time,
                                            const std::string& actor) {
  const Value* external_id = nullptr;
  for (size_t i = 0; i < input.fields.size(); ++i) {
    if (input.fields[i]->name() == "external_id") {
      external_id = &input.values[i];
    }
  }
  if (external_id == nullptr || external_id->kind != ValueKind::kText ||
      external_id->text.empty()) {
    return MakeError(ErrorCode::kValidation,
                     "an upsert needs a non-empty text external_id",
                     "external_id", Rule::kRequired);
  }
  // Checked before the lookup, which must tell a restricted handle nothing
  // about a customer it could not write anyway.
  CRM_RETURN_IF_ERROR(CheckWritable(session, input.fields));
  CRM_ASSIGN_OR_RETURN(
      auto existing,
      session.backend().SelectCustomer(
          {}, "external_id", store::SqlValue(external_id->text), false));
  if (existing) {
    // A holder outside the scope is a taken value, as for a create.
    CRM_ASSIGN_OR_RETURN(bool out_of_scope,
                         OutsideViewScope(session, existing->id));
    if (out_of_scope) {
      return ValueTaken(*session.schema().Find("external_id"));
    }
  }
  WriteTime upsert_time = time;
  if (!upsert_time.duplicate_operation) {
    upsert_time.duplicate_operation = duplicates::Operation::kUpsert;
  }
  if (existing) {
    return UpdateResolved(session, existing->id, 0, input, upsert_time, actor);
  }
  // A customer merged away keeps its external id working (crm.h "Merging
  // customers"): the upsert updates its survivor, whose own external id
  // stays.
  CRM_ASSIGN_OR_RETURN(auto merged, session.backend().SelectMergeByExternalId(
                                        external_id->text));
  if (!merged) return CreateResolved(session, input, upsert_time, actor);
  CRM_ASSIGN_OR_RETURN(bool out_of_scope,
                       OutsideViewScope(session, merged->survivor_id));
  if (out_of_scope) return ValueTaken(*session.schema().Find("external_id"));
  ResolvedValues changes = input;
  for (size_t i = 0; i < changes.fields.size(); ++i) {
    if (changes.fields[i]->name() != "external_id") continue;
    changes.fields.erase(changes.fields.begin() + i);
    changes.values.erase(changes.values.begin() + i);
    break;
  }
  return UpdateResolved(session, merged->survivor_id, 0, changes, upsert_time,
                        actor);
}

absl::StatusOr<WriteOutcome> CreateCustomer(Session& session,
                                            const CustomerRecord& record,
                                            const WriteTime& time,
                                            absl::string_view actor) {
  CRM_ASSIGN_OR_RETURN(std::string checked_actor, CheckActor(actor));
  CRM_ASSIGN_OR_RETURN(ResolvedValues input, Resolve(session.schema(), record));
  return CreateResolved(session, input, time, checked_actor);
}

absl::StatusOr<CustomerRecord> GetCustomer(Session& session, CustomerKey key,
                                           const Value& value) {
  const char* column = key == CustomerKey::kId           ? "id"
                       : key == CustomerKey::kExternalId ? "external_id"
                                                         : "email";
  if (key != CustomerKey::kId) {
    const Field* field = session.schema().Find(column);
    if (field != nullptr) {
      CRM_RETURN_IF_ERROR(CheckLookupField(session, *field));
    }
  }
  store::SqlValue stored = value.kind == ValueKind::kInteger
                               ? store::SqlValue(value.integer)
                               : store::SqlValue(value.text);
  CRM_ASSIGN_OR_RETURN(auto row, session.backend().SelectCustomer(
                                     session.schema().stored_columns(), column,
                                     stored, key == CustomerKey::kEmail));
  int64_t merged_id = 0;
  if (!row && key != CustomerKey::kEmail) {
    CRM_ASSIGN_OR_RETURN(row, FollowMerge(session, key, value, &merged_id));
  }
  // A customer outside a restricted handle's scope is as absent.
  bool found = row.has_value();
  if (found) {
    CRM_ASSIGN_OR_RETURN(bool out_of_scope, OutsideViewScope(session, row->id));
    found = !out_of_scope;
  }
  if (!found) {
    return MakeError(ErrorCode::kNotFound,
                     key == CustomerKey::kId
                         ? absl::StrCat("no customer with id ", value.integer)
                         : absl::StrCat("no customer with ", column, " '",
                                        value.text.substr(0, 64), "'"));
  }
  int64_t updated_at_us = row->updated_at_us;
  absl::Status error;
  CustomerRecord record =
      RecordFromRow(session.schema(), *std::move(row), &error);
  if (!error.ok()) return error;
  CRM_ASSIGN_OR_RETURN(record,
                       ViewOf(session, std::move(record), updated_at_us));
  record.merged_id = merged_id;
  return record;
}

absl::StatusOr<WriteOutcome> UpdateCustomer(Session& session, int64_t id,
                                            int64_t expected_version,
                                            const CustomerRecord& changes,
                                            const WriteTime& time,
                                            absl::string_view actor) {
  CRM_ASSIGN_OR_RETURN(std::string checked_actor, CheckActor(actor));
  CRM_ASSIGN_OR_RETURN(ResolvedValues input,
                       Resolve(session.schema(), changes));
  return UpdateResolved(session, id, expected_version, input, time,
                        checked_actor);
}

absl::Status DeleteCustomer(Session& session, int64_t id,
                            int64_t expected_version, absl::string_view actor) {
  CRM_ASSIGN_OR_RETURN(std::string checked_actor, CheckActor(actor));
  // Delete removes values a profile may not see: an operation it grants.
  CRM_RETURN_IF_ERROR(Access::Require(session.access(), Operation::kDelete));
  CRM_ASSIGN_OR_RETURN(auto current, SelectById(session, id, true));
  if (!current) return merge::MissingCustomer(session, id, "id", NotFound(id));
  CRM_ASSIGN_OR_RETURN(bool out_of_scope, OutsideViewScope(session, id));
  if (out_of_scope) return NotFound(id);
  CRM_ASSIGN_OR_RETURN(int64_t seen_version, SeenVersion(session, *current));
  if (expected_version > 0 && seen_version != expected_version) {
    return MakeError(
        ErrorCode::kConflict,
        absl::StrCat("customer ", id, " is at version ", seen_version,
                     ", not the expected ", expected_version));
  }
  for (const auto& field : session.schema().fields()) {
    if (field->type() != FieldType::kReference) continue;
    CRM_ASSIGN_OR_RETURN(bool referenced,
                         session.backend().IsReferenced(field->column(), id));
    if (referenced) {
      return MakeError(
          ErrorCode::kConstraint,
          absl::StrCat("customer ", id, " is still referenced by field '",
                       field->name(),
                       "' of another customer; clear those "
                       "references first"),
          field->name(), Rule::kReference);
    }
  }
  std::vector<FieldChangeValue> history;
  const std::vector<const Field*>& fields = session.schema().stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (store::IsNull(current->values[i])) continue;
    CRM_ASSIGN_OR_RETURN(Value old_value,
                         fields[i]->FromStored(current->values[i]));
    history.push_back({fields[i], std::move(old_value), Value::Null()});
  }
  CRM_RETURN_IF_ERROR(session.backend().DeleteCustomer(id));
  CRM_RETURN_IF_ERROR(session.backend().SetSearchText(id, "", false));
  CRM_RETURN_IF_ERROR(duplicates::RemoveMatchKeys(session, id));
  return RecordHistory(session, id, HistoryKind::kDeleted, history,
                       checked_actor, HistoryTime::Live(NowMicros()));
}

absl::StatusOr<WriteOutcome> UpsertCustomer(Session& session,
                                            const CustomerRecord& record,
                                            const WriteTime& time,
                                            absl::string_view actor) {
  CRM_ASSIGN_OR_RETURN(std::string checked_actor, CheckActor(actor));
  CRM_ASSIGN_OR_RETURN(ResolvedValues input, Resolve(session.schema(), record));
  return UpsertResolved(session, input, time, checked_actor);
}

absl::StatusOr<std::vector<duplicates::Candidate>> DuplicateCandidatesOf(
    Session& session, const CustomerRecord& record) {
  CustomerRecord values;
  int64_t self = record.id;
  for (const FieldValue& value : record.values) {
    if (value.field == "id") {
      if (value.value.kind == ValueKind::kInteger) self = value.value.integer;
      continue;
    }
    // A record read back carries the bookkeeping libcrm keeps itself: a
    // check of it as it would be written leaves that out.
    const Field* field = session.schema().Find(value.field);
    if (field != nullptr && field->read_only()) continue;
    values.values.push_back(value);
  }
  CRM_ASSIGN_OR_RETURN(ResolvedValues input, Resolve(session.schema(), values));
  CRM_ASSIGN_OR_RETURN(PreparedWrite write, Prepare(session, input, true, 0));
  CRM_ASSIGN_OR_RETURN(
      std::vector<duplicates::Candidate> candidates,
      duplicates::FindCandidates(session, session.schema().duplicate_rules(),
                                 StoredRow(session, write), self));
  return duplicates::InScopeCandidates(session, std::move(candidates));
}

absl::StatusOr<int64_t> CountCustomers(Session& session) {
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> scope,
                       ScopeCondition(session));
  if (!scope) return session.backend().CountCustomers();
  return session.backend().RunCount(store::Table::kCustomers, *scope);
}

}  // namespace crm::core
