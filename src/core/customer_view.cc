#include "core/customer_view.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/record_scope.h"
#include "core/visible_stamp.h"

namespace crm::core {

absl::Status CheckWritable(const Session& session,
                           const std::vector<const Field*>& fields) {
  const Access* access = session.access();
  if (access == nullptr) return absl::OkStatus();
  for (const Field* field : fields) {
    if (!access->Writes(*field)) return Access::NotWritable(*field);
  }
  return absl::OkStatus();
}

absl::Status CheckLookupField(const Session& session, const Field& field) {
  const Access* access = session.access();
  if (access == nullptr) return absl::OkStatus();
  switch (access->OfField(field)) {
    case FieldAccess::kHidden:
      return Access::Hidden(field.name());
    case FieldAccess::kMasked:
      return Access::MaskedCompare(field);
    default:
      return absl::OkStatus();
  }
}

absl::Status CheckResultInScope(Session& session, int64_t id) {
  if (session.access() == nullptr) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(bool in_scope, InScope(session, id));
  if (in_scope) return absl::OkStatus();
  return MakeError(ErrorCode::kDenied,
                   absl::StrCat("the customer would fall outside the scope "
                                "of profile '",
                                session.access()->name(), "'; nothing stored"),
                   "", Rule::kScope);
}

CustomerRecord FilterWithStamp(const Session& session,
                               const CustomerRecord& record,
                               const VisibleStamp& stamp) {
  const Access& access = *session.access();
  CustomerRecord view = access.FilterRecord(session.schema(), record);
  view.version = stamp.version;
  const Field* updated_at = session.schema().Find("updated_at");
  if (updated_at != nullptr && access.ReadsPlain(*updated_at) &&
      view.Get("updated_at") != nullptr) {
    view.Set("updated_at", Value::DateTime(stamp.updated_at_us));
  }
  return view;
}

absl::StatusOr<CustomerRecord> ViewOf(Session& session, CustomerRecord record,
                                      int64_t stored_updated_at_us) {
  if (session.access() == nullptr) return record;
  CRM_ASSIGN_OR_RETURN(
      VisibleStamp stamp,
      VisibleStampOf(session, record.id, record.version, stored_updated_at_us));
  return FilterWithStamp(session, record, stamp);
}

const std::string& WritingActor(const Session& session,
                                const std::string& actor) {
  static const std::string kDefaultActor = "api";
  if (session.viewer() == nullptr) return actor;
  const std::string& viewer_actor = session.viewer()->actor;
  return viewer_actor.empty() ? kDefaultActor : viewer_actor;
}

std::string WritingSource(const Session& session) {
  if (session.viewer() == nullptr) return "";
  return absl::StrCat("profile:", session.viewer()->profile);
}

}  // namespace crm::core
