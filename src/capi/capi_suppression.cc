// crm.h: suppression of erased people's emails and phone numbers.
#include <optional>
#include <string>

#include "capi/capi_support.h"
#include "core/access.h"
#include "core/suppression.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckOptionalText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// The email and phone a call names: each NULL or text, not both NULL.
struct Person {
  std::optional<std::string> email, phone;
};

absl::StatusOr<Person> CheckPerson(const char* email, const char* phone) {
  CRM_RETURN_IF_ERROR(CheckOptionalText(email, Rule::kEmail));
  CRM_RETURN_IF_ERROR(CheckOptionalText(phone, Rule::kPhone));
  if (email == nullptr && phone == nullptr) {
    return crm::MakeError(ErrorCode::kInvalidArgument,
                          "give an email, a phone number or both", "",
                          Rule::kEmail);
  }
  Person person;
  if (email != nullptr) person.email = email;
  if (phone != nullptr) person.phone = phone;
  return person;
}

}  // namespace

namespace {
// Adding and removing need the operation "suppression" on a restricted
// handle; checking and counting are allowed.
absl::Status RequireSuppression(const Session& session) {
  return crm::core::Access::Require(session.access(),
                                    crm::core::Operation::kSuppression);
}
}  // namespace

extern "C" {

int crm_suppression_add(crm_db* db, const char* email, const char* phone) {
  return Call([&]() -> absl::Status {
    CRM_ASSIGN_OR_RETURN(Person person, CheckPerson(email, phone));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
      CRM_RETURN_IF_ERROR(RequireSuppression(session));
      return crm::core::AddSuppression(session, person.email, person.phone);
    });
  });
}

int crm_suppression_check(int* out_suppressed, crm_db* db, const char* email,
                          const char* phone) {
  return Call(
      Out(out_suppressed, Rule::kOutSuppressed), [&]() -> absl::StatusOr<int> {
        CRM_ASSIGN_OR_RETURN(Person person, CheckPerson(email, phone));
        CRM_ASSIGN_OR_RETURN(bool suppressed,
                             OnDb(db, ScopeKind::kRead, [&](Session& session) {
                               return crm::core::IsSuppressed(
                                   session, person.email, person.phone);
                             }));
        return suppressed ? 1 : 0;
      });
}

int crm_suppression_remove(crm_db* db, const char* email, const char* phone) {
  return Call([&]() -> absl::Status {
    CRM_ASSIGN_OR_RETURN(Person person, CheckPerson(email, phone));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
      CRM_RETURN_IF_ERROR(RequireSuppression(session));
      return crm::core::RemoveSuppression(session, person.email, person.phone);
    });
  });
}

int crm_suppression_count(int64_t* out, crm_db* db) {
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::CountSuppressions(session);
    });
  });
}

}  // extern "C"
