// Customer records: create, read, update, delete, upsert, count. Each
// function runs inside a Session's scope; a failure leaves nothing written.
//
// On a restricted session (Session::access(), crm.h "Access profiles and
// restricted handles"): a customer outside the profile's scope is kNotFound
// as if absent; records read are filtered (hidden fields left out, masked
// ones masked) and carry the visible stamp (visible_stamp.h); every field
// written must be one the profile writes (kDenied, rule kNotWritable, per
// row in a batch); a write whose result leaves the scope fails with kDenied,
// rule kScope, after the write, so that the scope rolls it back; versions
// expected and returned are visible ones; history records the handle's actor
// (the `actor` arguments are ignored) and source "profile:<name>".
#ifndef CRM_CORE_CUSTOMER_SERVICE_H_
#define CRM_CORE_CUSTOMER_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/customer_record.h"
#include "core/workspace.h"
#include "core/write_time.h"

namespace crm::core {

// Checks an actor name (UTF-8, at most 255 bytes); empty becomes "api".
absl::StatusOr<std::string> CheckActor(absl::string_view actor);

// Checks the reason given for an erase, a merge or its undoing: UTF-8
// without NUL bytes, at most 1,000 bytes (kInvalidArgument, rule kReason).
absl::Status CheckReason(absl::string_view reason);

// Creates a customer. The record may hold "created_at" (a datetime): the
// customer's start; without it, created_at is time.effective_at, else now.
// Both given and different: kInvalidArgument, rule kEffectiveAt; a bounded
// `time`: kInvalidArgument, rule kEffectiveUntil; a time too far ahead:
// kValidation, rule kFuture.
absl::StatusOr<WriteOutcome> CreateCustomer(Session& session,
                                            const CustomerRecord& record,
                                            const WriteTime& time,
                                            absl::string_view actor);

enum class CustomerKey { kId, kExternalId, kEmail };

// The customer with that key; kNotFound when there is none. On a restricted
// session a lookup by a field the profile hides is kDenied rule kHidden, by
// one it masks without "masked_match" rule kMasked.
absl::StatusOr<CustomerRecord> GetCustomer(Session& session, CustomerKey key,
                                           const Value& value);

// Applies `changes` from `time` on (crm.h "Valid time"); the outcome holds
// the new version. expected_version 0 skips the optimistic check. A
// "created_at" in `changes` must equal the stored one (kValidation, rule
// kReadOnly).
absl::StatusOr<WriteOutcome> UpdateCustomer(Session& session, int64_t id,
                                            int64_t expected_version,
                                            const CustomerRecord& changes,
                                            const WriteTime& time,
                                            absl::string_view actor);

// On a restricted session, needs the operation "delete" (kDenied, rule
// kOperation).
absl::Status DeleteCustomer(Session& session, int64_t id,
                            int64_t expected_version, absl::string_view actor);

// Creates as CreateCustomer() or updates as UpdateCustomer() the customer
// with the record's external_id. On a restricted session, a key held by a
// customer outside the scope is a taken value (kConstraint, rule kUnique):
// never updated nor named.
absl::StatusOr<WriteOutcome> UpsertCustomer(Session& session,
                                            const CustomerRecord& record,
                                            const WriteTime& time,
                                            absl::string_view actor);

// On a restricted session, the customers in the profile's scope.
absl::StatusOr<int64_t> CountCustomers(Session& session);

// The duplicate candidates of `record` as a create would store it, under
// every rule whatever its actions (crm_duplicate_candidates): its "id", if
// any, is left out of them; on a restricted session only customers in its
// scope. Values are checked as for a create. Nothing is written.
absl::StatusOr<std::vector<duplicates::Candidate>> DuplicateCandidatesOf(
    Session& session, const CustomerRecord& record);

}  // namespace crm::core

namespace crm::core {

// Field values already resolved against the schema: fields[i] gets
// values[i]. The batch path resolves column names once per batch.
// created_at, read-only otherwise, may be given to a create (see
// CreateCustomer()).
struct ResolvedValues {
  std::vector<const Field*> fields;
  std::vector<Value> values;
  std::optional<int64_t> created_at_us;
};

// Sets input->created_at_us from `value`, given for "created_at" (null: not
// given); a value that is not a datetime fails as for any datetime field.
absl::Status SetCreatedAt(const Schema& schema, const Value& value,
                          ResolvedValues* input);

// The writable fields called `names`, each at most once; unknown, archived
// and read-only names are validation errors naming the field.
absl::StatusOr<std::vector<const Field*>> ResolveWritableFields(
    const Schema& schema, const std::vector<std::string>& names);

// The *Resolved functions take an actor already checked by CheckActor().
absl::StatusOr<WriteOutcome> CreateResolved(Session& session,
                                            const ResolvedValues& input,
                                            const WriteTime& time,
                                            const std::string& actor);
// An update that changes nothing (no stored value, and with a past
// effective time no value of any stretch: rule 4) writes nothing and returns
// the current version. A change of the past only bumps the version without
// changing the values stored (changed_current false).
absl::StatusOr<WriteOutcome> UpdateResolved(Session& session, int64_t id,
                                            int64_t expected_version,
                                            const ResolvedValues& changes,
                                            const WriteTime& time,
                                            const std::string& actor);
absl::StatusOr<WriteOutcome> UpsertResolved(Session& session,
                                            const ResolvedValues& input,
                                            const WriteTime& time,
                                            const std::string& actor);

}  // namespace crm::core

#endif  // CRM_CORE_CUSTOMER_SERVICE_H_
