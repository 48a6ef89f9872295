// What moving a workspace between backends (core/workspace_copy.h) asks of
// a backend beyond store::Backend: reading everything a workspace holds in
// pages, and writing it back under the ids, versions and sequence numbers
// it had, which the ordinary write methods hand out themselves.
//
// A seam is made by Backend::CopySeam() and works on that backend's
// connection: it must not outlive the backend, and every method runs inside
// a scope the core opened on it (reads in a read scope, writes in a write
// scope), like the Backend methods. Not thread-safe (see Backend). Values
// read back are untrusted: bounds-checked, never a crash.
#ifndef CRM_STORE_WORKSPACE_COPY_SEAM_H_
#define CRM_STORE_WORKSPACE_COPY_SEAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/rows.h"

namespace crm::store {

// The highest ids a workspace has ever handed out (0: none yet), including
// those of deleted customers, which are never handed out again.
struct IdFloors {
  int64_t customer_id = 0;
  int64_t seq = 0;
  int64_t field_id = 0;
};

class WorkspaceCopySeam {
 public:
  virtual ~WorkspaceCopySeam() = default;

  // The backend's name as a dump's header gives it: "sqlite" or
  // "postgresql".
  virtual const char* BackendName() const = 0;

  // ---- reading (the source, in a read scope) --------------------------------
  // Every field row, deleted ones included (history names them), by id.
  virtual absl::StatusOr<std::vector<FieldRow>> LoadAllFields() = 0;
  // Up to `limit` customers with id > `after_id`, by id, with the values of
  // `columns` (columns of fields that are not deleted).
  virtual absl::StatusOr<std::vector<CustomerRow>> SelectCustomersAfter(
      const std::vector<std::string>& columns, int64_t after_id,
      int64_t limit) = 0;
  virtual absl::StatusOr<IdFloors> ReadIdFloors() = 0;

  // ---- writing (the target, in a write scope) -------------------------------
  // Inserts a user-defined field row as it is (`row.id`, `row.column`,
  // status, definition); one that is not deleted gets storage for its
  // values, without an index (Backend::SetColumnIndex adds it).
  virtual absl::Status InsertUserFieldAsIs(const FieldRow& row) = 0;
  // Inserts each customer of `rows` under its id, with its version, times
  // and the values of `columns` (aligned with each row's values). No search
  // text (Backend::SetSearchText).
  virtual absl::Status InsertCustomersAsIs(
      const std::vector<std::string>& columns,
      const std::vector<CustomerRow>& rows) = 0;
  // Inserts each event of `rows` under its seq, as it is; `ids` (aligned)
  // are this backend's interned ids of its type, channel, actor and source
  // (Backend::InternString).
  virtual absl::Status InsertEventsAsIs(const std::vector<EventRow>& rows,
                                        const std::vector<EventIds>& ids) = 0;
  // Raises the counters so that the next customer id, seq and field id are
  // above `floors` (never lowers them).
  virtual absl::Status RaiseIdFloors(const IdFloors& floors) = 0;
  // Called before the first row is written when the copy will build column
  // indexes at its end (Backend::SetColumnIndex). A backend whose index
  // builds take a lock of its shared layout takes it here, so that the
  // copy's locks on shared tables never come before it (the order every
  // layout change keeps; the other order deadlocks with a field change of
  // another workspace). Held until the copy's transaction ends.
  virtual absl::Status LockForIndexBuilds() = 0;
};

}  // namespace crm::store

#endif  // CRM_STORE_WORKSPACE_COPY_SEAM_H_
