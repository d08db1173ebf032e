// FieldList and NameList: the packed lists of header edits and values, in
// lent room first and on the heap when they outgrow it.
#include <gtest/gtest.h>

#include <string>

#include "weir/field_list.hpp"

namespace {

using weir::FieldList;
using weir::NameList;

// A list with room lent from the same object, as Context::Edits lends it.
struct Lent {
  Lent() { list.lend(room, sizeof room); }
  bool in_room(std::string_view s) const {
    return s.data() >= room && s.data() + s.size() <= room + sizeof room;
  }
  FieldList list;
  char room[64];
};

TEST(FieldList, EntriesStayInTheLentRoomUntilTheyOutgrowIt) {
  Lent l;
  l.list.emplace_back("ratelimit-limit", "100");
  l.list.emplace_back("ratelimit-reset", "1");
  ASSERT_EQ(l.list.size(), 2u);
  EXPECT_FALSE(l.list.on_heap());
  EXPECT_TRUE(l.in_room(l.list[0].first));
  EXPECT_TRUE(l.in_room(l.list[1].second));
  l.list.emplace_back("ratelimit-remaining", "12345678901234567890");  // past 64 bytes
  EXPECT_TRUE(l.list.on_heap());
  EXPECT_FALSE(l.in_room(l.list[0].first));
  EXPECT_EQ(l.list[0].first, "ratelimit-limit");
  EXPECT_EQ(l.list[0].second, "100");
  EXPECT_EQ(l.list[2].second, "12345678901234567890");
}

TEST(FieldList, ClearKeepsTheHeapBufferSoRefillingDoesNotAllocate) {
  Lent l;
  for (int i = 0; i < 4; ++i) l.list.emplace_back("ratelimit-remaining", "12345678901234567890");
  ASSERT_TRUE(l.list.on_heap());
  const char* bytes = l.list[0].first.data();
  l.list.clear();
  EXPECT_TRUE(l.list.empty());
  EXPECT_EQ(l.list.begin(), l.list.end());
  l.list.emplace_back("ratelimit-remaining", "9");
  ASSERT_EQ(l.list.size(), 1u);
  EXPECT_EQ(l.list[0].first.data(), bytes);  // the same heap buffer, reused
  EXPECT_EQ(l.list[0].second, "9");
}

TEST(FieldList, ClearGoesBackToTheRoomAfterALargeEntry) {
  Lent l;
  l.list.emplace_back("x", std::string(FieldList::kKeepBytes + 1, 'v'));
  ASSERT_TRUE(l.list.on_heap());
  l.list.clear();
  EXPECT_FALSE(l.list.on_heap());
  l.list.emplace_back("x", "");
  EXPECT_TRUE(l.in_room(l.list[0].first));
}

TEST(FieldList, WorksWithoutRoom) {
  FieldList l;
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.begin(), l.end());
  for (int i = 0; i < 100; ++i) l.emplace_back("k" + std::to_string(i), std::to_string(i));
  ASSERT_EQ(l.size(), 100u);
  EXPECT_EQ(l[57].first, "k57");
  EXPECT_EQ(l[57].second, "57");
  l.clear();
  l.emplace_back("a", "b");
  EXPECT_EQ(l[0].second, "b");
}

TEST(FieldList, AppendingAViewIntoTheListWhileItGrows) {
  Lent l;
  l.list.emplace_back("name", std::string(40, 'v'));
  for (int i = 0; i < 20; ++i) {  // every call may move the buffer the view points into
    auto last = l.list[l.list.size() - 1];
    l.list.emplace_back(last.first, last.second);
  }
  ASSERT_EQ(l.list.size(), 21u);
  for (const auto& [name, value] : l.list) {
    EXPECT_EQ(name, "name");
    EXPECT_EQ(value, std::string(40, 'v'));
  }
}

TEST(FieldList, AssignReplacesInPlaceAndMovesTheRest) {
  Lent l;
  l.list.emplace_back("a", "1");
  l.list.emplace_back("b", "2");
  l.list.emplace_back("c", "3");
  EXPECT_TRUE(l.list.assign("b", "two, and longer than it was"));
  EXPECT_FALSE(l.list.assign("B", "x"));  // keys compare exactly
  EXPECT_FALSE(l.list.assign("d", "x"));
  ASSERT_EQ(l.list.size(), 3u);
  EXPECT_EQ(l.list[1].second, "two, and longer than it was");
  EXPECT_EQ(l.list[2].first, "c");
  EXPECT_EQ(l.list[2].second, "3");
  EXPECT_TRUE(l.list.assign("b", ""));
  EXPECT_EQ(l.list[1].second, "");
  EXPECT_EQ(l.list[2].second, "3");
  // From a view into the list itself, growing past the room.
  EXPECT_TRUE(l.list.assign("a", std::string(50, 'x')));
  EXPECT_TRUE(l.list.assign("c", l.list[0].second));
  EXPECT_EQ(l.list[2].second, std::string(50, 'x'));
  std::string_view v;
  EXPECT_TRUE(l.list.find("c", v));
  EXPECT_EQ(v, std::string(50, 'x'));
  EXPECT_FALSE(l.list.find("z", v));
}

TEST(FieldList, TheMaskTellsNamesOfOneLengthApart) {
  Lent l;
  FieldList& f = l.list;
  f.emplace_back("ratelimit-limit", "10");
  EXPECT_TRUE(f.may_hold("RateLimit-Limit"));
  EXPECT_FALSE(f.may_hold("ratelimit-reset"));
  EXPECT_FALSE(f.holds_name("ratelimit-reset"));
  f.emplace_back("ratelimit-reset", "1");
  EXPECT_TRUE(f.holds_name("RATELIMIT-RESET"));
}

TEST(FieldList, EraseIfKeepsOrderAndTheMask) {
  Lent l;
  FieldList& f = l.list;
  f.emplace_back("a", "1");
  f.emplace_back("bb", "2");
  f.emplace_back("a", "3");
  f.emplace_back("ccc", "4");
  EXPECT_TRUE(f.may_hold("x"));  // one-byte names share a bit
  EXPECT_TRUE(f.may_hold("bB"));
  EXPECT_FALSE(f.may_hold("yy"));  // the length, but not the next-to-last byte
  EXPECT_FALSE(f.may_hold("dddd"));
  EXPECT_TRUE(f.holds_name("BB"));  // header names: ASCII case ignored
  EXPECT_FALSE(f.holds_name("b"));
  EXPECT_FALSE(f.holds_name("cc"));
  f.erase_if([](const auto& kv) { return kv.first == "a"; });
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].second, "2");
  EXPECT_EQ(f[1].second, "4");
  EXPECT_FALSE(f.may_hold("x"));  // no one-byte name left
  EXPECT_TRUE(f.may_hold("ccc"));
  f.emplace_back("e", "5");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[2].first, "e");
  EXPECT_TRUE(f.may_hold("z"));
  size_t n = 0;
  for (const auto& kv : f) n += kv.second.size();
  EXPECT_EQ(n, 3u);
}

TEST(NameList, LongNamesAreFound) {
  NameList l;
  l.push_back(std::string(70, 'n'));
  l.push_back(std::string(1000, 'm'));
  EXPECT_TRUE(l.holds_name(std::string(70, 'N')));
  EXPECT_TRUE(l.holds_name(std::string(1000, 'M')));
  EXPECT_FALSE(l.holds_name(std::string(71, 'n')));
  EXPECT_FALSE(l.holds_name(std::string(1000, 'n')));
  l.clear();
  EXPECT_FALSE(l.may_hold(std::string(70, 'n')));
}

TEST(NameList, CountsPastSixteenBits) {
  NameList l;
  for (int i = 0; i < 70000; ++i) l.push_back("x-a");
  EXPECT_EQ(l.size(), 70000u);
  EXPECT_FALSE(l.empty());
  l.erase_if([](std::string_view) { return false; });
  EXPECT_EQ(l.size(), 70000u);
}

TEST(NameList, KeepsOrderThroughErase) {
  NameList l;
  for (const char* n : {"a", "bb", "c", "dd"}) l.push_back(n);
  l.erase_if([](std::string_view n) { return n.size() == 1; });
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "bb");
  EXPECT_EQ(l[1], "dd");
  EXPECT_TRUE(l.holds_name("DD"));
  EXPECT_FALSE(l.holds_name("a"));
}

}  // namespace
