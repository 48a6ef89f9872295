#include "core/file_backend.h"

#include "core/schema.h"
#include "store/sqlite/sqlite_backend.h"

namespace crm::core {

absl::StatusOr<std::unique_ptr<store::Backend>> OpenFileBackend(
    const std::string& path, const store::ConnectionOptions& options) {
  return store::sqlite::OpenSqliteBackend(path, options, ReadFieldColumns);
}

int LatestFileSchemaVersion() {
  return store::sqlite::LatestSqliteSchemaVersion();
}

}  // namespace crm::core
