// The C++ core mirrors two enums of crm.h; the C layer converts between them
// by value, so their numbers must agree. A change to either side that
// breaks them fails to compile here.
#include "base/error.h"
#include "core/value.h"
#include "crm/crm.h"

namespace {

using crm::ErrorCode;
using crm::core::ValueKind;

template <typename Mirror>
constexpr bool Same(Mirror mirror, int c_value) {
  return static_cast<int>(mirror) == c_value;
}

static_assert(Same(ErrorCode::kOk, CRM_OK));
static_assert(Same(ErrorCode::kNotFound, CRM_E_NOT_FOUND));
static_assert(Same(ErrorCode::kInvalidArgument, CRM_E_INVALID_ARGUMENT));
static_assert(Same(ErrorCode::kValidation, CRM_E_VALIDATION));
static_assert(Same(ErrorCode::kConstraint, CRM_E_CONSTRAINT));
static_assert(Same(ErrorCode::kConflict, CRM_E_CONFLICT));
static_assert(Same(ErrorCode::kBusy, CRM_E_BUSY));
static_assert(Same(ErrorCode::kIo, CRM_E_IO));
static_assert(Same(ErrorCode::kNoMemory, CRM_E_NOMEM));
static_assert(Same(ErrorCode::kMisuse, CRM_E_MISUSE));
static_assert(Same(ErrorCode::kNotWorkspace, CRM_E_NOT_WORKSPACE));
static_assert(Same(ErrorCode::kVersion, CRM_E_VERSION));
static_assert(Same(ErrorCode::kReadOnly, CRM_E_READ_ONLY));
static_assert(Same(ErrorCode::kInternal, CRM_E_INTERNAL));
static_assert(Same(ErrorCode::kUnsupported, CRM_E_UNSUPPORTED));
static_assert(Same(ErrorCode::kDenied, CRM_E_DENIED));
static_assert(Same(ErrorCode::kCancelled, CRM_E_CANCELLED));
static_assert(Same(ErrorCode::kDuplicate, CRM_E_DUPLICATE));
static_assert(Same(ErrorCode::kMerged, CRM_E_MERGED));

static_assert(Same(ValueKind::kNull, CRM_VALUE_NULL));
static_assert(Same(ValueKind::kText, CRM_VALUE_TEXT));
static_assert(Same(ValueKind::kInteger, CRM_VALUE_INTEGER));
static_assert(Same(ValueKind::kDecimal, CRM_VALUE_DECIMAL));
static_assert(Same(ValueKind::kBoolean, CRM_VALUE_BOOLEAN));
static_assert(Same(ValueKind::kDate, CRM_VALUE_DATE));
static_assert(Same(ValueKind::kDateTime, CRM_VALUE_DATETIME));
static_assert(Same(ValueKind::kList, CRM_VALUE_LIST));

}  // namespace
