// Access profiles (crm.h, "Access profiles and restricted handles"): the
// definition a host stores, and the rules of one definition resolved
// against one schema snapshot, which the core consults on every path of a
// restricted handle.
//
// Who uses what: capi checks the C shape of arguments and gates whole
// operations through Session::access()->Allows(); the services of src/core
// ask for each field, event and record what the session's Access grants.
// A Session without a profile (access() == nullptr) is unrestricted.
#ifndef CRM_CORE_ACCESS_H_
#define CRM_CORE_ACCESS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "core/customer_record.h"
#include "core/field.h"
#include "core/value.h"

namespace crm::core {

class Schema;

// What a profile grants on one field. Ordered from the strictest.
enum class FieldAccess {
  kHidden,       // not read, not written, not named in a query
  kMasked,       // read masked (MaskValue), never written or compared
  kMaskedMatch,  // masked, and comparable by equality of the whole value
  kReadOnly,     // read, compared, never written
  kReadWrite,
};

// What a profile grants on events of one type and channel. Ordered from the
// strictest.
enum class EventAccess { kHidden, kRead, kAppend };

// Operations a restricted handle is denied unless its profile grants them
// (crm.h lists their names, e.g. "bulk_export").
enum class Operation {
  kDelete,
  kErase,
  kDefineFields,
  kDefineEventTypes,
  kRetention,
  kSuppression,
  kSegments,
  kBulkExport,
  kImport,
  kDump,
  kBackup,
  kMerge,
};

// The name crm.h gives an operation, e.g. "define_fields".
absl::string_view OperationName(Operation operation);

// One "events" rule; an empty type or channel matches any.
struct EventRule {
  std::string type;
  std::string channel;
  EventAccess access = EventAccess::kHidden;
};

// A profile as stored: checked for shape (names, modes, operations), not
// against a schema, so that it stays valid when fields come and go.
struct ProfileDefinition {
  std::string name;
  std::map<std::string, FieldAccess> fields;  // by field name
  std::map<std::string, FieldAccess> groups;  // by group ("" = no group)
  std::vector<EventRule> events;
  std::string scope;  // a customer filter; "" for every customer
  std::vector<Operation> operations;
};

// Parses and checks a definition (crm_profile_define). Validation errors
// with rule kProfile whose message names the key at fault.
absl::StatusOr<ProfileDefinition> ParseProfile(absl::string_view json);
// The canonical JSON of a definition (keys in a fixed order), as stored and
// as crm_profile_get returns it; ParseProfile(ProfileToJson(d)) == d.
std::string ProfileToJson(const ProfileDefinition& definition);

// A profile resolved against one schema snapshot: immutable, shared between
// threads through the Schema that owns it (Schema::FindProfile), valid as
// long as that snapshot.
class Access {
 public:
  // Resolves `definition` against `schema`'s fields; fields the definition
  // names that the schema lacks are ignored (they may be defined later).
  Access(ProfileDefinition definition, const Schema& schema);

  const ProfileDefinition& definition() const { return definition_; }
  const std::string& name() const { return definition_.name; }

  // The field's own rule, else its group's, else kHidden.
  FieldAccess OfField(const Field& field) const;
  bool Reads(const Field& field) const {
    return OfField(field) != FieldAccess::kHidden;
  }
  // Read as stored, not masked.
  bool ReadsPlain(const Field& field) const {
    return OfField(field) >= FieldAccess::kReadOnly;
  }
  bool Writes(const Field& field) const {
    return OfField(field) == FieldAccess::kReadWrite;
  }

  // The most specific "events" rule for `type` on `channel` (type and
  // channel, then type, then channel), else kHidden. History events
  // (crm.record.*) are governed by the field rules instead: callers filter
  // their changes with FilterRecord().
  EventAccess OfEvent(absl::string_view type, absl::string_view channel) const;

  bool Allows(Operation operation) const;

  // The record scope filter ("" for none); bind `:actor` with ScopeParams().
  const std::string& scope() const { return definition_.scope; }
  // The parameters of the scope filter: "actor" -> `actor`.
  static CustomerRecord ScopeParams(const std::string& actor);

  // `record` with only the fields this profile reads (by current names),
  // masked ones masked; id is kept. version and updated_at are the caller's
  // to set (the last change the profile can see).
  CustomerRecord FilterRecord(const Schema& schema,
                              const CustomerRecord& record) const;

  // The errors of a restricted handle (CRM_E_DENIED), naming the field.
  static absl::Status Hidden(absl::string_view what);     // rule kHidden
  static absl::Status NotWritable(const Field& field);    // rule kNotWritable
  static absl::Status MaskedCompare(const Field& field);  // rule kMasked
  absl::Status Denied(Operation operation) const;         // rule kOperation

  // For gating a whole call on `access` (Session::access(), null when
  // unrestricted): OK when unrestricted or granted, else Denied().
  static absl::Status Require(const Access* access, Operation operation);
  // For what crm.h never allows on a restricted handle (profile management,
  // crm_workspace_copy, crm_checkpoint...): OK when unrestricted, else
  // kDenied, rule kOperation, naming `what` (e.g. "crm_checkpoint").
  static absl::Status Never(const Access* access, absl::string_view what);

 private:
  ProfileDefinition definition_;
  absl::flat_hash_map<int64_t, FieldAccess> by_field_id_;
};

// kDenied, rule kOperation: `what` is never allowed on a handle restricted
// to `profile` (Access::Never's error, for callers that hold only the name).
absl::Status NeverOnProfile(absl::string_view profile, absl::string_view what);

// The masked form of a non-null `value` of `field` (crm.h lists the masks):
// always text.
Value MaskValue(const Field& field, const Value& value);

}  // namespace crm::core

#endif  // CRM_CORE_ACCESS_H_
