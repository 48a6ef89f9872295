// The mapping of an import (crm.h crm_import "The mapping"): how columns
// become fields or event members, the key, the empty-cell policy, the
// delimiter, and for events the customer column and default type/channel.
#ifndef CRM_CORE_IMPORT_IMPORT_MAPPING_H_
#define CRM_CORE_IMPORT_IMPORT_MAPPING_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::core::import {

// How one column is read.
struct ColumnSpec {
  bool skip = false;   // mapped to null: not read
  std::string field;   // the field or event member it fills
  std::string format;  // dates and datetimes: strftime conversions; "": ISO
  char decimal = '.';  // decimals: '.' or ','
  std::optional<std::string> separator;  // lists: split on it; unset: JSON
  std::vector<std::string> true_words, false_words;  // booleans
};

enum class ImportKey { kNone, kExternalId, kEmail };
enum class CustomerBy { kId, kExternalId, kEmail };

struct Mapping {
  std::map<std::string, ColumnSpec> columns;  // named in "columns"
  bool ignore_unmapped = false;
  // Unset: external_id when a column maps to it, else email.
  std::optional<ImportKey> key;
  bool clear_empty = false;
  std::optional<char> delimiter;
  // Events: the column that finds the customer, and by what.
  std::string customer_column = "customer_id";
  CustomerBy customer_by = CustomerBy::kId;
  std::string type, channel;  // for rows without such a column

  // The spec of `column`: as "columns" names it, else to the field of its
  // own name.
  ColumnSpec SpecFor(const std::string& column) const;
};

// Parses the mapping JSON ("" or an empty object: the defaults). Errors:
// kInvalidArgument, rule "mapping_json", the message naming the key at
// fault (unknown keys, values of the wrong kind or out of their set).
absl::StatusOr<Mapping> ParseMapping(absl::string_view json);

}  // namespace crm::core::import

#endif  // CRM_CORE_IMPORT_IMPORT_MAPPING_H_
