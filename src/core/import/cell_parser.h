// A cell of an import file as a libcrm value of a field's type (crm.h
// crm_import "The mapping": per column, how a cell is read).
#ifndef CRM_CORE_IMPORT_CELL_PARSER_H_
#define CRM_CORE_IMPORT_CELL_PARSER_H_

#include "absl/status/statusor.h"
#include "core/field_type.h"
#include "core/import/import_mapping.h"
#include "core/import/row_source.h"
#include "core/value.h"

namespace crm::core::import {

// The value of `cell` (not absent, not empty) for a field `field` of type
// `type`, read as `spec` says: the field's rules are checked later, when the
// value is written. Errors are kValidation naming `field`: rule "type" for a
// cell that is not of the type (a number, a boolean, a list), "format" for
// a date or datetime that does not match its format. Thread-safe.
absl::StatusOr<Value> ParseCell(FieldType type, const std::string& field,
                                const ColumnSpec& spec, const Cell& cell);

// A JSON value of a JSON Lines cell as the value a free event property
// takes: numbers as integers when whole (else decimals), booleans, arrays
// of strings as lists; objects as their JSON text.
Value FreeValueOf(const Cell& cell);

}  // namespace crm::core::import

#endif  // CRM_CORE_IMPORT_CELL_PARSER_H_
