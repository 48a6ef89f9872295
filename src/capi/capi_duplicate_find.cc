// crm.h "Duplicates": crm_duplicates_find and its options.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "capi/capi_support.h"
#include "core/duplicates/duplicate_scan.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckOptionalText;
using crm::capi::Out;
namespace duplicates = crm::core::duplicates;

namespace {

// The size of crm_duplicate_find_options in its first release (0.3.0).
constexpr uint32_t kFirstFindOptionsSize = sizeof(crm_duplicate_find_options);

// The rules `names` (comma-separated; NULL or "" for every rule) picks.
absl::StatusOr<duplicates::RuleSet> RulesNamed(const duplicates::RuleSet& all,
                                               const char* names) {
  if (names == nullptr || names[0] == '\0') return all;
  std::vector<std::string> wanted;
  for (absl::string_view name : absl::StrSplit(names, ',')) {
    wanted.emplace_back(absl::StripAsciiWhitespace(name));
  }
  std::string unknown;
  std::optional<duplicates::RuleSet> named = all.Named(wanted, &unknown);
  if (!named) {
    return MakeError(
        ErrorCode::kNotFound,
        "options->rules: no duplicate rule named \"" + unknown + "\"", unknown,
        Rule::kDuplicate);
  }
  return *std::move(named);
}

}  // namespace

extern "C" {

int crm_duplicate_find_options_init(crm_duplicate_find_options* options,
                                    size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(
        options, struct_size,
        crm_duplicate_find_options(CRM_DUPLICATE_FIND_OPTIONS_INIT),
        kFirstFindOptionsSize);
  });
}

int crm_duplicates_find(char** out_json, crm_db* db,
                        const crm_duplicate_find_options* options) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        CRM_RETURN_IF_ERROR(CheckDb(db));
        CRM_RETURN_IF_ERROR(crm::capi::DenyOnView(db, "crm_duplicates_find"));
        CRM_ASSIGN_OR_RETURN(
            crm_duplicate_find_options given,
            crm::capi::ReadOptions(
                options,
                crm_duplicate_find_options(CRM_DUPLICATE_FIND_OPTIONS_INIT),
                kFirstFindOptionsSize, "CRM_DUPLICATE_FIND_OPTIONS_INIT"));
        CRM_RETURN_IF_ERROR(CheckOptionalText(given.rules, Rule::kRules));
        if (given.after_id < 0) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "options->after_id must be 0 or more", "",
                           Rule::kAfterId);
        }
        if (given.page_customers < 0) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "options->page_customers must be 0 or more", "",
                           Rule::kPageCustomers);
        }
        duplicates::ScanRequest request;
        request.after_id = given.after_id;
        request.page_customers = given.page_customers;
        request.progress =
            crm::capi::ProgressOf(given.progress, given.progress_context);
        return crm::capi::OnDb(
            db, crm::store::ScopeKind::kRead,
            [&](crm::core::Session& session) -> absl::StatusOr<std::string> {
              CRM_ASSIGN_OR_RETURN(
                  duplicates::RuleSet rules,
                  RulesNamed(session.schema().duplicate_rules(), given.rules));
              std::unique_ptr<duplicates::ScanSource> source =
                  duplicates::SessionScanSource(session);
              CRM_ASSIGN_OR_RETURN(
                  duplicates::ScanResult result,
                  duplicates::ScanDuplicates(*source, rules, request));
              return duplicates::ScanResultToJson(result);
            });
      });
}

}  // extern "C"
