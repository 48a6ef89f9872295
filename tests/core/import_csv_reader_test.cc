// The import's file readers: CSV over libcsv and JSON Lines, with row and
// line numbers and byte offsets that a reader can start again from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "core/import/csv_reader.h"
#include "core/import/jsonl_reader.h"

namespace crm::core::import {
namespace {

class ImportReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content, const char* name = "f.csv") {
    std::ofstream(path_ + name, std::ios::binary) << content;
    return path_ + name;
  }
  ~ImportReaderTest() override {
    std::filesystem::remove(path_ + "f.csv");
    std::filesystem::remove(path_ + "f.jsonl");
  }

  // Every row as "row/line/offset:cell|cell" (absent cells as "-", an
  // unreadable row as "!reason").
  static std::vector<std::string> Rows(RowSource& source) {
    std::vector<std::string> rows;
    SourceRow row;
    while (true) {
      absl::StatusOr<bool> more = source.Next(&row);
      EXPECT_TRUE(more.ok()) << more.status();
      if (!more.ok() || !*more) break;
      std::string shown = std::to_string(row.at.row) + "/" +
                          std::to_string(row.at.line) + "/" +
                          std::to_string(row.at.offset) + ":";
      if (!row.unreadable.empty()) {
        shown += "!";
      } else {
        for (size_t c = 0; c < row.cells.size(); ++c) {
          if (c > 0) shown += "|";
          const Cell& cell = row.cells[c];
          shown += cell.kind == Cell::Kind::kAbsent ? "-"
                   : cell.kind == Cell::Kind::kText ? cell.text
                                                    : "json";
        }
      }
      rows.push_back(shown);
    }
    return rows;
  }

  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("crm-import-reader-" + std::to_string(getpid()) + "-"))
                          .string();
};

TEST(DetectDelimiter, CountsOutsideQuotesAndPrefersCommaOnTies) {
  EXPECT_EQ(DetectDelimiter("a;b;c\n"), ';');
  EXPECT_EQ(DetectDelimiter("a\tb\tc\n"), '\t');
  EXPECT_EQ(DetectDelimiter("\"a;b;c\",d\n"), ',');
  EXPECT_EQ(DetectDelimiter("a;b,c\n"), ',');
  EXPECT_EQ(DetectDelimiter("abc\n"), ',');
}

TEST_F(ImportReaderTest, CsvRowsKeepLinesOffsetsAndQuotedNewlines) {
  std::string path = Write(
      "\xEF\xBB\xBF"
      "a;b;c\r\n"
      "1;\"x;y\";\"say \"\"hi\"\"\"\r\n"
      "\r\n"
      "2;\"two\nlines\";\r\n"
      "3\r\n");
  auto source = OpenCsv(path, std::nullopt);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->columns(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Rows(**source),
            (std::vector<std::string>{"1/2/10:1|x;y|say \"hi\"",
                                      "2/4/34:2|two\nlines|", "3/6/50:3|-|-"}));
  // Read again from the second row's position.
  ASSERT_TRUE(
      (*source)->Rewind(RowPosition{.offset = 34, .row = 2, .line = 4}).ok());
  EXPECT_EQ(Rows(**source),
            (std::vector<std::string>{"2/4/34:2|two\nlines|", "3/6/50:3|-|-"}));
}

TEST_F(ImportReaderTest, CsvUnreadableRowsAndFileErrors) {
  // A row longer than the header, a stray quote (reading goes on), and an
  // unterminated quote at the end.
  auto source = OpenCsv(Write("a,b\n1,2,3\nx\"y,2\nok,1\n\"open,1\nmore\n"),
                        std::nullopt);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(Rows(**source),
            (std::vector<std::string>{"1/2/4:!", "2/3/10:!", "3/4/16:ok|1",
                                      "4/5/21:!"}));

  for (const char* bad : {"", "a,a\n1,2\n", "a,,b\n", "\xE9t\xE9\n"}) {
    auto failed = OpenCsv(Write(bad), std::nullopt);
    ASSERT_FALSE(failed.ok()) << bad;
    EXPECT_EQ(RuleIdOf(failed.status()), Rule::kFile) << bad;
  }
  auto latin = OpenCsv(Write("a\nJos\xE9\n"), std::nullopt);
  ASSERT_TRUE(latin.ok());
  SourceRow row;
  absl::StatusOr<bool> next = (*latin)->Next(&row);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(RuleIdOf(next.status()), Rule::kFile);
  EXPECT_EQ(PositionOf(next.status()), 2);

  auto missing = OpenCsv(path_ + "nothing.csv", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(CodeOf(missing.status()), ErrorCode::kNotFound);
  EXPECT_EQ(RuleIdOf(missing.status()), Rule::kPath);
}

TEST_F(ImportReaderTest, JsonLinesColumnsGrowAndBadLinesAreUnreadable) {
  auto source = OpenJsonLines(
      Write("{\"a\": \"x\", \"n\": 3}\n\n  \n[1]\n{\"b\": null, \"a\": \"y\"}\n"
            "{\"c\": true}",
            "f.jsonl"));
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(Rows(**source),
            (std::vector<std::string>{"1/1/0:x|json", "2/4/23:!",
                                      "3/5/27:y|-|-", "4/6/49:-|-|-|json"}));
  EXPECT_EQ((*source)->columns(),
            (std::vector<std::string>{"a", "n", "b", "c"}));
}

}  // namespace
}  // namespace crm::core::import
