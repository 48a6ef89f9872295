// The committed high-water mark of a PostgreSQL workspace's event log: a
// seq H such that every event with seq <= H is committed or will never
// exist. Writers take seqs from the workspace's sequence when they insert
// (id_sequences.h) but commit in any order, so the highest stored seq is no
// such mark: a transaction still open may hold a lower one.
//
// Protocol. A seq hold is a shared transaction-level advisory lock with the
// two int4 keys k1 = kTag XOR workspace_id (kTag is the bytes "lc" in the
// high half: a bijection of the low 32 bits of the id, so workspaces never
// share a k1 below 2^32 workspaces) and k2 = the low 32 bits of p.
//   Writer: before its first seq, a transaction reads p = the next value
//     the sequence will hand out (last_value, + 1 once called) and takes the
//     hold (p), which lasts until it commits or rolls back (a savepoint's
//     rollback keeps it: conservative). Every seq it takes later is >= p,
//     since a sequence only goes up.
//   Reader: reads L = the last value the sequence handed out, FIRST; then
//     lists the holds of the workspace in pg_locks, reconstructs each p from
//     its low 32 bits as the value nearest L, and returns
//     H = min(L, min(p) - 1).
// Proof. Take an event with seq s <= H, taken by transaction T. As s <= L,
// s was handed out before L was read, and T took its hold (p_T <= s) before
// it took s, so before the reader listed the holds. Had T still been open
// then, its hold would have been listed and H <= p_T - 1 < s. So T had
// ended, committed (the event is there) or rolled back (the seq is a hole
// for ever), before the listing. A transaction's commit is visible before
// its locks are released, so a snapshot taken after the listing sees the
// event. Taking L after the listing would be wrong: a writer could take its
// hold and a seq <= L in between, unseen.
//
// Hence a follower reads the mark first and then, with a snapshot taken
// after it (a new statement at READ COMMITTED, or a new transaction), the
// events with seq <= H; passing the last seq it saw, it never skips an
// event that commits later with a lower seq. Holes (rolled-back writers,
// idempotency conflicts) are passed once their writer ends.
// Limits: p is reconstructed right while the open holds lag L by less than
// 2^31 seqs.
#ifndef CRM_STORE_POSTGRES_HIGH_WATER_H_
#define CRM_STORE_POSTGRES_HIGH_WATER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

// An SQL expression, true when the current transaction holds the seq hold
// of the workspace whose id is parameter $1 (a transaction-local setting
// TakeSeqHold() makes), false or NULL otherwise.
extern const char kSeqHoldHeld[];

// Takes the workspace's seq hold for the current transaction (see above).
absl::Status TakeSeqHold(Connection& connection, int64_t workspace_id);

// The committed high-water mark H (0 when no event can be final yet). The
// caller reads events up to H with a snapshot taken after this returns.
absl::StatusOr<int64_t> EventHighWater(Connection& connection,
                                       int64_t workspace_id);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_HIGH_WATER_H_
