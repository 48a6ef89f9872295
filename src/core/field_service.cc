#include "core/field_service.h"

#include "absl/strings/str_cat.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/access.h"
#include "core/json.h"
#include "core/query_service.h"
#include "core/time_text.h"
#include "store/rows.h"

namespace crm::core {
namespace {

template <typename Message>
absl::StatusOr<Message> ParseJson(absl::string_view json, const char* what) {
  Message message;
  CRM_RETURN_IF_ERROR(MessageFromJson(json, what, &message));
  return message;
}

absl::StatusOr<const Field*> FindField(Session& session,
                                       absl::string_view name) {
  const Field* field = session.schema().Find(name);
  // A field the session's profile hides is not there for it.
  const Access* access = session.access();
  if (field != nullptr && access != nullptr && !access->Reads(*field)) {
    field = nullptr;
  }
  if (field == nullptr) {
    std::string shown = TextProblem(name).empty()
                            ? std::string(name.substr(0, 64))
                            : "(not valid text)";
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no field named '", shown, "'"), shown,
                     Rule::kUnknownField);
  }
  return field;
}

absl::Status RefuseBuiltin(const Field& field, absl::string_view what) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("field '", field.name(),
                                "' is a standard field and cannot ", what),
                   field.name(), Rule::kBuiltin);
}

// Sets the column's index; a unique index over duplicate values is a
// constraint error naming the field.
absl::Status ApplyIndex(Session& session, const Field& field) {
  absl::Status status =
      session.backend().SetColumnIndex(field.column(), ColumnIndexOf(field));
  if (CodeOf(status) == ErrorCode::kConstraint) {
    return MakeError(ErrorCode::kConstraint,
                     absl::StrCat("field '", field.name(),
                                  "': stored values are not unique"),
                     field.name(), Rule::kUnique);
  }
  return status;
}

store::FieldRow RowOf(const Field& field) {
  wire::FieldDefinition stored = field.definition();
  stored.clear_id();
  return {field.id(), field.name(), field.column(),
          field.archived() ? "archived" : "active", MessageToJson(stored)};
}

// The value `value` of a field of type `from` as a value for type `to`, if
// that conversion never loses information; the new field's rules are
// checked afterwards by the caller.
absl::StatusOr<Value> ConvertValue(const Value& value, FieldType from,
                                   FieldType to) {
  ValueKind from_kind = ValueKindOf(from), to_kind = ValueKindOf(to);
  bool reference = from == FieldType::kReference || to == FieldType::kReference;
  if (from_kind == to_kind && !reference) return value;
  if (from_kind == ValueKind::kInteger && !reference) {
    if (to_kind == ValueKind::kDecimal) {
      return Value::Decimal(std::to_string(value.integer));
    }
    if (to == FieldType::kText || to == FieldType::kLongText) {
      return Value::Text(std::to_string(value.integer));
    }
  }
  if (from_kind == ValueKind::kDecimal && to_kind == ValueKind::kInteger &&
      !reference) {
    CRM_ASSIGN_OR_RETURN(int64_t integer, ParseDecimal(value.text, 0));
    return Value::Integer(integer);
  }
  if (from_kind == ValueKind::kBoolean && to == FieldType::kInteger) {
    return Value::Integer(value.integer);
  }
  if (from_kind == ValueKind::kDate && to_kind == ValueKind::kDateTime) {
    CRM_ASSIGN_OR_RETURN(int64_t us, DateToDateTime(value.text));
    return Value::DateTime(us);
  }
  if (from == FieldType::kChoice && to_kind == ValueKind::kList) {
    return Value::List({value.text});
  }
  return MakeError(
      ErrorCode::kValidation,
      absl::StrCat("cannot change type from ", FieldTypeName(from), " to ",
                   FieldTypeName(to), " without losing data"),
      "", Rule::kType);
}

// Rewrites every stored value of `old_field` for `new_field`, or fails
// naming the first customer whose value does not convert.
absl::Status ConvertStoredValues(Session& session, const Field& old_field,
                                 const Field& new_field) {
  CRM_ASSIGN_OR_RETURN(auto stored,
                       session.backend().ReadColumn(old_field.column()));
  std::vector<std::pair<int64_t, store::SqlValue>> changed;
  for (const auto& entry : stored) {
    const int64_t customer_id = entry.first;
    const store::SqlValue& stored_value = entry.second;
    absl::StatusOr<store::SqlValue> converted =
        [&]() -> absl::StatusOr<store::SqlValue> {
      CRM_ASSIGN_OR_RETURN(Value value, old_field.FromStored(stored_value));
      CRM_ASSIGN_OR_RETURN(
          Value new_value,
          ConvertValue(value, old_field.type(), new_field.type()));
      return new_field.ToStored(new_value);
    }();
    if (!converted.ok()) {
      return MakeError(
          ErrorCode::kValidation,
          absl::StrCat("field '", old_field.name(), "': cannot change type to ",
                       FieldTypeName(new_field.type()),
                       ": the value of "
                       "customer ",
                       customer_id, " does not convert (",
                       converted.status().message(), ")"),
          old_field.name(), Rule::kType);
    }
    if (*converted != stored_value) {
      changed.emplace_back(customer_id, *std::move(converted));
    }
  }
  // A unique column's values are first cleared, then written converted: a
  // new value may equal another row's value that is not converted yet
  // (scale 2 to 3 makes 0.10 of one customer 100, which 1.00 of another
  // still is). The call's transaction makes the two passes one change.
  if (old_field.definition().unique()) {
    for (const auto& [customer_id, value] : changed) {
      CRM_RETURN_IF_ERROR(session.backend().WriteColumnValue(
          old_field.column(), customer_id, store::SqlValue()));
    }
  }
  for (const auto& [customer_id, value] : changed) {
    absl::Status written = session.backend().WriteColumnValue(
        old_field.column(), customer_id, value);
    if (RuleIdOf(written) == Rule::kUnique) {
      return MakeError(
          ErrorCode::kConstraint,
          absl::StrCat("field '", old_field.name(), "': cannot change type to ",
                       FieldTypeName(new_field.type()),
                       ": the converted value of customer ", customer_id,
                       " equals another customer's, and the field is unique"),
          old_field.name(), Rule::kUnique);
    }
    CRM_RETURN_IF_ERROR(written);
  }
  return absl::OkStatus();
}

// Saved segments name fields in their filters: such a field cannot go away.
absl::Status RefuseIfSegmentsUse(Session& session, const Field& field,
                                 absl::string_view what) {
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> segments,
                       SegmentsUsingField(session, field.name()));
  if (segments.empty()) return absl::OkStatus();
  return MakeError(
      ErrorCode::kConstraint,
      absl::StrCat("field '", field.name(), "' cannot be ", what,
                   ": saved segment '", segments.front(), "' uses it"),
      field.name(), Rule::kSegment);
}

absl::Status CheckNameFree(Session& session, absl::string_view name) {
  if (session.schema().Find(name) != nullptr) {
    return MakeError(ErrorCode::kConstraint,
                     absl::StrCat("a field named '", name, "' already exists"),
                     name, Rule::kUnique);
  }
  return absl::OkStatus();
}

// Builds the definition a patch leads to, refusing what a field may not
// change.
absl::StatusOr<wire::FieldDefinition> Patched(const Field& field,
                                              const wire::FieldPatch& patch) {
  if (field.builtin()) {
    bool only_allowed = !patch.has_name() && !patch.has_type() &&
                        !patch.has_scale() && !patch.has_required() &&
                        !patch.has_unique() && !patch.has_min() &&
                        !patch.has_max() && !patch.has_max_length() &&
                        !patch.has_pattern() && !patch.has_default_value();
    if (!only_allowed) {
      return RefuseBuiltin(field,
                           "change more than its label, description, "
                           "group, index, options and hold");
    }
    if (patch.has_indexed() && field.definition().unique()) {
      return RefuseBuiltin(field, "change its index (it is unique)");
    }
  }
  wire::FieldDefinition next = field.definition();
  if (patch.has_name()) next.set_name(patch.name());
  if (patch.has_label()) next.set_label(patch.label());
  if (patch.has_description()) next.set_description(patch.description());
  if (patch.has_group()) next.set_group(patch.group());
  if (patch.has_type()) {
    next.set_type(patch.type());
    // A scale belongs to decimals; leaving them drops it unless given.
    if (patch.type() != "decimal" && !patch.has_scale()) next.set_scale(0);
  }
  if (patch.has_scale()) next.set_scale(patch.scale());
  if (patch.has_required()) next.set_required(patch.required());
  if (patch.has_unique()) next.set_unique(patch.unique());
  if (patch.has_indexed()) next.set_indexed(patch.indexed());
  if (patch.has_min()) {
    patch.min().empty() ? next.clear_min() : next.set_min(patch.min());
  }
  if (patch.has_max()) {
    patch.max().empty() ? next.clear_max() : next.set_max(patch.max());
  }
  if (patch.has_max_length()) next.set_max_length(patch.max_length());
  if (patch.has_hold_days()) next.set_hold_days(patch.hold_days());
  if (patch.has_pattern()) next.set_pattern(patch.pattern());
  for (const std::string& option : patch.add_options()) {
    next.add_options(option);
  }
  if (patch.has_default_value()) {
    if (patch.default_value().kind_case() == wire::Value::KIND_NOT_SET) {
      next.clear_default_value();
    } else {
      *next.mutable_default_value() = patch.default_value();
    }
  }
  return next;
}

}  // namespace

absl::StatusOr<int64_t> DefineField(Session& session,
                                    absl::string_view definition_json) {
  CRM_ASSIGN_OR_RETURN(
      wire::FieldDefinition definition,
      ParseJson<wire::FieldDefinition>(definition_json, "field definition"));
  if (definition.id() != 0 || definition.builtin() || definition.read_only() ||
      !definition.status().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "id, builtin, read_only and status are set by libcrm, "
                     "not in a definition");
  }
  CRM_RETURN_IF_ERROR(CheckFieldName(definition.name()));
  CRM_RETURN_IF_ERROR(CheckNameFree(session, definition.name()));
  if (session.schema().user_field_count() >= kMaxUserFields) {
    return MakeError(ErrorCode::kConstraint,
                     absl::StrCat("the workspace already has ", kMaxUserFields,
                                  " user-defined fields"),
                     definition.name(), Rule::kMaxFields);
  }
  definition.set_status("active");
  // Compiled once to check it before anything is written.
  CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Field> checked,
                       Field::Compile(definition, "pending"));
  CRM_ASSIGN_OR_RETURN(store::FieldRow row,
                       session.backend().InsertUserField(
                           {0, definition.name(), "", "active",
                            MessageToJson(checked->definition())}));
  CRM_RETURN_IF_ERROR(session.SchemaChanged());
  CRM_RETURN_IF_ERROR(ApplyIndex(session, *session.schema().Find(row.name)));
  return row.id;
}

namespace {

// FindField() for a change of the field's definition: a restricted session
// (granted "define_fields") changes only fields its profile writes.
absl::StatusOr<const Field*> FindChangeableField(Session& session,
                                                 absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(const Field* field, FindField(session, name));
  const Access* access = session.access();
  if (access != nullptr && !access->Writes(*field)) {
    return Access::NotWritable(*field);
  }
  return field;
}

}  // namespace

absl::Status UpdateField(Session& session, absl::string_view name,
                         absl::string_view patch_json) {
  CRM_ASSIGN_OR_RETURN(const Field* field, FindChangeableField(session, name));
  CRM_ASSIGN_OR_RETURN(wire::FieldPatch patch,
                       ParseJson<wire::FieldPatch>(patch_json, "field patch"));
  CRM_ASSIGN_OR_RETURN(wire::FieldDefinition next, Patched(*field, patch));
  // A new name or group would put the field under another rule of the
  // profile, which could widen what the restricted session sees.
  if (session.access() != nullptr &&
      (next.name() != field->name() ||
       next.group() != field->definition().group())) {
    return MakeError(ErrorCode::kDenied,
                     absl::StrCat("field '", field->name(),
                                  "': a restricted handle cannot rename a "
                                  "field or move it to another group"),
                     field->name(), Rule::kOperation);
  }
  if (next.name() != field->name()) {
    CRM_RETURN_IF_ERROR(RefuseIfSegmentsUse(session, *field, "renamed"));
    CRM_RETURN_IF_ERROR(CheckFieldName(next.name()));
    CRM_RETURN_IF_ERROR(CheckNameFree(session, next.name()));
  }
  CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Field> updated,
                       Field::Compile(next, field->column()));
  if (updated->type() != field->type() ||
      updated->definition().scale() != field->definition().scale()) {
    CRM_RETURN_IF_ERROR(ConvertStoredValues(session, *field, *updated));
  }
  bool index_changed = ColumnIndexOf(*updated) != ColumnIndexOf(*field);
  CRM_RETURN_IF_ERROR(session.backend().UpdateField(RowOf(*updated)));
  CRM_RETURN_IF_ERROR(session.SchemaChanged());
  return index_changed ? ApplyIndex(session, *updated) : absl::OkStatus();
}

absl::Status SetFieldArchived(Session& session, absl::string_view name,
                              bool archived) {
  CRM_ASSIGN_OR_RETURN(const Field* field, FindChangeableField(session, name));
  if (field->builtin()) {
    return RefuseBuiltin(*field, archived ? "be archived" : "be restored");
  }
  if (field->archived() == archived) return absl::OkStatus();
  store::FieldRow row = RowOf(*field);
  row.status = archived ? "archived" : "active";
  CRM_RETURN_IF_ERROR(session.backend().UpdateField(row));
  return session.SchemaChanged();
}

absl::Status DeleteField(Session& session, absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(const Field* field, FindChangeableField(session, name));
  if (field->builtin()) return RefuseBuiltin(*field, "be deleted");
  CRM_RETURN_IF_ERROR(RefuseIfSegmentsUse(session, *field, "deleted"));
  CRM_RETURN_IF_ERROR(session.backend().DeleteUserField(RowOf(*field)));
  return session.SchemaChanged();
}

absl::StatusOr<std::string> DescribeField(Session& session,
                                          absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(const Field* field, FindField(session, name));
  return MessageToJson(field->definition(), true);
}

absl::StatusOr<std::string> ListFields(Session& session,
                                       bool include_archived) {
  const Access* access = session.access();
  std::string json = "[";
  bool first = true;
  for (const auto& field : session.schema().fields()) {
    if (field->archived() && !include_archived) continue;
    if (access != nullptr && !access->Reads(*field)) continue;
    if (!first) json += ",";
    first = false;
    json += MessageToJson(field->definition(), true);
  }
  json += "]";
  return json;
}

}  // namespace crm::core
