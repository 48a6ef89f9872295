#include "store/event_body.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/utf8.h"

namespace crm::store {
namespace {

// Field numbers of crm.wire.EventBody, Property, Value and StringList
// (include/crm/crm.proto).
constexpr uint32_t kBodyProperties = 1;
constexpr uint32_t kPropertyName = 1;
constexpr uint32_t kPropertyValue = 2;
constexpr uint32_t kValueText = 1;
constexpr uint32_t kValueInteger = 2;
constexpr uint32_t kValueDecimal = 3;
constexpr uint32_t kValueBoolean = 4;
constexpr uint32_t kValueDate = 5;
constexpr uint32_t kValueDatetime = 6;
constexpr uint32_t kValueList = 7;
constexpr uint32_t kListItems = 1;

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLength = 2,
  kFixed32 = 5
};

// One field of a message: its number, wire type and payload.
struct WireField {
  uint32_t number = 0;
  uint32_t type = 0;
  uint64_t varint = 0;      // kVarint
  absl::string_view bytes;  // kLength
};

// The fields of one encoded message, in order. Next() is false at the end
// and when the bytes are not a message (then damaged() is true).
class WireReader {
 public:
  explicit WireReader(absl::string_view bytes)
      : at_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool Next(WireField* field) {
    if (at_ == end_) return false;
    uint64_t tag;
    if (!Varint(&tag) || tag > UINT32_MAX || (tag >> 3) == 0) {
      return Damaged();
    }
    field->number = static_cast<uint32_t>(tag >> 3);
    field->type = static_cast<uint32_t>(tag & 7);
    switch (field->type) {
      case kVarint:
        return Varint(&field->varint) || Damaged();
      case kFixed64:
        return Skip(8);
      case kFixed32:
        return Skip(4);
      case kLength: {
        uint64_t size;
        if (!Varint(&size) || size > static_cast<uint64_t>(end_ - at_)) {
          return Damaged();
        }
        field->bytes = absl::string_view(at_, static_cast<size_t>(size));
        at_ += size;
        return true;
      }
      default:  // groups (deprecated, never written) and invalid types
        return Damaged();
    }
  }

  bool damaged() const { return damaged_; }

 private:
  bool Varint(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 70 && at_ != end_; shift += 7) {
      auto byte = static_cast<uint8_t>(*at_++);
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;  // truncated, or longer than 10 bytes
  }

  bool Skip(size_t size) {
    if (size > static_cast<size_t>(end_ - at_)) return Damaged();
    at_ += size;
    return true;
  }

  bool Damaged() {
    damaged_ = true;
    at_ = end_;
    return false;
  }

  const char* at_;
  const char* end_;
  bool damaged_ = false;
};

absl::Status DamagedBody(absl::string_view what) {
  return DamagedValue(absl::StrCat("an event's stored body is damaged: ", what),
                      "properties");
}

int64_t ZigZag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

// A property's fields: its last name and all its value messages (which a
// parser merges).
struct RawProperty {
  absl::string_view name;
  absl::InlinedVector<absl::string_view, 1> values;
};

absl::StatusOr<RawProperty> ReadProperty(absl::string_view bytes) {
  RawProperty property;
  WireReader reader(bytes);
  WireField field;
  while (reader.Next(&field)) {
    if (field.type != kLength) continue;
    if (field.number == kPropertyName) property.name = field.bytes;
    if (field.number == kPropertyValue) property.values.push_back(field.bytes);
  }
  if (reader.damaged()) return DamagedBody("a property is not a message");
  return property;
}

// Calls `item` with each item of the encoded StringLists `lists`; false when
// one is not a StringList of UTF-8 texts.
template <typename Visit>
bool ForEachListItem(const BodyValue& value, Visit item) {
  for (absl::string_view list : value.lists) {
    WireReader reader(list);
    WireField field;
    while (reader.Next(&field)) {
      if (field.number == kListItems && field.type == kLength) {
        if (!IsValidUtf8(field.bytes)) return false;
        item(field.bytes);
      }
    }
    if (reader.damaged()) return false;
  }
  return true;
}

absl::StatusOr<BodyValue> ReadValue(const RawProperty& property) {
  BodyValue value;
  using Kind = BodyValue::Kind;
  for (absl::string_view bytes : property.values) {
    WireReader reader(bytes);
    WireField field;
    while (reader.Next(&field)) {
      bool length = field.type == kLength;
      bool varint = field.type == kVarint;
      Kind kind = Kind::kNull;
      if (length && field.number == kValueText) kind = Kind::kText;
      if (length && field.number == kValueDecimal) kind = Kind::kDecimal;
      if (length && field.number == kValueDate) kind = Kind::kDate;
      if (length && field.number == kValueList) kind = Kind::kList;
      if (varint && field.number == kValueInteger) kind = Kind::kInteger;
      if (varint && field.number == kValueBoolean) kind = Kind::kBoolean;
      if (varint && field.number == kValueDatetime) kind = Kind::kDateTime;
      if (kind == Kind::kNull) continue;  // an unknown field
      // One kind at a time; a list set again merges with the one it holds.
      if (kind != Kind::kList || value.kind != Kind::kList) value.lists.clear();
      value.kind = kind;
      value.text =
          length && kind != Kind::kList ? field.bytes : absl::string_view();
      value.integer = kind == Kind::kBoolean ? (field.varint != 0 ? 1 : 0)
                      : varint               ? ZigZag(field.varint)
                                             : 0;
      if (kind == Kind::kList) value.lists.push_back(field.bytes);
    }
    if (reader.damaged()) return DamagedBody("a value is not a message");
  }
  if (!value.text.empty() && !IsValidUtf8(value.text)) {
    return DamagedBody("a property value is not UTF-8");
  }
  if (value.kind == Kind::kList &&
      !ForEachListItem(value, [](absl::string_view) {})) {
    return DamagedBody("a list property is not a list of UTF-8 texts");
  }
  return value;
}

// Calls `visit(property)` for each property of `body` until it returns
// true.
template <typename Visit>
absl::Status ForEachProperty(absl::string_view body, Visit visit) {
  WireReader reader(body);
  WireField field;
  while (reader.Next(&field)) {
    if (field.number != kBodyProperties || field.type != kLength) continue;
    CRM_ASSIGN_OR_RETURN(RawProperty property, ReadProperty(field.bytes));
    CRM_ASSIGN_OR_RETURN(bool stop, visit(property));
    if (stop) return absl::OkStatus();
  }
  if (reader.damaged()) return DamagedBody("not an encoded EventBody");
  return absl::OkStatus();
}

// The canonical text of a decimal property and its scale; nullopt when the
// text is not a decimal.
std::optional<std::pair<int64_t, int>> ParsedDecimal(absl::string_view text) {
  int scale = DecimalScale(text);
  absl::StatusOr<int64_t> scaled = ParseDecimal(text, scale);
  if (!scaled.ok()) return std::nullopt;
  return std::make_pair(*scaled, scale);
}

}  // namespace

absl::StatusOr<std::optional<BodyValue>> FindBodyProperty(
    absl::string_view body, absl::string_view key) {
  std::optional<BodyValue> found;
  CRM_RETURN_IF_ERROR(ForEachProperty(
      body, [&](const RawProperty& property) -> absl::StatusOr<bool> {
        if (property.name != key) return false;
        CRM_ASSIGN_OR_RETURN(found, ReadValue(property));
        return true;
      }));
  return found;
}

SqlValue BodyValueForQuery(const BodyValue& value) {
  using Kind = BodyValue::Kind;
  switch (value.kind) {
    case Kind::kText:
    case Kind::kDate:
      return std::string(value.text);
    case Kind::kInteger:
    case Kind::kDateTime:
    case Kind::kBoolean:
      return value.integer;
    case Kind::kDecimal: {
      std::optional<std::pair<int64_t, int>> decimal =
          ParsedDecimal(value.text);
      if (!decimal) return std::monostate();
      if (decimal->second == 0) return decimal->first;
      double real = 0;
      if (!absl::SimpleAtod(FormatDecimal(decimal->first, decimal->second),
                            &real)) {
        return std::monostate();
      }
      return real;
    }
    case Kind::kList: {
      std::string json;
      AppendBodyValueJson(value, &json);
      return json;
    }
    case Kind::kNull:
      break;
  }
  return std::monostate();
}

void AppendBodyValueJson(const BodyValue& value, std::string* out) {
  using Kind = BodyValue::Kind;
  switch (value.kind) {
    case Kind::kText:
    case Kind::kDate:
      AppendJsonString(value.text, out);
      return;
    case Kind::kInteger:
    case Kind::kDateTime:
      absl::StrAppend(out, value.integer);
      return;
    case Kind::kBoolean:
      *out += value.integer != 0 ? "true" : "false";
      return;
    case Kind::kDecimal: {
      std::optional<std::pair<int64_t, int>> decimal =
          ParsedDecimal(value.text);
      *out += decimal ? FormatDecimal(decimal->first, decimal->second)
                      : std::string("null");
      return;
    }
    case Kind::kList: {
      out->push_back('[');
      bool first = true;
      // Checked well-formed when `value` was read.
      ForEachListItem(value, [&](absl::string_view item) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(item, out);
      });
      out->push_back(']');
      return;
    }
    case Kind::kNull:
      *out += "null";
      return;
  }
}

absl::StatusOr<std::string> BodyPropertiesJson(absl::string_view body) {
  std::string json;
  CRM_RETURN_IF_ERROR(ForEachProperty(
      body, [&](const RawProperty& property) -> absl::StatusOr<bool> {
        if (!IsValidUtf8(property.name)) {
          return DamagedBody("a property name is not UTF-8");
        }
        CRM_ASSIGN_OR_RETURN(BodyValue value, ReadValue(property));
        json.push_back(json.empty() ? '{' : ',');
        AppendJsonString(property.name, &json);
        json.push_back(':');
        AppendBodyValueJson(value, &json);
        return false;
      }));
  if (!json.empty()) json.push_back('}');
  return json;
}

}  // namespace crm::store
