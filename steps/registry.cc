#include "steps/registry.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "re2/set.h"

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

StepDefinition::StepDefinition(StepType type, std::string pattern, size_t arity,
                               Invoker invoker, std::string location)
    : type_(type),
      pattern_(std::move(pattern)),
      arity_(arity),
      invoker_(std::move(invoker)),
      location_(std::move(location)) {}

void StepDefinition::Compile() const {
  std::call_once(compiled_, [this] {
    regex_ = std::make_unique<RE2>(pattern_, RE2::Quiet);
    if (!regex_->ok()) {
      defect_ = absl::StrCat("pattern does not compile: ", regex_->error());
    } else if (static_cast<size_t>(regex_->NumberOfCapturingGroups()) !=
               arity_) {
      defect_ =
          absl::StrCat("pattern has ", regex_->NumberOfCapturingGroups(),
                       " groups but the handler takes ", arity_, " arguments");
    }
  });
}

const std::string& StepDefinition::defect() const {
  Compile();
  return defect_;
}

std::optional<std::vector<std::string>> StepDefinition::Match(
    const std::string& text) const {
  if (!defect().empty()) return std::nullopt;
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

struct StepRegistry::Index {
  Index() : set(RE2::Options(), RE2::ANCHOR_BOTH) {}

  RE2::Set set;
  // Set entry i is definitions_[definition_of[i]].
  std::vector<size_t> definition_of;
  bool usable = false;
};

StepRegistry::StepRegistry() = default;
StepRegistry::~StepRegistry() = default;

StepRegistry& StepRegistry::Global() {
  static StepRegistry* registry = new StepRegistry;
  return *registry;
}

void StepRegistry::Add(std::unique_ptr<StepDefinition> definition) {
  definitions_.push_back(std::move(definition));
  std::lock_guard lock(index_mutex_);
  index_.reset();
}

void StepRegistry::Prepare() const { GetIndex(); }

const StepRegistry::Index& StepRegistry::GetIndex() const {
  std::lock_guard lock(index_mutex_);
  if (index_ == nullptr) {
    auto index = std::make_unique<Index>();
    for (size_t i = 0; i < definitions_.size(); ++i) {
      if (!definitions_[i]->defect().empty()) continue;
      if (index->set.Add(definitions_[i]->pattern(), nullptr) < 0) continue;
      index->definition_of.push_back(i);
    }
    index->usable = index->set.Compile();
    index_ = std::move(index);
  }
  return *index_;
}

std::vector<size_t> StepRegistry::Candidates(const std::string& text) const {
  const Index& index = GetIndex();
  std::vector<int> hits;
  RE2::Set::ErrorInfo error;
  std::vector<size_t> candidates;
  if (index.usable && (index.set.Match(text, &hits, &error) ||
                       error.kind == RE2::Set::kNoError)) {
    for (int hit : hits) candidates.push_back(index.definition_of[hit]);
    return candidates;
  }
  // The automaton ran out of memory: try the patterns one by one.
  for (size_t i = 0; i < definitions_.size(); ++i) {
    if (definitions_[i]->Match(text)) candidates.push_back(i);
  }
  return candidates;
}

absl::StatusOr<StepMatch> StepRegistry::Match(const std::string& text) const {
  std::vector<StepMatch> matches;
  for (size_t i : Candidates(text)) {
    if (auto captures = definitions_[i]->Match(text)) {
      matches.push_back({definitions_[i].get(), *std::move(captures)});
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
