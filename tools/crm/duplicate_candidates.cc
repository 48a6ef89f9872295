#include "duplicate_candidates.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace crm::cli {

std::string CandidatesText(const char* json) {
  if (json == nullptr) return "";
  nlohmann::json candidates =
      nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!candidates.is_array()) return "";
  std::string text;
  for (const nlohmann::json& candidate : candidates) {
    if (!candidate.is_object()) continue;
    if (!text.empty()) text += ", ";
    text += candidate.value("id", nlohmann::json(0)).dump();
    char score[32];
    std::snprintf(score, sizeof score, "%.2f", candidate.value("score", 0.0));
    text += std::string(" (score ") + score + ", rule " +
            candidate.value("rule", std::string()) + ")";
  }
  return text;
}

void WarnCandidates(const std::string& what, const char* json) {
  std::string text = CandidatesText(json);
  if (text.empty()) return;
  std::cerr << "crm: warning: possible duplicates (" << what << "): " << text
            << "\n";
}

}  // namespace crm::cli
