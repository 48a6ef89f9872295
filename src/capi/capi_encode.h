// Records and pages in the encoded forms that cross the C ABI in one call:
// crm.wire.RowSet (crm_rows_encode, crm_record_encode), its JSON page form
// (crm_rows_encode_json, crm_record_encode_json), and a record decoded from
// a crm.wire.CustomerBatch of one row (crm_record_decode).
#ifndef CRM_CAPI_CAPI_ENCODE_H_
#define CRM_CAPI_CAPI_ENCODE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/customer_record.h"
#include "core/event.h"

namespace crm::capi {

// What a page or a record encodes: the columns, the rows (each a record
// whose values are looked up by column), the cursor, and whether each row's
// version goes along (a record: yes; a query page: no).
struct RowsToEncode {
  const std::vector<std::string>* columns;
  std::vector<const core::CustomerRecord*> rows;
  absl::string_view next_cursor;
  bool with_versions = false;
};

// The rows as a serialized crm.wire.RowSet.
std::string EncodeRowSet(const RowsToEncode& rows);

// The rows in the JSON page form crm.h documents at crm_rows_encode_json().
std::string EncodeRowsJson(const RowsToEncode& rows);

// The record one crm.wire.CustomerBatch of exactly one row gives, checked
// as crm.h documents at crm_record_decode().
absl::StatusOr<core::CustomerRecord> DecodeRecord(const void* batch,
                                                  size_t batch_size);

// The event one crm.wire.EventBatch of exactly one event gives, checked as
// crm.h documents at crm_event_decode().
absl::StatusOr<core::Event> DecodeEvent(const void* batch, size_t batch_size);

}  // namespace crm::capi

#endif  // CRM_CAPI_CAPI_ENCODE_H_
