#include "core/workspace_copy.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/error.h"
#include "core/dump/content_hash.h"
#include "core/dump/content_target.h"
#include "core/dump/workspace_content.h"

namespace crm::core {
namespace {

absl::Status CopyInto(Session& source, Session& target) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ContentTarget> sink,
                       ContentTarget::Open(target));
  return ReadContent(source, *sink);
}

}  // namespace

absl::Status CopyWorkspace(Workspace& to, Workspace& from) {
  if (&to == &from) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a workspace cannot be copied into itself", "", Rule::kTo);
  }
  // The read body may run again in the same snapshot (Workspace::Run); the
  // copy, committed by then, is not made twice.
  bool copied = false;
  return from.Run(store::ScopeKind::kRead, [&](Session& source) {
    if (copied) return absl::OkStatus();
    CRM_RETURN_IF_ERROR(to.Run(store::ScopeKind::kWrite, [&](Session& target) {
      return CopyInto(source, target);
    }));
    copied = true;
    return absl::OkStatus();
  });
}

absl::StatusOr<std::string> WorkspaceChecksum(Workspace& workspace) {
  std::optional<std::string> digest;
  CRM_RETURN_IF_ERROR(
      workspace.Run(store::ScopeKind::kRead, [&](Session& session) {
        ContentHash hash;
        CRM_RETURN_IF_ERROR(ReadContent(session, hash));
        CRM_ASSIGN_OR_RETURN(digest, hash.HexDigest());
        return absl::OkStatus();
      }));
  return *std::move(digest);
}

}  // namespace crm::core
