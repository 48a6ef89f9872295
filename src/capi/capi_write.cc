// crm.h: crm_write_options and crm_write_result, for the _v2 writes.
#include "capi/capi_write.h"

#include <cstddef>
#include <utility>

#include "capi/capi_support.h"

using crm::capi::Call;

static_assert(crm::core::kClockSkewUs == CRM_CLOCK_SKEW_US);

namespace {

// The size of crm_write_options in its first release: up to and including
// `effective_until`.
constexpr uint32_t kFirstWriteOptionsSize =
    offsetof(crm_write_options, effective_until) + sizeof(int64_t);

}  // namespace

namespace crm::capi {

absl::StatusOr<core::WriteTime> ReadWriteTime(
    const crm_write_options* options) {
  core::WriteTime time;
  if (options == nullptr) return time;
  CRM_ASSIGN_OR_RETURN(
      const crm_write_options chosen,
      ReadOptions(options, crm_write_options(CRM_WRITE_OPTIONS_INIT),
                  kFirstWriteOptionsSize, "CRM_WRITE_OPTIONS_INIT"));
  if (chosen.effective_at != CRM_EFFECTIVE_NOW) {
    time.effective_at = chosen.effective_at;
  }
  time.effective_until = chosen.effective_until;
  CRM_ASSIGN_OR_RETURN(time.skip_duplicate_check,
                       SkipsDuplicateCheck(chosen.duplicate_check));
  return time;
}

std::unique_ptr<crm_write_result> NewWriteResult(core::WriteOutcome outcome) {
  auto result = std::make_unique<crm_write_result>();
  result->candidates_json =
      core::duplicates::CandidatesToJson(outcome.candidates);
  result->outcome = std::move(outcome);
  return result;
}

}  // namespace crm::capi

extern "C" {

int crm_write_options_init(crm_write_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_write_options(CRM_WRITE_OPTIONS_INIT),
                                  kFirstWriteOptionsSize);
  });
}

void crm_write_result_free(crm_write_result* result) { delete result; }

int64_t crm_write_result_id(const crm_write_result* result) {
  return result ? result->outcome.id : 0;
}

int64_t crm_write_result_version(const crm_write_result* result) {
  return result ? result->outcome.version : 0;
}

int crm_write_result_created(const crm_write_result* result) {
  return result && result->outcome.created ? 1 : 0;
}

int64_t crm_write_result_effective_at(const crm_write_result* result) {
  return result ? result->outcome.effective_at_us : 0;
}

int crm_write_result_changed_current(const crm_write_result* result) {
  return result && result->outcome.changed_current ? 1 : 0;
}

const char* crm_write_result_candidates_json(const crm_write_result* result) {
  return result ? result->candidates_json.c_str() : "[]";
}

}  // extern "C"
