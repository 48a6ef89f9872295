#include "core/duplicates/candidates.h"

#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "core/duplicates/match_key_store.h"
#include "core/duplicates/match_keys.h"
#include "core/record_scope.h"
#include "core/schema.h"

namespace crm::core::duplicates {
namespace {

// A key held by more customers than this finds none (crm.h "Duplicates").
constexpr int64_t kMaxHoldersPerKey = 1000;

// A stored value as a rule compares it: text folded as names are, other
// types in their stored text; "" for none.
std::string ComparedText(const Field* field, const store::SqlValue& value) {
  if (const std::string* text = std::get_if<std::string>(&value)) {
    if (field != nullptr && (field->type() == FieldType::kText ||
                             field->type() == FieldType::kLongText)) {
      return FoldText(*text);
    }
    return *text;
  }
  if (const int64_t* integer = std::get_if<int64_t>(&value)) {
    return std::to_string(*integer);
  }
  if (const double* real = std::get_if<double>(&value)) {
    return absl::StrCat(*real);
  }
  return "";
}

std::vector<MatchKey> KeysOfRows(std::vector<store::MatchKeyRow> rows) {
  std::vector<MatchKey> keys;
  keys.reserve(rows.size());
  for (store::MatchKeyRow& row : rows) {
    if (row.kind <= 0 || row.kind >= kKeyKindCount) continue;
    keys.push_back({static_cast<KeyKind>(row.kind), std::move(row.key)});
  }
  return keys;
}

// What the rules compare of a stored customer: the fields `rules` compare,
// with "kind" first; the columns to read and the fields, aligned.
struct ComparedColumns {
  std::vector<std::string> columns;
  std::vector<const Field*> fields;  // null where the field is not stored
};

ComparedColumns ColumnsOf(const Schema& schema, const RuleSet& rules) {
  ComparedColumns out;
  auto add = [&](const std::string& name) {
    const Field* field = schema.Find(name);
    bool stored = false;
    for (const Field* candidate : schema.stored_fields()) {
      stored = stored || candidate == field;
    }
    out.fields.push_back(stored ? field : nullptr);
    out.columns.push_back(stored ? field->column() : std::string());
  };
  add("kind");
  for (const std::string& name : rules.fields()) add(name);
  return out;
}

const store::SqlValue* ValueInRow(const Schema& schema, const Field* field,
                                  const std::vector<store::SqlValue>& row) {
  const std::vector<const Field*>& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size() && i < row.size(); ++i) {
    if (fields[i] == field) return &row[i];
  }
  return nullptr;
}

}  // namespace

bool ChangesComparedField(const Schema& schema,
                          const std::vector<const Field*>& fields) {
  const RuleSet& rules = schema.duplicate_rules();
  if (rules.empty()) return false;
  for (const Field* field : fields) {
    const std::string& name = field->name();
    if (name == "kind" || name == "name" || name == "email" ||
        name == "phone" || name == "company") {
      return true;
    }
    for (const std::string& compared : rules.fields()) {
      if (compared == name) return true;
    }
  }
  return false;
}

bool AnyRuleActsOn(const RuleSet& rules, Operation operation) {
  for (const DuplicateRule& rule : rules.rules()) {
    if (rule.action(operation) != Action::kAllow) return true;
  }
  return false;
}

absl::StatusOr<std::vector<Candidate>> FindCandidates(
    Session& session, const RuleSet& rules,
    const std::vector<store::SqlValue>& row, int64_t exclude_id) {
  std::vector<Candidate> candidates;
  if (rules.empty()) return candidates;
  const Schema& schema = session.schema();
  KeySource source = KeySourceOfRow(schema, row);
  std::vector<store::MatchKeyRow> key_rows = MatchKeyRows(schema, source);
  std::vector<KeyKind> kinds = rules.FindingKinds();
  std::vector<store::MatchKeyRow> finding;
  for (const store::MatchKeyRow& key : key_rows) {
    for (KeyKind kind : kinds) {
      if (key.kind == static_cast<int>(kind)) finding.push_back(key);
    }
  }
  if (finding.empty()) return candidates;
  CRM_ASSIGN_OR_RETURN(std::vector<store::MatchKeyHolder> holders,
                       session.backend().FindMatchKeyHolders(
                           finding, exclude_id, kMaxHoldersPerKey));
  if (holders.empty()) return candidates;

  ComparedColumns compared = ColumnsOf(schema, rules);
  std::vector<MatchKey> own_keys;
  for (const store::MatchKeyRow& key : key_rows) {
    own_keys.push_back({static_cast<KeyKind>(key.kind), key.key});
  }
  std::vector<std::string> own_fields;
  for (size_t i = 1; i < compared.fields.size(); ++i) {
    const Field* field = compared.fields[i];
    const store::SqlValue* value =
        field == nullptr ? nullptr : ValueInRow(schema, field, row);
    own_fields.push_back(value ? ComparedText(field, *value) : "");
  }
  PairSide own;
  own.id = exclude_id;
  own.is_company = source.kind == "company";
  SetSideKeys(own_keys, &own);
  own.fields = &own_fields;

  std::vector<std::string> columns;
  for (const std::string& column : compared.columns) {
    if (!column.empty()) columns.push_back(column);
  }
  // Every holder's values and keys in one read (one round trip on a
  // server, however many customers share a switchboard's number).
  std::vector<int64_t> ids;
  for (const store::MatchKeyHolder& holder : holders) {
    if (ids.empty() || ids.back() != holder.customer_id) {
      ids.push_back(holder.customer_id);
    }
  }
  CRM_ASSIGN_OR_RETURN(std::vector<store::MatchSubject> subjects,
                       session.backend().SelectMatchSubjects(columns, ids));
  for (store::MatchSubject& subject : subjects) {
    const store::CustomerRow& stored = subject.row;
    std::vector<MatchKey> holder_keys = KeysOfRows(std::move(subject.keys));
    std::vector<std::string> holder_fields;
    std::string kind;
    size_t next = 0;
    for (size_t i = 0; i < compared.fields.size(); ++i) {
      std::string text;
      if (!compared.columns[i].empty() && next < stored.values.size()) {
        text = i == 0 ? ComparedText(nullptr, stored.values[next])
                      : ComparedText(compared.fields[i], stored.values[next]);
        ++next;
      }
      if (i == 0) {
        kind = std::move(text);
      } else {
        holder_fields.push_back(std::move(text));
      }
    }
    PairSide other;
    other.id = stored.id;
    other.is_company = kind == "company";
    SetSideKeys(holder_keys, &other);
    other.fields = &holder_fields;
    std::optional<Match> match = rules.Best(own, other);
    if (match) candidates.push_back({stored.id, *std::move(match)});
  }
  RankCandidates(&candidates);
  return candidates;
}

absl::StatusOr<std::vector<Candidate>> InScopeCandidates(
    Session& session, std::vector<Candidate> candidates) {
  std::vector<Candidate> kept;
  for (Candidate& candidate : candidates) {
    CRM_ASSIGN_OR_RETURN(bool outside, OutsideViewScope(session, candidate.id));
    if (!outside) kept.push_back(std::move(candidate));
  }
  return kept;
}

absl::Status CheckDuplicates(Session& session, Operation operation,
                             const std::vector<store::SqlValue>& row,
                             int64_t exclude_id,
                             std::vector<Candidate>* warnings) {
  const RuleSet& all = session.schema().duplicate_rules();
  if (!AnyRuleActsOn(all, operation)) return absl::OkStatus();
  RuleSet blocking = all.WithAction(operation, Action::kBlock);
  if (!blocking.empty()) {
    CRM_ASSIGN_OR_RETURN(std::vector<Candidate> blocked,
                         FindCandidates(session, blocking, row, exclude_id));
    if (!blocked.empty()) {
      std::string rule = blocked.front().match.rule;
      CRM_ASSIGN_OR_RETURN(blocked,
                           InScopeCandidates(session, std::move(blocked)));
      std::vector<std::string> ids;
      for (const Candidate& candidate : blocked) {
        ids.push_back(std::to_string(candidate.id));
      }
      std::string message =
          absl::StrCat("duplicate rule '", rule, "' blocks this ",
                       OperationName(operation), ": ",
                       ids.empty() ? std::string("it matches a customer")
                                   : absl::StrCat("it matches customer",
                                                  ids.size() > 1 ? "s " : " ",
                                                  absl::StrJoin(ids, ", ")));
      return WithCandidates(
          MakeError(ErrorCode::kDuplicate, message, rule, Rule::kDuplicate),
          CandidatesToJson(blocked));
    }
  }
  RuleSet warning = all.WithAction(operation, Action::kWarn);
  if (warning.empty() || warnings == nullptr) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(std::vector<Candidate> found,
                       FindCandidates(session, warning, row, exclude_id));
  CRM_ASSIGN_OR_RETURN(*warnings, InScopeCandidates(session, std::move(found)));
  return absl::OkStatus();
}

}  // namespace crm::core::duplicates
