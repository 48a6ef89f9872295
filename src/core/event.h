// An event as the core appends and reads it.
#ifndef CRM_CORE_EVENT_H_
#define CRM_CORE_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/customer_record.h"

namespace crm::core {

// The types libcrm writes itself for the history of records; hosts cannot
// append events with the "crm." prefix.
inline constexpr char kRecordCreated[] = "crm.record.created";
inline constexpr char kRecordUpdated[] = "crm.record.updated";
inline constexpr char kRecordDeleted[] = "crm.record.deleted";

struct Event {
  int64_t seq = 0;  // assigned by the log
  int64_t customer_id = 0;
  std::optional<int64_t> occurred_at_us;  // unset: the time of the append
  int64_t recorded_at_us = 0;             // set by the log
  std::string type, channel, actor, source, idempotency_key;
  CustomerRecord properties;
  // History events only: the changed fields' values before and after.
  CustomerRecord before, after;
  // History events only: a correction's end of valid time (crm.h "Valid
  // time"); INT64_MAX for every other event.
  int64_t valid_until_us = INT64_MAX;
};

}  // namespace crm::core

#endif  // CRM_CORE_EVENT_H_
