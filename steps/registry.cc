#include "steps/registry.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zerobuffer::steps {
namespace {

// How many near misses an unknown step's error lists.
constexpr size_t kSuggestions = 3;

// A sentence with its quoted values blanked: "the '{}' process ...".
std::string SentenceShape(const std::string& text) {
  std::string shape = text;
  RE2::GlobalReplace(&shape, "'[^']*'", "'{}'");
  return shape;
}

// A pattern as the sentences it matches read: groups become {}.
std::string PatternShape(const std::string& pattern) {
  std::string shape = pattern;
  RE2::GlobalReplace(&shape, R"(\((?:[^()\\]|\\.)*\)[?*+]?)", "{}");
  RE2::GlobalReplace(&shape, R"(\\(.))", "\\1");
  return shape;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

StepDefinition::StepDefinition(StepType type, const std::string& pattern,
                               size_t arity, Invoker invoker,
                               std::string location)
    : type_(type),
      regex_(std::make_unique<RE2>(pattern, RE2::Quiet)),
      invoker_(std::move(invoker)),
      location_(std::move(location)) {
  if (!regex_->ok()) {
    defect_ = absl::StrCat("pattern does not compile: ", regex_->error());
  } else if (static_cast<size_t>(regex_->NumberOfCapturingGroups()) != arity) {
    defect_ =
        absl::StrCat("pattern has ", regex_->NumberOfCapturingGroups(),
                     " groups but the handler takes ", arity, " arguments");
  }
}

std::optional<std::vector<std::string>> StepDefinition::Match(
    const std::string& text) const {
  if (!defect_.empty()) return std::nullopt;
  const int groups = regex_->NumberOfCapturingGroups();
  std::vector<std::string> captures(groups);
  std::vector<RE2::Arg> arguments(groups);
  std::vector<const RE2::Arg*> argument_pointers(groups);
  for (int i = 0; i < groups; ++i) {
    arguments[i] = &captures[i];
    argument_pointers[i] = &arguments[i];
  }
  if (!RE2::FullMatchN(text, *regex_, argument_pointers.data(), groups)) {
    return std::nullopt;
  }
  return captures;
}

StepRegistry& StepRegistry::Global() {
  static StepRegistry* registry = new StepRegistry;
  return *registry;
}

void StepRegistry::Add(StepDefinition definition) {
  definitions_.push_back(
      std::make_unique<StepDefinition>(std::move(definition)));
}

absl::StatusOr<StepMatch> StepRegistry::Match(const std::string& text) const {
  std::vector<StepMatch> matches;
  for (const auto& definition : definitions_) {
    if (auto captures = definition->Match(text)) {
      matches.push_back({definition.get(), *std::move(captures)});
    }
  }
  if (matches.size() == 1) return std::move(matches.front());
  if (matches.size() > 1) {
    std::vector<std::string> where;
    for (const StepMatch& match : matches) {
      where.push_back(absl::StrCat("'", match.definition->pattern(), "' (",
                                   match.definition->location(), ")"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "Ambiguous step '", text, "' matches ", absl::StrJoin(where, " and ")));
  }

  const std::string shape = SentenceShape(text);
  std::vector<std::pair<size_t, const StepDefinition*>> ranked;
  for (const auto& definition : definitions_) {
    ranked.emplace_back(
        EditDistance(shape, PatternShape(definition->pattern())),
        definition.get());
  }
  const size_t shown = std::min(kSuggestions, ranked.size());
  std::partial_sort(
      ranked.begin(), ranked.begin() + shown, ranked.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> closest;
  for (size_t i = 0; i < shown; ++i) {
    closest.push_back(absl::StrCat("'", ranked[i].second->pattern(), "'"));
  }
  return absl::NotFoundError(absl::StrCat(
      "No step definition matches '", text, "'",
      closest.empty() ? "" : "; closest: ", absl::StrJoin(closest, ", ")));
}

namespace internal {

bool ParseCapture(const std::string& text, std::string* value) {
  *value = text;
  return true;
}

bool ParseCapture(const std::string& text, int64_t* value) {
  return absl::SimpleAtoi(text, value);
}

bool ParseCapture(const std::string& text, uint64_t* value) {
  return absl::SimpleAtoi(text, value);
}

bool ParseCapture(const std::string& text, int* value) {
  return absl::SimpleAtoi(text, value);
}

bool ParseCapture(const std::string& text, double* value) {
  return absl::SimpleAtod(text, value);
}

}  // namespace internal
}  // namespace zerobuffer::steps
