// The step registry: every step is declared once, next to its handler, with
// its type and an RE2 pattern that must match the whole sentence Harmony
// sends. Declaring a step registers it; there is no central list.
//
//   ZB_STEP(kWhen, "the '([^']*)' process writes frame with size '(\\d+)'",
//           [](StepContext& context, const std::string& process,
//              uint64_t size) -> absl::Status { ... });
//
// The handler receives the captured groups converted to its parameter types
// (std::string, int64_t, uint64_t, int, double). Step libraries must be
// linked with alwayslink = True, or the linker drops their registrations.

#ifndef ZEROBUFFER_STEPS_REGISTRY_H_
#define ZEROBUFFER_STEPS_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "steps/context.h"
#include "steps/step_type.h"

namespace zerobuffer::steps {

class StepDefinition {
 public:
  using Invoker = std::function<absl::Status(
      StepContext& context, const std::vector<std::string>& captures)>;

  StepDefinition(StepType type, std::string pattern, size_t arity,
                 Invoker invoker, std::string location);
  StepDefinition(const StepDefinition&) = delete;
  StepDefinition& operator=(const StepDefinition&) = delete;

  StepType type() const { return type_; }
  const std::string& pattern() const { return pattern_; }
  // Where the step is declared (file:line).
  const std::string& location() const { return location_; }
  // Why the declaration is unusable (bad pattern, groups that do not match
  // the handler's parameters); empty when it is fine.
  const std::string& defect() const;

  // The captured groups when `text` matches the whole pattern.
  std::optional<std::vector<std::string>> Match(const std::string& text) const;

  absl::Status Invoke(StepContext& context,
                      const std::vector<std::string>& captures) const {
    return invoker_(context, captures);
  }

 private:
  // Patterns are compiled on first use: the serve front, which never
  // matches steps, starts without compiling hundreds of them.
  void Compile() const;

  StepType type_;
  std::string pattern_;
  size_t arity_;
  Invoker invoker_;
  std::string location_;
  mutable std::once_flag compiled_;
  mutable std::unique_ptr<RE2> regex_;
  mutable std::string defect_;
};

struct StepMatch {
  const StepDefinition* definition;
  std::vector<std::string> captures;
};

class StepRegistry {
 public:
  StepRegistry();
  ~StepRegistry();

  // The registry ZB_STEP declarations fill.
  static StepRegistry& Global();

  void Add(std::unique_ptr<StepDefinition> definition);

  // The one definition matching `text`. kNotFound names the closest
  // registered patterns; kFailedPrecondition lists every definition when
  // more than one matches. Thread-safe once registration is over.
  absl::StatusOr<StepMatch> Match(const std::string& text) const;

  // Compiles every pattern and the matching index now rather than on the
  // first Match.
  void Prepare() const;

  const std::vector<std::unique_ptr<StepDefinition>>& definitions() const {
    return definitions_;
  }

 private:
  // Every usable pattern in one automaton, so a sentence is matched against
  // all of them in a single pass; built on first use.
  struct Index;
  const Index& GetIndex() const;
  // Indices of the definitions matching `text`, by the index when it can
  // decide, else by trying each definition.
  std::vector<size_t> Candidates(const std::string& text) const;

  std::vector<std::unique_ptr<StepDefinition>> definitions_;
  mutable std::mutex index_mutex_;
  mutable std::unique_ptr<Index> index_;
};

namespace internal {

// Capture conversion for handler parameters; false when `text` is not a
// value of that type.
bool ParseCapture(const std::string& text, std::string* value);
bool ParseCapture(const std::string& text, int64_t* value);
bool ParseCapture(const std::string& text, uint64_t* value);
bool ParseCapture(const std::string& text, int* value);
bool ParseCapture(const std::string& text, double* value);

template <typename Method>
struct HandlerSignature;

template <typename Class, typename... Params>
struct HandlerSignature<absl::Status (Class::*)(StepContext&, Params...)
                            const> {
  using Values = std::tuple<std::decay_t<Params>...>;
  static constexpr size_t kArity = sizeof...(Params);
};

template <typename Values, size_t... I>
absl::Status ParseCaptures(const std::vector<std::string>& captures,
                           Values& values, std::index_sequence<I...>) {
  absl::Status status;
  [[maybe_unused]] auto parse = [&](size_t index, auto* value) {
    if (status.ok() && !ParseCapture(captures[index], value)) {
      status = absl::InvalidArgumentError(
          absl::StrCat("argument ", index + 1, " ('", captures[index],
                       "') is not a valid value for this step"));
    }
  };
  (parse(I, &std::get<I>(values)), ...);
  return status;
}

// Adapts a handler taking typed parameters to StepDefinition::Invoker.
template <typename Handler>
std::unique_ptr<StepDefinition> MakeStepDefinition(StepType type,
                                                   const std::string& pattern,
                                                   Handler handler,
                                                   std::string location) {
  using Signature = HandlerSignature<decltype(&Handler::operator())>;
  constexpr size_t kArity = Signature::kArity;
  auto invoker = [handler = std::move(handler)](
                     StepContext& context,
                     const std::vector<std::string>& captures) {
    typename Signature::Values values;
    absl::Status parsed =
        ParseCaptures(captures, values, std::make_index_sequence<kArity>());
    if (!parsed.ok()) return parsed;
    return std::apply(
        [&](auto&... arguments) { return handler(context, arguments...); },
        values);
  };
  return std::make_unique<StepDefinition>(
      type, pattern, kArity, std::move(invoker), std::move(location));
}

struct StepRegistrar {
  template <typename Handler>
  StepRegistrar(StepType type, const char* pattern, Handler handler,
                const char* file, int line) {
    StepRegistry::Global().Add(MakeStepDefinition(
        type, pattern, std::move(handler), absl::StrCat(file, ":", line)));
  }
};

}  // namespace internal
}  // namespace zerobuffer::steps

#define ZB_STEP_CONCAT_INNER(a, b) a##b
#define ZB_STEP_CONCAT(a, b) ZB_STEP_CONCAT_INNER(a, b)

// Declares a step: a StepType enumerator name, an RE2 pattern matched
// against the whole sentence, and a handler (see the top of this file).
#define ZB_STEP(type, pattern, ...)                                         \
  static const ::zerobuffer::steps::internal::StepRegistrar ZB_STEP_CONCAT( \
      zb_step_registrar_, __LINE__)(::zerobuffer::steps::StepType::type,    \
                                    pattern, __VA_ARGS__, __FILE__, __LINE__)

#endif  // ZEROBUFFER_STEPS_REGISTRY_H_
