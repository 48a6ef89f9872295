// A customer column's stored value as crm.proto's StoredValue holds it: in
// dumps (dump_writer, dump_loader) and in merge snapshots (core/merge).
#ifndef CRM_CORE_DUMP_STORED_VALUE_H_
#define CRM_CORE_DUMP_STORED_VALUE_H_

#include "absl/status/status.h"
#include "core/wire.h"
#include "store/sql_value.h"

namespace crm::core {

// Fills `out` with `value`; bytes, which no customer column holds, are
// damage (kIo, rule "damaged").
absl::Status ToStoredValue(const store::SqlValue& value,
                           wire::StoredValue* out);

// The value `stored` holds (none set: NULL). The caller checks it against
// its field (Field::FromStored), as the store's read path does.
store::SqlValue FromStoredValue(const wire::StoredValue& stored);

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_STORED_VALUE_H_
