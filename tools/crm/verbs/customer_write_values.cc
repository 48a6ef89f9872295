#include "verbs/customer_write_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "failure.h"
#include "time_text.h"
#include "verbs/erasure_group.h"

namespace crm::cli {
namespace {

// Field name -> type name ("text", "integer", ...), archived fields too.
std::map<std::string, std::string> FieldTypes(crm_db* db) {
  char* json = nullptr;
  Check(crm_field_list(&json, db, CRM_LIST_INCLUDE_ARCHIVED),
        "cannot list fields");
  std::map<std::string, std::string> types;
  for (const auto& field : TakeJson(json)) {
    if (field.contains("name") && field.contains("type")) {
      types[field["name"].get<std::string>()] =
          field["type"].get<std::string>();
    }
  }
  return types;
}

std::optional<int64_t> IntegerFromText(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> BooleanFromText(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (text == "true" || text == "yes" || text == "1") return true;
  if (text == "false" || text == "no" || text == "0") return false;
  return std::nullopt;
}

std::string Trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool IsListType(const std::string& type) {
  return type == "multi_choice" || type == "tags";
}

class RecordBuilder {
 public:
  explicit RecordBuilder(crm_db* db) : types_(FieldTypes(db)) {
    crm_record* raw = nullptr;
    Check(crm_record_new(&raw), "cannot make a record");
    record_.reset(raw);
  }

  void Add(const std::string& assignment) {
    size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      UsageError("'" + assignment +
                 "' is not field=value or field:=JSON (e.g. plan=premium, "
                 "vip:=true, phone:=null)");
    }
    bool json = assignment[equals - 1] == ':';
    std::string field = assignment.substr(0, json ? equals - 1 : equals);
    std::string text = assignment.substr(equals + 1);
    if (field.empty()) UsageError("'" + assignment + "' names no field");
    if (!seen_.insert(field).second) {
      UsageError("field '" + field + "' is given twice");
    }
    if (json) {
      SetJson(field, text);
    } else {
      SetText(field, text);
    }
  }

  RecordPtr Release() { return std::move(record_); }

 private:
  std::string TypeOf(const std::string& field) const {
    auto found = types_.find(field);
    return found == types_.end() ? "" : found->second;
  }

  void Set(int status, const std::string& field) {
    Check(status, "field '" + field + "'");
  }

  void SetList(const std::string& field,
               const std::vector<std::string>& items) {
    std::vector<const char*> pointers;
    for (const std::string& item : items) pointers.push_back(item.c_str());
    Set(crm_record_set_list(record_.get(), field.c_str(), pointers.data(),
                            pointers.size()),
        field);
  }

  // "field=value": typed by the field's definition.
  void SetText(const std::string& field, const std::string& text) {
    crm_record* record = record_.get();
    const char* name = field.c_str();
    std::string type = TypeOf(field);
    if (type == "integer" || type == "reference") {
      if (auto value = IntegerFromText(text)) {
        return Set(crm_record_set_integer(record, name, *value), field);
      }
    } else if (type == "boolean") {
      if (auto value = BooleanFromText(text)) {
        return Set(crm_record_set_boolean(record, name, *value ? 1 : 0), field);
      }
    } else if (type == "decimal") {
      return Set(crm_record_set_decimal(record, name, text.c_str()), field);
    } else if (type == "date") {
      return Set(crm_record_set_date(record, name, text.c_str()), field);
    } else if (type == "datetime") {
      if (auto value = MicrosFromText(text)) {
        return Set(crm_record_set_datetime(record, name, *value), field);
      }
    } else if (IsListType(type)) {
      std::vector<std::string> items;
      size_t start = 0;
      while (!text.empty() && start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        items.push_back(Trimmed(text.substr(start, comma - start)));
        start = comma + 1;
      }
      return SetList(field, items);
    }
    Set(crm_record_set_text(record, name, text.c_str()), field);
  }

  // "field:=JSON".
  void SetJson(const std::string& field, const std::string& text) {
    nlohmann::ordered_json value;
    try {
      value = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception&) {
      UsageError("field '" + field + "': '" + text +
                 "' is not JSON (a string needs quotes: " + field +
                 ":='\"text\"', or write " + field + "=text)");
    }
    crm_record* record = record_.get();
    const char* name = field.c_str();
    std::string type = TypeOf(field);
    if (value.is_null()) {
      Set(crm_record_set_null(record, name), field);
    } else if (value.is_boolean()) {
      Set(crm_record_set_boolean(record, name, value.get<bool>() ? 1 : 0),
          field);
    } else if (value.is_number_unsigned() &&
               value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      UsageError("field '" + field + "': " + text +
                 " is beyond a 64-bit integer");
    } else if (value.is_number_integer()) {
      if (type == "decimal") {
        Set(crm_record_set_decimal(record, name, value.dump().c_str()), field);
      } else if (type == "datetime") {
        Set(crm_record_set_datetime(record, name, value.get<int64_t>()), field);
      } else {
        Set(crm_record_set_integer(record, name, value.get<int64_t>()), field);
      }
    } else if (value.is_number_float()) {
      Set(crm_record_set_decimal(record, name, value.dump().c_str()), field);
    } else if (value.is_string()) {
      SetText(field, value.get<std::string>());
    } else if (value.is_array() &&
               std::all_of(value.begin(), value.end(),
                           [](const auto& item) { return item.is_string(); })) {
      SetList(field, value.get<std::vector<std::string>>());
    } else {
      UsageError("field '" + field + "': " + text +
                 " is no value (null, true, false, a number, a string or "
                 "an array of strings)");
    }
  }

  std::map<std::string, std::string> types_;
  std::set<std::string> seen_;
  RecordPtr record_;
};

}  // namespace

RecordPtr RecordFromAssignments(crm_db* db,
                                const std::vector<std::string>& assignments) {
  RecordBuilder builder(db);
  for (const std::string& assignment : assignments) builder.Add(assignment);
  return builder.Release();
}

}  // namespace crm::cli
