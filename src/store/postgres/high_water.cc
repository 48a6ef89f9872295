#include "store/postgres/high_water.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/id_sequences.h"

namespace crm::store::postgres {
namespace {

// The high half of k1: the bytes "lc".
constexpr uint32_t kTag = 0x6C630000u;

// k1 of a workspace, as the unsigned number pg_locks shows in classid.
uint32_t HoldClass(int64_t workspace_id) {
  return kTag ^ static_cast<uint32_t>(workspace_id);
}

// k1 as the int4 pg_advisory_xact_lock_shared() takes.
int32_t HoldClassKey(int64_t workspace_id) {
  return static_cast<int32_t>(HoldClass(workspace_id));
}

}  // namespace

const char kSeqHoldHeld[] =
    "current_setting('crm.seq_hold_' || $1::bigint, true) = 'on'";

absl::Status TakeSeqHold(Connection& connection, int64_t workspace_id) {
  const std::string sequence =
      IdSequenceName(workspace_id, IdSequence::kEventSeqs);
  // k2: the low 32 bits of p as a signed int4. p is read in the statement
  // that takes the hold, before it (the lock's argument depends on it).
  return connection
      .Execute(
          absl::StrCat(
              "SELECT set_config('crm.seq_hold_' || $1::bigint, 'on', true), "
              "pg_advisory_xact_lock_shared($2::int, ((p & 4294967295) - "
              "CASE WHEN (p & 4294967295) >= 2147483648 THEN 4294967296 ELSE "
              "0 END)::int) FROM (SELECT last_value + CASE WHEN is_called "
              "THEN 1 ELSE 0 END AS p FROM ",
              sequence, ") next"),
          {absl::StrCat(workspace_id),
           absl::StrCat(HoldClassKey(workspace_id))})
      .status();
}

absl::StatusOr<int64_t> EventHighWater(Connection& connection,
                                       int64_t workspace_id) {
  // L first, then the holds: the order the proof in high_water.h needs.
  CRM_ASSIGN_OR_RETURN(int64_t high, LastIdTaken(connection, workspace_id,
                                                 IdSequence::kEventSeqs));
  // Holds not yet granted count too (none waits today: every hold is
  // shared), which can only lower the mark.
  CRM_ASSIGN_OR_RETURN(
      Result holds,
      connection.Execute(
          "SELECT objid::text FROM pg_locks WHERE locktype = 'advisory' AND "
          "database = (SELECT oid FROM pg_database WHERE datname = "
          "current_database()) AND classid = $1::oid AND objsubid = 2",
          {absl::StrCat(HoldClass(workspace_id))}));
  const int64_t read_last = high;
  for (int row = 0; row < holds.rows(); ++row) {
    uint32_t low = 0;
    if (!absl::SimpleAtoi(holds.Text(row, 0), &low)) {
      return DamagedValue("PostgreSQL sent a lock key that is no number");
    }
    // The p nearest L whose low 32 bits are `low`.
    const int32_t delta =
        static_cast<int32_t>(low - static_cast<uint32_t>(read_last));
    const int64_t held_from = read_last + delta;
    high = std::min(high, held_from - 1);
  }
  return std::max<int64_t>(high, 0);
}

}  // namespace crm::store::postgres
