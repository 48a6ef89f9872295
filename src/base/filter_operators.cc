#include "base/filter_operators.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace crm {

const std::string& ListedFilterOperators() {
  static const std::string* const listed = [] {
    auto* text = new std::string;
    for (const FilterOperator& row : kFilterOperators) {
      if (row.listed)
        absl::StrAppend(text, text->empty() ? "" : ", ", row.name);
    }
    return text;
  }();
  return *listed;
}

}  // namespace crm
