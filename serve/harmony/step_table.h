// A step's data table as tools send it (Harmony itself never does,
// contract 6.5), turned into rows of cells with the header row first.
//
// Accepted shapes:
//   [["size","count"],["1KB",10]]                     rows of cells
//   [{"size":"1KB","count":10}]                        rows as objects
//   {"headers":["size","count"],"rows":[["1KB",10]]}   headers and rows,
//   {"headers":[...],"rows":[{"size":"1KB"}]}          each row either way
// Cells may be strings, numbers, booleans (written as JSON writes them) or
// null (an empty cell). Rows given as objects take their cells in header
// order; without "headers", the columns are every name the rows use, in
// name order, since JSON objects have no order of their own.

#ifndef ZEROBUFFER_SERVE_HARMONY_STEP_TABLE_H_
#define ZEROBUFFER_SERVE_HARMONY_STEP_TABLE_H_

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "steps/context.h"

namespace zerobuffer::serve {

// kInvalidArgument, saying where, for anything else: a cell that is an
// object or an array, a row that is neither an array nor an object, a row
// object naming a column the headers lack.
absl::StatusOr<steps::StepTable> ParseStepTable(const nlohmann::json& table);

}  // namespace zerobuffer::serve

#endif  // ZEROBUFFER_SERVE_HARMONY_STEP_TABLE_H_
