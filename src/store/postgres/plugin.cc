// The entry point of libcrm_postgres.so, the PostgreSQL backend's plugin
// (store/backend_plugin.h). The only symbol the plugin exports.
#include <libpq-fe.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "crm/crm.h"
#include "store/backend_plugin.h"
#include "store/postgres/workspaces.h"

namespace crm::store::postgres {
namespace {

std::string ClientVersion() {
  int version = PQlibVersion();  // e.g. 150018 for 15.18
  return absl::StrCat("libpq ", version / 10000, ".", version % 10000);
}

constexpr BackendPlugin kPlugin = {
    kBackendPluginAbi, CRM_VERSION_STRING, "postgres",    &ClientVersion,
    &OpenWorkspace,    &CreateWorkspace,   &DropWorkspace};

}  // namespace
}  // namespace crm::store::postgres

extern "C" __attribute__((visibility("default")))
const crm::store::BackendPlugin*
crm_backend_plugin_v1() {
  return &crm::store::postgres::kPlugin;
}
