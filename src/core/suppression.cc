#include "core/suppression.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/field_type.h"
#include "core/time_text.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr size_t kKeyBytes = 32;

const char* KindName(SuppressionKind kind) {
  return kind == SuppressionKind::kEmail ? "email" : "phone";
}

// What the error messages call a value of `kind`.
const char* KindShown(SuppressionKind kind) {
  return kind == SuppressionKind::kEmail ? "email" : "phone number";
}

// SHA-256, fetched once for the process. Thread-safe: a fetched digest is
// immutable and shared.
const EVP_MD* Sha256() {
  static const EVP_MD* const digest = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return digest;
}

// SHA-256 of `pad` (one 64-byte block) followed by `message`, into `out`.
bool DigestAfterPad(EVP_MD_CTX* context, const unsigned char* pad,
                    absl::string_view message, unsigned char* out) {
  return EVP_DigestInit_ex(context, Sha256(), nullptr) == 1 &&
         EVP_DigestUpdate(context, pad, 64) == 1 &&
         EVP_DigestUpdate(context, message.data(), message.size()) == 1 &&
         EVP_DigestFinal_ex(context, out, nullptr) == 1;
}

// HMAC-SHA256 (RFC 2104) of `message` under a key of at most one block (the
// workspace's is 32 bytes). Built on the digest rather than OpenSSL's
// HMAC(), which fetches the MAC and the digest by name on every call:
// about 25,000 instructions a hash, half the cost of a customer create in a
// workspace holding suppressions (callgrind); this takes a tenth of that.
// suppression_test.cc checks it against HMAC().
absl::StatusOr<std::string> HmacSha256(const std::string& key,
                                       absl::string_view message) {
  constexpr size_t kBlock = 64, kSize = 32;
  if (key.size() > kBlock) {
    return DamagedValue("the workspace's suppression key is too long");
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(),
                                                             EVP_MD_CTX_free);
  unsigned char inner_pad[kBlock], outer_pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    unsigned char byte =
        i < key.size() ? static_cast<unsigned char>(key[i]) : 0;
    inner_pad[i] = byte ^ 0x36;
    outer_pad[i] = byte ^ 0x5c;
  }
  unsigned char inner[kSize], outer[kSize];
  if (context == nullptr ||
      !DigestAfterPad(context.get(), inner_pad, message, inner) ||
      !DigestAfterPad(context.get(), outer_pad,
                      absl::string_view(reinterpret_cast<char*>(inner), kSize),
                      outer)) {
    return MakeError(ErrorCode::kNoMemory, "SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(outer), kSize);
}

// HMAC-SHA256(key, kind name || ':' || normalised value): the ':' ends the
// kind, so no two (kind, value) pairs hash the same input.
absl::StatusOr<std::string> Hash(const std::string& key, SuppressionKind kind,
                                 const std::string& normalized) {
  return HmacSha256(key, absl::StrCat(KindName(kind), ":", normalized));
}

// The hashes `value` has under every normalisation version this build
// knows, each once (versions that normalise alike give one hash).
absl::StatusOr<std::vector<std::string>> Hashes(const std::string& key,
                                                SuppressionKind kind,
                                                absl::string_view value) {
  std::vector<std::string> hashes;
  for (int version = 1; version <= kSuppressionNormalization; ++version) {
    std::string normalized = NormalizeForSuppression(kind, version, value);
    if (normalized.empty()) continue;
    CRM_ASSIGN_OR_RETURN(std::string hash, Hash(key, kind, normalized));
    if (std::find(hashes.begin(), hashes.end(), hash) == hashes.end()) {
      hashes.push_back(std::move(hash));
    }
  }
  return hashes;
}

// The workspace's key; with `create`, made (32 random bytes) when there is
// none yet, else nullopt then.
absl::StatusOr<std::optional<std::string>> Key(Session& session, bool create) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> key,
                       session.backend().LoadSuppressionKey());
  if (key.has_value() || !create) return key;
  std::string fresh(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()),
                 static_cast<int>(fresh.size())) != 1) {
    return MakeError(ErrorCode::kIo,
                     "the system gave no random bytes for the workspace's "
                     "suppression key");
  }
  CRM_ASSIGN_OR_RETURN(std::string stored,
                       session.backend().StoreSuppressionKey(fresh));
  return std::optional<std::string>(std::move(stored));
}

// The values a host named, with their kinds, after checking that each is
// left with something once normalised.
absl::StatusOr<std::vector<std::pair<SuppressionKind, std::string>>> Named(
    const std::optional<std::string>& email,
    const std::optional<std::string>& phone) {
  std::vector<std::pair<SuppressionKind, std::string>> named;
  if (email.has_value()) {
    if (NormalizeForSuppression(SuppressionKind::kEmail,
                                kSuppressionNormalization, *email)
            .empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "email is empty once trimmed", "", Rule::kEmail);
    }
    named.emplace_back(SuppressionKind::kEmail, *email);
  }
  if (phone.has_value()) {
    if (NormalizeForSuppression(SuppressionKind::kPhone,
                                kSuppressionNormalization, *phone)
            .empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "phone holds no digit", "",
                       Rule::kPhone);
    }
    named.emplace_back(SuppressionKind::kPhone, *phone);
  }
  return named;
}

// Whether `value` of `kind` is suppressed, under `key`.
absl::StatusOr<bool> Suppressed(Session& session, const std::string& key,
                                SuppressionKind kind, absl::string_view value) {
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> hashes,
                       Hashes(key, kind, value));
  return session.backend().FindSuppression(hashes);
}

}  // namespace

std::string NormalizeForSuppression(SuppressionKind kind, int version,
                                    absl::string_view value) {
  (void)version;  // version 1 is the only one yet
  if (kind == SuppressionKind::kEmail) {
    return absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  }
  absl::string_view stripped = absl::StripLeadingAsciiWhitespace(value);
  std::string digits;
  for (char c : stripped) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.empty()) return digits;
  return !stripped.empty() && stripped.front() == '+' ? "+" + digits : digits;
}

absl::StatusOr<int> SuppressPerson(Session& session,
                                   const std::optional<std::string>& email,
                                   const std::optional<std::string>& phone,
                                   int64_t now_us) {
  std::vector<std::pair<SuppressionKind, const std::string*>> values;
  if (email.has_value()) values.emplace_back(SuppressionKind::kEmail, &*email);
  if (phone.has_value()) values.emplace_back(SuppressionKind::kPhone, &*phone);
  int added = 0;
  std::optional<std::string> key;
  for (const auto& [kind, value] : values) {
    std::string normalized =
        NormalizeForSuppression(kind, kSuppressionNormalization, *value);
    if (normalized.empty()) continue;
    if (!key.has_value()) {
      CRM_ASSIGN_OR_RETURN(key, Key(session, /*create=*/true));
    }
    store::SuppressionRow row;
    CRM_ASSIGN_OR_RETURN(row.hash, Hash(*key, kind, normalized));
    row.kind = static_cast<int>(kind);
    row.normalization = kSuppressionNormalization;
    row.created_at_us = now_us;
    CRM_ASSIGN_OR_RETURN(bool inserted,
                         session.backend().InsertSuppression(row));
    added += inserted ? 1 : 0;
  }
  return added;
}

absl::Status AddSuppression(Session& session,
                            const std::optional<std::string>& email,
                            const std::optional<std::string>& phone) {
  CRM_RETURN_IF_ERROR(Named(email, phone).status());
  return SuppressPerson(session, email, phone, NowMicros()).status();
}

absl::StatusOr<bool> IsSuppressed(Session& session,
                                  const std::optional<std::string>& email,
                                  const std::optional<std::string>& phone) {
  CRM_ASSIGN_OR_RETURN(auto named, Named(email, phone));
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> key,
                       Key(session, /*create=*/false));
  if (!key.has_value()) return false;
  for (const auto& [kind, value] : named) {
    CRM_ASSIGN_OR_RETURN(bool suppressed,
                         Suppressed(session, *key, kind, value));
    if (suppressed) return true;
  }
  return false;
}

absl::Status RemoveSuppression(Session& session,
                               const std::optional<std::string>& email,
                               const std::optional<std::string>& phone) {
  CRM_ASSIGN_OR_RETURN(auto named, Named(email, phone));
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> key,
                       Key(session, /*create=*/false));
  int64_t removed = 0;
  for (const auto& [kind, value] : named) {
    if (!key.has_value()) break;
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> hashes,
                         Hashes(*key, kind, value));
    CRM_ASSIGN_OR_RETURN(int64_t count,
                         session.backend().DeleteSuppressions(hashes));
    removed += count;
  }
  if (removed > 0) return absl::OkStatus();
  return MakeError(ErrorCode::kNotFound,
                   named.size() == 1
                       ? absl::StrCat("that ", KindShown(named[0].first),
                                      " is not suppressed")
                       : "neither that email nor that phone number is "
                         "suppressed");
}

absl::StatusOr<int64_t> CountSuppressions(Session& session) {
  return session.backend().CountSuppressions();
}

absl::Status CheckNotSuppressed(Session& session,
                                const std::vector<const Field*>& fields,
                                const std::vector<store::SqlValue>& stored) {
  std::optional<bool> any;
  std::optional<std::string> key;
  for (size_t i = 0; i < fields.size() && i < stored.size(); ++i) {
    const FieldType type = fields[i]->type();
    if (type != FieldType::kEmail && type != FieldType::kPhone) continue;
    const std::string* text = std::get_if<std::string>(&stored[i]);
    if (text == nullptr) continue;
    if (!any.has_value()) {
      CRM_ASSIGN_OR_RETURN(any, session.backend().HasSuppressions());
    }
    if (!*any) return absl::OkStatus();
    if (!key.has_value()) {
      CRM_ASSIGN_OR_RETURN(key, Key(session, /*create=*/false));
      if (!key.has_value()) {
        return DamagedValue(
            "the workspace holds suppressions but no suppression key");
      }
    }
    const SuppressionKind kind = type == FieldType::kEmail
                                     ? SuppressionKind::kEmail
                                     : SuppressionKind::kPhone;
    CRM_ASSIGN_OR_RETURN(bool suppressed,
                         Suppressed(session, *key, kind, *text));
    if (!suppressed) continue;
    const std::string& name = fields[i]->name();
    return MakeError(
        ErrorCode::kConstraint,
        absl::StrCat("field '", name, "': a person with this ", KindShown(kind),
                     " was erased and suppressed; the value is refused "
                     "until crm_suppression_remove() takes it back"),
        name, Rule::kSuppressed);
  }
  return absl::OkStatus();
}

}  // namespace crm::core
