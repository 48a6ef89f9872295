#include "capi/capi_support.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/utf8.h"
#include "capi/capi_error.h"

namespace crm::capi {

int Fail(const absl::Status& status) {
  ErrorCode code = CodeOf(status);
  if (code == ErrorCode::kOk) code = ErrorCode::kInternal;
  SetLastError(static_cast<int>(code), std::string(status.message()),
               FieldOf(status), RuleOf(status), PositionOf(status));
  return static_cast<int>(code);
}

int Fail(ErrorCode code, absl::string_view message, absl::string_view field,
         absl::string_view rule) {
  return Fail(MakeError(code, message, field, rule));
}

int Report(const absl::Status& status) {
  return status.ok() ? CRM_OK : Fail(status);
}

absl::Status CheckNotNull(const void* pointer, absl::string_view parameter) {
  if (pointer != nullptr) return absl::OkStatus();
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat(parameter, " must not be NULL"), "", parameter);
}

absl::Status CheckText(const char* text, absl::string_view parameter) {
  CRM_RETURN_IF_ERROR(CheckNotNull(text, parameter));
  return ValidateText(text, "", [&] { return std::string(parameter); });
}

absl::Status CheckDb(const crm_db* db) {
  CRM_RETURN_IF_ERROR(CheckNotNull(db, "db"));
  if (!db->workspace) {
    return MakeError(ErrorCode::kMisuse, "the workspace handle is closed");
  }
  return absl::OkStatus();
}

int RunOn(crm_db* db, store::ScopeKind kind,
          absl::FunctionRef<absl::Status(core::Session&)> body) {
  absl::Status status = CheckDb(db);
  if (status.ok()) status = db->workspace->Run(kind, body);
  return Report(status);
}

char* CopyString(absl::string_view text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

}  // namespace crm::capi
