// store::WorkspaceCopySeam for a workspace file (workspace_copy_seam.h
// states each method's contract), on one Connection.
#ifndef CRM_STORE_SQLITE_WORKSPACE_COPY_H_
#define CRM_STORE_SQLITE_WORKSPACE_COPY_H_

#include <memory>

#include "store/sqlite/connection.h"
#include "store/workspace_copy_seam.h"

namespace crm::store::sqlite {

// The seam over `connection`, which must outlive it.
std::unique_ptr<WorkspaceCopySeam> NewSqliteCopySeam(Connection& connection);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_WORKSPACE_COPY_H_
