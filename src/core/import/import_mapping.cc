#include "core/import/import_mapping.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace crm::core::import {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

absl::Status Bad(absl::string_view key, absl::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("mapping_json: \"", key, "\" ", why), "",
                   Rule::kMappingJson);
}

// *out = the string `value` holds.
absl::Status TextOf(const Value& value, absl::string_view key,
                    std::string* out) {
  if (value.kind_case() != Value::kStringValue) {
    return Bad(key, "must be a string");
  }
  *out = value.string_value();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> WordsOf(const Value& value,
                                                 absl::string_view key) {
  if (value.kind_case() != Value::kListValue) {
    return Bad(key, "must be an array of strings");
  }
  std::vector<std::string> words;
  for (const Value& item : value.list_value().values()) {
    if (item.kind_case() != Value::kStringValue) {
      return Bad(key, "must be an array of strings");
    }
    words.push_back(item.string_value());
  }
  return words;
}

absl::StatusOr<ColumnSpec> ColumnOf(const std::string& column,
                                    const Value& value) {
  ColumnSpec spec;
  std::string where = absl::StrCat("columns.", column.substr(0, 64));
  if (value.kind_case() == Value::kNullValue) {
    spec.skip = true;
    return spec;
  }
  if (value.kind_case() == Value::kStringValue) {
    spec.field = value.string_value();
    return spec;
  }
  if (value.kind_case() != Value::kStructValue) {
    return Bad(where, "must be a field name, null or an object");
  }
  for (const auto& [key, member] : value.struct_value().fields()) {
    std::string at = absl::StrCat(where, ".", key);
    if (key == "field") {
      CRM_RETURN_IF_ERROR(TextOf(member, at, &spec.field));
    } else if (key == "format") {
      CRM_RETURN_IF_ERROR(TextOf(member, at, &spec.format));
    } else if (key == "decimal") {
      std::string mark;
      CRM_RETURN_IF_ERROR(TextOf(member, at, &mark));
      if (mark != "." && mark != ",") return Bad(at, "must be \".\" or \",\"");
      spec.decimal = mark[0];
    } else if (key == "separator") {
      std::string separator;
      CRM_RETURN_IF_ERROR(TextOf(member, at, &separator));
      if (separator.empty()) return Bad(at, "must not be empty");
      spec.separator = separator;
    } else if (key == "true") {
      CRM_ASSIGN_OR_RETURN(spec.true_words, WordsOf(member, at));
    } else if (key == "false") {
      CRM_ASSIGN_OR_RETURN(spec.false_words, WordsOf(member, at));
    } else {
      return Bad(at, "is not a key of a column's mapping");
    }
  }
  if (spec.field.empty()) return Bad(where, "needs a \"field\"");
  return spec;
}

}  // namespace

ColumnSpec Mapping::SpecFor(const std::string& column) const {
  auto named = columns.find(column);
  if (named != columns.end()) return named->second;
  ColumnSpec spec;
  spec.field = column;
  return spec;
}

absl::StatusOr<Mapping> ParseMapping(absl::string_view json) {
  Mapping mapping;
  if (json.empty()) return mapping;
  if (!IsValidUtf8(json)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "mapping_json is not UTF-8 text", "", Rule::kMappingJson);
  }
  Struct document;
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &document,
      options);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("mapping_json is not a JSON object: ",
                                  parsed.message().as_string()),
                     "", Rule::kMappingJson);
  }
  for (const auto& [key, value] : document.fields()) {
    if (key == "columns") {
      if (value.kind_case() != Value::kStructValue) {
        return Bad(key, "must be an object");
      }
      for (const auto& [column, spec] : value.struct_value().fields()) {
        CRM_ASSIGN_OR_RETURN(mapping.columns[column], ColumnOf(column, spec));
      }
    } else if (key == "unmapped") {
      std::string text;
      CRM_RETURN_IF_ERROR(TextOf(value, key, &text));
      if (text != "error" && text != "ignore") {
        return Bad(key, "must be \"error\" or \"ignore\"");
      }
      mapping.ignore_unmapped = text == "ignore";
    } else if (key == "key") {
      if (value.kind_case() == Value::kNullValue) {
        mapping.key = ImportKey::kNone;
        continue;
      }
      std::string text;
      CRM_RETURN_IF_ERROR(TextOf(value, key, &text));
      if (text == "external_id") {
        mapping.key = ImportKey::kExternalId;
      } else if (text == "email") {
        mapping.key = ImportKey::kEmail;
      } else {
        return Bad(key, "must be \"external_id\", \"email\" or null");
      }
    } else if (key == "empty") {
      std::string text;
      CRM_RETURN_IF_ERROR(TextOf(value, key, &text));
      if (text != "keep" && text != "clear") {
        return Bad(key, "must be \"keep\" or \"clear\"");
      }
      mapping.clear_empty = text == "clear";
    } else if (key == "delimiter") {
      std::string text;
      CRM_RETURN_IF_ERROR(TextOf(value, key, &text));
      if (text != "," && text != ";" && text != "\t") {
        return Bad(key, "must be \",\", \";\" or a tab");
      }
      mapping.delimiter = text[0];
    } else if (key == "customer") {
      if (value.kind_case() != Value::kStructValue) {
        return Bad(key, "must be an object");
      }
      for (const auto& [member, given] : value.struct_value().fields()) {
        std::string at = absl::StrCat("customer.", member);
        std::string text;
        CRM_RETURN_IF_ERROR(TextOf(given, at, &text));
        if (member == "column") {
          if (text.empty()) return Bad(at, "must not be empty");
          mapping.customer_column = text;
        } else if (member == "by") {
          if (text == "id") {
            mapping.customer_by = CustomerBy::kId;
          } else if (text == "external_id") {
            mapping.customer_by = CustomerBy::kExternalId;
          } else if (text == "email") {
            mapping.customer_by = CustomerBy::kEmail;
          } else {
            return Bad(at, "must be \"id\", \"external_id\" or \"email\"");
          }
        } else {
          return Bad(at, "is not a key of \"customer\"");
        }
      }
    } else if (key == "type") {
      CRM_RETURN_IF_ERROR(TextOf(value, key, &mapping.type));
    } else if (key == "channel") {
      CRM_RETURN_IF_ERROR(TextOf(value, key, &mapping.channel));
    } else {
      return Bad(key.substr(0, 64), "is not a key of an import mapping");
    }
  }
  return mapping;
}

}  // namespace crm::core::import
