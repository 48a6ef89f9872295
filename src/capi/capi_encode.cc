#include "capi/capi_encode.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/value.h"
#include "core/wire.h"

namespace crm::capi {
namespace {

using core::Value;
using core::ValueKind;

const Value* ValueAt(const core::CustomerRecord& row,
                     const std::string& column) {
  const Value* value = row.Get(column);
  return value != nullptr && value->kind != ValueKind::kNull ? value : nullptr;
}

// Appends `text` as a JSON string. libcrm text is UTF-8 without NUL bytes;
// only quotes, backslashes and control characters need escaping.
void AppendJsonString(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet appended
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

// Appends a value that is not null in its plain JSON form (crm.h).
void AppendPlainValue(const Value& value, std::string* out) {
  switch (value.kind) {
    case ValueKind::kText:
    case ValueKind::kDecimal:
    case ValueKind::kDate:
      AppendJsonString(value.text, out);
      return;
    case ValueKind::kInteger:
    case ValueKind::kDateTime:
      absl::StrAppend(out, value.integer);
      return;
    case ValueKind::kBoolean:
      out->append(value.integer != 0 ? "true" : "false");
      return;
    case ValueKind::kList: {
      out->push_back('[');
      for (size_t i = 0; i < value.list.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJsonString(value.list[i], out);
      }
      out->push_back(']');
      return;
    }
    case ValueKind::kNull:
      break;
  }
  out->append("null");
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

ColumnShape ShapeOf(const RowsToEncode& rows, const std::string& column) {
  ColumnShape shape;
  bool seen = false, mixed = false;
  for (const core::CustomerRecord* row : rows.rows) {
    const Value* value = ValueAt(*row, column);
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

}  // namespace

std::string EncodeRowSet(const RowsToEncode& rows) {
  wire::RowSet set;
  for (const std::string& column : *rows.columns) set.add_columns(column);
  for (const core::CustomerRecord* row : rows.rows) {
    wire::CustomerRow* out = set.add_rows();
    for (const std::string& column : *rows.columns) {
      const Value* value = row->Get(column);
      wire::Value* encoded = out->add_values();
      if (value != nullptr) core::ValueToWire(*value, encoded);
    }
    set.add_ids(row->id);
    if (rows.with_versions) set.add_versions(row->version);
  }
  set.set_next_cursor(std::string(rows.next_cursor));
  return set.SerializeAsString();
}

std::string EncodeRowsJson(const RowsToEncode& rows) {
  const std::vector<std::string>& columns = *rows.columns;
  std::vector<ValueKind> kinds;
  std::vector<int64_t> nulls;
  kinds.reserve(columns.size());
  nulls.reserve(columns.size());
  for (const std::string& column : columns) {
    ColumnShape shape = ShapeOf(rows, column);
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
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    out.push_back('[');
    for (size_t r = 0; r < rows.rows.size(); ++r) {
      if (r > 0) out.push_back(',');
      const Value* value = ValueAt(*rows.rows[r], columns[c]);
      if (value == nullptr) {
        out.append("null");
      } else if (kinds[c] != ValueKind::kNull) {
        AppendPlainValue(*value, &out);
      } else {
        absl::StrAppend(&out, "[", static_cast<int>(value->kind), ",");
        AppendPlainValue(*value, &out);
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

// `batch_size` bytes at `batch` parsed as a `Message` named `name`.
template <typename Message>
absl::StatusOr<Message> Parse(const void* batch, size_t batch_size,
                              absl::string_view name) {
  if (batch_size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeError(ErrorCode::kInvalidArgument, "batch is larger than 2 GiB",
                     "", Rule::kBatchSize);
  }
  Message decoded;
  if (!decoded.ParseFromArray(batch, static_cast<int>(batch_size))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("batch is not a valid ", name,
                                  " message (or holds text that is not "
                                  "UTF-8)"),
                     "", Rule::kBatch);
  }
  return decoded;
}

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
      Parse<wire::EventBatch>(batch, batch_size, "crm.wire.EventBatch"));
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
  CRM_ASSIGN_OR_RETURN(
      wire::CustomerBatch decoded,
      Parse<wire::CustomerBatch>(batch, batch_size, "crm.wire.CustomerBatch"));
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
  std::vector<bool> left_out(columns, false);
  for (uint32_t column : row.absent()) {
    if (column >= static_cast<uint32_t>(columns)) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          absl::StrCat("absent column ", column, " is not one of the batch's ",
                       columns, " columns"),
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
  if (row.values_size() != columns - row.absent_size()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat(row.values_size(), " values for ", columns,
                     " columns of which ", row.absent_size(),
                     " are absent: a row needs one value per other column"),
        "", Rule::kColumns);
  }
  core::CustomerRecord record;
  record.values.reserve(row.values_size());
  int next = 0;
  for (int c = 0; c < columns; ++c) {
    if (left_out[c]) continue;
    const std::string& name = decoded.columns(c);
    Value value = core::ValueFromWire(row.values(next++));
    CRM_RETURN_IF_ERROR(CheckValueText(value, name));
    // Columns are distinct, so appending is what Set() would do.
    record.values.push_back({name, std::move(value)});
  }
  return record;
}

}  // namespace crm::capi
