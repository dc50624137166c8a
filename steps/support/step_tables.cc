#include "steps/support/step_tables.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "steps/step_failure.h"

namespace zerobuffer::steps {

StepTable TableOrWritten(StepContext& context, const StepTable& written) {
  if (!context.table().empty()) {
    context.log().Info(absl::StrCat("Using the table of the request (",
                                    context.table().size() - 1, " rows)"));
    return context.table();
  }
  context.log().Info(
      "The request carried no table (Harmony never sends one); using the "
      "table the feature file gives");
  return written;
}

std::vector<std::map<std::string, std::string>> TableRows(
    const StepTable& table, const std::vector<std::string>& columns) {
  if (table.size() < 2) {
    throw StepFailure(absl::StrCat("the step's table has ",
                                   table.empty() ? 0 : table.size() - 1,
                                   " rows after its header"));
  }
  const std::vector<std::string>& header = table.front();
  for (const std::string& column : columns) {
    if (std::find(header.begin(), header.end(), column) == header.end()) {
      throw StepFailure(absl::StrCat("the step's table has no '", column,
                                     "' column (it has ",
                                     absl::StrJoin(header, ", "), ")"));
    }
  }
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t i = 1; i < table.size(); ++i) {
    if (table[i].size() != header.size()) {
      throw StepFailure(absl::StrCat("table row ", i, " has ", table[i].size(),
                                     " cells, the header ", header.size()));
    }
    std::map<std::string, std::string>& row = rows.emplace_back();
    for (size_t column = 0; column < header.size(); ++column) {
      row[header[column]] = table[i][column];
    }
  }
  return rows;
}

}  // namespace zerobuffer::steps
