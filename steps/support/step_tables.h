// The data tables of table steps (5.6, 10.2, 12.1, 12.4, 14.1, 14.2,
// 14.5). Harmony never sends a table (harmony-contract 6.5), so each step
// keeps the table its feature file writes and uses it when the request
// carries none.

#ifndef ZEROBUFFER_STEPS_SUPPORT_STEP_TABLES_H_
#define ZEROBUFFER_STEPS_SUPPORT_STEP_TABLES_H_

#include <map>
#include <string>
#include <vector>

#include "steps/context.h"

namespace zerobuffer::steps {

// The step's table when the request carried one, else `written`: the table
// the feature file gives. Logs which one it is.
StepTable TableOrWritten(StepContext& context, const StepTable& written);

// The rows after the header, each as column name -> cell. Throws
// StepFailure naming the column when one of `columns` is absent, and when
// a row's cells do not match the header or there is no row.
std::vector<std::map<std::string, std::string>> TableRows(
    const StepTable& table, const std::vector<std::string>& columns);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_STEP_TABLES_H_
