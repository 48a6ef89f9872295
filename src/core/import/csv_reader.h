// CSV files as RFC 4180 has them, read with libcsv (crm.h crm_import "The
// file"): a header row, quoted fields with doubled quotes and newlines
// inside, CRLF or LF line ends, an optional UTF-8 byte-order mark, and a
// delimiter `,`, `;` or tab.
#ifndef CRM_CORE_IMPORT_CSV_READER_H_
#define CRM_CORE_IMPORT_CSV_READER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/import/row_source.h"

namespace crm::core::import {

// The delimiter of a header line: the one of `,` `;` and tab it holds most
// outside quotes (`,` when none or tied with it).
char DetectDelimiter(absl::string_view header_line);

// Opens `path` and reads its header row. `delimiter` unset: detected from
// the header (DetectDelimiter). Errors: those of LineFile::Open; a file with
// no header row, a header naming a column twice or an empty column name,
// text that is not UTF-8: kInvalidArgument, rule "file".
// Rows: each cell as text; a row longer than the header is unreadable; an
// unterminated quote makes the row unreadable and ends the file.
absl::StatusOr<std::unique_ptr<RowSource>> OpenCsv(
    const std::string& path, std::optional<char> delimiter);

}  // namespace crm::core::import

#endif  // CRM_CORE_IMPORT_CSV_READER_H_
