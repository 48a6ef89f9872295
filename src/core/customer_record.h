// A customer's field values as the core reads and writes them.
#ifndef CRM_CORE_CUSTOMER_RECORD_H_
#define CRM_CORE_CUSTOMER_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/value.h"

namespace crm::core {

struct FieldValue {
  std::string field;
  Value value;
};

// Field values in the order they were first set (for records read from a
// workspace: standard fields first, then user-defined by id).
struct CustomerRecord {
  int64_t id = 0;       // 0 until stored
  int64_t version = 0;  // 0 until stored
  // A record read by following a merge (crm_record_merged_id): the merged
  // id, or the merged customer whose external id, the lookup named; else 0.
  int64_t merged_id = 0;

  std::vector<FieldValue> values;

  // Sets `field`, replacing an earlier value of the same field.
  void Set(absl::string_view field, Value value);
  // The value of `field`, or null when the record does not hold it.
  const Value* Get(absl::string_view field) const;
  // The same, looking first at position *next and leaving *next just after
  // the value found (unchanged when none is): a reader that asks for the
  // fields in the order the record holds them (a query's columns) finds
  // each at the first comparison. *next may be any number.
  const Value* Get(absl::string_view field, size_t* next) const;
};

}  // namespace crm::core

#endif  // CRM_CORE_CUSTOMER_RECORD_H_
