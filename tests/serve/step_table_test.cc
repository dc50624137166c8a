// Step tables in every shape tools send them.

#include "serve/harmony/step_table.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::serve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Json = nlohmann::json;

steps::StepTable Parsed(const std::string& json) {
  absl::StatusOr<steps::StepTable> table = ParseStepTable(Json::parse(json));
  EXPECT_TRUE(table.ok()) << json << ": " << table.status();
  return table.value_or(steps::StepTable{});
}

std::string Rejection(const std::string& json) {
  absl::StatusOr<steps::StepTable> table = ParseStepTable(Json::parse(json));
  EXPECT_FALSE(table.ok()) << json << " was accepted";
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(table.status().message());
}

// The header row first, as the feature file writes it.
const auto kSizesTable =
    ElementsAre(ElementsAre("size", "iterations"), ElementsAre("1KB", "10"),
                ElementsAre("1MB", "2"));

TEST(ParseStepTableTest, RowsOfCells) {
  EXPECT_THAT(Parsed(R"([["size","iterations"],["1KB","10"],["1MB","2"]])"),
              kSizesTable);
}

TEST(ParseStepTableTest, NumbersBooleansAndNullBecomeText) {
  EXPECT_THAT(Parsed(R"([["a","b","c","d","e"],[10,-2,1.5,true,null]])"),
              ElementsAre(ElementsAre("a", "b", "c", "d", "e"),
                          ElementsAre("10", "-2", "1.5", "true", "")));
}

TEST(ParseStepTableTest, HeadersAndRowsOfCells) {
  EXPECT_THAT(Parsed(R"({"headers":["size","iterations"],
                         "rows":[["1KB",10],["1MB",2]]})"),
              kSizesTable);
  // Property names in any case, as everywhere in Harmony's shapes.
  EXPECT_THAT(Parsed(R"({"Headers":["size","iterations"],
                         "Rows":[["1KB",10],["1MB",2]]})"),
              kSizesTable);
}

TEST(ParseStepTableTest, HeadersAndRowsAsObjectsFollowTheHeaderOrder) {
  EXPECT_THAT(Parsed(R"({"headers":["size","iterations"],
                         "rows":[{"iterations":10,"size":"1KB"},
                                 {"size":"1MB","iterations":"2"}]})"),
              kSizesTable);
  // A column a row leaves out is an empty cell.
  EXPECT_THAT(
      Parsed(R"({"headers":["size","iterations"],
                         "rows":[{"size":"1KB"}]})"),
      ElementsAre(ElementsAre("size", "iterations"), ElementsAre("1KB", "")));
}

TEST(ParseStepTableTest, RowsAsObjectsWithoutHeadersTakeColumnsByName) {
  EXPECT_THAT(Parsed(R"([{"size":"1KB","iterations":10},
                         {"iterations":2,"size":"1MB"}])"),
              ElementsAre(ElementsAre("iterations", "size"),
                          ElementsAre("10", "1KB"), ElementsAre("2", "1MB")));
  EXPECT_THAT(Parsed(R"({"rows":[{"b":1},{"a":2}]})"),
              ElementsAre(ElementsAre("a", "b"), ElementsAre("", "1"),
                          ElementsAre("2", "")));
}

TEST(ParseStepTableTest, EmptyTablesAreEmpty) {
  EXPECT_THAT(Parsed("[]"), IsEmpty());
  EXPECT_THAT(Parsed(R"({"headers":["a"],"rows":[]})"),
              ElementsAre(ElementsAre("a")));
}

TEST(ParseStepTableTest, RejectsWhatIsNoTableSayingWhere) {
  EXPECT_THAT(Rejection(R"("a|b")"), HasSubstr("expected an array of rows"));
  EXPECT_THAT(Rejection("[1]"), HasSubstr("row 1 must be an array or an "
                                          "object, not 1"));
  EXPECT_THAT(Rejection(R"([["a"],[{"x":1}]])"),
              HasSubstr("row 2, cell 1: a cell must be a string"));
  EXPECT_THAT(Rejection(R"([{"a":[1]}])"),
              HasSubstr("row 1, column 'a': a cell must be"));
  EXPECT_THAT(Rejection(R"({"headers":["a"],"rows":[{"b":1}]})"),
              HasSubstr("row 1 has a column 'b' that the headers lack"));
  EXPECT_THAT(Rejection(R"({"headers":"a","rows":[]})"),
              HasSubstr("\"headers\" must be an array"));
  EXPECT_THAT(Rejection(R"({"headers":[["a"]],"rows":[]})"),
              HasSubstr("headers, cell 1"));
  EXPECT_THAT(Rejection(R"({"headers":["a"]})"), HasSubstr("needs \"rows\""));
  EXPECT_THAT(Rejection(R"({"rows":{"a":1}})"),
              HasSubstr("the rows must be an array"));
}

}  // namespace
}  // namespace zerobuffer::serve
