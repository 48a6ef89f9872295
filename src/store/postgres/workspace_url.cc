#include "store/postgres/workspace_url.h"

#include <libpq-fe.h>

#include <memory>
#include <vector>

#include "absl/strings/match.h"
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

// The passwords `url` spells out: "user:PASSWORD@" and "password=PASSWORD".
std::vector<std::string> PasswordsIn(absl::string_view url) {
  std::vector<std::string> passwords;
  size_t scheme = url.find("://");
  if (scheme != absl::string_view::npos) {
    absl::string_view rest = url.substr(scheme + 3);
    absl::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    size_t at = authority.rfind('@');
    if (at != absl::string_view::npos) {
      absl::string_view user_info = authority.substr(0, at);
      size_t colon = user_info.find(':');
      if (colon != absl::string_view::npos && colon + 1 < user_info.size()) {
        passwords.emplace_back(user_info.substr(colon + 1));
      }
    }
  }
  size_t query = url.find('?');
  if (query != absl::string_view::npos) {
    for (absl::string_view pair : absl::StrSplit(url.substr(query + 1), '&')) {
      if (absl::StartsWith(pair, "password=") && pair.size() > 9) {
        passwords.emplace_back(pair.substr(9));
      }
    }
  }
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
