#include "query/parser.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/error.h"
#include "base/filter_operators.h"
#include "query/lexer.h"

namespace crm::query {
namespace {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<std::unique_ptr<Expr>> ParseAll() {
    auto expr = ParseOr(0);
    if (!expr.ok()) return expr;
    if (Peek().kind != Token::Kind::kEnd) {
      return Error(Peek(), "expected 'and', 'or' or the end of the filter");
    }
    return expr;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t index = std::min(next_ + ahead, tokens_.size() - 1);
    return tokens_[index];
  }
  const Token& Take() {
    const Token& token = Peek();
    if (next_ < tokens_.size() - 1) ++next_;
    return token;
  }
  bool IsKeyword(const Token& token, absl::string_view word) const {
    return token.kind == Token::Kind::kWord &&
           absl::EqualsIgnoreCase(token.text, word);
  }
  bool IsSymbol(const Token& token, absl::string_view symbol) const {
    return token.kind == Token::Kind::kSymbol && token.text == symbol;
  }
  bool TakeKeyword(absl::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    Take();
    return true;
  }
  absl::Status Error(const Token& at, absl::string_view message,
                     Rule rule = Rule::kSyntax) const {
    std::string found = at.kind == Token::Kind::kEnd
                            ? "the end of the filter"
                            : absl::StrCat("'", at.text.substr(0, 32), "'");
    return WithPosition(
        MakeError(ErrorCode::kInvalidArgument,
                  absl::StrCat("filter, at byte ", at.position, ": ", message,
                               " (found ", found, ")"),
                  "", rule),
        static_cast<int64_t>(at.position));
  }
  // Counts one more of what `limit` bounds, failing at `at` past it.
  absl::Status Count(int* count, int limit, const Token& at,
                     absl::string_view what, Rule rule) const {
    if (++*count <= limit) return absl::OkStatus();
    return Error(at, absl::StrCat("a filter holds at most ", limit, " ", what),
                 rule);
  }
  absl::Status Expect(absl::string_view word) {
    if (TakeKeyword(word)) return absl::OkStatus();
    return Error(Peek(), absl::StrCat("expected '", word, "'"));
  }
  absl::Status ExpectSymbol(absl::string_view symbol) {
    if (IsSymbol(Peek(), symbol)) {
      Take();
      return absl::OkStatus();
    }
    return Error(Peek(), absl::StrCat("expected '", symbol, "'"));
  }

  absl::StatusOr<std::unique_ptr<Expr>> ParseOr(int depth) {
    return ParseChain(depth, "or", Expr::Kind::kOr);
  }

  // A chain of operands joined by `word` ("or" over "and" over unary).
  absl::StatusOr<std::unique_ptr<Expr>> ParseChain(int depth,
                                                   absl::string_view word,
                                                   Expr::Kind kind) {
    auto parse_part = [&]() {
      return kind == Expr::Kind::kOr
                 ? ParseChain(depth, "and", Expr::Kind::kAnd)
                 : ParseUnary(depth);
    };
    size_t position = Peek().position;
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<Expr> first, parse_part());
    if (!IsKeyword(Peek(), word)) return first;
    auto chain = std::make_unique<Expr>();
    chain->kind = kind;
    chain->position = position;
    chain->children.push_back(std::move(first));
    while (TakeKeyword(word)) {
      CRM_ASSIGN_OR_RETURN(std::unique_ptr<Expr> next, parse_part());
      chain->children.push_back(std::move(next));
    }
    return chain;
  }

  absl::StatusOr<std::unique_ptr<Expr>> ParseUnary(int depth) {
    const Token& token = Peek();
    bool nests = IsKeyword(token, "not") || IsSymbol(token, "(");
    if (nests && depth >= kMaxNesting) {
      return Error(token,
                   absl::StrCat("parentheses and 'not' nest at most ",
                                kMaxNesting, " deep"),
                   Rule::kDepth);
    }
    if (IsKeyword(token, "not")) {
      Take();
      auto expr = std::make_unique<Expr>();
      expr->kind = Expr::Kind::kNot;
      expr->position = token.position;
      CRM_ASSIGN_OR_RETURN(std::unique_ptr<Expr> inner, ParseUnary(depth + 1));
      expr->children.push_back(std::move(inner));
      return expr;
    }
    if (IsSymbol(token, "(")) {
      Take();
      CRM_ASSIGN_OR_RETURN(std::unique_ptr<Expr> inner, ParseOr(depth + 1));
      CRM_RETURN_IF_ERROR(ExpectSymbol(")"));
      return inner;
    }
    return ParseComparison();
  }

  absl::StatusOr<Operand> ParseOperand() {
    const Token& token = Peek();
    CRM_RETURN_IF_ERROR(
        Count(&values_, kMaxValues, token, "values", Rule::kValues));
    Operand operand;
    operand.position = token.position;
    switch (token.kind) {
      case Token::Kind::kString:
        operand.kind = Operand::Kind::kString;
        operand.text = Take().text;
        return operand;
      case Token::Kind::kNumber:
        operand.kind = Operand::Kind::kNumber;
        operand.text = Take().text;
        return operand;
      case Token::Kind::kParameter:
        operand.kind = Operand::Kind::kParameter;
        operand.text = Take().text;
        if (operand.text.empty()) {
          operand.text = std::to_string(++positional_parameters_);
        }
        return operand;
      case Token::Kind::kSymbol:
        if (token.text == "-" && Peek(1).kind == Token::Kind::kNumber) {
          Take();
          operand.kind = Operand::Kind::kNumber;
          operand.text = "-" + Take().text;
          return operand;
        }
        break;
      case Token::Kind::kWord:
        if (IsKeyword(token, "true") || IsKeyword(token, "false")) {
          operand.kind = Operand::Kind::kBoolean;
          operand.boolean = IsKeyword(Take(), "true");
          return operand;
        }
        break;
      case Token::Kind::kEnd:
        break;
    }
    return Error(token,
                 "expected a value: 'text', a number, true, false, ? or :name");
  }

  absl::Status ParseOperandList(Expr* expr) {
    CRM_RETURN_IF_ERROR(ExpectSymbol("("));
    do {
      CRM_ASSIGN_OR_RETURN(Operand operand, ParseOperand());
      expr->operands.push_back(std::move(operand));
    } while (IsSymbol(Peek(), ",") && (Take(), true));
    return ExpectSymbol(")");
  }

  absl::Status ParseSpan(Expr* expr) {
    CRM_RETURN_IF_ERROR(
        Count(&values_, kMaxValues, Peek(), "values", Rule::kValues));
    Operand span;
    span.kind = Operand::Kind::kSpan;
    span.position = Peek().position;
    const Token& anchor = Peek();
    if (IsKeyword(anchor, "last") || IsKeyword(anchor, "next")) {
      span.span_anchor = absl::AsciiStrToLower(Take().text);
      const Token& count = Peek();
      if (count.kind != Token::Kind::kNumber ||
          !absl::SimpleAtoi(count.text, &span.span_count) ||
          span.span_count < 1 || span.span_count > 100000) {
        return Error(count, "expected a whole number of units (1 to 100000)");
      }
      Take();
    } else if (IsKeyword(anchor, "this") || IsKeyword(anchor, "previous")) {
      span.span_anchor = absl::AsciiStrToLower(Take().text);
      span.span_count = 1;
    } else {
      return Error(anchor, "expected 'last', 'next', 'this' or 'previous'");
    }
    const Token& unit = Peek();
    std::string name = absl::AsciiStrToLower(unit.text);
    if (unit.kind == Token::Kind::kWord && name.size() > 1 &&
        name.back() == 's') {
      name.pop_back();
    }
    if (unit.kind != Token::Kind::kWord ||
        (name != "day" && name != "week" && name != "month" &&
         name != "quarter" && name != "year")) {
      return Error(unit, "expected day, week, month, quarter or year");
    }
    Take();
    span.span_unit = name;
    expr->operands.push_back(std::move(span));
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<Expr>> ParseComparison() {
    const Token& field = Peek();
    if (field.kind != Token::Kind::kWord) {
      return Error(field, "expected a field name");
    }
    CRM_RETURN_IF_ERROR(Count(&comparisons_, kMaxComparisons, field,
                              "comparisons", Rule::kTerms));
    Take();
    auto expr = std::make_unique<Expr>();
    expr->kind = Expr::Kind::kCompare;
    expr->field = field.text;
    expr->position = field.position;
    const Token& op = Peek();
    CRM_ASSIGN_OR_RETURN(const FilterOperator* row, ParseOperator());
    expr->op = row->op;
    switch (row->operands) {
      case FilterOperands::kNone:
        break;
      case FilterOperands::kOne: {
        CRM_ASSIGN_OR_RETURN(Operand operand, ParseOperand());
        expr->operands.push_back(std::move(operand));
        break;
      }
      case FilterOperands::kRange: {
        CRM_ASSIGN_OR_RETURN(Operand low, ParseOperand());
        CRM_RETURN_IF_ERROR(Expect("and"));
        CRM_ASSIGN_OR_RETURN(Operand high, ParseOperand());
        expr->operands.push_back(std::move(low));
        expr->operands.push_back(std::move(high));
        break;
      }
      case FilterOperands::kList:
        CRM_RETURN_IF_ERROR(ParseOperandList(expr.get()));
        break;
      case FilterOperands::kOneOrList:
      case FilterOperands::kItem:
        if (IsSymbol(Peek(), "(")) {
          CRM_RETURN_IF_ERROR(ParseOperandList(expr.get()));
        } else {
          CRM_ASSIGN_OR_RETURN(Operand operand, ParseOperand());
          expr->operands.push_back(std::move(operand));
        }
        if (row->operands == FilterOperands::kItem &&
            expr->operands.size() != 1) {
          return Error(op,
                       absl::StrCat("'", row->name, "' takes one value; use ",
                                    ListsOf(*row)));
        }
        break;
      case FilterOperands::kSpan:
        CRM_RETURN_IF_ERROR(ParseSpan(expr.get()));
        break;
    }
    return expr;
  }

  // Whether `token` is `word` of an operator's spelling (a keyword, or a
  // symbol when it does not start with a letter).
  bool Spells(const Token& token, absl::string_view word) const {
    return absl::ascii_isalpha(word[0]) ? IsKeyword(token, word)
                                        : IsSymbol(token, word);
  }

  // Takes the operator spelt at the next tokens: the longest spelling there
  // in full. When none is there in full but the first words of one are
  // (other than of a "whole" one), the next word it needs is expected.
  absl::StatusOr<const FilterOperator*> ParseOperator() {
    const FilterOperator* row = nullptr;
    size_t words = 0;
    size_t partial_words = 0;
    std::string expected;
    for (const FilterOperator& candidate : kFilterOperators) {
      for (const char* spelling : {candidate.name, candidate.also_spelled}) {
        if (spelling == nullptr) continue;
        std::vector<absl::string_view> parts = absl::StrSplit(spelling, ' ');
        size_t matched = 0;
        while (matched < parts.size() &&
               Spells(Peek(matched), parts[matched])) {
          ++matched;
        }
        if (matched == parts.size()) {
          if (matched > words) {
            row = &candidate;
            words = matched;
          }
        } else if (matched > partial_words && !candidate.whole) {
          partial_words = matched;
          expected = std::string(parts[matched]);
        }
      }
    }
    if (row == nullptr && partial_words > 0) {
      for (size_t i = 0; i < partial_words; ++i) Take();
      return Error(Peek(), absl::StrCat("expected '", expected, "'"));
    }
    if (row == nullptr) {
      return Error(Peek(), absl::StrCat("expected an operator (",
                                        ListedFilterOperators(), ")"));
    }
    for (size_t i = 0; i < words; ++i) Take();
    return row;
  }

  // "'has any' or 'has all'": the operators spelt as `row` and then more
  // words that take several values.
  static std::string ListsOf(const FilterOperator& row) {
    std::string out;
    for (const FilterOperator& other : kFilterOperators) {
      if (other.operands == FilterOperands::kOneOrList &&
          absl::StartsWith(other.name, absl::StrCat(row.name, " "))) {
        absl::StrAppend(&out, out.empty() ? "'" : " or '", other.name, "'");
      }
    }
    return out;
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
  int positional_parameters_ = 0;
  int comparisons_ = 0;
  int values_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Expr>> Parse(absl::string_view text) {
  CRM_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  return Parser(std::move(tokens)).ParseAll();
}

void CollectFields(const Expr& expr, std::set<std::string>* fields) {
  if (expr.kind == Expr::Kind::kCompare) fields->insert(expr.field);
  for (const auto& child : expr.children) CollectFields(*child, fields);
}

}  // namespace crm::query
