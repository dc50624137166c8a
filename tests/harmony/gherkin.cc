#include "tests/harmony/gherkin.h"

#include <cstddef>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "re2/re2.h"

namespace zerobuffer::harmony {
namespace {

// .NET's char.IsWhiteSpace, which the Gherkin parser trims with.
constexpr char kWhitespace[] = R"([\t\n\x0B\f\r\x{85}\p{Z}])";

// Each caller keeps the result in a function-local static, never destroyed.
const RE2& CompileWhitespaceRun(const char* anchor_before,
                                const char* anchor_after) {
  return *new RE2(absl::StrCat(anchor_before, kWhitespace, "+", anchor_after));
}

std::string TrimStart(std::string text) {
  static const RE2& leading = CompileWhitespaceRun("^", "");
  RE2::Replace(&text, leading, "");
  return text;
}

std::string TrimEnd(std::string text) {
  static const RE2& trailing = CompileWhitespaceRun("", "$");
  RE2::Replace(&text, trailing, "");
  return text;
}

std::string Trim(std::string text) {
  return TrimEnd(TrimStart(std::move(text)));
}

bool ContainsWhitespace(const std::string& text) {
  static const RE2& any = CompileWhitespaceRun("", "");
  return RE2::PartialMatch(text, any);
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Lines as .NET's StringReader.ReadLine splits them: at "\r\n", "\n" or "\r".
std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') {
      current += text[i];
      continue;
    }
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    lines.push_back(std::move(current));
    current.clear();
  }
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

// Removes up to `count` leading whitespace characters (not bytes: the
// indentation of a doc string is counted in characters).
std::string RemoveIndent(const std::string& line, int count) {
  const size_t whitespace_bytes = line.size() - TrimStart(line).size();
  size_t cut = 0;
  while (cut < whitespace_bytes && count > 0) {
    ++cut;
    while (cut < whitespace_bytes && (line[cut] & 0xC0) == 0x80) ++cut;
    --count;
  }
  return line.substr(cut);
}

int CountCharacters(const std::string& text) {
  int count = 0;
  for (const char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string UnescapeCell(const std::string& raw) {
  std::string cell;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      const char next = raw[i + 1];
      if (next == '|' || next == '\\') {
        cell += next;
        ++i;
        continue;
      }
      if (next == 'n') {
        cell += '\n';
        ++i;
        continue;
      }
    }
    cell += raw[i];
  }
  return cell;
}

// `row` starts with '|'. Text after the last unescaped '|' is not a cell.
// Cells are trimmed before unescaping so that an escaped "\n" at either end
// survives.
std::vector<std::string> SplitCells(const std::string& row) {
  std::vector<std::string> cells;
  std::string raw;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|') {
      cells.push_back(UnescapeCell(Trim(std::move(raw))));
      raw.clear();
      continue;
    }
    raw += row[i];
    if (row[i] == '\\' && i + 1 < row.size()) raw += row[++i];
  }
  return cells;
}

enum class Title { kFeature, kBackground, kScenario, kUnsupported };

struct TitleKeyword {
  const char* keyword;
  Title title;
};

// English Gherkin. "Example" is a synonym of "Scenario"; the others exist in
// Gherkin but not in the Harmony suite, so they are refused, not ignored.
constexpr TitleKeyword kTitleKeywords[] = {
    {"Feature", Title::kFeature},
    {"Background", Title::kBackground},
    {"Scenario", Title::kScenario},
    {"Example", Title::kScenario},
    {"Scenario Outline", Title::kUnsupported},
    {"Scenario Template", Title::kUnsupported},
    {"Examples", Title::kUnsupported},
    {"Scenarios", Title::kUnsupported},
    {"Rule", Title::kUnsupported},
};

// Gherkin's keywords include the space that must follow them: "Given\tx"
// is not a step.
constexpr const char* kStepKeywords[] = {"Given", "When", "Then",
                                         "And",   "But",  "*"};

class Parser {
 public:
  Parser(std::vector<std::string> lines, const std::string& file_name)
      : lines_(std::move(lines)) {
    feature_.file_name = file_name;
  }

  absl::StatusOr<Feature> Parse() && {
    for (index_ = 0; index_ < lines_.size(); ++index_) {
      const absl::Status status = ParseLine(TrimStart(lines_[index_]));
      if (!status.ok()) return status;
    }
    if (absl::Status tags = RejectPendingTags(); !tags.ok()) return tags;
    if (block_ == Block::kNone) {
      return Error(static_cast<int>(lines_.size()), "no 'Feature:' found");
    }
    return std::move(feature_);
  }

 private:
  // Where the parser is: before "Feature:", in the feature's description,
  // or in the background or the last scenario.
  enum class Block { kNone, kFeature, kBackground, kScenario };
  // What the last step of the block already carries.
  enum class Argument { kNone, kTable, kDocString };

  int LineNumber() const { return static_cast<int>(index_) + 1; }

  absl::Status Error(
      int line, const std::string& problem,
      absl::StatusCode code = absl::StatusCode::kInvalidArgument) const {
    return absl::Status(
        code, absl::StrCat(feature_.file_name, ":", line, ": ", problem));
  }
  absl::Status Error(const std::string& problem) const {
    return Error(LineNumber(), problem);
  }

  std::vector<Step>* CurrentSteps() {
    if (block_ == Block::kBackground) return &feature_.background;
    if (block_ == Block::kScenario) return &feature_.scenarios.back().steps;
    return nullptr;
  }

  Step* LastStep() {
    std::vector<Step>* steps = CurrentSteps();
    return steps == nullptr || steps->empty() ? nullptr : &steps->back();
  }

  // Only tags and the header they belong to may follow tags.
  absl::Status RejectPendingTags() const {
    if (pending_tags_.empty()) return absl::OkStatus();
    return Error(tags_line_, "tags are not followed by a Feature or Scenario");
  }

  absl::Status ParseLine(const std::string& line) {
    if (line.empty()) return absl::OkStatus();
    if (line[0] == '#') return ParseComment(line);
    if (line[0] == '@') return ParseTags(line);
    if (StartsWith(line, "\"\"\"") || StartsWith(line, "```")) {
      return ParseDocString(line.substr(0, 3));
    }
    if (line[0] == '|') return ParseTableRow(line);
    for (const TitleKeyword& title : kTitleKeywords) {
      const std::string keyword = absl::StrCat(title.keyword, ":");
      if (StartsWith(line, keyword)) {
        return ParseTitle(title, Trim(line.substr(keyword.size())));
      }
    }
    for (const char* keyword : kStepKeywords) {
      const std::string with_space = absl::StrCat(keyword, " ");
      if (StartsWith(line, with_space)) {
        return ParseStep(keyword, Trim(line.substr(with_space.size())));
      }
    }
    return ParseDescription(line);
  }

  // A "# language:" header before the feature would switch Gherkin to
  // another dialect, whose keywords this parser does not know.
  absl::Status ParseComment(const std::string& line) const {
    static const RE2* const language =
        new RE2(R"(^#\s*language\s*:\s*([a-zA-Z\-_]+)\s*$)");
    std::string dialect;
    if (block_ == Block::kNone && RE2::FullMatch(line, *language, &dialect) &&
        dialect != "en") {
      return Error(LineNumber(),
                   absl::StrCat("only English Gherkin is supported, not '",
                                dialect, "'"),
                   absl::StatusCode::kUnimplemented);
    }
    return absl::OkStatus();
  }

  // Gherkin splits a tag line at each '@' and right-trims the pieces; a '#'
  // after whitespace starts a comment.
  absl::Status ParseTags(const std::string& line) {
    static const RE2* const comment =
        new RE2(absl::StrCat(kWhitespace, "#.*$"));
    std::string uncommented = line;
    RE2::Replace(&uncommented, *comment, "");
    if (pending_tags_.empty()) tags_line_ = LineNumber();
    size_t start = 1;
    while (start <= uncommented.size()) {
      size_t end = uncommented.find('@', start);
      if (end == std::string::npos) end = uncommented.size();
      const std::string name = TrimEnd(uncommented.substr(start, end - start));
      if (ContainsWhitespace(name)) {
        return Error(
            absl::StrCat("a tag may not contain whitespace: '@", name, "'"));
      }
      if (!name.empty()) pending_tags_.push_back(absl::StrCat("@", name));
      start = end + 1;
    }
    return absl::OkStatus();
  }

  absl::Status ParseTitle(const TitleKeyword& title, std::string name) {
    switch (title.title) {
      case Title::kUnsupported:
        return Error(LineNumber(),
                     absl::StrCat("'", title.keyword, ":' is not supported"),
                     absl::StatusCode::kUnimplemented);
      case Title::kFeature:
        if (block_ != Block::kNone) return Error("a second 'Feature:'");
        feature_.name = std::move(name);
        feature_.tags = std::move(pending_tags_);
        pending_tags_.clear();
        block_ = Block::kFeature;
        return absl::OkStatus();
      case Title::kBackground:
        if (block_ == Block::kNone) {
          return Error("'Background:' before 'Feature:'");
        }
        if (block_ != Block::kFeature) {
          return Error(
              "'Background:' must come once, before the first scenario");
        }
        if (absl::Status tags = RejectPendingTags(); !tags.ok()) return tags;
        block_ = Block::kBackground;
        return absl::OkStatus();
      case Title::kScenario: {
        if (block_ == Block::kNone) {
          return Error("'Scenario:' before 'Feature:'");
        }
        Scenario scenario;
        scenario.name = std::move(name);
        scenario.tags = std::move(pending_tags_);
        pending_tags_.clear();
        scenario.line = LineNumber();
        feature_.scenarios.push_back(std::move(scenario));
        block_ = Block::kScenario;
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseStep(const std::string& keyword, std::string text) {
    std::vector<Step>* steps = CurrentSteps();
    if (steps == nullptr) {
      return Error("a step outside a Scenario or Background");
    }
    if (absl::Status tags = RejectPendingTags(); !tags.ok()) return tags;
    Step step;
    step.keyword = keyword;
    step.text = std::move(text);
    step.line = LineNumber();
    steps->push_back(std::move(step));
    argument_ = Argument::kNone;
    return absl::OkStatus();
  }

  absl::Status ParseTableRow(const std::string& line) {
    Step* step = LastStep();
    if (step == nullptr) return Error("a table row without a step");
    if (absl::Status tags = RejectPendingTags(); !tags.ok()) return tags;
    if (argument_ == Argument::kDocString) {
      return Error("a step cannot have both a doc string and a table");
    }
    std::vector<std::string> cells = SplitCells(line);
    if (!step->table.empty() && cells.size() != step->table.front().size()) {
      return Error(absl::StrCat("a table row with ", cells.size(),
                                " cells, but the first row has ",
                                step->table.front().size()));
    }
    step->table.push_back(std::move(cells));
    argument_ = Argument::kTable;
    return absl::OkStatus();
  }

  // Consumes the lines up to the closing `separator`, which must be the
  // same kind as the opening one.
  absl::Status ParseDocString(const std::string& separator) {
    Step* step = LastStep();
    if (step == nullptr) return Error("a doc string without a step");
    if (absl::Status tags = RejectPendingTags(); !tags.ok()) return tags;
    if (argument_ != Argument::kNone) {
      return Error("a step can have only one table or doc string");
    }
    const int opening_line = LineNumber();
    const std::string& opening = lines_[index_];
    const int indent = CountCharacters(
        opening.substr(0, opening.size() - TrimStart(opening).size()));
    const std::string quote(1, separator[0]);
    const std::string escaped =
        absl::StrCat("\\", quote, "\\", quote, "\\", quote);
    std::vector<std::string> content;
    for (++index_; index_ < lines_.size(); ++index_) {
      if (StartsWith(TrimStart(lines_[index_]), separator)) {
        std::string text;
        for (size_t i = 0; i < content.size(); ++i) {
          if (i > 0) text += '\n';
          text += absl::StrReplaceAll(content[i], {{escaped, separator}});
        }
        step->doc_string = std::move(text);
        argument_ = Argument::kDocString;
        return absl::OkStatus();
      }
      content.push_back(RemoveIndent(lines_[index_], indent));
    }
    return Error(opening_line, "a doc string is not closed");
  }

  // Free text is a description while the feature, background or scenario
  // has no steps yet; after the first step it is an error, as in Gherkin.
  absl::Status ParseDescription(const std::string& line) {
    if (block_ == Block::kNone) {
      return Error(absl::StrCat("expected 'Feature:', found '", line, "'"));
    }
    if (absl::Status tags = RejectPendingTags(); !tags.ok()) return tags;
    if (LastStep() != nullptr) {
      return Error(
          absl::StrCat("expected a step, table or header, found '", line, "'"));
    }
    return absl::OkStatus();
  }

  const std::vector<std::string> lines_;
  size_t index_ = 0;
  Feature feature_;
  Block block_ = Block::kNone;
  Argument argument_ = Argument::kNone;
  std::vector<std::string> pending_tags_;
  int tags_line_ = 0;
};

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<Feature> ParseFeature(const std::string& text,
                                     const std::string& file_name) {
  constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";
  const bool has_bom = StartsWith(text, kByteOrderMark);
  return Parser(SplitLines(has_bom ? text.substr(3) : text), file_name).Parse();
}

absl::StatusOr<Feature> ParseFeatureFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  const std::string text{std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>()};
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return ParseFeature(text, BaseName(path));
}

int FeatureId(const std::string& file_name) {
  // Harmony takes the name without its extension (GetFileNameWithoutExtension)
  // and int.TryParse's the part before the first '-', which like SimpleAtoi
  // allows surrounding ASCII whitespace and a sign.
  std::string stem = BaseName(file_name);
  const size_t dot = stem.rfind('.');
  if (dot != std::string::npos) stem.erase(dot);
  const size_t dash = stem.find('-');
  int id = 0;
  if (dash == std::string::npos ||
      !absl::SimpleAtoi(stem.substr(0, dash), &id)) {
    return 0;
  }
  return id;
}

}  // namespace zerobuffer::harmony
