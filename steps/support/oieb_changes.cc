#include "steps/support/oieb_changes.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zerobuffer::steps {

std::optional<std::string> DescribeChangedFields(
    const OIEB& before, const OIEB& after,
    std::initializer_list<OiebField> fields) {
  bool changed = false;
  std::vector<std::string> described;
  for (const OiebField& field : fields) {
    const uint64_t was = before.*field.member;
    const uint64_t is = after.*field.member;
    changed |= was != is;
    described.push_back(absl::StrCat(field.name, " ", was, " -> ", is));
  }
  if (!changed) return std::nullopt;
  return absl::StrJoin(described, ", ");
}

}  // namespace zerobuffer::steps
