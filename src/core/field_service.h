// Managing fields at run time: define, change, archive, restore, delete,
// describe. Each function runs inside a Session's write (or read) scope.
#ifndef CRM_CORE_FIELD_SERVICE_H_
#define CRM_CORE_FIELD_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/workspace.h"

namespace crm::core {

// The most user-defined fields a workspace holds (SQLite allows 2,000
// columns a table; the rest is headroom for standard fields).
inline constexpr size_t kMaxUserFields = 1000;

// Defines a field from a crm.wire.FieldDefinition in JSON; returns its id.
absl::StatusOr<int64_t> DefineField(Session& session,
                                    absl::string_view definition_json);

// Applies a crm.wire.FieldPatch in JSON to the field called `name`.
absl::Status UpdateField(Session& session, absl::string_view name,
                         absl::string_view patch_json);

// Archives (hides, keeps data) or restores a user-defined field.
absl::Status SetFieldArchived(Session& session, absl::string_view name,
                              bool archived);

// Deletes a user-defined field with its values.
absl::Status DeleteField(Session& session, absl::string_view name);

// A field's definition as a JSON object, read-only keys included.
absl::StatusOr<std::string> DescribeField(Session& session,
                                          absl::string_view name);
// All fields as a JSON array, archived ones only when asked for.
absl::StatusOr<std::string> ListFields(Session& session, bool include_archived);

}  // namespace crm::core

#endif  // CRM_CORE_FIELD_SERVICE_H_
