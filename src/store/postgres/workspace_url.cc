#include "store/postgres/workspace_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/error.h"

namespace crm::store::postgres {
namespace {

constexpr absl::string_view kWorkspaceParameter = "workspace=";

absl::Status UrlError(absl::string_view message) {
  return MakeError(ErrorCode::kInvalidArgument, message, "", Rule::kUrl);
}

bool ValidWorkspaceName(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Every text of `url` that may be a password, longest first: "user:PASSWORD@"
// and "password=PASSWORD". Read generously, since a password written without
// its escapes is read by libpq otherwise than its writer meant, and libpq
// may quote any piece of it: the user-info password may end at any '@'
// after the first ':' (libpq ends it at the first, its writer may have meant
// the last, across a '/' or a '?'); each of its pieces of 3 bytes or more
// between '/', ':', '?', '@', '#' and '&' ("s3cr" of "s3cr/et", which libpq
// reads as the port) counts too; and a parameter starts after any '?' or
// '&', with libpq's percent-decoding of its key ("pass%77ord=").
std::vector<std::string> PasswordsIn(absl::string_view url) {
  std::vector<std::string> passwords;
  size_t scheme = url.find("://");
  if (scheme != absl::string_view::npos) {
    absl::string_view rest = url.substr(scheme + 3);
    size_t colon = rest.find(':');
    size_t last_at = rest.rfind('@');
    if (colon != absl::string_view::npos &&
        last_at != absl::string_view::npos && last_at > colon + 1) {
      for (size_t at = rest.find('@', colon + 1); at != absl::string_view::npos;
           at = rest.find('@', at + 1)) {
        if (at > colon + 1) {
          passwords.emplace_back(rest.substr(colon + 1, at - colon - 1));
        }
      }
      for (absl::string_view piece :
           absl::StrSplit(rest.substr(colon + 1, last_at - colon - 1),
                          absl::ByAnyChar("/:?@#&"))) {
        if (piece.size() >= 3) passwords.emplace_back(piece);
      }
    }
  }
  for (size_t start = url.find('?'); start != absl::string_view::npos;
       start = url.find_first_of("?&", start + 1)) {
    absl::string_view pair = url.substr(start + 1);
    pair = pair.substr(0, pair.find('&'));
    size_t equals = pair.find('=');
    if (equals == absl::string_view::npos || equals + 1 == pair.size()) {
      continue;
    }
    std::string key;
    absl::string_view raw = pair.substr(0, equals);
    for (size_t i = 0; i < raw.size(); ++i) {
      int value = 0;
      if (raw[i] == '%' && i + 2 < raw.size() &&
          absl::SimpleHexAtoi(raw.substr(i + 1, 2), &value)) {
        key.push_back(static_cast<char>(value));
        i += 2;
      } else {
        key.push_back(raw[i]);
      }
    }
    if (key == "password") passwords.emplace_back(pair.substr(equals + 1));
  }
  std::sort(passwords.begin(), passwords.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() > b.size();
            });
  return passwords;
}

}  // namespace

std::string WithoutPassword(absl::string_view text, absl::string_view url) {
  std::string result(text);
  for (const std::string& password : PasswordsIn(url)) {
    result = absl::StrReplaceAll(result, {{password, "***"}});
  }
  return result;
}

absl::StatusOr<WorkspaceUrl> ParseWorkspaceUrl(absl::string_view url) {
  if (!absl::StartsWith(url, "postgresql://") &&
      !absl::StartsWith(url, "postgres://")) {
    return UrlError(
        "url: a PostgreSQL workspace URL starts with postgresql:// or "
        "postgres://");
  }
  WorkspaceUrl result;
  size_t query_at = url.find('?');
  std::vector<absl::string_view> kept;
  if (query_at != absl::string_view::npos) {
    for (absl::string_view pair :
         absl::StrSplit(url.substr(query_at + 1), '&')) {
      if (!absl::StartsWith(pair, kWorkspaceParameter)) {
        kept.push_back(pair);
        continue;
      }
      if (!result.workspace.empty()) {
        return UrlError("url: the workspace parameter is given twice");
      }
      result.workspace = std::string(pair.substr(kWorkspaceParameter.size()));
      if (!ValidWorkspaceName(result.workspace)) {
        return UrlError(
            "url: a workspace name is 1 to 63 characters of a-z, 0-9 and _, "
            "starting with a letter");
      }
    }
  }
  if (result.workspace.empty()) {
    return UrlError(
        "url: the URL names no workspace (add ?workspace=NAME, e.g. "
        "workspace=acme)");
  }
  result.conninfo = std::string(url.substr(0, query_at));
  if (!kept.empty()) {
    absl::StrAppend(&result.conninfo, "?", absl::StrJoin(kept, "&"));
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(result.conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string detail = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    return UrlError(
        absl::StrCat("url: libpq refuses it: ", WithoutPassword(detail, url)));
  }
  PQconninfoFree(options);
  return result;
}

}  // namespace crm::store::postgres
