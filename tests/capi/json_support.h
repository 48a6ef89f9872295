// Helpers for tests that read the JSON libcrm writes (the person export,
// bulk exports): parsed with protobuf's JSON parser into a Struct.
#ifndef CRM_TESTS_CAPI_JSON_SUPPORT_H_
#define CRM_TESTS_CAPI_JSON_SUPPORT_H_

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crm_test {

// `json` parsed; a test failure (and an empty object) when it is not a JSON
// object.
inline google::protobuf::Struct Parse(const std::string& json) {
  google::protobuf::Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(json, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return parsed;
}

// The value of `key`; a test failure (and a null value) without one.
inline const google::protobuf::Value& At(const google::protobuf::Struct& object,
                                         const std::string& key) {
  static const google::protobuf::Value kMissing;
  auto it = object.fields().find(key);
  EXPECT_NE(it, object.fields().end()) << "no key " << key;
  return it == object.fields().end() ? kMissing : it->second;
}

// The top-level keys of a JSON object's text in the order the text has
// them (a parsed Struct forgets the order).
inline std::vector<std::string> TopLevelKeys(const std::string& json) {
  std::vector<std::string> keys;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      if (depth == 1) {
        size_t end = json.find('"', i + 1);
        if (json[end + 1] == ':')
          keys.push_back(json.substr(i + 1, end - i - 1));
      }
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return keys;
}

}  // namespace crm_test

#endif  // CRM_TESTS_CAPI_JSON_SUPPORT_H_
