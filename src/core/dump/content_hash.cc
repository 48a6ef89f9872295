#include "core/dump/content_hash.h"

#include <openssl/evp.h>

#include <cstring>

#include "absl/strings/escaping.h"
#include "base/error.h"

namespace crm::core {

ContentHash::ContentHash() : context_(EVP_MD_CTX_new()) {
  ok_ = context_ != nullptr &&
        EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) == 1;
}

ContentHash::~ContentHash() { EVP_MD_CTX_free(context_); }

absl::Status ContentHash::Fields(const ContentLayout& layout) {
  Text("libcrm workspace 1");
  Text("fields");
  for (const store::FieldRow& row : layout.fields) {
    Integer(row.id);
    Text(row.name);
    Text(row.column);
    Text(row.status);
    Text(row.definition);
  }
  Text("end");
  Text("customers");
  return absl::OkStatus();
}

absl::Status ContentHash::Customers(
    const std::vector<store::CustomerRow>& page) {
  for (const store::CustomerRow& row : page) {
    Integer(row.id);
    Integer(row.version);
    Integer(row.created_at_us);
    Integer(row.updated_at_us);
    for (const store::SqlValue& value : row.values) Value(value);
  }
  return absl::OkStatus();
}

absl::Status ContentHash::Events(const std::vector<store::EventRow>& page) {
  if (!events_open_) {
    Text("end");
    Text("events");
    events_open_ = true;
  }
  for (const store::EventRow& row : page) {
    Integer(row.seq);
    Integer(row.customer_id);
    Integer(row.occurred_at_us);
    Integer(row.recorded_at_us);
    Text(row.type);
    Text(row.channel);
    Text(row.actor);
    Text(row.source);
    Text(row.idempotency_key);
    Text(row.body);
  }
  return absl::OkStatus();
}

absl::Status ContentHash::EventTypes(const NamedDefinitions& types) {
  CRM_RETURN_IF_ERROR(Events({}));
  Text("end");
  Text("event types");
  for (const auto& [name, definition] : types) {
    Text(name);
    Text(definition);
  }
  Text("end");
  return absl::OkStatus();
}

absl::Status ContentHash::Profiles(const NamedDefinitions& profiles) {
  profiles_ = profiles;
  return absl::OkStatus();
}

absl::Status ContentHash::Duplicates(
    const NamedDefinitions& rules, const std::optional<std::string>& settings) {
  duplicate_rules_ = rules;
  duplicate_settings_ = settings;
  return absl::OkStatus();
}

absl::Status ContentHash::Segments(const std::vector<store::SegmentRow>& rows) {
  Text("segments");
  for (const store::SegmentRow& segment : rows) {
    Text(segment.name);
    Text(segment.target);
    Text(segment.filter);
    Integer(segment.created_at_us);
  }
  Text("end");
  return absl::OkStatus();
}

absl::Status ContentHash::Stubs(const StubMarks& stubs) {
  Text("stubs");
  for (const auto& [id, until] : stubs) {
    Integer(id);
    Integer(until);
  }
  Text("end");
  return absl::OkStatus();
}

absl::Status ContentHash::Suppressions(
    const std::optional<std::string>& key,
    const std::vector<store::SuppressionRow>& rows) {
  Text("suppressions");
  Text(key.value_or(""));
  for (const store::SuppressionRow& row : rows) {
    Text(row.hash);
    Integer(row.kind);
    Integer(row.normalization);
    Integer(row.created_at_us);
  }
  Text("end");
  return absl::OkStatus();
}

// Merges are hashed only where a workspace has them, so that every
// checksum of a workspace without merges stays as it was before them.
absl::Status ContentHash::Merges(const std::vector<store::MergeRow>& page) {
  if (!merges_open_) Text("merges");
  merges_open_ = true;
  for (const store::MergeRow& row : page) {
    Integer(row.merged_id);
    Integer(row.merge_id);
    Integer(row.into_id);
    Integer(row.survivor_id);
    Text(row.external_id);
    Text(row.snapshot);
  }
  return absl::OkStatus();
}

absl::Status ContentHash::Floors(const store::IdFloors&) {
  if (merges_open_) Text("end");
  return absl::OkStatus();
}

absl::Status ContentHash::Finish() {
  Text("profiles");
  for (const auto& [name, definition] : profiles_) {
    Text(name);
    Text(definition);
  }
  Text("end");
  if (!duplicate_rules_.empty() || duplicate_settings_.has_value()) {
    Text("duplicates");
    for (const auto& [name, definition] : duplicate_rules_) {
      Text(name);
      Text(definition);
    }
    Text("settings");
    if (duplicate_settings_.has_value()) {
      Text(*duplicate_settings_);
    } else {
      Value(store::SqlValue());
    }
    Text("end");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ContentHash::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok_ || EVP_DigestFinal_ex(context_, digest, &size) != 1) {
    ok_ = false;
    return MakeError(ErrorCode::kNoMemory,
                     "the SHA-256 digest could not be computed");
  }
  ok_ = false;  // finalised: once only
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

void ContentHash::Integer(int64_t value) {
  Update("i", 1);
  Word(static_cast<uint64_t>(value));
}

void ContentHash::Text(absl::string_view text) {
  Update("s", 1);
  Word(text.size());
  Update(text.data(), text.size());
}

void ContentHash::Value(const store::SqlValue& value) {
  if (const int64_t* integer = std::get_if<int64_t>(&value)) {
    Integer(*integer);
  } else if (const double* real = std::get_if<double>(&value)) {
    uint64_t bits;
    std::memcpy(&bits, real, sizeof bits);
    Update("d", 1);
    Word(bits);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    Text(*text);
  } else if (const store::Blob* blob = std::get_if<store::Blob>(&value)) {
    Text(blob->bytes);
  } else {
    Update("n", 1);
  }
}

void ContentHash::Word(uint64_t value) {
  unsigned char bytes[8];
  for (int i = 7; i >= 0; --i, value >>= 8) bytes[i] = value & 0xff;
  Update(bytes, 8);
}

void ContentHash::Update(const void* data, size_t size) {
  if (ok_) ok_ = EVP_DigestUpdate(context_, data, size) == 1;
}

}  // namespace crm::core
