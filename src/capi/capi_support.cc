#include "capi/capi_support.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/utf8.h"
#include "capi/capi_error.h"
#include "core/access.h"

namespace crm::capi {
namespace {

// The last error for the exception being handled, and its status code.
int FailWithCurrentException() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    // Reported below.
  } catch (const std::exception& e) {
    try {
      return Fail(MakeError(ErrorCode::kInternal, e.what()));
    } catch (...) {  // no memory left for the message
    }
  } catch (...) {
    try {
      return Fail(MakeError(ErrorCode::kInternal, "unknown internal error"));
    } catch (...) {  // no memory left for the message
    }
  }
  // Short enough for std::string's inline buffer: needs no memory.
  SetLastError(CRM_E_NOMEM, "out of memory", "", "", -1);
  return CRM_E_NOMEM;
}

}  // namespace

int Fail(const absl::Status& status) {
  ErrorCode code = CodeOf(status);
  if (code == ErrorCode::kOk) code = ErrorCode::kInternal;
  SetLastError(static_cast<int>(code), std::string(status.message()),
               FieldOf(status), RuleOf(status), PositionOf(status),
               code == ErrorCode::kDuplicate ? CandidatesOf(status) : "[]",
               code == ErrorCode::kMerged ? SurvivorOf(status) : 0);
  return static_cast<int>(code);
}

namespace internal {

int Call(absl::FunctionRef<void()> clear,
         absl::FunctionRef<absl::Status()> attempt) noexcept {
  clear();
  try {
    absl::Status status = attempt();
    return status.ok() ? CRM_OK : Fail(status);
  } catch (...) {
    clear();
    return FailWithCurrentException();
  }
}

}  // namespace internal

int CallBatch(crm_batch_report** out_report,
              absl::FunctionRef<absl::StatusOr<BatchWritten>()> body) noexcept {
  OutParam<crm_batch_report*> out = Out(out_report);
  return internal::Call([&] { out.Clear(); },
                        [&]() -> absl::Status {
                          CRM_ASSIGN_OR_RETURN(BatchWritten written, body());
                          out.Set(std::move(written.report));
                          return written.status;
                        });
}

BatchWritten WriteBatch(
    crm_db* db,
    absl::FunctionRef<absl::Status(core::Session&, core::BatchOutcome*)>
        write) {
  BatchWritten written;
  written.report = std::make_unique<crm_batch_report>();
  written.status =
      OnDb(db, store::ScopeKind::kWrite, [&](core::Session& session) {
        return write(session, &written.report->outcome);
      });
  return written;
}

absl::Status CheckNotNull(const void* pointer, Rule parameter,
                          absl::string_view shown) {
  if (pointer != nullptr) return absl::OkStatus();
  if (shown.empty()) shown = RuleText(parameter);
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat(shown, " must not be NULL"), "", parameter);
}

absl::Status CheckText(const char* text, Rule parameter,
                       absl::string_view shown) {
  if (shown.empty()) shown = RuleText(parameter);
  CRM_RETURN_IF_ERROR(CheckNotNull(text, parameter, shown));
  return ValidateText(text, "", [&] { return std::string(shown); });
}

absl::Status CheckOptionalText(const char* text, Rule parameter) {
  return text == nullptr ? absl::OkStatus() : CheckText(text, parameter);
}

absl::Status CheckDb(const crm_db* db) {
  CRM_RETURN_IF_ERROR(CheckNotNull(db, Rule::kDb));
  if (!db->workspace) {
    return MakeError(ErrorCode::kMisuse, "the workspace handle is closed");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> SkipsDuplicateCheck(int duplicate_check) {
  if (duplicate_check != CRM_DUPLICATE_CHECK_RULES &&
      duplicate_check != CRM_DUPLICATE_CHECK_SKIP) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "options->duplicate_check must be "
                     "CRM_DUPLICATE_CHECK_RULES or CRM_DUPLICATE_CHECK_SKIP",
                     "", Rule::kDuplicateCheck);
  }
  return duplicate_check == CRM_DUPLICATE_CHECK_SKIP;
}

core::ProgressFn ProgressOf(crm_progress_fn progress, void* context) {
  if (progress == nullptr) return nullptr;
  return [progress, context](int64_t items, int64_t bytes, int64_t total) {
    return progress(context, items, bytes, total) == 0;
  };
}

absl::Status DenyOnView(const crm_db* db, absl::string_view what) {
  if (!db->viewer) return absl::OkStatus();
  return core::NeverOnProfile(db->viewer->profile, what);
}

std::unique_ptr<crm_record> NewRecord(core::CustomerRecord record) {
  auto handle = std::make_unique<crm_record>();
  handle->record = std::move(record);
  return handle;
}

char* CopyString(absl::string_view text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

}  // namespace crm::capi
