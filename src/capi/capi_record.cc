// crm.h: records, the bags of typed values that carry customers across.
#include <string>

#include "base/utf8.h"
#include "capi/capi_encode.h"
#include "capi/capi_support.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::Out;
using crm::core::Value;
using crm::core::ValueKind;

namespace {

// Sets `field` to the value `make()` builds, after checking the arguments;
// an error of make() is about `field`.
template <typename Make>
int SetValue(crm_record* record, const char* field, Make make) {
  return Call([&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckNotNull(record, Rule::kRecord));
    CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
    absl::StatusOr<Value> value = make();
    if (!value.ok()) return crm::WithField(value.status(), field);
    record->record.Set(field, *std::move(value));
    record->encoded.clear();
    record->encoded_json.clear();
    return absl::OkStatus();
  });
}

absl::StatusOr<Value> TextValue(const char* text, ValueKind kind) {
  CRM_RETURN_IF_ERROR(CheckText(text, Rule::kValue));
  Value value;
  value.kind = kind;
  value.text = text;
  return value;
}

// Finds the value of `field`, checking it is of `kind`.
absl::StatusOr<const Value*> Lookup(const crm_record* record, const char* field,
                                    ValueKind kind) {
  CRM_RETURN_IF_ERROR(CheckNotNull(record, Rule::kRecord));
  CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
  const Value* value = record->record.Get(field);
  if (value == nullptr || value->kind == ValueKind::kNull) {
    return crm::MakeError(
        ErrorCode::kNotFound,
        std::string("the record holds no value for '") + field + "'", field);
  }
  if (value->kind != kind) {
    return crm::MakeError(ErrorCode::kValidation,
                          std::string("field '") + field + "' holds a " +
                              crm::core::ValueKindName(value->kind) +
                              " value, not a " +
                              crm::core::ValueKindName(kind) + " value",
                          field, Rule::kType);
  }
  return value;
}

// The value of `field` in `record` when looking it up needs no error: both
// are not NULL, `field` is ASCII (libcrm text, so CheckText() cannot fail)
// and names a value of `kind`. NULL otherwise; Lookup() then finds the
// error. Saves the getters of a record read field by field the text check
// and the error machinery of Call().
const Value* FindPlain(const crm_record* record, const char* field,
                       ValueKind kind) {
  if (record == nullptr || field == nullptr) return nullptr;
  size_t size = 0;
  for (; field[size] != '\0'; ++size) {
    if (static_cast<unsigned char>(field[size]) >= 0x80) return nullptr;
  }
  const Value* value =
      record->record.Get(absl::string_view(field, size), &record->next_lookup);
  return value != nullptr && value->kind == kind ? value : nullptr;
}

// Reads into *out what `read` takes from the value of `field`. The answer
// is Call()'s in every case; a read that succeeds takes the short way
// (FindPlain) and leaves the last error as it was, as Call() does.
template <typename T, typename Read>
int GetValue(T* out, const crm_record* record, const char* field,
             ValueKind kind, Read read) {
  if (out != nullptr) {
    if (const Value* value = FindPlain(record, field, kind)) {
      absl::StatusOr<T> result = read(*value);
      if (result.ok()) {
        *out = *result;
        return CRM_OK;
      }
    }
  }
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<T> {
    CRM_ASSIGN_OR_RETURN(const Value* value, Lookup(record, field, kind));
    return read(*value);
  });
}

// The field names of `record`, in order, and the record as the one row to
// encode with them.
crm::capi::RowsToEncode RecordToEncode(const crm_record& record,
                                       std::vector<std::string>* columns) {
  columns->clear();
  columns->reserve(record.record.values.size());
  for (const crm::core::FieldValue& value : record.record.values) {
    columns->push_back(value.field);
  }
  crm::capi::RowsToEncode rows;
  rows.columns = columns;
  rows.rows.push_back(&record.record);
  rows.with_versions = true;
  return rows;
}

const char* TextOf(const Value& value) { return value.text.c_str(); }

int64_t IntegerOf(const Value& value) { return value.integer; }

}  // namespace

extern "C" {

int crm_record_new(crm_record** out) {
  return Call(Out(out, Rule::kOut), []() -> HandleOr<crm_record> {
    return std::make_unique<crm_record>();
  });
}

void crm_record_free(crm_record* record) { delete record; }

int crm_record_set_text(crm_record* record, const char* field,
                        const char* value) {
  return SetValue(record, field,
                  [&] { return TextValue(value, ValueKind::kText); });
}

int crm_record_set_integer(crm_record* record, const char* field,
                           int64_t value) {
  return SetValue(record, field, [&]() -> absl::StatusOr<Value> {
    return Value::Integer(value);
  });
}

int crm_record_set_decimal(crm_record* record, const char* field,
                           const char* value) {
  return SetValue(record, field,
                  [&] { return TextValue(value, ValueKind::kDecimal); });
}

int crm_record_set_boolean(crm_record* record, const char* field, int value) {
  return SetValue(record, field, [&]() -> absl::StatusOr<Value> {
    return Value::Boolean(value != 0);
  });
}

int crm_record_set_date(crm_record* record, const char* field,
                        const char* value) {
  return SetValue(record, field,
                  [&] { return TextValue(value, ValueKind::kDate); });
}

int crm_record_set_datetime(crm_record* record, const char* field,
                            int64_t value) {
  return SetValue(record, field, [&]() -> absl::StatusOr<Value> {
    return Value::DateTime(value);
  });
}

int crm_record_set_list(crm_record* record, const char* field,
                        const char* const* items, size_t count) {
  return SetValue(record, field, [&]() -> absl::StatusOr<Value> {
    if (count > 0) CRM_RETURN_IF_ERROR(CheckNotNull(items, Rule::kItems));
    std::vector<std::string> list;
    list.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      CRM_RETURN_IF_ERROR(
          CheckText(items[i], Rule::kItems, absl::StrCat("items[", i, "]")));
      list.emplace_back(items[i]);
    }
    return Value::List(std::move(list));
  });
}

int crm_record_set_null(crm_record* record, const char* field) {
  return SetValue(record, field,
                  []() -> absl::StatusOr<Value> { return Value::Null(); });
}

int64_t crm_record_id(const crm_record* record) {
  return record ? record->record.id : 0;
}

int64_t crm_record_version(const crm_record* record) {
  return record ? record->record.version : 0;
}

size_t crm_record_field_count(const crm_record* record) {
  return record ? record->record.values.size() : 0;
}

const char* crm_record_field_name(const crm_record* record, size_t index) {
  if (record == nullptr || index >= record->record.values.size()) return "";
  return record->record.values[index].field.c_str();
}

crm_value_kind crm_record_kind(const crm_record* record, const char* field) {
  if (record == nullptr || field == nullptr) return CRM_VALUE_NULL;
  const Value* value = record->record.Get(field);
  return value ? static_cast<crm_value_kind>(value->kind) : CRM_VALUE_NULL;
}

int crm_record_get_text(const char** out, const crm_record* record,
                        const char* field) {
  return GetValue(out, record, field, ValueKind::kText, TextOf);
}

int crm_record_get_integer(int64_t* out, const crm_record* record,
                           const char* field) {
  return GetValue(out, record, field, ValueKind::kInteger, IntegerOf);
}

int crm_record_get_decimal(const char** out, const crm_record* record,
                           const char* field) {
  return GetValue(out, record, field, ValueKind::kDecimal, TextOf);
}

int crm_record_get_boolean(int* out, const crm_record* record,
                           const char* field) {
  return GetValue(
      out, record, field, ValueKind::kBoolean,
      [](const Value& value) { return value.integer != 0 ? 1 : 0; });
}

int crm_record_get_date(const char** out, const crm_record* record,
                        const char* field) {
  return GetValue(out, record, field, ValueKind::kDate, TextOf);
}

int crm_record_get_datetime(int64_t* out, const crm_record* record,
                            const char* field) {
  return GetValue(out, record, field, ValueKind::kDateTime, IntegerOf);
}

int crm_record_get_list_size(size_t* out, const crm_record* record,
                             const char* field) {
  return GetValue(out, record, field, ValueKind::kList,
                  [](const Value& value) { return value.list.size(); });
}

int crm_record_get_list_item(const char** out, const crm_record* record,
                             const char* field, size_t index) {
  return GetValue(out, record, field, ValueKind::kList,
                  [&](const Value& value) -> absl::StatusOr<const char*> {
                    if (index >= value.list.size()) {
                      return crm::MakeError(ErrorCode::kNotFound,
                                            "list index out of range", field,
                                            Rule::kIndex);
                    }
                    return value.list[index].c_str();
                  });
}

int crm_record_encode(const void** out_bytes, size_t* out_size,
                      crm_record* record) {
  return Call(Out(out_bytes, Rule::kOutBytes), Out(out_size, Rule::kOutSize),
              [&]() -> absl::StatusOr<std::pair<const void*, size_t>> {
                CRM_RETURN_IF_ERROR(CheckNotNull(record, Rule::kRecord));
                if (record->encoded.empty()) {
                  std::vector<std::string> columns;
                  record->encoded = crm::capi::EncodeRowSet(
                      RecordToEncode(*record, &columns));
                }
                return std::pair<const void*, size_t>(record->encoded.data(),
                                                      record->encoded.size());
              });
}

int crm_record_encode_json(const char** out_json, size_t* out_size,
                           crm_record* record) {
  return Call(Out(out_json, Rule::kOut), Out(out_size, Rule::kOutSize),
              [&]() -> absl::StatusOr<std::pair<const char*, size_t>> {
                CRM_RETURN_IF_ERROR(CheckNotNull(record, Rule::kRecord));
                if (record->encoded_json.empty()) {
                  std::vector<std::string> columns;
                  record->encoded_json = crm::capi::EncodeRowsJson(
                      RecordToEncode(*record, &columns));
                }
                return std::pair<const char*, size_t>(
                    record->encoded_json.data(), record->encoded_json.size());
              });
}

int crm_record_decode(crm_record** out, const void* batch, size_t batch_size) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_record> {
    if (batch_size > 0) CRM_RETURN_IF_ERROR(CheckNotNull(batch, Rule::kBatch));
    CRM_ASSIGN_OR_RETURN(crm::core::CustomerRecord record,
                         crm::capi::DecodeRecord(batch, batch_size));
    return crm::capi::NewRecord(std::move(record));
  });
}

}  // extern "C"
