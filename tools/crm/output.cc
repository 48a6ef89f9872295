#include "output.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace crm::cli {
namespace {

// Width of UTF-8 text in terminal columns, counting code points (no East
// Asian wide forms: good enough for aligned names and values).
size_t DisplayWidth(const std::string& text) {
  return static_cast<size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// A table cell on one line: line breaks and tabs shown as \n, \r and \t.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

// RFC 4180: quoted when it holds a separator, quote or line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void PrintAligned(const Table& table, std::ostream& out) {
  std::vector<std::vector<std::string>> lines;
  lines.push_back(table.columns);
  for (const auto& row : table.rows) {
    std::vector<std::string> line;
    for (const Cell& cell : row) line.push_back(OneLine(CellText(cell)));
    lines.push_back(std::move(line));
  }
  std::vector<size_t> widths(table.columns.size(), 0);
  for (const auto& line : lines) {
    for (size_t c = 0; c < line.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(line[c]));
    }
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t c = 0; c < line.size(); ++c) {
      if (c > 0) text += "  ";
      text += line[c];
      if (c + 1 < line.size()) {
        text.append(widths[c] - DisplayWidth(line[c]), ' ');
      }
    }
    out << text << '\n';
  };
  print_line(lines[0]);
  std::vector<std::string> rule;
  for (size_t width : widths) rule.emplace_back(width, '-');
  print_line(rule);
  for (size_t i = 1; i < lines.size(); ++i) print_line(lines[i]);
}

}  // namespace

nlohmann::ordered_json RowObject(const Table& table, size_t row) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    object[table.columns[c]] = table.rows[row][c];
  }
  return object;
}

const std::map<std::string, Format>& FormatNames() {
  static const auto* names =
      new std::map<std::string, Format>{{"table", Format::kTable},
                                        {"csv", Format::kCsv},
                                        {"jsonl", Format::kJsonl},
                                        {"json", Format::kJson}};
  return *names;
}

std::string CellText(const Cell& cell) {
  if (cell.is_null()) return "";
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_array()) {
    std::string text;
    for (const Cell& item : cell) {
      if (!text.empty()) text += "; ";
      text += CellText(item);
    }
    return text;
  }
  return cell.dump();
}

void PrintTable(const Table& table, Format format, std::ostream& out) {
  switch (format) {
    case Format::kTable:
      PrintAligned(table, out);
      break;
    case Format::kCsv: {
      auto print_row = [&](const std::vector<std::string>& fields) {
        for (size_t c = 0; c < fields.size(); ++c) {
          if (c > 0) out << ',';
          out << CsvField(fields[c]);
        }
        out << "\r\n";
      };
      print_row(table.columns);
      for (const auto& row : table.rows) {
        std::vector<std::string> fields;
        for (const Cell& cell : row) fields.push_back(CellText(cell));
        print_row(fields);
      }
      break;
    }
    case Format::kJsonl:
      for (size_t r = 0; r < table.rows.size(); ++r) {
        out << RowObject(table, r).dump() << '\n';
      }
      break;
    case Format::kJson: {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (size_t r = 0; r < table.rows.size(); ++r) {
        array.push_back(RowObject(table, r));
      }
      out << array.dump(2) << '\n';
      break;
    }
  }
}

void PrintDocument(const nlohmann::ordered_json& document, Format format,
                   std::ostream& out) {
  switch (format) {
    case Format::kJson:
      out << document.dump(2) << '\n';
      return;
    case Format::kJsonl:
      out << document.dump() << '\n';
      return;
    case Format::kTable:
    case Format::kCsv: {
      Table table{{"key", "value"}, {}};
      if (document.is_object()) {
        for (const auto& [key, value] : document.items()) {
          table.rows.push_back({key, value.is_structured() && !value.empty()
                                         ? Cell(value.dump())
                                         : value});
        }
      } else {
        table.rows.push_back({"value", document});
      }
      PrintTable(table, format, out);
      return;
    }
  }
}

}  // namespace crm::cli
