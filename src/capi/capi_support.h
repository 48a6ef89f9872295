// What every C entry point shares: the handle structs, the argument checks,
// and Call(), the one way an entry point runs.
//
// An entry point of crm.h that returns a status says three things and no
// more: its out-parameters, its argument checks (each naming its parameter),
// and the core call:
//
//   int crm_segment_count(int64_t* out, crm_db* db, const char* name) {
//     return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
//       CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
//       return OnDb(db, ScopeKind::kRead, [&](Session& session) {
//         return core::CountSegment(session, name);
//       });
//     });
//   }
//
// Call(outs..., body), for every entry point:
//  1. sets each out-parameter that is not NULL to 0 / NULL;
//  2. checks the required out-parameters, in order, naming each;
//  3. runs `body`: the argument checks, then the core call;
//  4. on success stores the body's value(s) in the out-parameters and
//     returns CRM_OK (the last error is left as it was);
//  5. on an error sets the calling thread's last error from it and returns
//     its code; the out-parameters stay cleared, since nothing is stored
//     before the body has succeeded;
//  6. on an exception (none crosses the ABI) returns CRM_E_NOMEM for
//     std::bad_alloc, CRM_E_INTERNAL for anything else, and clears the
//     out-parameters again.
// What a body calls (the checks, OnDb(), the files' own helpers) returns an
// absl::Status or absl::StatusOr; only Call() sets the last error and the
// out-parameters.
#ifndef CRM_CAPI_CAPI_SUPPORT_H_
#define CRM_CAPI_CAPI_SUPPORT_H_

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "core/customer_batch.h"
#include "core/customer_record.h"
#include "core/event.h"
#include "core/history.h"
#include "core/progress.h"
#include "core/query_service.h"
#include "core/workspace.h"
#include "crm/crm.h"

// A handle on a workspace. Handles made by crm_db_restrict() share their
// workspace with the handle they came from; it closes with the last.
struct crm_db {
  std::shared_ptr<crm::core::Workspace> workspace;
  // Set on a restricted handle: the profile and actor of every call.
  std::optional<crm::core::Viewer> viewer;
};

struct crm_record {
  crm::core::CustomerRecord record;
  // crm_record_encode() and crm_record_encode_json(), made on first use
  // after the last change (the setters clear them).
  std::string encoded, encoded_json;
  // Where the getters look first (CustomerRecord::Get()): a host reads a
  // row's fields in column order. Changed by const getters, which crm.h
  // allows since a record is used from one thread at a time.
  mutable size_t next_lookup = 0;
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
  std::string encoded;       // crm_rows_encode(), made on first use
  std::string encoded_json;  // crm_rows_encode_json(), made on first use
};

struct crm_field_timeline {
  std::vector<crm::core::FieldInterval> intervals;
  std::vector<crm_record> values;  // aligned with intervals
  std::string field;               // as the host named it; values hold it
  // When the timeline was read: where the current interval's duration ends.
  int64_t read_at_us = 0;
};

namespace crm::capi {

// True for a std::unique_ptr: an owned object an OutParam hands over.
template <typename T>
constexpr bool kIsUniquePtr = false;
template <typename T, typename Deleter>
constexpr bool kIsUniquePtr<std::unique_ptr<T, Deleter>> = true;

// Records `status` as the calling thread's last error and returns its code
// (CRM_E_INTERNAL for an OK status: a caller that fails must say why).
int Fail(const absl::Status& status);

// A copy of `text` the caller frees with crm_string_free(). Throws
// std::bad_alloc when out of memory.
char* CopyString(absl::string_view text);

// One out-parameter of an entry point, for Call(), which clears it and
// stores the body's value in it (see above). What is stored:
//  - for a handle (T is crm_xxx*), a std::unique_ptr<crm_xxx> released to
//    the caller, who frees it with crm_xxx_free();
//  - for char*, a copy of a std::string (CopyString): the caller frees it
//    with crm_string_free();
//  - otherwise the value itself (numbers, borrowed const char* / pointers).
// A NULL pointer receives nothing: an owned value is then freed.
template <typename T>
class OutParam {
 public:
  OutParam(T* pointer, Rule required_name)
      : pointer_(pointer), required_name_(required_name) {}

  void Clear() const noexcept {
    if (pointer_ != nullptr) *pointer_ = T{};
  }
  // OK, or the invalid-argument error naming a required out-parameter that
  // is NULL.
  absl::Status Check() const;
  template <typename V>
  void Set(V&& value) const {
    if constexpr (std::is_same_v<T, char*>) {
      if (pointer_ != nullptr) *pointer_ = CopyString(value);
    } else if constexpr (kIsUniquePtr<std::remove_cvref_t<V>>) {
      if (pointer_ != nullptr) *pointer_ = value.release();
    } else {
      if (pointer_ != nullptr) *pointer_ = std::forward<V>(value);
    }
  }

 private:
  T* pointer_;
  Rule required_name_;  // kNone: may be NULL
};

// An out-parameter that must not be NULL: Call() checks it, naming it
// `name`, before the body runs.
template <typename T>
OutParam<T> Out(T* pointer, Rule name) {
  return OutParam<T>(pointer, name);
}
// An out-parameter that may be NULL (crm.h says "may be NULL"), or whose
// NULL check the body makes itself, after other arguments (where released
// versions of libcrm checked in that order).
template <typename T>
OutParam<T> Out(T* pointer) {
  return OutParam<T>(pointer, Rule::kNone);
}

namespace internal {
// Runs `clear`, then `attempt`; turns an error or an exception of `attempt`
// into the last error and a status code, and runs `clear` again after an
// exception. Never throws.
int Call(absl::FunctionRef<void()> clear,
         absl::FunctionRef<absl::Status()> attempt) noexcept;
}  // namespace internal

// An entry point without out-parameters: `body` returns an absl::Status.
template <typename Body>
int Call(Body&& body) noexcept {
  return internal::Call([] {}, [&]() -> absl::Status { return body(); });
}

// An entry point with one out-parameter: `body` returns an
// absl::StatusOr<V>, whose value goes to `out` (see OutParam) on success.
template <typename T, typename Body>
int Call(OutParam<T> out, Body&& body) noexcept {
  return internal::Call([&] { out.Clear(); },
                        [&]() -> absl::Status {
                          CRM_RETURN_IF_ERROR(out.Check());
                          CRM_ASSIGN_OR_RETURN(auto value, body());
                          out.Set(std::move(value));
                          return absl::OkStatus();
                        });
}

// An entry point with two out-parameters: `body` returns an
// absl::StatusOr<std::pair<V1, V2>>, whose values go to `first` and `second`
// on success. Both are cleared at entry and checked in order.
template <typename T1, typename T2, typename Body>
int Call(OutParam<T1> first, OutParam<T2> second, Body&& body) noexcept {
  return internal::Call(
      [&] {
        first.Clear();
        second.Clear();
      },
      [&]() -> absl::Status {
        CRM_RETURN_IF_ERROR(first.Check());
        CRM_RETURN_IF_ERROR(second.Check());
        CRM_ASSIGN_OR_RETURN(auto values, body());
        first.Set(std::move(values.first));
        second.Set(std::move(values.second));
        return absl::OkStatus();
      });
}

// Argument checks: OK, or an invalid-argument error whose rule names the
// parameter. `shown`, where given, is how the message names it instead
// (e.g. "items[3]" for an item of the parameter items).
absl::Status CheckNotNull(const void* pointer, Rule parameter,
                          absl::string_view shown = {});
// Not NULL and libcrm text (UTF-8, no NUL byte).
absl::Status CheckText(const char* text, Rule parameter,
                       absl::string_view shown = {});
// NULL, or libcrm text.
absl::Status CheckOptionalText(const char* text, Rule parameter);
// Not NULL and not closed (CRM_E_MISUSE).
absl::Status CheckDb(const crm_db* db);
// For calls crm.h never allows on a restricted handle that run outside a
// session (crm_checkpoint, crm_workspace_copy, crm_workspace_checksum): OK
// for an unrestricted `db`, else CRM_E_DENIED, rule "operation", naming
// `what`.
absl::Status DenyOnView(const crm_db* db, absl::string_view what);

// Whether options->duplicate_check (crm_write_options, crm_import_options)
// says to skip the duplicate rules: CRM_DUPLICATE_CHECK_SKIP true,
// CRM_DUPLICATE_CHECK_RULES false, else CRM_E_INVALID_ARGUMENT, rule
// "duplicate_check".
absl::StatusOr<bool> SkipsDuplicateCheck(int duplicate_check);

// The host's progress callback (crm.h crm_progress_fn) as the core's:
// empty for NULL; `context` is passed back as it is.
core::ProgressFn ProgressOf(crm_progress_fn progress, void* context);

// Runs `body` on `db`'s workspace in a scope of `kind`, after CheckDb(db),
// and returns what `body` returns: an absl::Status, or an absl::StatusOr<V>
// whose value is handed out once the scope has ended.
template <typename Body>
auto OnDb(crm_db* db, store::ScopeKind kind, Body&& body)
    -> std::invoke_result_t<Body&, core::Session&> {
  using Result = std::invoke_result_t<Body&, core::Session&>;
  CRM_RETURN_IF_ERROR(CheckDb(db));
  const core::Viewer* viewer = db->viewer ? &*db->viewer : nullptr;
  if constexpr (std::is_same_v<Result, absl::Status>) {
    return db->workspace->Run(kind, body, viewer);
  } else {
    std::optional<typename Result::value_type> value;
    CRM_RETURN_IF_ERROR(db->workspace->Run(
        kind,
        [&](core::Session& session) -> absl::Status {
          CRM_ASSIGN_OR_RETURN(value, body(session));
          return absl::OkStatus();
        },
        viewer));
    return *std::move(value);
  }
}

// What a body that creates a handle returns.
template <typename Handle>
using HandleOr = absl::StatusOr<std::unique_ptr<Handle>>;

// A record handle holding `record`.
std::unique_ptr<crm_record> NewRecord(core::CustomerRecord record);

// Batch calls (crm_customer_write_batch, crm_event_append_batch), whose
// report goes back even when the batch fails, since it says which rows
// failed and why.
struct BatchWritten {
  std::unique_ptr<crm_batch_report> report;
  absl::Status status;  // of the write
};
// Like Call(Out(out_report), body), except that a BatchWritten goes to
// *out_report (when not NULL) whatever its status, which is the call's.
// An error `body` returns itself (a bad argument, a batch that cannot be
// decoded) leaves *out_report NULL.
int CallBatch(crm_batch_report** out_report,
              absl::FunctionRef<absl::StatusOr<BatchWritten>()> body) noexcept;
// Runs `write` in a write scope on `db` with a new, empty report to fill.
BatchWritten WriteBatch(
    crm_db* db,
    absl::FunctionRef<absl::Status(core::Session&, core::BatchOutcome*)> write);
// The `Message` encoded in `batch_size` bytes at `batch` (checked not to be
// NULL by the caller when batch_size > 0); `message_name` is its name in
// crm.proto, e.g. "crm.wire.EventBatch".
template <typename Message>
absl::StatusOr<Message> DecodeBatch(const void* batch, size_t batch_size,
                                    absl::string_view message_name) {
  if (batch_size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeError(ErrorCode::kInvalidArgument, "batch is larger than 2 GiB",
                     "", Rule::kBatchSize);
  }
  Message decoded;
  if (!decoded.ParseFromArray(batch, static_cast<int>(batch_size))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("batch is not a valid ", message_name,
                                  " message (or holds text that is not "
                                  "UTF-8)"),
                     "", Rule::kBatch);
  }
  return decoded;
}

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
                     "", Rule::kStructSize);
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
  CRM_RETURN_IF_ERROR(CheckNotNull(out, Rule::kOptions));
  if (struct_size < first_size || struct_size > sizeof(Options)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "struct_size must be the sizeof() of the options struct "
                     "of a libcrm release",
                     "", Rule::kStructSize);
  }
  defaults.struct_size = static_cast<uint32_t>(struct_size);
  std::memcpy(out, &defaults, struct_size);
  return absl::OkStatus();
}

template <typename T>
absl::Status OutParam<T>::Check() const {
  if (required_name_ == Rule::kNone) return absl::OkStatus();
  return CheckNotNull(pointer_, required_name_);
}

}  // namespace crm::capi

#endif  // CRM_CAPI_CAPI_SUPPORT_H_
