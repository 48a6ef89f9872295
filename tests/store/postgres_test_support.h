// What the tests of the PostgreSQL backend share: the server CTest starts
// (fixture "postgres", tests/CMakeLists.txt) and a status assertion.
#ifndef CRM_TESTS_STORE_POSTGRES_TEST_SUPPORT_H_
#define CRM_TESTS_STORE_POSTGRES_TEST_SUPPORT_H_

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

#define ASSERT_OK(expression)             \
  do {                                    \
    absl::Status status_ = (expression);  \
    ASSERT_TRUE(status_.ok()) << status_; \
  } while (false)

// Sets `url` to the test server's libpq URL; a fatal failure when the test
// runs outside CTest, which starts the server and names it.
inline void GetTestServerUrl(std::string* url) {
  const char* server = std::getenv("CRM_TEST_POSTGRES_URL");
  ASSERT_NE(server, nullptr) << "CRM_TEST_POSTGRES_URL is not set: run "
                                "through ctest, which starts a server";
  *url = server;
}

#endif  // CRM_TESTS_STORE_POSTGRES_TEST_SUPPORT_H_
