#include "mlops/core/key_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mlops {
namespace {

// Short keys live packed in their slot; keys that differ only in length, in a zero byte or in
// one byte anywhere must still be different keys, and long keys go through the hash.
TEST(KeyTable, EveryDistinctKeyGetsItsOwnValueWhateverItsLength) {
  std::vector<std::string> keys = {"",
                                   std::string(1, '\0'),
                                   std::string(2, '\0'),
                                   "a",
                                   std::string("a\0", 2),
                                   "ab",
                                   "ba",
                                   "abc",
                                   "abcd",
                                   "abce",
                                   "bbcd",
                                   "abcde",
                                   "abcdf",
                                   "xbcde",
                                   "abcdefg",
                                   "abcdefgh",
                                   "abcdefgi",
                                   "bbcdefgh",
                                   "abcdefghi",
                                   "abcdefghj",
                                   std::string("abcdefgh\0", 9),
                                   "SEA",
                                   "SFO",
                                   "true",
                                   "false"};
  for (int length = 0; length <= 20; ++length) keys.push_back(std::string(length, 'x'));
  KeyTable<size_t> table;
  std::vector<size_t> assigned;
  for (size_t i = 0; i < keys.size(); ++i) {
    assigned.push_back(table.find_or_insert(keys[i], [&] { return i; }));
  }
  // Each key was new (or an exact repeat of an earlier one in the list).
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t first = i;
    for (size_t j = 0; j < i; ++j) {
      if (keys[j] == keys[i]) {
        first = j;
        break;
      }
    }
    EXPECT_EQ(assigned[i], first) << "key " << i;
  }
  // Looked up again, after the table grew several times, each finds its own value.
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(table.find_or_insert(keys[i], [] { return size_t{999}; }), assigned[i]) << i;
  }
  EXPECT_EQ(table.entries().front().first, "");
  EXPECT_EQ(table.entries()[1].first, std::string(1, '\0'));
}

TEST(KeyTable, ManyKeysSurviveGrowth) {
  KeyTable<int> table;
  for (int i = 0; i < 5000; ++i) table.find_or_insert(std::to_string(i * 7919), [&] { return i; });
  EXPECT_EQ(table.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    EXPECT_EQ(table.find_or_insert(std::to_string(i * 7919), [] { return -1; }), i);
  }
}

}  // namespace
}  // namespace mlops
