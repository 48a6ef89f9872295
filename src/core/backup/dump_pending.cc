// Stand-ins for the dump's core functions (core/dump/dump.h) until the dump
// is built: weak definitions, which the real ones replace at link time.
// Remove this file once src/core/dump defines them.
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/dump/dump.h"

namespace crm::core {

[[gnu::weak]] absl::Status RequireWholeWorkspace(Workspace&,
                                                 const Viewer* viewer,
                                                 Operation operation) {
  if (viewer == nullptr) return absl::OkStatus();
  return MakeError(
      ErrorCode::kDenied,
      absl::StrCat("a restricted handle cannot ", OperationName(operation),
                   " until dumps are built"),
      "", Rule::kOperation);
}

[[gnu::weak]] absl::Status DumpWorkspace(Workspace&, const std::string&,
                                         Progress&) {
  return MakeError(ErrorCode::kUnsupported, "dumps are not built yet", "",
                   Rule::kBackend);
}

[[gnu::weak]] absl::Status LoadWorkspace(Workspace&, const std::string&,
                                         Progress&) {
  return MakeError(ErrorCode::kUnsupported, "dumps are not built yet", "",
                   Rule::kBackend);
}

}  // namespace crm::core
