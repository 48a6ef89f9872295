#include "store/postgres/column_index.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres {
namespace {

constexpr absl::string_view kIndexPrefix = "crm_ix_";

// The workspace and column a ColumnIndexName() names.
bool ParseIndexName(absl::string_view name, int64_t* workspace_id,
                    absl::string_view* column) {
  if (!absl::ConsumePrefix(&name, kIndexPrefix)) return false;
  size_t separator = name.find('_');
  if (separator == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(0, separator), workspace_id) ||
      *workspace_id <= 0 ||
      name.substr(0, separator) != absl::StrCat(*workspace_id)) {
    return false;
  }
  *column = name.substr(separator + 1);
  return CheckColumnName(*column).ok();
}

}  // namespace

std::string ValueExpression(absl::string_view column) {
  return absl::StrCat("(data -> '", column, "')");
}

std::string NoCaseExpression(absl::string_view column) {
  return absl::StrCat("lower((data ->> '", column, "') COLLATE \"C\")");
}

std::string ColumnIndexName(int64_t workspace_id, absl::string_view column) {
  return absl::StrCat(kIndexPrefix, workspace_id, "_", column);
}

std::string ColumnStatisticsName(int64_t workspace_id,
                                 absl::string_view column) {
  return absl::StrCat("crm_st_", workspace_id, "_", column);
}

std::string ColumnStatisticsSql(int64_t workspace_id, absl::string_view column,
                                ColumnIndex index) {
  return absl::StrCat(
      "CREATE STATISTICS ", ColumnStatisticsName(workspace_id, column), " ON (",
      index == ColumnIndex::kUniqueNoCase ? NoCaseExpression(column)
                                          : ValueExpression(column),
      ") FROM crm_customers");
}

std::string ColumnIndexSql(int64_t workspace_id, absl::string_view column,
                           ColumnIndex index) {
  return absl::StrCat(
      "CREATE ", index == ColumnIndex::kPlain ? "" : "UNIQUE ", "INDEX ",
      ColumnIndexName(workspace_id, column), " ON crm_customers (",
      index == ColumnIndex::kUniqueNoCase ? NoCaseExpression(column)
                                          : ValueExpression(column),
      // The value leads: PostgreSQL drops a query's `workspace_id = N` as
      // implied by the predicate, so a leading workspace_id would make
      // every lookup scan the whole index. workspace_id is still a key
      // column, as Citus wants of unique indexes. The predicate's literal
      // is a bigint, as the queries compare: with an int4 one the planner
      // cannot prove that a query's rows are in the index.
      ", workspace_id) WHERE workspace_id = '", workspace_id, "'::bigint");
}

std::optional<std::string> ColumnIndexSqlFor(absl::string_view name,
                                             absl::string_view definition) {
  int64_t workspace_id = 0;
  absl::string_view column;
  if (!ParseIndexName(name, &workspace_id, &column)) return std::nullopt;
  ColumnIndex index = ColumnIndex::kPlain;
  if (absl::StartsWith(definition, "CREATE UNIQUE INDEX")) {
    index = absl::StrContains(definition, "lower(") ? ColumnIndex::kUniqueNoCase
                                                    : ColumnIndex::kUnique;
  }
  return ColumnIndexSql(workspace_id, column, index);
}

std::string ColumnOfUniqueIndex(absl::string_view name) {
  if (name == "crm_customers_email") return "email";
  if (name == "crm_customers_external_id") return "external_id";
  int64_t workspace_id = 0;
  absl::string_view column;
  if (!ParseIndexName(name, &workspace_id, &column)) return "";
  return std::string(column);
}

}  // namespace crm::store::postgres
