// What every C entry point shares: the handle structs, the thread-local last
// error, and the guard that keeps C++ exceptions from crossing the ABI.
#ifndef CRM_CAPI_CAPI_SUPPORT_H_
#define CRM_CAPI_CAPI_SUPPORT_H_

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "core/customer_batch.h"
#include "core/customer_record.h"
#include "core/event.h"
#include "core/history.h"
#include "core/query_service.h"
#include "core/workspace.h"
#include "crm/crm.h"

struct crm_db {
  std::unique_ptr<crm::core::Workspace> workspace;
};

struct crm_record {
  crm::core::CustomerRecord record;
};

struct crm_batch_report {
  crm::core::BatchOutcome outcome;
};

// The event's own properties/before/after live in the crm_record members so
// that hosts can use the record calls on them; `event` holds the rest.
struct crm_event {
  crm::core::Event event;
  crm_record properties;
  crm_record before;
  crm_record after;
};

struct crm_event_page {
  std::vector<crm_event> events;
  std::string next_cursor;
};

struct crm_query {
  crm::core::QueryRequest request;
  crm_record params;
};

struct crm_rows {
  std::vector<std::string> columns;
  std::vector<crm_record> rows;
  std::string next_cursor;
  std::string encoded;  // crm_rows_encode(), made on first use
};

struct crm_field_timeline {
  std::vector<crm::core::FieldInterval> intervals;
  std::vector<crm_record> values;  // aligned with intervals
};

namespace crm::capi {

// Records `status` as the calling thread's last error and returns its code.
int Fail(const absl::Status& status);
// Fail() with a fresh error.
int Fail(ErrorCode code, absl::string_view message,
         absl::string_view field = {}, absl::string_view rule = {});
// CRM_OK for an OK status, else Fail(status).
int Report(const absl::Status& status);

// Runs `body` (returning an int status) and turns any escaping exception
// into CRM_E_NOMEM or CRM_E_INTERNAL.
template <typename Body>
int Guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(ErrorCode::kNoMemory, "out of memory");
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, e.what());
  } catch (...) {
    return Fail(ErrorCode::kInternal, "unknown internal error");
  }
}

// Argument checks: OK, or an invalid-argument error naming the parameter.
absl::Status CheckNotNull(const void* pointer, absl::string_view parameter);
// Not NULL and valid UTF-8.
absl::Status CheckText(const char* text, absl::string_view parameter);
absl::Status CheckDb(const crm_db* db);

// Runs `body` on `db`'s workspace in a scope of `kind`, reporting errors.
int RunOn(crm_db* db, store::ScopeKind kind,
          absl::FunctionRef<absl::Status(core::Session&)> body);

// The options a caller passed, completed with `defaults`: a caller built
// against an older header passes a smaller struct (its struct_size), whose
// members are taken and the newer ones keep their defaults. Sizes below
// `first_size` (the struct's size in its first release) are refused.
template <typename Options>
absl::StatusOr<Options> ReadOptions(const Options* given, Options defaults,
                                    uint32_t first_size,
                                    absl::string_view init_macro) {
  if (given == nullptr) return defaults;
  if (given->struct_size < first_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("options->struct_size is too small; "
                                 "initialise the options with ") +
                         std::string(init_macro),
                     "", "struct_size");
  }
  std::memcpy(&defaults, given,
              std::min<size_t>(given->struct_size, sizeof(Options)));
  defaults.struct_size = sizeof(Options);
  return defaults;
}

// Fills `*out` with `defaults` (an _INIT macro's values) up to
// `struct_size`, the size of the struct as the caller's crm.h declares it,
// which must lie between `first_size` (the first release's) and this
// release's size. For the crm_*_options_init() functions.
template <typename Options>
absl::Status InitOptions(Options* out, size_t struct_size, Options defaults,
                         uint32_t first_size) {
  CRM_RETURN_IF_ERROR(CheckNotNull(out, "options"));
  if (struct_size < first_size || struct_size > sizeof(Options)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "struct_size must be the sizeof() of the options struct "
                     "of a libcrm release",
                     "", "struct_size");
  }
  defaults.struct_size = static_cast<uint32_t>(struct_size);
  std::memcpy(out, &defaults, struct_size);
  return absl::OkStatus();
}

// A copy of `text` the caller frees with crm_string_free().
char* CopyString(absl::string_view text);

}  // namespace crm::capi

#endif  // CRM_CAPI_CAPI_SUPPORT_H_
