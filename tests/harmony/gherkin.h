// A parser for the Gherkin subset of the Harmony feature files.
//
// It reproduces what the Gherkin parser used by Harmony yields for these
// files: step texts exactly as Harmony sends them (harmony-contract §6.4),
// and the line numbers a runner needs to report failures. Tables and doc
// strings are kept, although Harmony drops them (§6.5), because serves that
// implement table steps have to know the table a step was written with.
//
// Whitespace follows .NET, where the Gherkin parser trims with
// char.IsWhiteSpace: Unicode spaces count, not only ASCII ones.

#ifndef ZEROBUFFER_TESTS_HARMONY_GHERKIN_H_
#define ZEROBUFFER_TESTS_HARMONY_GHERKIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace zerobuffer::harmony {

struct Step {
  // As written, without the trailing space: "Given", "And", "*", ...
  std::string keyword;
  // The rest of the line, trimmed. Quotes and a trailing ';' or ':' stay.
  std::string text;
  // Rows of trimmed cells, with "\|", "\\" and "\n" unescaped.
  std::vector<std::vector<std::string>> table;
  // The lines between the delimiters, joined by '\n', with the indentation
  // of the opening delimiter removed. A content type after the opening
  // delimiter is dropped.
  std::string doc_string;
  int line = 0;  // 1-based
};

struct Scenario {
  std::string name;
  // The scenario's own tags, '@' included. Feature tags are not repeated
  // here; Harmony only turns scenario tags into test traits (§6.7).
  std::vector<std::string> tags;
  std::vector<Step> steps;
  int line = 0;  // 1-based line of the "Scenario:" header
};

struct Feature {
  std::string name;
  // The name the caller gave: ParseFeatureFile passes the path's base name.
  std::string file_name;
  std::vector<std::string> tags;
  std::vector<Step> background;
  std::vector<Scenario> scenarios;
};

// Parses one feature file's text. `file_name` is recorded in the result and
// prefixes error messages, which name the offending line:
// "<file_name>:<line>: <problem>". Scenario outlines, examples and rules are
// reported as kUnimplemented; anything else outside the grammar as
// kInvalidArgument.
absl::StatusOr<Feature> ParseFeature(const std::string& text,
                                     const std::string& file_name);

// Reads `path` and parses it. kNotFound when the file cannot be read.
absl::StatusOr<Feature> ParseFeatureFile(const std::string& path);

// HARMONY_FEATURE_ID for a feature file (contract §2.2): the number before
// the first '-' of the base name without its extension
// ("dir/01-BasicCommunication.feature" -> 1). 0 when there is no such number;
// Harmony cannot run such a file.
int FeatureId(const std::string& file_name);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_GHERKIN_H_
