// Field definitions of PostgreSQL workspaces (crm_fields), the indexes on
// the values they own (column_index.h) and the workspace's schema
// generation. The PostgreSQL backend's field methods forward here
// (store/backend.h states each contract); every function takes the
// workspace's id and runs inside the transaction the caller opened on
// `connection`.
#ifndef CRM_STORE_POSTGRES_FIELD_STORE_H_
#define CRM_STORE_POSTGRES_FIELD_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

absl::StatusOr<std::vector<FieldRow>> LoadFields(Connection& connection,
                                                 int64_t workspace_id);
absl::Status InsertStandardField(Connection& connection, int64_t workspace_id,
                                 const FieldRow& row);
// Values live in the customers' jsonb, so a user field needs no column of
// its own: only its id, from the workspace's counter, and its name "f_<id>".
absl::StatusOr<FieldRow> InsertUserField(Connection& connection,
                                         int64_t workspace_id, FieldRow row);
absl::Status UpdateField(Connection& connection, int64_t workspace_id,
                         const FieldRow& row);
absl::Status DeleteUserField(Connection& connection, int64_t workspace_id,
                             const FieldRow& row);
// DDL on crm_customers, which all workspaces share: building the index
// holds off every workspace's writers (a SHARE lock), and dropping one
// every reader too, until the transaction ends.
absl::Status SetColumnIndex(Connection& connection, int64_t workspace_id,
                            const std::string& column, ColumnIndex index);
absl::StatusOr<int64_t> SchemaGeneration(Connection& connection,
                                         int64_t workspace_id);
absl::Status BumpSchemaGeneration(Connection& connection, int64_t workspace_id);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_FIELD_STORE_H_
