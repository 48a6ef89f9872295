#include "core/filter_cache.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/query_access.h"
#include "query/parser.h"

namespace crm::core {

absl::StatusOr<std::optional<store::Condition>> FilterCache::Check(
    const Schema& schema, QueryTarget target, absl::string_view filter,
    const CustomerRecord& params, bool include_archived, int64_t now_us,
    const Access* access) {
  if (absl::StripAsciiWhitespace(filter).empty()) {
    return std::optional<store::Condition>();
  }
  std::string key = absl::StrCat(target == QueryTarget::kCustomers ? "c" : "e",
                                 include_archived ? "a" : "-", filter);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    // A filter that does not parse is not kept: it fails the same way again.
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<query::Expr> parsed,
                         query::Parse(filter));
    if (entries_.size() >= kMaxEntries) entries_.clear();
    it = entries_.emplace(std::move(key), Entry{std::move(parsed), {}}).first;
  }
  const query::Expr& parsed = *it->second.parsed;
  if (access != nullptr) {
    CRM_RETURN_IF_ERROR(
        CheckFilterAccess(*access, schema, target, parsed, include_archived));
  }
  if (it->second.constant.has_value()) {
    return std::optional<store::Condition>(*it->second.constant);
  }
  CRM_ASSIGN_OR_RETURN(store::Condition condition,
                       CheckParsedFilter(schema, target, parsed, params,
                                         include_archived, now_us));
  if (IsConstantFilter(parsed)) it->second.constant = condition;
  return std::optional<store::Condition>(std::move(condition));
}

}  // namespace crm::core
