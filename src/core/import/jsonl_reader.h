// JSON Lines files (crm.h crm_import "The file"): one JSON object per line,
// keys as column names, blank lines skipped.
#ifndef CRM_CORE_IMPORT_JSONL_READER_H_
#define CRM_CORE_IMPORT_JSONL_READER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/import/row_source.h"

namespace crm::core::import {

// Opens `path` (errors as LineFile::Open). Rows: a string value is a text
// cell, null an absent one, any other value a JSON cell; a line that is not
// a JSON object is an unreadable row and reading goes on after it; text that
// is not UTF-8 fails the import (kInvalidArgument, rule "file").
absl::StatusOr<std::unique_ptr<RowSource>> OpenJsonLines(
    const std::string& path);

}  // namespace crm::core::import

#endif  // CRM_CORE_IMPORT_JSONL_READER_H_
