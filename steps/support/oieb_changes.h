// Whether an operation that must leave a buffer alone (a rejected write, a
// refused read) moved any of its OIEB fields.

#ifndef ZEROBUFFER_STEPS_SUPPORT_OIEB_CHANGES_H_
#define ZEROBUFFER_STEPS_SUPPORT_OIEB_CHANGES_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "zerobuffer/layout.h"

namespace zerobuffer::steps {

struct OiebField {
  const char* name;  // as messages say it: "read position"
  uint64_t OIEB::*member;
};

// nullopt when `before` and `after` agree on every one of `fields`; else
// each of them as "read position 0 -> 64", joined with ", ".
std::optional<std::string> DescribeChangedFields(
    const OIEB& before, const OIEB& after,
    std::initializer_list<OiebField> fields);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_OIEB_CHANGES_H_
