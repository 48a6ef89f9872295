#include "base/error.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace crm {
namespace {

constexpr char kCodeUrl[] = "crm/code";
constexpr char kFieldUrl[] = "crm/field";
constexpr char kRuleUrl[] = "crm/rule";
constexpr char kPositionUrl[] = "crm/position";
constexpr char kCandidatesUrl[] = "crm/candidates";
constexpr char kSurvivorUrl[] = "crm/survivor";

absl::StatusCode AbslCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return absl::StatusCode::kOk;
    case ErrorCode::kNotFound:
      return absl::StatusCode::kNotFound;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kValidation:
    case ErrorCode::kNotWorkspace:
      return absl::StatusCode::kInvalidArgument;
    case ErrorCode::kConstraint:
      return absl::StatusCode::kAlreadyExists;
    case ErrorCode::kConflict:
      return absl::StatusCode::kAborted;
    case ErrorCode::kBusy:
      return absl::StatusCode::kUnavailable;
    case ErrorCode::kIo:
      return absl::StatusCode::kDataLoss;
    case ErrorCode::kNoMemory:
      return absl::StatusCode::kResourceExhausted;
    case ErrorCode::kMisuse:
    case ErrorCode::kVersion:
      return absl::StatusCode::kFailedPrecondition;
    case ErrorCode::kReadOnly:
    case ErrorCode::kDenied:
      return absl::StatusCode::kPermissionDenied;
    case ErrorCode::kInternal:
      return absl::StatusCode::kInternal;
    case ErrorCode::kUnsupported:
      return absl::StatusCode::kUnimplemented;
    case ErrorCode::kCancelled:
      return absl::StatusCode::kCancelled;
    case ErrorCode::kDuplicate:
      return absl::StatusCode::kAlreadyExists;
    case ErrorCode::kMerged:
      return absl::StatusCode::kFailedPrecondition;
  }
  return absl::StatusCode::kInternal;
}

std::string PayloadOf(const absl::Status& status, const char* url) {
  absl::optional<absl::Cord> payload = status.GetPayload(url);
  return payload ? std::string(*payload) : std::string();
}

}  // namespace

absl::Status MakeError(ErrorCode code, absl::string_view message,
                       absl::string_view field, Rule rule) {
  absl::Status status(AbslCodeFor(code), message);
  status.SetPayload(kCodeUrl,
                    absl::Cord(std::to_string(static_cast<int>(code))));
  if (!field.empty()) status.SetPayload(kFieldUrl, absl::Cord(field));
  if (rule != Rule::kNone) {
    status.SetPayload(kRuleUrl, absl::Cord(RuleText(rule)));
  }
  return status;
}

absl::Status DamagedValue(absl::string_view message, absl::string_view field) {
  return MakeError(
      ErrorCode::kIo,
      absl::StrCat("the workspace holds a damaged value: ", message), field,
      Rule::kDamaged);
}

ErrorCode CodeOf(const absl::Status& status) {
  if (status.ok()) return ErrorCode::kOk;
  std::string code = PayloadOf(status, kCodeUrl);
  if (code.empty()) {
    return status.code() == absl::StatusCode::kResourceExhausted
               ? ErrorCode::kNoMemory
               : ErrorCode::kInternal;
  }
  return static_cast<ErrorCode>(std::stoi(code));
}

std::string FieldOf(const absl::Status& status) {
  return PayloadOf(status, kFieldUrl);
}

std::string RuleOf(const absl::Status& status) {
  return PayloadOf(status, kRuleUrl);
}

Rule RuleIdOf(const absl::Status& status) {
  std::string text = PayloadOf(status, kRuleUrl);
  for (size_t i = 1; i < kRuleCount; ++i) {
    Rule rule = static_cast<Rule>(i);
    if (text == RuleText(rule)) return rule;
  }
  return Rule::kNone;
}

int64_t PositionOf(const absl::Status& status) {
  std::string position = PayloadOf(status, kPositionUrl);
  return position.empty() ? -1 : std::stoll(position);
}

absl::Status WithPosition(absl::Status status, int64_t position) {
  if (!status.ok()) {
    status.SetPayload(kPositionUrl, absl::Cord(std::to_string(position)));
  }
  return status;
}

absl::Status WithField(absl::Status status, absl::string_view field) {
  if (!status.ok()) status.SetPayload(kFieldUrl, absl::Cord(field));
  return status;
}

absl::Status WithCandidates(absl::Status status, absl::string_view json) {
  if (!status.ok()) status.SetPayload(kCandidatesUrl, absl::Cord(json));
  return status;
}

std::string CandidatesOf(const absl::Status& status) {
  std::string json = PayloadOf(status, kCandidatesUrl);
  return json.empty() ? std::string("[]") : json;
}

absl::Status WithSurvivor(absl::Status status, int64_t survivor_id) {
  if (!status.ok()) {
    status.SetPayload(kSurvivorUrl, absl::Cord(std::to_string(survivor_id)));
  }
  return status;
}

int64_t SurvivorOf(const absl::Status& status) {
  std::string text = PayloadOf(status, kSurvivorUrl);
  int64_t id = 0;
  return absl::SimpleAtoi(text, &id) ? id : 0;
}

}  // namespace crm
