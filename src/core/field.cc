#include "core/field.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/string_list.h"
#include "core/time_text.h"
#include "re2/re2.h"

namespace crm::core {
namespace {

constexpr size_t kMaxNameBytes = 48;
constexpr size_t kMaxLabelBytes = 255;
constexpr size_t kMaxDescriptionBytes = 4096;
constexpr size_t kMaxGroupBytes = 64;
constexpr size_t kMaxOptions = 1000;
constexpr size_t kMaxListItems = 1000;
constexpr size_t kMaxPatternBytes = 1024;

absl::Status DefinitionError(absl::string_view field, Rule rule,
                             absl::string_view message) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("field '", field, "': ", message), field, rule);
}

// "an integer", "a text".
std::string Article(absl::string_view noun) {
  bool vowel = !noun.empty() && absl::StrContains("aeiou", noun[0]);
  return absl::StrCat(vowel ? "an " : "a ", noun);
}

std::string Shown(absl::string_view text) {
  return text.size() <= 64 ? std::string(text)
                           : absl::StrCat(text.substr(0, 61), "...");
}

bool IsEmail(absl::string_view text) {
  size_t at = text.find('@');
  if (at == absl::string_view::npos || at == 0 || at > 64 ||
      text.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view domain = text.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (domain.empty() || dot == absl::string_view::npos || dot == 0 ||
      dot + 1 == domain.size() || absl::StrContains(domain, "..")) {
    return false;
  }
  return std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ';' ||
           c == '<' || c == '>' || c == '(' || c == ')' || c == '"';
  });
}

bool IsPhone(absl::string_view text) {
  int digits = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!absl::StrContains(" +-()./x", c)) {
      return false;
    }
  }
  return digits >= 3;
}

bool IsUrl(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(text.substr(0, 8));
  size_t host_start = absl::StartsWith(lower, "https://")  ? 8
                      : absl::StartsWith(lower, "http://") ? 7
                                                           : 0;
  if (host_start == 0 || text.size() == host_start) return false;
  if (text[host_start] == '/' || text[host_start] == ':') return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ';
  });
}

// A comparable number for a bound of a numeric field, parsed from its text.
absl::StatusOr<int64_t> ParseBound(FieldType type, int scale,
                                   const std::string& text) {
  switch (type) {
    case FieldType::kInteger:
      return ParseDecimal(text, 0);
    case FieldType::kDecimal:
      return ParseDecimal(text, scale);
    case FieldType::kDateTime:
      return ParseDateTime(text);
    default:
      return MakeError(ErrorCode::kValidation, "no bounds for this type");
  }
}

absl::Status CheckOptions(const wire::FieldDefinition& definition,
                          FieldType type) {
  const std::string& name = definition.name();
  bool takes_options =
      type == FieldType::kChoice || type == FieldType::kMultiChoice;
  if (!takes_options) {
    if (definition.options_size() > 0) {
      return DefinitionError(name, Rule::kOptions,
                             absl::StrCat(Article(FieldTypeName(type)),
                                          " field takes no options"));
    }
    return absl::OkStatus();
  }
  if (definition.options_size() == 0) {
    return DefinitionError(name, Rule::kOptions,
                           "a choice field needs at least one option");
  }
  if (static_cast<size_t>(definition.options_size()) > kMaxOptions) {
    return DefinitionError(name, Rule::kOptions,
                           absl::StrCat("at most ", kMaxOptions, " options"));
  }
  std::set<absl::string_view> seen;
  for (const std::string& option : definition.options()) {
    if (option.empty() || option.size() > MaxValueBytes(type) ||
        !TextProblem(option).empty()) {
      return DefinitionError(name, Rule::kOptions,
                             absl::StrCat("option '", Shown(option),
                                          "' must be 1 to 255 bytes of UTF-8"));
    }
    if (!seen.insert(option).second) {
      return DefinitionError(name, Rule::kOptions,
                             absl::StrCat("option '", option, "' is repeated"));
    }
  }
  return absl::OkStatus();
}

// hold_days: 0 (no hold) or 1 to 36,500, and only for a field that holds a
// value of its own (not the read-only created_at and updated_at).
absl::Status CheckHoldDays(const wire::FieldDefinition& definition) {
  if (definition.hold_days() == 0) return absl::OkStatus();
  if (definition.hold_days() < 0 || definition.hold_days() > kMaxPeriodDays) {
    return DefinitionError(definition.name(), Rule::kHold,
                           "hold_days is 1 to 36,500 (or 0 for no hold)");
  }
  if (definition.read_only()) {
    return DefinitionError(definition.name(), Rule::kHold,
                           "a read-only field holds no value to keep");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckFieldName(absl::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxNameBytes && name[0] >= 'a' &&
            name[0] <= 'z';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    std::string shown =
        TextProblem(name).empty() ? Shown(name) : "(not valid text)";
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("'", shown,
                                  "' is not a valid field name: use 1 to 48 "
                                  "lowercase letters, digits and '_', "
                                  "starting with a letter"),
                     "", Rule::kName);
  }
  if (name == "id" || name == "version" || name == "search") {
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("'", name, "' is reserved"), name,
                     Rule::kName);
  }
  return absl::OkStatus();
}

Field::~Field() = default;

absl::StatusOr<std::shared_ptr<const Field>> Field::Compile(
    wire::FieldDefinition definition, std::string column) {
  CRM_RETURN_IF_ERROR(CheckFieldName(definition.name()));
  const std::string name = definition.name();
  std::optional<FieldType> type = ParseFieldType(definition.type());
  if (!type) {
    return DefinitionError(
        name, Rule::kType,
        absl::StrCat("unknown type '", Shown(definition.type()),
                     "'; use text, long_text, integer, decimal, boolean, "
                     "date, datetime, choice, multi_choice, tags, email, "
                     "phone, url or reference"));
  }
  if (definition.label().empty()) definition.set_label(name);
  struct Limit {
    const std::string* text;
    size_t max;
    const char* key;
    Rule rule;
  };
  for (const Limit& limit :
       {Limit{&definition.label(), kMaxLabelBytes, "label", Rule::kLabel},
        Limit{&definition.description(), kMaxDescriptionBytes, "description",
              Rule::kDescription},
        Limit{&definition.group(), kMaxGroupBytes, "group", Rule::kGroup}}) {
    if (limit.text->size() > limit.max || !TextProblem(*limit.text).empty()) {
      return DefinitionError(name, limit.rule,
                             absl::StrCat(limit.key,
                                          " must be UTF-8 of at "
                                          "most ",
                                          limit.max, " bytes"));
    }
  }
  if (definition.scale() != 0 &&
      (*type != FieldType::kDecimal || definition.scale() < 0 ||
       definition.scale() > kMaxDecimalScale)) {
    return DefinitionError(name, Rule::kScale,
                           "scale is 0 to 9, and only for decimal fields");
  }
  CRM_RETURN_IF_ERROR(CheckOptions(definition, *type));
  bool list = IsList(*type);
  bool indexable = !list && *type != FieldType::kLongText;
  if ((definition.unique() || definition.indexed()) && !indexable) {
    return DefinitionError(name,
                           definition.unique() ? Rule::kUnique : Rule::kIndexed,
                           absl::StrCat(Article(FieldTypeName(*type)),
                                        " field cannot be indexed or unique"));
  }
  if (definition.unique() && *type == FieldType::kBoolean) {
    return DefinitionError(name, Rule::kUnique,
                           "a boolean field cannot be unique");
  }
  if (definition.max_length() != 0 &&
      (!(IsTextual(*type) || list) || definition.max_length() < 0 ||
       static_cast<size_t>(definition.max_length()) > MaxValueBytes(*type))) {
    return DefinitionError(name, Rule::kMaxLength,
                           absl::StrCat("max_length is for text fields, 1 to ",
                                        MaxValueBytes(*type), " bytes"));
  }
  CRM_RETURN_IF_ERROR(CheckHoldDays(definition));
  std::shared_ptr<Field> field(
      new Field(std::move(definition), std::move(column), *type));
  const wire::FieldDefinition& def = field->definition_;
  if (!def.pattern().empty()) {
    if (!IsTextual(*type) || def.pattern().size() > kMaxPatternBytes) {
      return DefinitionError(name, Rule::kPattern,
                             "pattern is for text fields, at most 1024 bytes");
    }
    RE2::Options options;
    options.set_log_errors(false);
    field->pattern_ = std::make_unique<RE2>(def.pattern(), options);
    if (!field->pattern_->ok()) {
      return DefinitionError(
          name, Rule::kPattern,
          absl::StrCat("pattern does not compile: ", field->pattern_->error()));
    }
  }
  for (bool is_min : {true, false}) {
    bool present = is_min ? def.has_min() : def.has_max();
    if (!present) continue;
    const std::string& text = is_min ? def.min() : def.max();
    const char* key = is_min ? "min" : "max";
    Rule rule = is_min ? Rule::kMin : Rule::kMax;
    if (*type == FieldType::kDate) {
      absl::Status status = CheckDate(text);
      if (!status.ok()) return DefinitionError(name, rule, status.message());
      continue;
    }
    absl::StatusOr<int64_t> bound = ParseBound(*type, def.scale(), text);
    if (!bound.ok()) {
      return DefinitionError(
          name, rule,
          absl::StrCat(key,
                       " applies to integer, decimal, date and datetime "
                       "fields, written in the field's form: ",
                       bound.status().message()));
    }
    (is_min ? field->min_number_ : field->max_number_) = *bound;
  }
  if (def.has_min() && def.has_max() &&
      (*type == FieldType::kDate ? def.min() > def.max()
                                 : *field->min_number_ > *field->max_number_)) {
    return DefinitionError(name, Rule::kMin, "min is greater than max");
  }
  if (field->has_default()) {
    if (*type == FieldType::kReference) {
      return DefinitionError(name, Rule::kDefaultValue,
                             "a reference field has no default");
    }
    absl::StatusOr<store::SqlValue> stored =
        field->ToStored(ValueFromWire(def.default_value()));
    if (!stored.ok()) {
      return DefinitionError(name, Rule::kDefaultValue,
                             absl::StrCat("the default is not a valid value: ",
                                          stored.status().message()));
    }
  }
  return std::shared_ptr<const Field>(std::move(field));
}

absl::Status Field::Invalid(Rule rule, absl::string_view message) const {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("field '", name(), "': ", message), name(),
                   rule);
}

absl::Status Field::CheckTextPart(absl::string_view what,
                                  absl::string_view text) const {
  return ValidateText(text, name(), [&] {
    return absl::StrCat("field '", name(), "': ", what);
  });
}

absl::Status Field::CheckText(const std::string& text) const {
  CRM_RETURN_IF_ERROR(CheckTextPart("value", text));
  size_t max = definition_.max_length() > 0
                   ? static_cast<size_t>(definition_.max_length())
                   : MaxValueBytes(type_);
  if (text.size() > max) {
    return Invalid(Rule::kMaxLength,
                   absl::StrCat("value has ", text.size(), " bytes; at most ",
                                max, " are allowed"));
  }
  bool form_ok = true;
  const char* form = "";
  switch (type_) {
    case FieldType::kEmail:
      form_ok = IsEmail(text);
      form = "an email address";
      break;
    case FieldType::kPhone:
      form_ok = IsPhone(text);
      form = "a phone number";
      break;
    case FieldType::kUrl:
      form_ok = IsUrl(text);
      form = "an http or https URL";
      break;
    case FieldType::kChoice:
      CRM_RETURN_IF_ERROR(CheckOption(text));
      break;
    default:
      break;
  }
  if (!form_ok) {
    return Invalid(Rule::kFormat,
                   absl::StrCat("'", Shown(text), "' is not ", form));
  }
  if (pattern_ && !RE2::FullMatch(text, *pattern_)) {
    return Invalid(Rule::kPattern, absl::StrCat("'", Shown(text),
                                                "' does not match the pattern ",
                                                definition_.pattern()));
  }
  return absl::OkStatus();
}

absl::Status Field::CheckList(const std::vector<std::string>& items) const {
  if (items.size() > kMaxListItems) {
    return Invalid(Rule::kMaxItems,
                   absl::StrCat("at most ", kMaxListItems, " items"));
  }
  std::set<absl::string_view> seen;
  for (const std::string& item : items) {
    CRM_RETURN_IF_ERROR(CheckTextPart("an item", item));
    size_t max = definition_.max_length() > 0
                     ? static_cast<size_t>(definition_.max_length())
                     : MaxValueBytes(type_);
    if (item.empty() || item.size() > max) {
      return Invalid(Rule::kMaxLength,
                     absl::StrCat("items must be 1 to ", max, " bytes"));
    }
    CRM_RETURN_IF_ERROR(CheckOption(item));
    if (!seen.insert(item).second) {
      return Invalid(Rule::kDistinct,
                     absl::StrCat("'", Shown(item), "' is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status Field::CheckBounds(int64_t comparable,
                                absl::FunctionRef<std::string()> shown) const {
  if (min_number_ && comparable < *min_number_) {
    return Invalid(
        Rule::kMin,
        absl::StrCat(shown(), " is less than the minimum ", definition_.min()));
  }
  if (max_number_ && comparable > *max_number_) {
    return Invalid(Rule::kMax,
                   absl::StrCat(shown(), " is greater than the maximum ",
                                definition_.max()));
  }
  return absl::OkStatus();
}

absl::Status Field::CheckDateBounds(const std::string& date) const {
  if (definition_.has_min() && date < definition_.min()) {
    return Invalid(Rule::kMin, absl::StrCat(date, " is before the minimum ",
                                            definition_.min()));
  }
  if (definition_.has_max() && date > definition_.max()) {
    return Invalid(Rule::kMax, absl::StrCat(date, " is after the maximum ",
                                            definition_.max()));
  }
  return absl::OkStatus();
}

absl::Status Field::CheckOption(const std::string& text) const {
  if (type_ != FieldType::kChoice && type_ != FieldType::kMultiChoice) {
    return absl::OkStatus();
  }
  if (std::find(definition_.options().begin(), definition_.options().end(),
                text) != definition_.options().end()) {
    return absl::OkStatus();
  }
  return Invalid(Rule::kOptions,
                 absl::StrCat("'", Shown(text), "' is not one of the options (",
                              absl::StrJoin(definition_.options(), ", "), ")"));
}

absl::StatusOr<store::SqlValue> Field::ToStored(const Value& value) const {
  return Convert(value, true);
}

absl::StatusOr<store::SqlValue> Field::ToComparable(const Value& value) const {
  return Convert(value, false);
}

absl::StatusOr<store::SqlValue> Field::Convert(const Value& value,
                                               bool check_rules) const {
  if (value.kind == ValueKind::kNull) return store::SqlValue();
  ValueKind expected = ValueKindOf(type_);
  if (expected == ValueKind::kDecimal && value.kind == ValueKind::kInteger) {
    // Integers are exact: 100 is the decimal 100.
    return Convert(Value::Decimal(std::to_string(value.integer)), check_rules);
  }
  if (value.kind != expected) {
    return Invalid(
        Rule::kType,
        absl::StrCat(Article(FieldTypeName(type_)), " field takes ",
                     Article(ValueKindName(expected)), " value, not ",
                     Article(ValueKindName(value.kind)), " value"));
  }
  switch (expected) {
    case ValueKind::kText:
      CRM_RETURN_IF_ERROR(check_rules ? CheckText(value.text)
                                      : CheckTextPart("value", value.text));
      return store::SqlValue(value.text);
    case ValueKind::kInteger:
      if (!check_rules) return store::SqlValue(value.integer);
      if (type_ == FieldType::kReference && value.integer <= 0) {
        return Invalid(Rule::kReference, "a reference is a customer id (> 0)");
      }
      CRM_RETURN_IF_ERROR(CheckBounds(
          value.integer, [&] { return std::to_string(value.integer); }));
      return store::SqlValue(value.integer);
    case ValueKind::kDecimal: {
      absl::StatusOr<int64_t> scaled =
          ParseDecimal(value.text, definition_.scale());
      if (!scaled.ok()) {
        return Invalid(RuleIdOf(scaled.status()), scaled.status().message());
      }
      if (check_rules) {
        CRM_RETURN_IF_ERROR(
            CheckBounds(*scaled, [&] { return Shown(value.text); }));
      }
      return store::SqlValue(*scaled);
    }
    case ValueKind::kBoolean:
      return store::SqlValue(int64_t{value.integer != 0 ? 1 : 0});
    case ValueKind::kDate: {
      absl::Status status = CheckDate(value.text);
      if (!status.ok()) return Invalid(Rule::kFormat, status.message());
      if (check_rules) CRM_RETURN_IF_ERROR(CheckDateBounds(value.text));
      return store::SqlValue(value.text);
    }
    case ValueKind::kDateTime: {
      absl::Status status = CheckDateTime(value.integer);
      if (!status.ok()) return Invalid(Rule::kRange, status.message());
      if (check_rules) {
        CRM_RETURN_IF_ERROR(CheckBounds(
            value.integer, [&] { return FormatDateTime(value.integer); }));
      }
      return store::SqlValue(value.integer);
    }
    case ValueKind::kList:
      if (check_rules) CRM_RETURN_IF_ERROR(CheckList(value.list));
      return store::SqlValue(EncodeStringList(value.list));
    case ValueKind::kNull:
      break;
  }
  return store::SqlValue();
}

absl::StatusOr<Value> Field::FromStored(const store::SqlValue& stored) const {
  if (store::IsNull(stored)) return Value::Null();
  const int64_t* number = std::get_if<int64_t>(&stored);
  const std::string* text = std::get_if<std::string>(&stored);
  switch (ValueKindOf(type_)) {
    case ValueKind::kText:
      if (text) return Value::Text(*text);
      break;
    case ValueKind::kInteger:
      if (number) return Value::Integer(*number);
      break;
    case ValueKind::kDecimal:
      if (number) {
        return Value::Decimal(FormatDecimal(*number, definition_.scale()));
      }
      break;
    case ValueKind::kBoolean:
      if (number) return Value::Boolean(*number != 0);
      break;
    case ValueKind::kDate:
      if (text) return Value::Date(*text);
      break;
    case ValueKind::kDateTime:
      if (number) return Value::DateTime(*number);
      break;
    case ValueKind::kList:
      if (text) {
        absl::StatusOr<std::vector<std::string>> items =
            DecodeStringList(*text);
        if (!items.ok()) return WithField(items.status(), name());
        return Value::List(*std::move(items));
      }
      break;
    case ValueKind::kNull:
      break;
  }
  return DamagedValue(
      absl::StrCat("field '", name(), "' holds a value of another type"),
      name());
}

}  // namespace crm::core
