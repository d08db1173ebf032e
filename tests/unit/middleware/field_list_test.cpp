// FieldList and NameList: the lists of header edits and values that keep
// their strings between exchanges.
#include <gtest/gtest.h>

#include <string>

#include "weir/field_list.hpp"

namespace {

using weir::FieldList;
using weir::NameList;

TEST(FieldList, ClearKeepsStringsSoRefillingDoesNotAllocate) {
  FieldList l;
  l.emplace_back("ratelimit-remaining", "12345678901234567890");
  const char* name_bytes = l[0].first.data();
  l.clear();
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.begin(), l.end());
  l.emplace_back("ratelimit-remaining", "9");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].first.data(), name_bytes);  // the same heap buffer, reused
  EXPECT_EQ(l[0].second, "9");
}

TEST(FieldList, ClearFreesStringsThatGrewLarge) {
  FieldList l;
  l.emplace_back("x", std::string(FieldList::kKeepBytes + 1, 'v'));
  l.clear();
  l.emplace_back("x", "");
  EXPECT_LE(l[0].second.capacity(), FieldList::kKeepBytes);
}

TEST(FieldList, EraseIfKeepsOrderAndTheMask) {
  FieldList l;
  l.emplace_back("a", "1");
  l.emplace_back("bb", "2");
  l.emplace_back("a", "3");
  l.emplace_back("ccc", "4");
  EXPECT_TRUE(l.may_hold("x"));
  EXPECT_TRUE(l.may_hold("yy"));
  EXPECT_FALSE(l.may_hold("dddd"));
  EXPECT_TRUE(l.holds_name("BB"));  // header names: ASCII case ignored
  EXPECT_FALSE(l.holds_name("b"));
  EXPECT_FALSE(l.holds_name("cc"));
  l.erase_if([](const auto& kv) { return kv.first == "a"; });
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].second, "2");
  EXPECT_EQ(l[1].second, "4");
  EXPECT_FALSE(l.may_hold("x"));  // no one-byte name left
  EXPECT_TRUE(l.may_hold("ccc"));
  l.emplace_back("e", "5");  // reuses an erased entry
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[2].first, "e");
  EXPECT_TRUE(l.may_hold("z"));
  size_t n = 0;
  for (const auto& kv : l) n += kv.second.size();
  EXPECT_EQ(n, 3u);
}

TEST(NameList, LongNamesShareTheLastMaskBit) {
  NameList l;
  l.push_back(std::string(70, 'n'));
  EXPECT_TRUE(l.may_hold(std::string(63, 'x')));
  EXPECT_TRUE(l.may_hold(std::string(100, 'x')));
  EXPECT_FALSE(l.may_hold(std::string(62, 'x')));
  l.clear();
  EXPECT_FALSE(l.may_hold(std::string(70, 'n')));
}

}  // namespace
