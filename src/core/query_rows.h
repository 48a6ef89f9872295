// The rows of customer and event queries: which fields a query returns and
// how a stored row becomes a record, on unrestricted and restricted
// sessions alike.
#ifndef CRM_CORE_QUERY_ROWS_H_
#define CRM_CORE_QUERY_ROWS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "core/access.h"
#include "core/customer_record.h"
#include "core/query_checker.h"
#include "core/query_service.h"
#include "core/schema.h"
#include "core/workspace.h"
#include "store/rows.h"

namespace crm::core {

// The fields a query returns: those asked for, or every active one (that
// `access`, when set, reads; one it hides fails with rule "hidden").
absl::StatusOr<std::vector<QueryField>> SelectedFields(
    const Schema& schema, const QueryRequest& request, const Access* access);

// A record of one result row. On a restricted session, masked values are
// masked, and a customer's version and updated_at are those it shows the
// profile (visible_stamp.h).
absl::StatusOr<CustomerRecord> RowRecord(Session& session,
                                         const std::vector<QueryField>& fields,
                                         const store::SelectedRow& row,
                                         QueryTarget target);

}  // namespace crm::core

#endif  // CRM_CORE_QUERY_ROWS_H_
