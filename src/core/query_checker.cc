#include "core/query_checker.h"

#include <cstdio>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/error.h"
#include "base/filter_operators.h"
#include "core/time_text.h"
#include "query/parser.h"

namespace crm::core {
namespace {

using query::Expr;
using query::Op;
using query::Operand;
using store::Compare;
using store::Condition;

struct EventAttribute {
  const char* name;
  const char* column;
  FieldType type;
  bool interned;
};

constexpr EventAttribute kEventAttributes[] = {
    {"seq", "seq", FieldType::kInteger, false},
    {"customer_id", "customer_id", FieldType::kReference, false},
    {"type", "type_id", FieldType::kText, true},
    {"channel", "channel_id", FieldType::kText, true},
    {"actor", "actor_id", FieldType::kText, true},
    {"source", "source_id", FieldType::kText, true},
    {"idempotency_key", "idempotency_key", FieldType::kText, false},
    {"occurred_at", "occurred_at", FieldType::kDateTime, false},
    {"recorded_at", "recorded_at", FieldType::kDateTime, false},
};

absl::Status At(absl::Status status, size_t position) {
  return WithPosition(std::move(status), static_cast<int64_t>(position));
}

// SQLite refuses LIKE patterns over 50,000 bytes; icontains, istarts with
// and iends with escape their text into one up to twice as long.
constexpr size_t kMaxCaseInsensitiveText = 10000;

absl::Status Unsupported(const QueryField& field, Op op, size_t position) {
  return At(
      MakeError(ErrorCode::kValidation,
                absl::StrCat("filter, at byte ", position, ": field '",
                             field.name, "' (", FieldTypeName(field.type),
                             ") does not support '", FilterOpName(op), "'"),
                field.name, Rule::kOperator),
      position);
}

// Whether an operator for `fields` applies to a field holding `kind`.
bool Applies(FilterFields fields, ValueKind kind) {
  switch (fields) {
    case FilterFields::kAny:
      return true;
    case FilterFields::kScalar:
      return kind != ValueKind::kList;
    case FilterFields::kOrdered:
      return kind != ValueKind::kList && kind != ValueKind::kBoolean;
    case FilterFields::kText:
      return kind == ValueKind::kText;
    case FilterFields::kList:
      return kind == ValueKind::kList;
    case FilterFields::kTemporal:
      return kind == ValueKind::kDate || kind == ValueKind::kDateTime;
    case FilterFields::kSearch:
      break;
  }
  return false;
}

// The value an operand stands for, typed for `field`.
absl::StatusOr<Value> OperandValue(const QueryField& field,
                                   const Operand& operand,
                                   const CustomerRecord& params) {
  auto type_error = [&](absl::string_view what) {
    return At(MakeError(ErrorCode::kValidation,
                        absl::StrCat("filter, at byte ", operand.position,
                                     ": field '", field.name, "' (",
                                     FieldTypeName(field.type),
                                     ") cannot be compared with ", what),
                        field.name, Rule::kType),
              operand.position);
  };
  ValueKind kind = ValueKindOf(field.type);
  switch (operand.kind) {
    case Operand::Kind::kParameter: {
      const Value* value = params.Get(operand.text);
      if (value == nullptr || value->kind == ValueKind::kNull) {
        return At(MakeError(ErrorCode::kInvalidArgument,
                            absl::StrCat("filter, at byte ", operand.position,
                                         ": parameter '", operand.text,
                                         "' has no value"),
                            operand.text, Rule::kParameter),
                  operand.position);
      }
      return *value;
    }
    case Operand::Kind::kBoolean:
      if (kind != ValueKind::kBoolean) return type_error("true or false");
      return Value::Boolean(operand.boolean);
    case Operand::Kind::kNumber:
      if (kind == ValueKind::kInteger || kind == ValueKind::kDateTime) {
        int64_t number = 0;
        if (!absl::SimpleAtoi(operand.text, &number)) {
          return type_error("a number that is not a whole number");
        }
        return kind == ValueKind::kInteger ? Value::Integer(number)
                                           : Value::DateTime(number);
      }
      if (kind == ValueKind::kDecimal) return Value::Decimal(operand.text);
      return type_error("a number");
    case Operand::Kind::kString:
      switch (kind) {
        case ValueKind::kText:
        case ValueKind::kList:
          return Value::Text(operand.text);
        case ValueKind::kDecimal:
          return Value::Decimal(operand.text);
        case ValueKind::kDate:
          return Value::Date(operand.text);
        case ValueKind::kDateTime: {
          absl::StatusOr<int64_t> us = ParseDateTime(operand.text);
          if (!us.ok()) us = DateToDateTime(operand.text);
          if (!us.ok()) return type_error("text that is not a date or time");
          return Value::DateTime(*us);
        }
        default:
          return type_error("text");
      }
    case Operand::Kind::kSpan:
      break;
  }
  return type_error("a span of time");
}

// The stored form of an operand for comparisons.
absl::StatusOr<store::SqlValue> Comparable(const QueryField& field,
                                           const Operand& operand,
                                           const CustomerRecord& params) {
  CRM_ASSIGN_OR_RETURN(Value value, OperandValue(field, operand, params));
  absl::StatusOr<store::SqlValue> stored;
  if (field.field != nullptr) {
    stored = field.field->ToComparable(value);
    // A value no record can hold matches nothing: a misspelt option is an
    // error, not an empty answer.
    if (stored.ok() && value.kind == ValueKind::kText) {
      absl::Status option = field.field->CheckOption(value.text);
      if (!option.ok()) stored = option;
    }
  } else if (value.kind == ValueKindOf(field.type)) {
    stored = value.kind == ValueKind::kText ? store::SqlValue(value.text)
                                            : store::SqlValue(value.integer);
  } else {
    stored = MakeError(ErrorCode::kValidation,
                       absl::StrCat("field '", field.name, "' takes ",
                                    ValueKindName(ValueKindOf(field.type)),
                                    " values, not ", ValueKindName(value.kind)),
                       field.name, Rule::kType);
  }
  if (!stored.ok()) {
    return At(MakeError(CodeOf(stored.status()),
                        absl::StrCat("filter, at byte ", operand.position, ": ",
                                     stored.status().message()),
                        field.name, RuleIdOf(stored.status())),
              operand.position);
  }
  return stored;
}

// Text operands for contains/starts/ends/has.
absl::StatusOr<std::string> TextOperand(const QueryField& field,
                                        const Operand& operand,
                                        const CustomerRecord& params) {
  CRM_ASSIGN_OR_RETURN(Value value, OperandValue(field, operand, params));
  if (value.kind != ValueKind::kText || value.text.empty()) {
    return At(MakeError(ErrorCode::kValidation,
                        absl::StrCat("filter, at byte ", operand.position,
                                     ": expected non-empty text"),
                        field.name, Rule::kType),
              operand.position);
  }
  return value.text;
}

}  // namespace

absl::StatusOr<std::string> FullTextQuery(const std::string& text) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    bool prefix = absl::EndsWith(word, "*");
    if (prefix) word.remove_suffix(1);
    std::string quoted;
    for (char c : word) {
      if (c == '"') {
        quoted += "\"\"";
      } else if (c != '*') {
        quoted.push_back(c);
      }
    }
    if (quoted.empty()) continue;
    absl::StrAppend(&out, out.empty() ? "" : " ", "\"", quoted, "\"",
                    prefix ? "*" : "");
  }
  if (out.empty()) {
    return MakeError(ErrorCode::kValidation,
                     "a full-text search needs at least one word", "search",
                     Rule::kType);
  }
  return out;
}

namespace {

// [start, end) of a relative span, in UTC.
struct Range {
  absl::CivilSecond start, end;
};

absl::StatusOr<Range> SpanRange(const Operand& span, int64_t now_us) {
  absl::CivilSecond now =
      absl::ToCivilSecond(absl::FromUnixMicros(now_us), absl::UTCTimeZone());
  absl::CivilDay today(now);
  const std::string& unit = span.span_unit;
  int64_t n = span.span_count;
  // The start of the unit containing `day`, and stepping by units.
  auto unit_start = [&](absl::CivilDay day) -> absl::CivilSecond {
    if (unit == "day") return absl::CivilSecond(day);
    if (unit == "week") {
      int back = (static_cast<int>(absl::GetWeekday(day)) + 7 -
                  static_cast<int>(absl::Weekday::monday)) %
                 7;
      return absl::CivilSecond(day - back);
    }
    absl::CivilMonth month(day);
    if (unit == "month") return absl::CivilSecond(month);
    if (unit == "quarter") {
      return absl::CivilSecond(
          absl::CivilMonth(month.year(), (month.month() - 1) / 3 * 3 + 1));
    }
    return absl::CivilSecond(absl::CivilYear(day));
  };
  auto step = [&](absl::CivilSecond at, int64_t units) -> absl::CivilSecond {
    if (unit == "day") return absl::CivilSecond(absl::CivilDay(at) + units);
    if (unit == "week")
      return absl::CivilSecond(absl::CivilDay(at) + 7 * units);
    int64_t months = unit == "month"     ? units
                     : unit == "quarter" ? 3 * units
                                         : 12 * units;
    absl::CivilMonth month = absl::CivilMonth(at) + months;
    absl::CivilDay day(month.year(), month.month(), absl::CivilDay(at).day());
    return absl::CivilSecond(day.year(), day.month(), day.day(), at.hour(),
                             at.minute(), at.second());
  };
  const std::string& anchor = span.span_anchor;
  if (anchor == "this") {
    absl::CivilSecond start = unit_start(today);
    return Range{start, step(start, 1)};
  }
  if (anchor == "previous") {
    absl::CivilSecond end = unit_start(today);
    return Range{step(end, -1), end};
  }
  if (anchor == "last") return Range{step(now, -n), now + 1};
  return Range{now, step(now, n) + 1};  // next
}

class Checker {
 public:
  Checker(const Schema& schema, QueryTarget target,
          const CustomerRecord& params, bool include_archived, int64_t now_us)
      : schema_(schema),
        target_(target),
        params_(params),
        include_archived_(include_archived),
        now_us_(now_us) {}

  absl::StatusOr<Condition> Check(const Expr& expr) {
    if (expr.kind != Expr::Kind::kCompare) {
      Condition condition;
      condition.kind = expr.kind == Expr::Kind::kAnd  ? Condition::Kind::kAnd
                       : expr.kind == Expr::Kind::kOr ? Condition::Kind::kOr
                                                      : Condition::Kind::kNot;
      for (const auto& child : expr.children) {
        CRM_ASSIGN_OR_RETURN(Condition checked, Check(*child));
        condition.children.push_back(std::move(checked));
      }
      return condition;
    }
    if (FilterOperatorOf(expr.op).fields == FilterFields::kSearch) {
      return Matches(expr);
    }
    absl::StatusOr<QueryField> field =
        ResolveQueryField(schema_, target_, expr.field, include_archived_);
    if (!field.ok()) return At(field.status(), expr.position);
    CRM_ASSIGN_OR_RETURN(Condition condition, Compare(*field, expr));
    CRM_RETURN_IF_ERROR(CheckPatternLength(*field, expr, condition));
    return condition;
  }

 private:
  // The text of icontains, istarts with and iends with becomes a LIKE
  // pattern, which SQLite bounds.
  static absl::Status CheckPatternLength(const QueryField& field,
                                         const Expr& expr,
                                         const Condition& condition) {
    if (!FilterOperatorOf(expr.op).ignore_case) return absl::OkStatus();
    const std::string* text = std::get_if<std::string>(&condition.values[0]);
    if (text == nullptr || text->size() <= kMaxCaseInsensitiveText) {
      return absl::OkStatus();
    }
    size_t position = expr.operands[0].position;
    return At(MakeError(ErrorCode::kValidation,
                        absl::StrCat("filter, at byte ", position, ": '",
                                     FilterOpName(expr.op), "' takes at most ",
                                     kMaxCaseInsensitiveText,
                                     " bytes of text, not ", text->size()),
                        field.name, Rule::kMaxLength),
              position);
  }

  absl::StatusOr<Condition> Matches(const Expr& expr) {
    if (expr.field != "search" || target_ != QueryTarget::kCustomers) {
      return At(MakeError(ErrorCode::kValidation,
                          absl::StrCat("filter, at byte ", expr.position,
                                       ": full-text search is written "
                                       "'search matches ...' in a customer "
                                       "query"),
                          expr.field, Rule::kOperator),
                expr.position);
    }
    QueryField search{"search", {}, FieldType::kText, nullptr};
    CRM_ASSIGN_OR_RETURN(std::string words,
                         TextOperand(search, expr.operands[0], params_));
    absl::StatusOr<std::string> fts = FullTextQuery(words);
    if (!fts.ok()) return At(fts.status(), expr.operands[0].position);
    Condition condition;
    condition.op = FilterOperatorOf(expr.op).renders_as;
    condition.values.push_back(*fts);
    return condition;
  }

  absl::StatusOr<Condition> Compare(const QueryField& field, const Expr& expr) {
    if (field.property) return PropertyCompare(field, expr);
    const FilterOperator& op = FilterOperatorOf(expr.op);
    if (!Applies(op.fields, ValueKindOf(field.type))) {
      return Unsupported(field, expr.op, expr.position);
    }
    Condition condition;
    condition.column = field.column;
    condition.op = op.renders_as;
    switch (op.fields) {
      case FilterFields::kAny:
        return condition;
      case FilterFields::kScalar:
      case FilterFields::kOrdered:
        return WithComparables(field, expr, std::move(condition));
      case FilterFields::kText: {
        CRM_ASSIGN_OR_RETURN(std::string value,
                             TextOperand(field, expr.operands[0], params_));
        condition.values.push_back(value);
        return condition;
      }
      case FilterFields::kList: {
        std::set<std::string> items;
        for (const Operand& operand : expr.operands) {
          CRM_ASSIGN_OR_RETURN(std::string item,
                               TextOperand(field, operand, params_));
          absl::Status option = field.field != nullptr
                                    ? field.field->CheckOption(item)
                                    : absl::OkStatus();
          if (!option.ok()) return At(option, operand.position);
          items.insert(item);
        }
        for (const std::string& item : items) condition.values.push_back(item);
        return condition;
      }
      case FilterFields::kTemporal:
        return Within(field, expr);
      case FilterFields::kSearch:
        break;
    }
    return Unsupported(field, expr.op, expr.position);
  }

  // An operand as a property value: text as text, numbers as numbers,
  // booleans as 1/0; parameters by the kind of value bound.
  absl::StatusOr<store::SqlValue> PropertyValue(const QueryField& field,
                                                const Operand& operand) {
    auto invalid = [&](absl::string_view what) {
      return At(MakeError(ErrorCode::kValidation,
                          absl::StrCat("filter, at byte ", operand.position,
                                       ": property '", field.name,
                                       "' cannot be compared with ", what),
                          field.name, Rule::kType),
                operand.position);
    };
    auto number =
        [&](const std::string& text) -> absl::StatusOr<store::SqlValue> {
      int64_t integer = 0;
      if (absl::SimpleAtoi(text, &integer)) return store::SqlValue(integer);
      double real = 0;
      if (absl::SimpleAtod(text, &real)) return store::SqlValue(real);
      return invalid("that number");
    };
    switch (operand.kind) {
      case Operand::Kind::kString:
        return store::SqlValue(operand.text);
      case Operand::Kind::kNumber:
        return number(operand.text);
      case Operand::Kind::kBoolean:
        return store::SqlValue(int64_t{operand.boolean ? 1 : 0});
      case Operand::Kind::kParameter: {
        QueryField any = field;
        any.type = FieldType::kText;
        const Value* value = params_.Get(operand.text);
        if (value == nullptr || value->kind == ValueKind::kNull) {
          return OperandValue(any, operand, params_).status();
        }
        switch (value->kind) {
          case ValueKind::kText:
          case ValueKind::kDate:
            return store::SqlValue(value->text);
          case ValueKind::kDecimal:
            return number(value->text);
          case ValueKind::kInteger:
          case ValueKind::kBoolean:
          case ValueKind::kDateTime:
            return store::SqlValue(value->integer);
          default:
            return invalid("a list");
        }
      }
      case Operand::Kind::kSpan:
        break;
    }
    return invalid("a span of time");
  }

  absl::StatusOr<Condition> PropertyCompare(const QueryField& field,
                                            const Expr& expr) {
    const FilterOperator& op = FilterOperatorOf(expr.op);
    if (!op.on_properties) return Unsupported(field, expr.op, expr.position);
    Condition condition;
    condition.column = field.column;
    condition.op = op.renders_as;
    // A property holds a list only in some events (see store::ListItems).
    if (op.fields == FilterFields::kList) condition.column.list = true;
    std::set<std::string> distinct_items;
    for (const Operand& operand : expr.operands) {
      CRM_ASSIGN_OR_RETURN(store::SqlValue value,
                           PropertyValue(field, operand));
      if (condition.op == Compare::kHasAll) {
        const std::string* text = std::get_if<std::string>(&value);
        if (text == nullptr || !distinct_items.insert(*text).second) continue;
      }
      condition.values.push_back(std::move(value));
    }
    return condition;
  }

  absl::StatusOr<Condition> WithComparables(const QueryField& field,
                                            const Expr& expr,
                                            Condition condition) {
    for (const Operand& operand : expr.operands) {
      CRM_ASSIGN_OR_RETURN(store::SqlValue value,
                           Comparable(field, operand, params_));
      condition.values.push_back(std::move(value));
    }
    return condition;
  }

  absl::StatusOr<Condition> Within(const QueryField& field, const Expr& expr) {
    ValueKind kind = ValueKindOf(field.type);
    CRM_ASSIGN_OR_RETURN(Range range, SpanRange(expr.operands[0], now_us_));
    auto bound = [&](absl::CivilSecond at) -> store::SqlValue {
      if (kind == ValueKind::kDate) {
        return absl::FormatCivilTime(absl::CivilDay(at));
      }
      return absl::ToUnixMicros(absl::FromCivil(at, absl::UTCTimeZone()));
    };
    Condition low, high;
    low.column = high.column = field.column;
    low.op = Compare::kGe;
    high.op = Compare::kLt;
    low.values.push_back(bound(range.start));
    // A date range ends at the day after the span's last second.
    absl::CivilSecond end = range.end;
    if (kind == ValueKind::kDate &&
        absl::CivilSecond(absl::CivilDay(end)) != end) {
      end = absl::CivilSecond(absl::CivilDay(end) + 1);
    }
    high.values.push_back(bound(end));
    Condition both;
    both.kind = Condition::Kind::kAnd;
    both.children.push_back(std::move(low));
    both.children.push_back(std::move(high));
    return both;
  }

  const Schema& schema_;
  QueryTarget target_;
  const CustomerRecord& params_;
  bool include_archived_;
  int64_t now_us_;
};

}  // namespace

absl::StatusOr<QueryField> ResolveQueryField(const Schema& schema,
                                             QueryTarget target,
                                             absl::string_view name,
                                             bool include_archived) {
  absl::string_view customer_name = name;
  store::Table table = store::Table::kCustomers;
  if (target == QueryTarget::kEvents) {
    for (const EventAttribute& attribute : kEventAttributes) {
      if (name == attribute.name) {
        QueryField field;
        field.name = std::string(name);
        field.column = {store::Table::kEvents,
                        attribute.column,
                        attribute.interned,
                        false,
                        false,
                        ""};
        field.type = attribute.type;
        return field;
      }
    }
    absl::string_view property = name;
    if (absl::ConsumePrefix(&property, "properties.")) {
      CRM_RETURN_IF_ERROR(WithField(CheckFieldName(property), name));
      QueryField field;
      field.name = std::string(name);
      field.column = {store::Table::kEvents, "properties", false, false, false,
                      std::string(property)};
      field.property = true;
      return field;
    }
    if (!absl::ConsumePrefix(&customer_name, "customer.")) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("events have no field '", name,
                                    "' (customer fields are written "
                                    "customer.<field>)"),
                       name, Rule::kUnknownField);
    }
  }
  QueryField field;
  field.name = std::string(name);
  if (customer_name == "id") {
    field.column = {table, "id", false, false, false, ""};
    field.type = FieldType::kReference;
    return field;
  }
  const Field* found = schema.Find(customer_name);
  if (found == nullptr || (found->archived() && !include_archived)) {
    return MakeError(
        ErrorCode::kValidation,
        absl::StrCat(found ? "field '" : "no field named '", customer_name,
                     found ? "' is archived; ask for archived "
                             "fields to query it"
                           : "'"),
        name, found ? Rule::kArchived : Rule::kUnknownField);
  }
  field.field = found;
  field.type = found->type();
  field.column = {table,
                  found->column(),
                  false,
                  found->type() == FieldType::kEmail,
                  IsList(found->type()),
                  ""};
  return field;
}

absl::StatusOr<std::optional<store::Condition>> CheckFilter(
    const Schema& schema, QueryTarget target, absl::string_view filter,
    const CustomerRecord& params, bool include_archived, int64_t now_us) {
  if (absl::StripAsciiWhitespace(filter).empty()) {
    return std::optional<store::Condition>();
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, query::Parse(filter));
  CRM_ASSIGN_OR_RETURN(Condition condition,
                       CheckParsedFilter(schema, target, *expr, params,
                                         include_archived, now_us));
  return std::optional<store::Condition>(std::move(condition));
}

absl::StatusOr<store::Condition> CheckParsedFilter(
    const Schema& schema, QueryTarget target, const query::Expr& filter,
    const CustomerRecord& params, bool include_archived, int64_t now_us) {
  Checker checker(schema, target, params, include_archived, now_us);
  return checker.Check(filter);
}

bool IsConstantFilter(const query::Expr& filter) {
  for (const query::Operand& operand : filter.operands) {
    if (operand.kind == query::Operand::Kind::kParameter ||
        operand.kind == query::Operand::Kind::kSpan) {
      return false;
    }
  }
  for (const auto& child : filter.children) {
    if (!IsConstantFilter(*child)) return false;
  }
  return true;
}

absl::StatusOr<Value> ResultValue(const QueryField& field,
                                  const store::SqlValue& stored) {
  if (field.field != nullptr) return field.field->FromStored(stored);
  if (store::IsNull(stored)) return Value::Null();
  if (const double* real = std::get_if<double>(&stored)) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", *real);
    return Value::Decimal(text);
  }
  if (const std::string* text = std::get_if<std::string>(&stored)) {
    return Value::Text(*text);
  }
  if (const int64_t* number = std::get_if<int64_t>(&stored)) {
    return field.type == FieldType::kDateTime ? Value::DateTime(*number)
                                              : Value::Integer(*number);
  }
  return DamagedValue(
      absl::StrCat("field '", field.name, "' holds a value of another type"),
      field.name);
}

}  // namespace crm::core
