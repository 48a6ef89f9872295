// Feeds bytes to the PostgreSQL workspace URL parser (ParseWorkspaceUrl)
// and to the password mask of its messages (WithoutPassword), and aborts
// when one of their contracts breaks:
//  - an error is kInvalidArgument with rule "url" (never kInternal);
//  - success means a URL with a postgresql:// or postgres:// scheme, a
//    workspace name of 1..63 [a-z0-9_] starting with a letter, and a
//    conninfo that is the URL without that one `workspace=NAME` parameter
//    (and one separator), which libpq's own parser accepts (so it holds no
//    `workspace` parameter: libpq refuses keywords it does not know);
//  - a password of the URL (at least 4 bytes, nowhere else in the URL)
//    never appears in an error message (one that still shows the password
//    when the URL holds another in its place: the message's own words are
//    no leak), nor in WithoutPassword(url, url) (unless it holds '*', which
//    masking another password can make).
//
// Input: the first byte is the mode, the rest the URL or its parts.
//  - mode even: the rest is the URL as is. Its passwords are read every way
//    a reader may read them: libpq's (the user-info ends at the first '@'
//    before any '/', so a password may hold '?'), RFC 3986's (the authority
//    ends at '/', '?' or '#', the user-info at its last '@': a password
//    written with '@' unescaped), and every parameter whose key decodes to
//    `password` in the query that starts at the first '?' after the scheme
//    or after libpq's user-info.
//  - mode odd: the rest is parts split at byte 0x01: user, user-info
//    password, hosts, path, value of a `password` parameter, then more
//    parameters (`key=value` each), each cut where libpq would end it. The
//    mode's bits pick the scheme, the spelling of the `password` key,
//    whether the user-info has a password, and where `workspace=acme` goes
//    among the parameters (or nowhere).
#include <libpq-fe.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "invariant.h"
#include "store/postgres/workspace_url.h"

namespace {

using crm::store::postgres::ParseWorkspaceUrl;
using crm::store::postgres::WithoutPassword;
using crm::store::postgres::WorkspaceUrl;

// A password's bytes in the URL: [pos, pos + size).
struct Secret {
  size_t pos = 0;
  size_t size = 0;
  bool operator==(const Secret& other) const = default;
};

bool ValidWorkspaceName(absl::string_view name) {
  if (name.empty() || name.size() > 63 || name[0] < 'a' || name[0] > 'z') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// libpq's percent-decoding of a URI token: nullopt for a bad escape or %00.
std::optional<std::string> Decoded(absl::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '%') {
      out.push_back(token[i]);
      continue;
    }
    if (i + 2 >= token.size()) return std::nullopt;
    int high = HexValue(token[i + 1]);
    int low = HexValue(token[i + 2]);
    if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// `text` with each letter and digit moved to another of its class (a-f and
// A-F stay hex digits, the two after a '%' are kept): a different password
// that the parser reads the same way, to tell a message that echoes the
// password from one whose own words happen to hold it.
std::string Renamed(absl::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    char& c = out[i];
    if (c == '%') {
      i += 2;
    } else if (c >= '0' && c <= '9') {
      c = c == '9' ? '0' : c + 1;
    } else if (c >= 'a' && c <= 'f') {
      c = c == 'f' ? 'a' : c + 1;
    } else if (c >= 'A' && c <= 'F') {
      c = c == 'F' ? 'A' : c + 1;
    } else if (c >= 'g' && c <= 'z') {
      c = c == 'z' ? 'g' : c + 1;
    } else if (c >= 'G' && c <= 'Z') {
      c = c == 'Z' ? 'G' : c + 1;
    }
  }
  return out;
}

void AddSecret(std::vector<Secret>* secrets, size_t pos, size_t size) {
  Secret secret{pos, size};
  for (const Secret& known : *secrets) {
    if (known == secret) return;
  }
  secrets->push_back(secret);
}

// The `password` parameters of the query starting after `query_at`.
void AddParameterSecrets(absl::string_view url, size_t query_at,
                         std::vector<Secret>* secrets) {
  size_t start = query_at + 1;
  while (start <= url.size()) {
    size_t end = url.find('&', start);
    if (end == absl::string_view::npos) end = url.size();
    absl::string_view pair = url.substr(start, end - start);
    size_t equals = pair.find('=');
    if (equals != absl::string_view::npos &&
        Decoded(pair.substr(0, equals)) == "password") {
      AddSecret(secrets, start + equals + 1, pair.size() - equals - 1);
    }
    start = end + 1;
  }
}

// The passwords of a URL given as is (see the file comment); none unless
// it starts with postgresql:// or postgres://, as libpq reads nothing else
// as a URL.
std::vector<Secret> SecretsIn(absl::string_view url) {
  std::vector<Secret> secrets;
  size_t rest;
  if (absl::StartsWith(url, "postgresql://")) {
    rest = 13;
  } else if (absl::StartsWith(url, "postgres://")) {
    rest = 11;
  } else {
    return secrets;
  }
  // libpq: the user-info ends at the first '@' before any '/'.
  size_t libpq_at = url.find_first_of("@/", rest);
  size_t libpq_query_from = rest;
  if (libpq_at != absl::string_view::npos && url[libpq_at] == '@') {
    size_t colon = url.find(':', rest);
    if (colon < libpq_at) AddSecret(&secrets, colon + 1, libpq_at - colon - 1);
    libpq_query_from = libpq_at + 1;
  }
  // RFC 3986: the authority ends at '/', '?' or '#', its user-info at its
  // last '@' (a password written with '@' unescaped), the user at the first
  // ':' if that comes before any '@'.
  size_t authority_end = url.find_first_of("/?#", rest);
  if (authority_end == absl::string_view::npos) authority_end = url.size();
  size_t rfc_at = url.substr(0, authority_end).rfind('@');
  if (rfc_at != absl::string_view::npos && rfc_at >= rest) {
    size_t colon = url.find(':', rest);
    if (colon < url.find('@', rest)) {
      AddSecret(&secrets, colon + 1, rfc_at - colon - 1);
    }
  }
  for (size_t from : {rest, libpq_query_from}) {
    size_t query_at = url.find('?', from);
    if (query_at != absl::string_view::npos) {
      AddParameterSecrets(url, query_at, &secrets);
    }
  }
  return secrets;
}

// Builds the URL of a mode-odd input (see the file comment) into `url` and
// its passwords into `secrets`. True when the URL is one ParseWorkspaceUrl
// must accept: `workspace=acme` is among its parameters, there are no more
// parameters, and every part is plain ([a-z0-9._-]).
bool Assemble(uint8_t mode, absl::string_view rest, std::string* url,
              std::vector<Secret>* secrets) {
  std::vector<absl::string_view> parts = absl::StrSplit(rest, '\x01');
  parts.resize(std::max<size_t>(parts.size(), 5));
  // Each part ends where libpq would end it, so that the passwords are what
  // libpq reads as passwords: the user at ':', '@' or '/', the user-info
  // password at '@' or '/' (it may hold '?'), the hosts at '/' or '?', the
  // path at '?', a parameter's value at '&'.
  parts[0] = parts[0].substr(0, parts[0].find_first_of(":@/"));
  parts[1] = parts[1].substr(0, parts[1].find_first_of("@/"));
  parts[2] = parts[2].substr(0, parts[2].find_first_of("/?"));
  parts[3] = parts[3].substr(0, parts[3].find('?'));
  parts[4] = parts[4].substr(0, parts[4].find('&'));
  bool user_password = (mode & 0x80) == 0;
  *url = (mode & 0x02) != 0 ? "postgres://" : "postgresql://";
  if (!parts[0].empty() || user_password) {
    absl::StrAppend(url, parts[0]);
    if (user_password) {
      absl::StrAppend(url, ":");
      secrets->push_back(Secret{url->size(), parts[1].size()});
      absl::StrAppend(url, parts[1]);
    }
    absl::StrAppend(url, "@");
  }
  absl::StrAppend(url, parts[2]);
  if (!parts[3].empty()) absl::StrAppend(url, "/", parts[3]);
  // The parameters, and which one holds the password (-1: none).
  std::vector<std::string> parameters;
  int password_at = -1;
  if (!parts[4].empty()) {
    parameters.push_back(absl::StrCat(
        (mode & 0x04) != 0 ? "pass%77ord=" : "password=", parts[4]));
    password_at = 0;
  }
  for (size_t i = 5; i < parts.size(); ++i) {
    parameters.emplace_back(parts[i]);
  }
  if ((mode & 0x40) == 0) {
    size_t at = ((mode >> 3) & 0x07) % (parameters.size() + 1);
    parameters.insert(parameters.begin() + at, "workspace=acme");
    if (password_at == 0 && at == 0) password_at = 1;
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    absl::StrAppend(url, i == 0 ? "?" : "&");
    if (static_cast<int>(i) == password_at) {
      size_t value = url->size() + parameters[i].find('=') + 1;
      secrets->push_back(Secret{value, parts[4].size()});
    }
    absl::StrAppend(url, parameters[i]);
  }
  bool plain = (mode & 0x40) == 0 && parts.size() == 5;
  for (size_t i = 0; i < 5 && plain; ++i) {
    for (char c : parts[i]) {
      plain &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-';
    }
  }
  return plain;
}

std::string MessageOf(const absl::StatusOr<WorkspaceUrl>& parsed) {
  return parsed.ok() ? std::string() : std::string(parsed.status().message());
}

// The text of `secret` (raw, or percent-decoded when `decoded`) if it is a
// password the checks may look for: at least 4 bytes, and not in the URL
// apart from its own place (a message may echo a host or a database name).
std::optional<std::string> Checkable(absl::string_view url, Secret secret,
                                     bool decoded) {
  absl::string_view raw = url.substr(secret.pos, secret.size);
  std::optional<std::string> text =
      decoded ? Decoded(raw) : std::optional<std::string>(raw);
  if (!text.has_value() || text->size() < 4 || (decoded && *text == raw)) {
    return std::nullopt;
  }
  size_t first = url.find(*text);
  if (decoded ? first != absl::string_view::npos
              : (first != secret.pos ||
                 url.find(*text, secret.pos + 1) != absl::string_view::npos)) {
    return std::nullopt;
  }
  return text;
}

// No error message of `url` shows `secret`: a message that holds it must
// not hold the renamed password when the URL holds that one instead.
void CheckMessageHides(absl::string_view url, const std::string& message,
                       Secret secret) {
  for (bool decoded : {false, true}) {
    std::optional<std::string> text = Checkable(url, secret, decoded);
    if (!text.has_value() || !absl::StrContains(message, *text)) continue;
    std::string renamed_raw = Renamed(url.substr(secret.pos, secret.size));
    std::optional<std::string> renamed =
        decoded ? Decoded(renamed_raw) : std::optional(renamed_raw);
    if (!renamed.has_value() || *renamed == *text) continue;
    std::string other_url(url);
    other_url.replace(secret.pos, secret.size, renamed_raw);
    std::string other_message = MessageOf(ParseWorkspaceUrl(other_url));
    CRM_FUZZ_REQUIRE(
        !absl::StrContains(other_message, *renamed),
        absl::StrCat("the password '", absl::CHexEscape(*text), "' of '",
                     absl::CHexEscape(url),
                     "' shows in the message: ", absl::CHexEscape(message)));
  }
}

// `conninfo` is `url` without one `workspace=NAME` parameter and one of the
// separators beside it.
bool IsUrlWithoutWorkspace(absl::string_view url, absl::string_view conninfo,
                           absl::string_view name) {
  std::string parameter = absl::StrCat("workspace=", name);
  for (size_t at = url.find(parameter); at != absl::string_view::npos;
       at = url.find(parameter, at + 1)) {
    size_t end = at + parameter.size();
    bool separator_before =
        at > 0 && (url[at - 1] == '?' || url[at - 1] == '&');
    bool separator_after = end < url.size() && url[end] == '&';
    if (!separator_before) continue;
    if (end != url.size() && !separator_after) continue;
    std::string cut(url);
    cut.erase(at - 1, parameter.size() + 1);
    if (cut == conninfo) return true;
    if (separator_after) {
      cut = std::string(url);
      cut.erase(at, parameter.size() + 1);
      if (cut == conninfo) return true;
    }
  }
  return false;
}

void CheckParsed(absl::string_view url, const WorkspaceUrl& parsed) {
  CRM_FUZZ_REQUIRE(absl::StartsWith(url, "postgresql://") ||
                       absl::StartsWith(url, "postgres://"),
                   url);
  CRM_FUZZ_REQUIRE(ValidWorkspaceName(parsed.workspace), parsed.workspace);
  CRM_FUZZ_REQUIRE(
      IsUrlWithoutWorkspace(url, parsed.conninfo, parsed.workspace),
      absl::StrCat("conninfo '", parsed.conninfo, "' of '", url, "'"));
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(parsed.conninfo.c_str(), &error);
  PQfreemem(error);
  CRM_FUZZ_REQUIRE(options != nullptr, parsed.conninfo);
  PQconninfoFree(options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t mode = data[0];
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string url;
  std::vector<Secret> secrets;
  bool must_parse = false;
  if ((mode & 1) == 0) {
    url = std::string(rest);
    secrets = SecretsIn(url);
  } else {
    must_parse = Assemble(mode, rest, &url, &secrets);
  }

  absl::StatusOr<WorkspaceUrl> parsed = ParseWorkspaceUrl(url);
  CRM_FUZZ_REQUIRE(
      !must_parse || (parsed.ok() && parsed->workspace == "acme"),
      absl::StrCat(absl::CHexEscape(url), ": ", parsed.status().ToString()));
  if (parsed.ok()) {
    CheckParsed(url, *parsed);
  } else {
    CRM_FUZZ_REQUIRE(
        crm::CodeOf(parsed.status()) == crm::ErrorCode::kInvalidArgument &&
            crm::RuleIdOf(parsed.status()) == crm::Rule::kUrl,
        parsed.status().ToString());
  }
  std::string message = MessageOf(parsed);
  std::string masked = WithoutPassword(url, url);
  for (const Secret& secret : secrets) {
    CheckMessageHides(url, message, secret);
    // A password holding '*' can be made again by masking another one
    // beside it (masking "ab" in "ab*c" gives "****c", which holds "***c");
    // not looked for. One without '*' shows in the result only where it
    // was not masked.
    std::optional<std::string> text = Checkable(url, secret, false);
    if (text.has_value() && absl::StrContains(*text, '*')) continue;
    CRM_FUZZ_REQUIRE(
        !text.has_value() || !absl::StrContains(masked, *text),
        absl::StrCat("WithoutPassword leaves '", absl::CHexEscape(*text),
                     "' in: ", absl::CHexEscape(masked)));
  }
  return 0;
}
