#include "store/search_words.h"

#include <sqlite3.h>

#include <climits>
#include <memory>
#include <mutex>

#include "base/error.h"

namespace crm::store {
namespace {

// SQLite's unicode61 tokenizer in an in-memory database. A tokenizer
// instance keeps a buffer of its own: not thread-safe.
struct Tokenizer {
  sqlite3* db = nullptr;
  fts5_tokenizer api{};
  Fts5Tokenizer* instance = nullptr;

  ~Tokenizer() {
    if (instance != nullptr) api.xDelete(instance);
    sqlite3_close(db);
  }
};

// Null when SQLite cannot set one up (out of memory, FTS5 left out of the
// build).
std::unique_ptr<Tokenizer> MakeTokenizer() {
  auto made = std::make_unique<Tokenizer>();
  if (sqlite3_open_v2(":memory:", &made->db, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    return nullptr;
  }
  fts5_api* fts5 = nullptr;
  sqlite3_stmt* get = nullptr;
  if (sqlite3_prepare_v2(made->db, "SELECT fts5(?1)", -1, &get, nullptr) !=
      SQLITE_OK) {
    return nullptr;
  }
  sqlite3_bind_pointer(get, 1, &fts5, "fts5_api_ptr", nullptr);
  sqlite3_step(get);
  sqlite3_finalize(get);
  void* context = nullptr;
  if (fts5 == nullptr || fts5->iVersion < 2 ||
      fts5->xFindTokenizer(fts5, "unicode61", &context, &made->api) !=
          SQLITE_OK) {
    return nullptr;
  }
  const char* options[] = {"remove_diacritics", "2"};
  if (made->api.xCreate(context, options, 2, &made->instance) != SQLITE_OK) {
    made->instance = nullptr;
    return nullptr;
  }
  return made;
}

// The process's tokenizer, made at first use (again after a failure), and
// the lock that serialises its use. Never destroyed: the plugin may be
// unloaded while another thread still tokenizes.
std::mutex& TokenizerMutex() {
  static auto* const mutex = new std::mutex;
  return *mutex;
}
std::unique_ptr<Tokenizer>& SharedTokenizer() {
  static auto* const shared = new std::unique_ptr<Tokenizer>;
  return *shared;
}

int CollectWord(void* context, int /*flags*/, const char* word, int size,
                int /*start*/, int /*end*/) {
  auto* words = static_cast<std::vector<std::string>*>(context);
  words->emplace_back(word, static_cast<size_t>(size));
  return SQLITE_OK;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SearchWords(absl::string_view text) {
  if (text.size() > static_cast<size_t>(INT_MAX)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "search text longer than 2 GiB", "text", Rule::kText);
  }
  std::lock_guard<std::mutex> lock(TokenizerMutex());
  std::unique_ptr<Tokenizer>& tokenizer = SharedTokenizer();
  if (tokenizer == nullptr) tokenizer = MakeTokenizer();
  if (tokenizer == nullptr) {
    return MakeError(ErrorCode::kNoMemory,
                     "SQLite could not set up its FTS5 tokenizer for search");
  }
  std::vector<std::string> words;
  int tokenized = tokenizer->api.xTokenize(
      tokenizer->instance, &words, FTS5_TOKENIZE_DOCUMENT, text.data(),
      static_cast<int>(text.size()), CollectWord);
  if (tokenized != SQLITE_OK) {
    return MakeError(ErrorCode::kNoMemory,
                     "SQLite's FTS5 tokenizer ran out of memory");
  }
  return words;
}

}  // namespace crm::store
