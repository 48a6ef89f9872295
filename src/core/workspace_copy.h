// Moving a workspace between backends (a file and a PostgreSQL workspace,
// in any direction) by a direct copy, and the content checksum that shows a
// copy is faithful.
#ifndef CRM_CORE_WORKSPACE_COPY_H_
#define CRM_CORE_WORKSPACE_COPY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/workspace.h"

namespace crm::core {

// Customers or events read and written per page of a copy or a checksum:
// what a copy holds in memory at once.
inline constexpr int64_t kCopyPageSize = 1000;

// Copies all the content of `from` into `to`, which must be empty (only the
// standard fields, as opened; else kConflict, rule "target", and nothing
// changes). Kept as they are: field definitions with their ids (deleted
// ones too, which history names), customers with their ids, versions,
// times and values, every event with its seq, times, names, idempotency key
// and body, registered event types, saved segments, and the id floors, so
// that the next customer id, seq and field id on `to` are above every one
// `from` ever handed out. Interned string ids, search index and schema
// generation are `to`'s own.
//
// `from` is read in one read scope (one snapshot), `to` written in one write
// scope: on failure `to` is left as it was. Streams in pages of
// kCopyPageSize. Takes `from`'s lock and then `to`'s: two threads copying
// between the same two workspaces in opposite directions at once deadlock.
// `to` and `from` must be different workspaces (kInvalidArgument).
absl::Status CopyWorkspace(Workspace& to, Workspace& from);

// The SHA-256, in lower-case hex, of the canonical form of the workspace's
// content (core/dump/content_hash.h, "The canonical form"): equal for two
// workspaces holding the same content whatever their backends, different
// after any change to a field definition, a customer, an event, an event
// type or a segment. Read in one read scope, streamed in pages.
absl::StatusOr<std::string> WorkspaceChecksum(Workspace& workspace);

}  // namespace crm::core

#endif  // CRM_CORE_WORKSPACE_COPY_H_
