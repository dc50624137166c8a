#include "serve/harmony/step_table.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "serve/harmony/messages.h"
#include "serve/jsonrpc/message.h"

namespace zerobuffer::serve {
namespace {

absl::Status Malformed(const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("Table: ", why));
}

// `where` names the cell in errors: "row 2, column 'size'".
absl::StatusOr<std::string> Cell(const Json& value, const std::string& where) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return std::string();
  if (value.is_number() || value.is_boolean()) {
    return jsonrpc::ToJsonText(value);
  }
  return Malformed(absl::StrCat(where,
                                ": a cell must be a string, number, boolean "
                                "or null, not ",
                                jsonrpc::ToJsonText(value)));
}

// `row` is "row 2" or "headers".
absl::StatusOr<std::vector<std::string>> ArrayRow(const Json& cells_json,
                                                  const std::string& row) {
  std::vector<std::string> cells;
  for (size_t i = 0; i < cells_json.size(); ++i) {
    absl::StatusOr<std::string> cell =
        Cell(cells_json[i], absl::StrCat(row, ", cell ", i + 1));
    if (!cell.ok()) return cell.status();
    cells.push_back(*std::move(cell));
  }
  return cells;
}

absl::StatusOr<std::vector<std::string>> ObjectRow(
    const Json& cells_json, const std::string& row,
    const std::vector<std::string>& header) {
  for (const auto& [name, value] : cells_json.items()) {
    if (std::find(header.begin(), header.end(), name) == header.end()) {
      return Malformed(absl::StrCat(row, " has a column '", name,
                                    "' that the headers lack"));
    }
  }
  std::vector<std::string> cells;
  for (const std::string& name : header) {
    const auto value = cells_json.find(name);
    absl::StatusOr<std::string> cell =
        value == cells_json.end()
            ? std::string()
            : Cell(*value, absl::StrCat(row, ", column '", name, "'"));
    if (!cell.ok()) return cell.status();
    cells.push_back(*std::move(cell));
  }
  return cells;
}

// Every column name the object rows use, in name order.
std::vector<std::string> ColumnsOf(const Json& rows) {
  std::set<std::string> names;
  for (const Json& row : rows) {
    if (!row.is_object()) continue;
    for (const auto& [name, value] : row.items()) names.insert(name);
  }
  return {names.begin(), names.end()};
}

// `header` (when given) followed by `rows`; rows given as objects need one.
absl::StatusOr<steps::StepTable> Assemble(
    std::optional<std::vector<std::string>> header, const Json& rows) {
  if (!rows.is_array()) return Malformed("the rows must be an array");
  const bool objects = std::any_of(rows.begin(), rows.end(),
                                   [](const Json& r) { return r.is_object(); });
  if (objects && !header.has_value()) header = ColumnsOf(rows);
  steps::StepTable table;
  if (header.has_value()) table.push_back(*header);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string row = absl::StrCat("row ", i + 1);
    absl::StatusOr<std::vector<std::string>> cells =
        rows[i].is_array()    ? ArrayRow(rows[i], row)
        : rows[i].is_object() ? ObjectRow(rows[i], row, *header)
                              : Malformed(absl::StrCat(
                                    row, " must be an array or an object, not ",
                                    jsonrpc::ToJsonText(rows[i])));
    if (!cells.ok()) return cells.status();
    table.push_back(*std::move(cells));
  }
  return table;
}

}  // namespace

absl::StatusOr<steps::StepTable> ParseStepTable(const Json& table) {
  if (table.is_array()) return Assemble(std::nullopt, table);
  if (!table.is_object()) {
    return Malformed(
        absl::StrCat("expected an array of rows or {\"headers\", "
                     "\"rows\"}, not ",
                     jsonrpc::ToJsonText(table)));
  }
  const Json* headers = FindProperty(table, "headers");
  const Json* rows = FindProperty(table, "rows");
  if (rows == nullptr) return Malformed("an object table needs \"rows\"");
  if (headers == nullptr || headers->is_null()) {
    return Assemble(std::nullopt, *rows);
  }
  if (!headers->is_array()) return Malformed("\"headers\" must be an array");
  absl::StatusOr<std::vector<std::string>> header =
      ArrayRow(*headers, "headers");
  if (!header.ok()) return header.status();
  return Assemble(*std::move(header), *rows);
}

}  // namespace zerobuffer::serve
