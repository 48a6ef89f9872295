// Errors shared by every layer: an absl::Status that carries a libcrm error
// code, and optionally the field and the rule an error is about.
#ifndef CRM_BASE_ERROR_H_
#define CRM_BASE_ERROR_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/rules.g.h"

namespace crm {

// Same numbers as the CRM_* status codes of crm.h.
enum class ErrorCode {
  kOk = 0,
  kNotFound = 1,
  kInvalidArgument = 2,
  kValidation = 3,
  kConstraint = 4,
  kConflict = 5,
  kBusy = 6,
  kIo = 7,
  kNoMemory = 8,
  kMisuse = 9,
  kNotWorkspace = 10,
  kVersion = 11,
  kReadOnly = 12,
  kInternal = 13,
  kUnsupported = 14,
  kDenied = 15,
  kCancelled = 16,
  kDuplicate = 17,
  kMerged = 18,
};

// Builds an error. `field` may be empty, `rule` Rule::kNone. The rule is
// one of crm.h's closed set (base/rules.g.h, generated from its CRM_RULE_*
// defines); for kInvalidArgument it names the parameter at fault.
absl::Status MakeError(ErrorCode code, absl::string_view message,
                       absl::string_view field = {}, Rule rule = Rule::kNone);

// An error for a value read back from a workspace (a SQLite file or a
// PostgreSQL database) that libcrm could not have written there (damaged, or
// edited by hand): kIo, rule "damaged", naming `field` where one applies.
// Never kInternal: stored data is input, and nothing in it is a libcrm bug.
absl::Status DamagedValue(absl::string_view message,
                          absl::string_view field = {});

// The libcrm code of a status (kOk for an OK status).
ErrorCode CodeOf(const absl::Status& status);
// The field / rule attached to a status, or "".
std::string FieldOf(const absl::Status& status);
std::string RuleOf(const absl::Status& status);
// The rule attached to a status as a Rule (kNone when it has none).
Rule RuleIdOf(const absl::Status& status);

// The byte offset in a filter text an error points at, or -1.
int64_t PositionOf(const absl::Status& status);
// A copy of `status` pointing at byte `position` of a filter text.
absl::Status WithPosition(absl::Status status, int64_t position);

// A copy of `status` whose field is `field` (replacing any field it had).
absl::Status WithField(absl::Status status, absl::string_view field);

// A copy of `status` carrying the duplicate candidates of a blocked write
// (a JSON array, crm.h "Duplicates"); and the ones a status carries, or "[]".
absl::Status WithCandidates(absl::Status status, absl::string_view json);
std::string CandidatesOf(const absl::Status& status);

// A copy of `status` naming the customer a merged id was merged into
// (kMerged, crm.h "Merging customers"); and the one a status names, or 0.
absl::Status WithSurvivor(absl::Status status, int64_t survivor_id);
int64_t SurvivorOf(const absl::Status& status);

}  // namespace crm

// Evaluates `expr` (an absl::Status) and returns it from the caller if it is
// not OK.
#define CRM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status crm_status_ = (expr);       \
    if (!crm_status_.ok()) return crm_status_; \
  } while (false)

#define CRM_CONCAT_INNER_(a, b) a##b
#define CRM_CONCAT_(a, b) CRM_CONCAT_INNER_(a, b)
// Declares `lhs` from an absl::StatusOr expression, returning its error.
#define CRM_ASSIGN_OR_RETURN(lhs, expr)                   \
  auto CRM_CONCAT_(crm_statusor_, __LINE__) = (expr);     \
  if (!CRM_CONCAT_(crm_statusor_, __LINE__).ok())         \
    return CRM_CONCAT_(crm_statusor_, __LINE__).status(); \
  lhs = std::move(*CRM_CONCAT_(crm_statusor_, __LINE__))

#endif  // CRM_BASE_ERROR_H_
