// ParseDecimal takes digits only, and only what fits the type.

#include "serve/jsonrpc/decimal.h"

#include <cstdint>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace zerobuffer::jsonrpc {
namespace {

TEST(ParseDecimalTest, TakesDigits) {
  EXPECT_EQ(ParseDecimal<uint64_t>("0"), 0u);
  EXPECT_EQ(ParseDecimal<uint64_t>("18446744073709551615"),
            uint64_t{18446744073709551615u});
  EXPECT_EQ(ParseDecimal<int32_t>("2147483647"), 2147483647);
}

TEST(ParseDecimalTest, RefusesAnythingElse) {
  for (const std::string text : {"", "-1", "+1", " 1", "1 ", "0x1", "1e3"}) {
    EXPECT_EQ(ParseDecimal<uint64_t>(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParseDecimalTest, RefusesWhatDoesNotFit) {
  EXPECT_EQ(ParseDecimal<uint64_t>("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseDecimal<int32_t>("2147483648"), std::nullopt);
}

}  // namespace
}  // namespace zerobuffer::jsonrpc
