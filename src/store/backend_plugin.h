// Storage backends that live in plugin libraries (libcrm_postgres.so), loaded
// the first time a workspace of theirs is opened, so that the embedded
// default, SQLite, carries no database client (ARCHITECTURE.md, Packages).
//
// A plugin is built from the same sources as the libcrm that loads it and
// must come from the same build: its entry point reports the plugin ABI
// generation and libcrm's version, and a plugin of another build is refused
// rather than trusted. Thread-safe: plugins are loaded once per process and
// stay loaded (never unloaded: their code may still be on a stack).
#ifndef CRM_STORE_BACKEND_PLUGIN_H_
#define CRM_STORE_BACKEND_PLUGIN_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/backend.h"

namespace crm::store {

// Grows with the storage seam; a change of layout bumps kBackendPluginAbi.
inline constexpr int kBackendPluginAbi = 2;

// What a plugin's entry point returns. Static storage in the plugin.
struct BackendPlugin {
  int abi;              // kBackendPluginAbi of the plugin's build
  const char* version;  // CRM_VERSION_STRING of the plugin's build
  const char* name;     // the backend, e.g. "postgres"
  // The database client library the plugin runs on, e.g. "libpq 15.18".
  std::string (*client_version)();
  // Opens the workspace `url` names (with options.create, creating it when
  // absent), after preparing and verifying the database's layout.
  absl::StatusOr<std::unique_ptr<Backend>> (*open)(
      const std::string& url, const ConnectionOptions& options,
      const FieldColumnsReader& read_field_columns);
  // Creates the workspace `url` names (kConstraint rule "unique" when it
  // exists), or drops it with everything it holds (kNotFound when absent).
  absl::Status (*create_workspace)(const std::string& url);
  absl::Status (*drop_workspace)(const std::string& url);
};

// The entry point every plugin exports, with C linkage.
inline constexpr char kBackendPluginEntry[] = "crm_backend_plugin_v1";
using BackendPluginEntry = const BackendPlugin* (*)();

// The file name of backend `name`'s plugin: "libcrm_postgres.so.0".
std::string BackendPluginFile(absl::string_view name);

// Defined (store/self_contained_build.cc) only in the self-contained
// libcrm.so of the wheel and the NuGet package; null elsewhere (a weak,
// hidden reference the linker resolves to null when nothing defines it).
extern const char kSelfContainedBuild[]
    __attribute__((weak, visibility("hidden")));

// Loads backend `name` (a-z only) once per process. Looked for in the
// directory named by the environment variable CRM_PLUGIN_DIR when it is set
// (and only there), else beside the library holding this code (libcrm.so),
// else on the system's library path. Errors: kIo, rule "plugin", naming the
// file and why it could not be used (not found, a library it needs, such as
// libpq, missing, or built for another libcrm), or saying that the
// self-contained libcrm loads no plugin.
absl::StatusOr<const BackendPlugin*> LoadBackendPlugin(absl::string_view name);

// Workspaces named by URL: the scheme selects the backend ("postgresql://"
// or "postgres://", case-insensitive: the plugin "postgres"), whose plugin
// is loaded (LoadBackendPlugin) and asked to open, create or drop the
// workspace (BackendPlugin states each contract). Any other scheme, a path
// or empty text: kInvalidArgument, rule "url". A plugin that lacks the call
// (a null pointer): kUnsupported, rule "backend", naming the backend. No
// error libcrm makes here quotes the URL (it may hold a password).
// Thread-safe.
absl::StatusOr<std::unique_ptr<Backend>> OpenUrlBackend(
    const std::string& url, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns);
absl::Status CreateUrlWorkspace(const std::string& url);
absl::Status DropUrlWorkspace(const std::string& url);

}  // namespace crm::store

#endif  // CRM_STORE_BACKEND_PLUGIN_H_
