// Erasure: removing a person for good (crm.h, "Erasure"). An erase removes
// a customer's record, every event of it (interactions and history, with
// their idempotency keys), its search-index entry and every reference to
// it, and leaves a "crm.record.erased" tombstone on its id. Each function
// runs inside the write scope of one call (a Session): on failure nothing
// it wrote remains. The bytes: the backends overwrite what they delete
// (store/backend.h, PurgeSearchIndex and Checkpoint).
#ifndef CRM_CORE_ERASURE_H_
#define CRM_CORE_ERASURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/query_service.h"
#include "core/workspace.h"

namespace crm::core {

// The type of the tombstone an erase appends: reserved, as every "crm."
// type is (hosts cannot append it).
inline constexpr char kErasedEventType[] = "crm.record.erased";

// crm.h's CRM_ERASE_* flags (capi_erasure.cc checks they agree).
enum EraseFlag : int {
  kEraseKeepHeld = 1,
  kEraseOverrideHold = 2,
  kEraseSuppress = 4,
};

struct EraseRequest {
  std::string actor;   // who asked; "" is "api"
  std::string reason;  // why (no personal data); at most 1,000 bytes
  int flags = 0;       // EraseFlag bits
};

// What an erase did: the receipt crm_customer_erase() returns as JSON.
struct EraseReceipt {
  std::vector<int64_t> erased_ids;  // ascending
  std::vector<int64_t> tombstones;  // the tombstones' seqs, aligned
  int64_t customers = 0;            // records removed
  int64_t events = 0;               // interactions removed
  int64_t history_events = 0;       // crm.record.* events removed
  int64_t idempotency_keys = 0;     // keys of the events removed
  int64_t search_entries = 0;       // search-index entries removed
  int64_t references_cleared = 0;   // other customers whose references
                                    // to an erased id were cleared
  // What a legal hold kept (CRM_ERASE_KEEP_HELD): one JSON object per
  // customer, {"customer_id","stub_id","held_until","fields","events"}.
  std::vector<std::string> kept;
  int64_t suppressed = 0;  // hashes kept (CRM_ERASE_SUPPRESS)
};

// Appends the tombstone of erased customer `id` (kErasedEventType on the
// id, channel "crm", recorded and occurred at `now` (UTC microseconds),
// by `actor`, properties {"reason": reason}) and returns its seq. The
// caller has checked actor and reason; used by erase and by retention when
// it removes a stub.
absl::StatusOr<int64_t> AppendTombstone(Session& session, int64_t id,
                                        absl::string_view actor,
                                        absl::string_view reason, int64_t now);

// Erases customer `id`, or a customer deleted earlier whose history
// remains; kNotFound for any other id (also one erased before). Errors of
// the request: kInvalidArgument, rule "actor", "reason" or "flags".
absl::StatusOr<EraseReceipt> EraseCustomer(Session& session, int64_t id,
                                           const EraseRequest& request);

// Erases every customer matching `query`'s filter (a customer query with a
// filter that is not empty: kInvalidArgument, rule "query" or "filter",
// otherwise), rewriting the search index once for all of them.
absl::StatusOr<EraseReceipt> EraseWhere(Session& session,
                                        const QueryRequest& query,
                                        const EraseRequest& request);

// The receipt as crm.h documents it, keys in that order.
std::string ReceiptJson(const EraseReceipt& receipt);

}  // namespace crm::core

#endif  // CRM_CORE_ERASURE_H_
