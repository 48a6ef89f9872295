#include "core/string_list.h"

#include "base/error.h"
#include "base/json_text.h"

namespace crm::core {
namespace {

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

absl::Status Malformed() {
  return DamagedValue("a stored list is not a JSON array of text");
}

}  // namespace

std::string EncodeStringList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(items[i], &out);
  }
  out.push_back(']');
  return out;
}

absl::StatusOr<std::vector<std::string>> DecodeStringList(
    absl::string_view json) {
  std::vector<std::string> items;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' ||
                               json[i] == '\t' || json[i] == '\r')) {
      ++i;
    }
  };
  auto hex4 = [&](size_t at, uint32_t* out) {
    if (at + 4 > json.size()) return false;
    *out = 0;
    for (size_t k = at; k < at + 4; ++k) {
      char c = json[k];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return false;
      *out = *out * 16 + digit;
    }
    return true;
  };
  skip_space();
  if (i >= json.size() || json[i] != '[') return Malformed();
  ++i;
  skip_space();
  if (i < json.size() && json[i] == ']') return items;
  while (true) {
    skip_space();
    if (i >= json.size() || json[i] != '"') return Malformed();
    ++i;
    std::string item;
    while (true) {
      if (i >= json.size()) return Malformed();
      char c = json[i++];
      if (c == '"') break;
      if (c != '\\') {
        item.push_back(c);
        continue;
      }
      if (i >= json.size()) return Malformed();
      char e = json[i++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          item.push_back(e);
          break;
        case 'b':
          item.push_back('\b');
          break;
        case 'f':
          item.push_back('\f');
          break;
        case 'n':
          item.push_back('\n');
          break;
        case 'r':
          item.push_back('\r');
          break;
        case 't':
          item.push_back('\t');
          break;
        case 'u': {
          uint32_t code = 0;
          if (!hex4(i, &code)) return Malformed();
          i += 4;
          if (code >= 0xD800 && code <= 0xDBFF && i + 6 <= json.size() &&
              json[i] == '\\' && json[i + 1] == 'u') {
            uint32_t low = 0;
            if (!hex4(i + 2, &low) || low < 0xDC00 || low > 0xDFFF) {
              return Malformed();
            }
            i += 6;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(code, &item);
          break;
        }
        default:
          return Malformed();
      }
    }
    items.push_back(std::move(item));
    skip_space();
    if (i < json.size() && json[i] == ',') {
      ++i;
      continue;
    }
    if (i < json.size() && json[i] == ']') return items;
    return Malformed();
  }
}

}  // namespace crm::core
