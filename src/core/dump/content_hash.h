// The content checksum (crm_workspace_checksum): the SHA-256 of the
// canonical form of a workspace's content, as a sink of the content walk
// (core/dump/workspace_content.h).
//
// The canonical form. Every item is a tag byte followed by its payload: an
// integer ('i') as 8 bytes big-endian two's complement; text or bytes ('s')
// as its length (8 bytes big-endian) and the bytes; a real ('d') as the 8
// bytes of its IEEE-754 bits, big-endian; NULL ('n') with no payload.
// Sections follow in this order, each opened by its name as text and closed
// by the text "end":
//   "libcrm workspace 1"  the form's own name and version;
//   "fields"      every field row by id, deleted ones included: id, name,
//                 column, status, definition (the stored JSON text, which
//                 the core writes the same way on every backend);
//   "customers"   every customer by id: id, version, created_at,
//                 updated_at, then the value of each column of a field
//                 that is not deleted and not read-only, by field id;
//   "events"      every event by seq: seq, customer id, occurred_at,
//                 recorded_at, type, channel, actor, source (as text, ""
//                 for none), idempotency key ("" for none), body (bytes);
//   "event types" by name: name, definition;
//   "segments"    by name: name, target, filter, created_at;
//   "stubs"       legal-hold stubs by id: id, when the hold ends;
//   "suppressions" the suppression key ("" for none), then every keyed
//                 hash by hash: hash, kind, normalisation, created_at.
//   "profiles"    access profiles by name: name, definition (the canonical
//                 JSON ProfileToJson() stores), so that defining, changing
//                 or dropping a profile changes the checksum.
//   "duplicates"  only in a workspace with duplicate rules or stored
//                 duplicate settings (so that the checksums of workspaces
//                 without them stay as they were): the rules by name
//                 (name, canonical definition), then "settings" and the
//                 stored settings JSON, or NULL when never set.
// Out of it: how a backend lays rows out (SQLite's row ids and column
// order, PostgreSQL's workspace id and jsonb form), interned string ids,
// the search index (derived from values), column indexes (derived from
// definitions), the schema generation, and the id counters, which a server
// may advance without storing anything (a rolled-back insert).
#ifndef CRM_CORE_DUMP_CONTENT_HASH_H_
#define CRM_CORE_DUMP_CONTENT_HASH_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/dump/workspace_content.h"
#include "store/sql_value.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace crm::core {

// Hashes the content it is given in the canonical form. Profiles and the
// duplicates come before segments in the walk but last in the form: they
// are held until Finish(). One use; not thread-safe.
class ContentHash : public ContentSink {
 public:
  ContentHash();
  ~ContentHash() override;
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;

  absl::Status Fields(const ContentLayout& layout) override;
  absl::Status Customers(const std::vector<store::CustomerRow>& page) override;
  absl::Status Events(const std::vector<store::EventRow>& page) override;
  absl::Status EventTypes(const NamedDefinitions& types) override;
  absl::Status Profiles(const NamedDefinitions& profiles) override;
  absl::Status Duplicates(const NamedDefinitions& rules,
                          const std::optional<std::string>& settings) override;
  absl::Status Segments(const std::vector<store::SegmentRow>& rows) override;
  absl::Status Stubs(const StubMarks& stubs) override;
  absl::Status Suppressions(
      const std::optional<std::string>& key,
      const std::vector<store::SuppressionRow>& rows) override;
  absl::Status Merges(const std::vector<store::MergeRow>& page) override;
  absl::Status Floors(const store::IdFloors& floors) override;
  absl::Status Finish() override;

  // The SHA-256 in lower-case hex, after Finish(); kNoMemory when OpenSSL
  // failed.
  absl::StatusOr<std::string> HexDigest();

 private:
  void Integer(int64_t value);
  void Text(absl::string_view text);
  void Value(const store::SqlValue& value);
  void Word(uint64_t value);
  void Update(const void* data, size_t size);

  EVP_MD_CTX* context_;  // owned
  bool ok_ = false;
  bool events_open_ = false;  // the "events" section was opened
  bool merges_open_ = false;  // the "merges" section was opened
  NamedDefinitions profiles_;
  NamedDefinitions duplicate_rules_;
  std::optional<std::string> duplicate_settings_;
};

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_CONTENT_HASH_H_
