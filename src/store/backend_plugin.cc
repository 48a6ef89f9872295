#include "store/backend_plugin.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/error.h"
#include "crm/crm.h"

namespace crm::store {
namespace {

absl::Status PluginError(absl::string_view message) {
  return MakeError(ErrorCode::kIo, message, "", Rule::kPlugin);
}

std::string DlError() {
  const char* error = dlerror();
  return error != nullptr ? error : "unknown error";
}

// The directory of the library (or program) holding this code, or "".
std::string OwnDirectory() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&LoadBackendPlugin), &info) == 0 ||
      info.dli_fname == nullptr) {
    return "";
  }
  std::string path = info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

absl::StatusOr<const BackendPlugin*> Load(absl::string_view name) {
  const std::string file = BackendPluginFile(name);
  if (kSelfContainedBuild != nullptr) {
    // A plugin shares Abseil and SQLite objects with libcrm; it is built
    // against the system's shared copies, not the copies hidden in here.
    return PluginError(absl::StrCat(
        "this libcrm is the self-contained one (the Python wheel's or the "
        "NuGet package's), which cannot load the ",
        name, " backend's plugin ", file,
        ": workspaces on a database server need the libcrm of the Debian "
        "packages (libcrm, libcrm-",
        name, ") or a build from source"));
  }
  void* handle = nullptr;
  std::string tried;
  if (const char* dir = std::getenv("CRM_PLUGIN_DIR"); dir != nullptr) {
    tried = absl::StrCat(dir, "/", file);
    handle = dlopen(tried.c_str(), RTLD_NOW | RTLD_LOCAL);
  } else {
    std::string own = OwnDirectory();
    if (!own.empty()) {
      tried = absl::StrCat(own, "/", file);
      handle = dlopen(tried.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    // Not beside libcrm, or a library it needs is missing there: the
    // system's search path (which also says why, if it fails too).
    if (handle == nullptr) {
      (void)dlerror();
      tried = file;
      handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
  }
  if (handle == nullptr) {
    return PluginError(absl::StrCat("the ", name, " backend's plugin ", tried,
                                    " could not be loaded: ", DlError()));
  }
  auto entry =
      reinterpret_cast<BackendPluginEntry>(dlsym(handle, kBackendPluginEntry));
  if (entry == nullptr) {
    return PluginError(absl::StrCat(tried,
                                    " is not a libcrm backend plugin (no ",
                                    kBackendPluginEntry, ")"));
  }
  const BackendPlugin* plugin = entry();
  if (plugin == nullptr || plugin->abi != kBackendPluginAbi ||
      plugin->version == nullptr ||
      std::string(plugin->version) != CRM_VERSION_STRING) {
    return PluginError(absl::StrCat(
        tried, " was built for another libcrm (",
        plugin != nullptr && plugin->version != nullptr ? plugin->version
                                                        : "unknown",
        "); this is libcrm ", CRM_VERSION_STRING,
        ": install the plugin of the same release"));
  }
  return plugin;
}

// The plugin that serves workspaces of `url`'s scheme.
absl::StatusOr<const BackendPlugin*> PluginOfUrl(absl::string_view url) {
  for (absl::string_view scheme : {"postgresql://", "postgres://"}) {
    if (absl::StartsWithIgnoreCase(url, scheme)) {
      return LoadBackendPlugin("postgres");
    }
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "url must be a workspace URL of a database server, such "
                   "as postgresql://host/database?workspace=NAME (a file "
                   "is opened by its path with crm_open)",
                   "", Rule::kUrl);
}

absl::Status Unsupported(const BackendPlugin& plugin, absl::string_view what) {
  return MakeError(
      ErrorCode::kUnsupported,
      absl::StrCat("the ", plugin.name, " backend cannot ", what, " yet"), "",
      Rule::kBackend);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> OpenUrlBackend(
    const std::string& url, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(const BackendPlugin* plugin, PluginOfUrl(url));
  if (plugin->open == nullptr) return Unsupported(*plugin, "open workspaces");
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend,
                       plugin->open(url, options, read_field_columns));
  if (backend == nullptr) {
    return PluginError(absl::StrCat("the ", plugin->name,
                                    " backend's plugin opened no workspace"));
  }
  return backend;
}

absl::Status CreateUrlWorkspace(const std::string& url) {
  CRM_ASSIGN_OR_RETURN(const BackendPlugin* plugin, PluginOfUrl(url));
  if (plugin->create_workspace == nullptr) {
    return Unsupported(*plugin, "create workspaces");
  }
  return plugin->create_workspace(url);
}

absl::Status DropUrlWorkspace(const std::string& url) {
  CRM_ASSIGN_OR_RETURN(const BackendPlugin* plugin, PluginOfUrl(url));
  if (plugin->drop_workspace == nullptr) {
    return Unsupported(*plugin, "drop workspaces");
  }
  return plugin->drop_workspace(url);
}

std::string BackendPluginFile(absl::string_view name) {
  return absl::StrCat("libcrm_", name, ".so.", CRM_VERSION_MAJOR);
}

absl::StatusOr<const BackendPlugin*> LoadBackendPlugin(absl::string_view name) {
  for (char c : name) {
    if (c < 'a' || c > 'z') {
      return MakeError(
          ErrorCode::kInvalidArgument,
          absl::StrCat("no storage backend is called '", name, "'"), "",
          Rule::kPlugin);
    }
  }
  static absl::Mutex mutex(absl::kConstInit);
  static auto* loaded ABSL_GUARDED_BY(mutex) =
      new absl::flat_hash_map<std::string, const BackendPlugin*>();
  absl::MutexLock lock(&mutex);
  auto found = loaded->find(name);
  if (found != loaded->end()) return found->second;
  CRM_ASSIGN_OR_RETURN(const BackendPlugin* plugin, Load(name));
  loaded->emplace(std::string(name), plugin);
  return plugin;
}

}  // namespace crm::store
