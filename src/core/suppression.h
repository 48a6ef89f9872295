// Suppression: keyed hashes of erased (or otherwise suppressed) people's
// emails and phone numbers, so that a later create, update, upsert or batch
// row that sets one of them is refused (crm.h, "Suppression"). Nothing
// readable is stored: per value HMAC-SHA256(key, kind || normalised value),
// under the workspace's own 32-byte random key, made with its first
// suppression. Every function runs inside the caller's Session scope; a
// failure leaves nothing written once the scope rolls back.
#ifndef CRM_CORE_SUPPRESSION_H_
#define CRM_CORE_SUPPRESSION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/field.h"
#include "core/workspace.h"
#include "store/sql_value.h"

namespace crm::core {

// Stored with each hash (store::SuppressionRow::kind).
enum class SuppressionKind { kEmail = 1, kPhone = 2 };

// The normalisation version this build writes. A stricter one later (E.164
// phone numbers, issue #24) gets the next number; values are then tested
// under every version up to this one, so stored hashes stay valid.
inline constexpr int kSuppressionNormalization = 1;

// `value` normalised under `version` (1: an email trimmed of ASCII white
// space and lower-cased in ASCII, as the email field's uniqueness compares;
// a phone number's digits, after a leading '+' when there is one). "" when
// nothing is left.
std::string NormalizeForSuppression(SuppressionKind kind, int version,
                                    absl::string_view value);

// Suppresses `email` and `phone` (either may be absent; values empty once
// normalised are skipped), creating the workspace's key when it has none.
// Returns how many hashes were added (those already stored do not count).
// For erase (CRM_ERASE_SUPPRESS): call it before the record is removed, in
// the same scope.
absl::StatusOr<int> SuppressPerson(Session& session,
                                   const std::optional<std::string>& email,
                                   const std::optional<std::string>& phone,
                                   int64_t now_us);

// The host's calls (crm_suppression_*). At least one of `email` and `phone`
// is given (the C layer checks); one that is empty once normalised is
// kInvalidArgument, rule "email" or "phone".
absl::Status AddSuppression(Session& session,
                            const std::optional<std::string>& email,
                            const std::optional<std::string>& phone);
absl::StatusOr<bool> IsSuppressed(Session& session,
                                  const std::optional<std::string>& email,
                                  const std::optional<std::string>& phone);
// kNotFound when none of them was suppressed.
absl::Status RemoveSuppression(Session& session,
                               const std::optional<std::string>& email,
                               const std::optional<std::string>& phone);
absl::StatusOr<int64_t> CountSuppressions(Session& session);

// For every customer write: fails with kConstraint, rule "suppressed",
// naming the field, when one of `fields` of type email or phone is given a
// suppressed value in `stored` (aligned with `fields`). Costs one cheap
// read (Backend::HasSuppressions) when such a field has a value and nothing
// when none has; hashes are computed only in a workspace holding
// suppressions.
absl::Status CheckNotSuppressed(Session& session,
                                const std::vector<const Field*>& fields,
                                const std::vector<store::SqlValue>& stored);

}  // namespace crm::core

#endif  // CRM_CORE_SUPPRESSION_H_
