#include "capi/capi_encode.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/utf8.h"
#include "capi/capi_support.h"
#include "core/customer_batch.h"
#include "core/value.h"
#include "core/value_json.h"
#include "core/wire.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace crm::capi {
namespace {

using core::Value;
using core::ValueKind;

// The value of `column` in `row` that is not null, or NULL; `next` as in
// CustomerRecord::Get().
const Value* ValueAt(const core::CustomerRecord& row, const std::string& column,
                     size_t* next) {
  const Value* value = row.Get(column, next);
  return value != nullptr && value->kind != ValueKind::kNull ? value : nullptr;
}

template <typename Numbers>
void AppendNumberArray(const Numbers& numbers, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (int64_t number : numbers) {
    if (!first) out->push_back(',');
    first = false;
    absl::StrAppend(out, number);
  }
  out->push_back(']');
}

// What the JSON page says of a column: the kind every non-null value of
// it has (kNull when they differ or there is none), and how many are null.
struct ColumnShape {
  ValueKind kind = ValueKind::kNull;
  size_t nulls = 0;
};

// `next` holds a lookup position per row (CustomerRecord::Get()).
ColumnShape ShapeOf(const RowsToEncode& rows, const std::string& column,
                    std::vector<size_t>* next) {
  ColumnShape shape;
  bool seen = false, mixed = false;
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    const Value* value = ValueAt(*rows.rows[r], column, &(*next)[r]);
    if (value == nullptr) {
      ++shape.nulls;
    } else if (!seen) {
      seen = true;
      shape.kind = value->kind;
    } else if (value->kind != shape.kind) {
      mixed = true;
    }
  }
  if (mixed) shape.kind = ValueKind::kNull;
  return shape;
}

// --- crm.wire messages written field by field (EncodeRowSet) ---------------

constexpr uint32_t kVarintWire = 0;
constexpr uint32_t kLengthWire = 2;

uint32_t Tag(int field, uint32_t wire_type) {
  return (static_cast<uint32_t>(field) << 3) | wire_type;
}

uint64_t ZigZag(int64_t n) {
  return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
}

// A length-delimited member of `size` bytes, with its tag and length.
uint32_t LengthDelimitedSize(uint32_t size) {
  return 1 + google::protobuf::io::CodedOutputStream::VarintSize32(size) + size;
}

uint32_t TextSize(absl::string_view text) {
  return LengthDelimitedSize(static_cast<uint32_t>(text.size()));
}

uint32_t ListSize(const std::vector<std::string>& items) {
  uint32_t size = 0;
  for (const std::string& item : items) size += TextSize(item);
  return size;
}

// The encoded size of a crm.wire.Value holding `value` (0 for a null).
uint32_t ValueSize(const Value& value) {
  using google::protobuf::io::CodedOutputStream;
  switch (value.kind) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kText:
    case ValueKind::kDecimal:
    case ValueKind::kDate:
      return TextSize(value.text);
    case ValueKind::kInteger:
    case ValueKind::kDateTime:
      return 1 + CodedOutputStream::VarintSize64(ZigZag(value.integer));
    case ValueKind::kBoolean:
      return 2;
    case ValueKind::kList:
      return LengthDelimitedSize(ListSize(value.list));
  }
  return 0;
}

void WriteLengthTag(google::protobuf::io::CodedOutputStream* out, int field,
                    uint32_t size) {
  out->WriteTag(Tag(field, kLengthWire));
  out->WriteVarint32(size);
}

void WriteBytes(google::protobuf::io::CodedOutputStream* out, int field,
                absl::string_view bytes) {
  WriteLengthTag(out, field, static_cast<uint32_t>(bytes.size()));
  out->WriteRaw(bytes.data(), static_cast<int>(bytes.size()));
}

void WriteValue(google::protobuf::io::CodedOutputStream* out,
                const Value& value) {
  switch (value.kind) {
    case ValueKind::kNull:
      return;
    case ValueKind::kText:
      WriteBytes(out, wire::Value::kTextFieldNumber, value.text);
      return;
    case ValueKind::kDecimal:
      WriteBytes(out, wire::Value::kDecimalFieldNumber, value.text);
      return;
    case ValueKind::kDate:
      WriteBytes(out, wire::Value::kDateFieldNumber, value.text);
      return;
    case ValueKind::kInteger:
      out->WriteTag(Tag(wire::Value::kIntegerFieldNumber, kVarintWire));
      out->WriteVarint64(ZigZag(value.integer));
      return;
    case ValueKind::kDateTime:
      out->WriteTag(Tag(wire::Value::kDatetimeUsFieldNumber, kVarintWire));
      out->WriteVarint64(ZigZag(value.integer));
      return;
    case ValueKind::kBoolean:
      out->WriteTag(Tag(wire::Value::kBooleanFieldNumber, kVarintWire));
      out->WriteVarint32(value.integer != 0 ? 1 : 0);
      return;
    case ValueKind::kList:
      WriteLengthTag(out, wire::Value::kListFieldNumber, ListSize(value.list));
      for (const std::string& item : value.list) {
        WriteBytes(out, wire::StringList::kItemsFieldNumber, item);
      }
      return;
  }
}

// A packed repeated int64 of one number per row (none when there are no
// rows, as protobuf writes an empty packed field).
template <typename NumberOf>
void WritePackedInt64s(google::protobuf::io::CodedOutputStream* out, int field,
                       const std::vector<const core::CustomerRecord*>& rows,
                       NumberOf number_of) {
  if (rows.empty()) return;
  uint32_t size = 0;
  for (const core::CustomerRecord* row : rows) {
    size += google::protobuf::io::CodedOutputStream::VarintSize64(
        static_cast<uint64_t>(number_of(row)));
  }
  WriteLengthTag(out, field, size);
  for (const core::CustomerRecord* row : rows) {
    out->WriteVarint64(static_cast<uint64_t>(number_of(row)));
  }
}

}  // namespace

std::string EncodeRowSet(const RowsToEncode& rows) {
  // Written straight from the records, with each nested message's size
  // worked out before it: the same bytes wire::RowSet::SerializeAsString()
  // gives, without building a message of every value first (which took
  // about as long as running the query).
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    for (const std::string& column : *rows.columns) {
      WriteBytes(&out, wire::RowSet::kColumnsFieldNumber, column);
    }
    const size_t columns = rows.columns->size();
    std::vector<const Value*> values(columns);
    std::vector<uint32_t> value_sizes(columns);
    for (const core::CustomerRecord* row : rows.rows) {
      uint32_t row_size = 0;
      size_t next = 0;
      for (size_t c = 0; c < columns; ++c) {
        values[c] = row->Get((*rows.columns)[c], &next);
        value_sizes[c] = values[c] != nullptr ? ValueSize(*values[c]) : 0;
        row_size += LengthDelimitedSize(value_sizes[c]);
      }
      WriteLengthTag(&out, wire::RowSet::kRowsFieldNumber, row_size);
      for (size_t c = 0; c < columns; ++c) {
        WriteLengthTag(&out, wire::CustomerRow::kValuesFieldNumber,
                       value_sizes[c]);
        if (values[c] != nullptr) WriteValue(&out, *values[c]);
      }
    }
    WritePackedInt64s(&out, wire::RowSet::kIdsFieldNumber, rows.rows,
                      [](const core::CustomerRecord* row) { return row->id; });
    if (!rows.next_cursor.empty()) {
      WriteBytes(&out, wire::RowSet::kNextCursorFieldNumber, rows.next_cursor);
    }
    if (rows.with_versions) {
      WritePackedInt64s(
          &out, wire::RowSet::kVersionsFieldNumber, rows.rows,
          [](const core::CustomerRecord* row) { return row->version; });
    }
  }
  return bytes;
}

std::string EncodeRowsJson(const RowsToEncode& rows) {
  const std::vector<std::string>& columns = *rows.columns;
  std::vector<ValueKind> kinds;
  std::vector<int64_t> nulls;
  kinds.reserve(columns.size());
  nulls.reserve(columns.size());
  // Columns outside, rows inside: a lookup position per row.
  std::vector<size_t> next(rows.rows.size());
  for (const std::string& column : columns) {
    ColumnShape shape = ShapeOf(rows, column, &next);
    kinds.push_back(shape.kind);
    nulls.push_back(static_cast<int64_t>(shape.nulls));
  }
  std::string out;
  out.reserve(64 + rows.rows.size() * (16 + columns.size() * 12));
  out.append("{\"columns\":[");
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    AppendJsonString(columns[c], &out);
  }
  out.append("],\"kinds\":[");
  for (size_t c = 0; c < kinds.size(); ++c) {
    if (c > 0) out.push_back(',');
    absl::StrAppend(&out, static_cast<int>(kinds[c]));
  }
  out.append("],\"nulls\":");
  AppendNumberArray(nulls, &out);
  out.append(",\"ids\":");
  std::vector<int64_t> numbers;
  numbers.reserve(rows.rows.size());
  for (const core::CustomerRecord* row : rows.rows) numbers.push_back(row->id);
  AppendNumberArray(numbers, &out);
  if (rows.with_versions) {
    out.append(",\"versions\":");
    numbers.clear();
    for (const core::CustomerRecord* row : rows.rows) {
      numbers.push_back(row->version);
    }
    AppendNumberArray(numbers, &out);
  }
  out.append(",\"values\":[");
  std::fill(next.begin(), next.end(), 0);
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    out.push_back('[');
    for (size_t r = 0; r < rows.rows.size(); ++r) {
      if (r > 0) out.push_back(',');
      const Value* value = ValueAt(*rows.rows[r], columns[c], &next[r]);
      if (value == nullptr) {
        out.append("null");
      } else if (kinds[c] != ValueKind::kNull) {
        core::AppendValueJson(*value, &out);
      } else {
        absl::StrAppend(&out, "[", static_cast<int>(value->kind), ",");
        core::AppendValueJson(*value, &out);
        out.push_back(']');
      }
    }
    out.push_back(']');
  }
  out.append("],\"next_cursor\":");
  AppendJsonString(rows.next_cursor, &out);
  out.push_back('}');
  return out;
}

namespace {

// OK when the text of `value` (and its list items) is libcrm text.
absl::Status CheckValueText(const Value& value, const std::string& name) {
  CRM_RETURN_IF_ERROR(ValidateText(
      value.text, name, [&] { return absl::StrCat("'", name, "': value"); }));
  for (size_t i = 0; i < value.list.size(); ++i) {
    CRM_RETURN_IF_ERROR(ValidateText(value.list[i], name, [&] {
      return absl::StrCat("'", name, "': item ", i);
    }));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<core::Event> DecodeEvent(const void* batch, size_t batch_size) {
  CRM_ASSIGN_OR_RETURN(
      wire::EventBatch decoded,
      DecodeBatch<wire::EventBatch>(batch, batch_size, "crm.wire.EventBatch"));
  if (decoded.events_size() != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("an event is a batch of exactly one event; "
                                  "this batch has ",
                                  decoded.events_size()),
                     "", Rule::kBatch);
  }
  const wire::EventInput& input = decoded.events(0);
  core::Event event;
  event.customer_id = input.customer_id();
  if (input.has_occurred_at_us()) event.occurred_at_us = input.occurred_at_us();
  const std::pair<const std::string*, std::string*> texts[] = {
      {&input.type(), &event.type},
      {&input.channel(), &event.channel},
      {&input.actor(), &event.actor},
      {&input.source(), &event.source},
      {&input.idempotency_key(), &event.idempotency_key}};
  const char* const names[] = {"type", "channel", "actor", "source",
                               "idempotency_key"};
  for (size_t i = 0; i < 5; ++i) {
    CRM_RETURN_IF_ERROR(ValidateText(*texts[i].first, names[i],
                                     [&] { return std::string(names[i]); }));
    *texts[i].second = *texts[i].first;
  }
  for (const wire::Property& property : input.properties()) {
    CRM_RETURN_IF_ERROR(ValidateText(property.name(), property.name(), [&] {
      return std::string("a property name");
    }));
    Value value = core::ValueFromWire(property.value());
    CRM_RETURN_IF_ERROR(CheckValueText(value, property.name()));
    // As in crm_event_append_batch(): a property given twice keeps its last
    // value.
    event.properties.Set(property.name(), std::move(value));
  }
  return event;
}

absl::StatusOr<core::CustomerRecord> DecodeRecord(const void* batch,
                                                  size_t batch_size) {
  CRM_ASSIGN_OR_RETURN(wire::CustomerBatch decoded,
                       DecodeBatch<wire::CustomerBatch>(
                           batch, batch_size, "crm.wire.CustomerBatch"));
  if (decoded.rows_size() != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("a record is a batch of exactly one row; "
                                  "this batch has ",
                                  decoded.rows_size()),
                     "", Rule::kRows);
  }
  if (!decoded.actor().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a record carries no actor: the call that writes it "
                     "takes one",
                     "", Rule::kActor);
  }
  const int columns = decoded.columns_size();
  absl::flat_hash_set<absl::string_view> names;
  for (int c = 0; c < columns; ++c) {
    const std::string& name = decoded.columns(c);
    CRM_RETURN_IF_ERROR(ValidateText(name, name, [&] {
      return absl::StrCat("column ", c, " (a field name)");
    }));
    if (!names.insert(name).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("field '", name, "' is a column twice"),
                       name, Rule::kDistinct);
    }
  }
  const wire::CustomerRow& row = decoded.rows(0);
  CRM_ASSIGN_OR_RETURN(std::vector<bool> left_out,
                       core::AbsentColumns(row, static_cast<size_t>(columns)));
  core::CustomerRecord record;
  record.values.reserve(row.values_size());
  int next = 0;
  for (int c = 0; c < columns; ++c) {
    if (!left_out.empty() && left_out[c]) continue;
    const std::string& name = decoded.columns(c);
    Value value = core::ValueFromWire(row.values(next++));
    CRM_RETURN_IF_ERROR(CheckValueText(value, name));
    // Columns are distinct, so appending is what Set() would do.
    record.values.push_back({name, std::move(value)});
  }
  return record;
}

}  // namespace crm::capi
