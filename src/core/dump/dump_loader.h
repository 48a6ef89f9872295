// Reads a dump (crm.proto "Dumps") into a content sink, trusting nothing in
// it: the counterpart of core/dump/dump_writer.h.
#ifndef CRM_CORE_DUMP_DUMP_LOADER_H_
#define CRM_CORE_DUMP_DUMP_LOADER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/dump/workspace_content.h"
#include "core/progress.h"

namespace crm::core {

// What a dump's DumpEnd says.
struct DumpTotals {
  int64_t customers = 0;
  int64_t events = 0;
  std::string checksum;
  int64_t end_offset = 0;  // where the DumpEnd item starts in the file
};

// Parses the dump at `path` and hands its content to `sink` in the order of
// workspace_content.h, checking as it goes: the magic (else
// kNotWorkspace, rule "file"), the header (kVersion for a format version
// above kDumpVersion), the order of items and of ids, every value against
// its field's stored type as the store's read path checks it
// (Field::FromStored), event bodies, names of history changes, ids within
// the floors, text within libcrm's limits, and the counts of the DumpEnd
// against the items read. A dump that breaks any of these is kIo, rule
// "damaged", whose position (PositionOf) is the byte offset of the item at
// fault. Errors of `sink` are returned as they are, except those a bad file
// can cause (a refused value, a broken constraint), which become "damaged"
// at the offset of the item being read. Progress counts customers and
// events read, and bytes of the file's size. Returns the DumpEnd (its
// checksum is the caller's to compare).
absl::StatusOr<DumpTotals> ReadDump(const std::string& path, ContentSink& sink,
                                    Progress& progress);

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_DUMP_LOADER_H_
