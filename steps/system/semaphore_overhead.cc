// Steps of 14.5 (never run by Harmony; our runner runs its steps in one
// process): what signalling costs. Every frame is announced by a post on
// the buffer's sem-w and picked up by the reader's wait on it, so the steps
// measure exactly that pair on the named semaphores of a real buffer: the
// cost of one call, then a poster thread signalling a waiter thread at each
// rate of the table. Each run checks that every post was consumed exactly
// once and measures the CPU time of the waiter thread, which does nothing
// but wait, and how long each post took to wake it. The poster's CPU is left
// out: at the highest rates it paces its posts by spinning (see
// kShortestSleep), which would measure spinning against sleeping rather
// than signalling.
//
// The runs are scaled (steps/support/scale.h). Counts are asserted exactly.
// The table's classification is the one cost comparison, checked as an
// order rather than against a figure: every "negligible" rate must cost the
// waiter less CPU per second than every "measurable" one. That holds on a
// loaded machine because the rates are a decade apart and the waiter pays
// for every signal it takes: a wake-up from sleep (microseconds) for each
// at the lower rates, at least a wait on a signalled semaphore (hundreds of
// nanoseconds) for each at the highest, where it often finds the next post
// already made. The gap is therefore less than tenfold, but 2.3 to 4.6
// times between 10 kHz and 100 kHz in runs on two cores, idle and with both
// kept busy by other processes. The rates also take turns (kRounds), so a
// burst of load falls on all of them alike.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "platform/process_stats.h"
#include "platform/semaphore.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/endpoints.h"
#include "steps/support/scale.h"
#include "steps/support/step_tables.h"
#include "steps/system/step_budget.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kBuffer[] = "bench-semaphore";
// Only the semaphores are used; the ring stays empty.
const BufferConfig kSemaphoreBufferConfig(0, 4096);
// Calls timed for the cost of one post and one wait.
constexpr uint64_t kCostCalls = 100'000;
// Each rate signals this long at full size, a fifth of it by default.
constexpr absl::Duration kFullRunPerRate = absl::Seconds(10);
constexpr double kRunFraction = 0.2;
constexpr absl::Duration kShortestRunPerRate = absl::Milliseconds(400);
// The rates take turns, each run in this many windows, so that a burst of
// load on the machine falls on all of them alike rather than on one.
constexpr int kRounds = 4;
// How long the waiter waits for a post beyond the interval between posts.
constexpr absl::Duration kWaitSlack = absl::Seconds(5);
// Every post's time is kept, 8 bytes each.
constexpr uint64_t kMostPostsPerRate = 20'000'000;
// A thread cannot sleep for less than the kernel's timer slack (50 us on
// Linux). A poster sleeping between posts would send faster rates in
// bursts, which the waiter drains with one wake-up each: the higher the
// rate, the less each signal would cost, and on a loaded machine (where
// the waiter falls behind) 100 kHz came out cheaper than 10 kHz. Shorter
// intervals are therefore waited out by spinning, as any source of events
// that frequent has to, so that the posts arrive one at a time, as they
// were scheduled. The spinning is the poster's CPU, which is not measured.
constexpr absl::Duration kShortestSleep = absl::Microseconds(50);

constexpr char kNegligible[] = "negligible";
constexpr char kMeasurable[] = "measurable";

// clang-format off
const StepTable kRatesTable = {
    {"rate", "expected_impact"},
    {"1Hz", "negligible"},
    {"100Hz", "negligible"},
    {"1kHz", "negligible"},
    {"10kHz", "negligible"},
    {"100kHz", "measurable"},
};
// clang-format on

struct CallCost {
  absl::Duration post;
  absl::Duration wait;
};

struct RateResult {
  std::string label;  // as the table writes it
  std::string expected_impact;
  double hertz = 0;
  bool spun = false;  // paced by spinning rather than sleeping
  uint64_t planned = 0;
  uint64_t posted = 0;
  uint64_t consumed = 0;
  // Signals found on sem-w after the run: posts nobody consumed.
  uint64_t left_over = 0;
  std::optional<std::string> problem;
  // The windows' length and the waiter thread's CPU time in them.
  absl::Duration wall;
  absl::Duration waiter_cpu;
  // Wake-up latency, sorted: from just before a post to the waiter's
  // return from the wait it ended.
  std::vector<absl::Duration> latencies;

  absl::Duration LatencyAt(double percent) const {
    const size_t rank = static_cast<size_t>(
        std::ceil(percent / 100 * static_cast<double>(latencies.size())));
    return latencies[std::clamp<size_t>(rank, 1, latencies.size()) - 1];
  }
  // The waiter's CPU time per second of signalling.
  absl::Duration CpuPerSecond() const {
    return wall > absl::ZeroDuration()
               ? waiter_cpu / absl::ToDoubleSeconds(wall)
               : absl::ZeroDuration();
  }
};

struct SemaphoreState {
  std::string buffer;
  std::string semaphore;
  std::optional<CallCost> cost;
  absl::Duration run_per_rate;
  std::vector<RateResult> results;
};

platform::NamedSemaphore OpenSemaphore(const std::string& name) {
  absl::StatusOr<platform::NamedSemaphore> semaphore =
      platform::NamedSemaphore::Open(name);
  if (!semaphore.ok()) {
    throw StepFailure(absl::StrCat("cannot open semaphore ", name, ": ",
                                   semaphore.status().ToString()));
  }
  return *std::move(semaphore);
}

// "1Hz", "100Hz", "1kHz", "10kHz", "100kHz", "1MHz".
double ParseRate(const std::string& text) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const auto& [suffix, multiplier] :
       {std::pair{"mhz", 1e6}, std::pair{"khz", 1e3}, std::pair{"hz", 1.0}}) {
    if (!absl::EndsWith(lower, suffix)) continue;
    double value = 0;
    if (absl::SimpleAtod(lower.substr(0, lower.size() - strlen(suffix)),
                         &value) &&
        value > 0 && std::isfinite(value)) {
      return value * multiplier;
    }
    break;
  }
  throw StepFailure(absl::StrCat("'", text,
                                 "' is not a rate (a positive number of Hz, "
                                 "kHz or MHz)"));
}

std::string Micros(absl::Duration duration) {
  return absl::StrFormat("%.1f us", absl::ToDoubleMicroseconds(duration));
}

ZB_STEP(
    kGiven, "measure sem_post/sem_wait operation cost",
    [](StepContext& context) -> absl::Status {
      SemaphoreState& state = context.State<SemaphoreState>();
      state.buffer = context.PhysicalName(kBuffer);
      state.semaphore = BufferObjectNames::For(state.buffer).write_semaphore;
      context.State<Endpoints>().CreateReader(state.buffer,
                                              kSemaphoreBufferConfig);
      platform::NamedSemaphore semaphore = OpenSemaphore(state.semaphore);
      // All posts first, then all waits: every wait finds a signal, so
      // both are timed without a sleeping thread to wake.
      const Clock::time_point start = Clock::now();
      for (uint64_t call = 0; call < kCostCalls; ++call) {
        if (absl::Status posted = semaphore.Post(); !posted.ok()) {
          return Failed(absl::StrCat("post ", call + 1, " of ", kCostCalls,
                                     " failed: ", posted.ToString()));
        }
      }
      const Clock::time_point posted = Clock::now();
      const std::optional<int> count = semaphore.Value();
      if (count.has_value() && static_cast<uint64_t>(*count) != kCostCalls) {
        return Failed(absl::StrCat(state.semaphore, " counts ", *count,
                                   " after ", kCostCalls, " posts"));
      }
      for (uint64_t call = 0; call < kCostCalls; ++call) {
        if (semaphore.Wait(absl::InfiniteDuration()) !=
            platform::NamedSemaphore::WaitResult::kAcquired) {
          return Failed(absl::StrCat("wait ", call + 1, " of ", kCostCalls,
                                     " failed after as many posts"));
        }
      }
      const Clock::time_point waited = Clock::now();
      if (semaphore.TryWait()) {
        return Failed(absl::StrCat(state.semaphore, " still had a signal ",
                                   "after ", kCostCalls, " posts and as ",
                                   "many waits"));
      }
      state.cost = CallCost{
          absl::FromChrono(posted - start) / static_cast<int64_t>(kCostCalls),
          absl::FromChrono(waited - posted) / static_cast<int64_t>(kCostCalls)};
      context.log().Info(absl::StrCat(
          "On ", state.semaphore, " (buffer ", state.buffer, "), ", kCostCalls,
          " calls each: post ", absl::FormatDuration(state.cost->post),
          ", wait on a signalled ", "semaphore ",
          absl::FormatDuration(state.cost->wait)));
      return absl::OkStatus();
    });

// One window of a rate's schedule, which puts post k at k / hertz from the
// start of the rate's run: the posts due in [`from`, `from` + `length`)
// are signalled from this thread while another thread waits for each.
// What happened is added to `result`; the window lasts its whole length,
// so that CPU per second compares across rates.
void SignalWindow(const SemaphoreState& state, double hertz,
                  absl::Duration from, absl::Duration length,
                  RateResult& result) {
  const auto first =
      static_cast<uint64_t>(std::ceil(absl::ToDoubleSeconds(from) * hertz));
  const auto end = static_cast<uint64_t>(
      std::ceil(absl::ToDoubleSeconds(from + length) * hertz));
  const uint64_t posts = end - first;
  const absl::Duration interval = absl::Seconds(1.0 / hertz);
  const absl::Duration wait_limit = interval + kWaitSlack;
  result.spun = interval < kShortestSleep;
  result.planned += posts;

  platform::NamedSemaphore poster = OpenSemaphore(state.semaphore);
  platform::NamedSemaphore waiter = OpenSemaphore(state.semaphore);
  if (waiter.TryWait()) {
    throw StepFailure(absl::StrCat(
        state.semaphore, " carried a signal before a run at ", result.label));
  }
  // When each post was made, in nanoseconds of the steady clock; written
  // before the post, read after the wait it ends.
  std::vector<std::atomic<int64_t>> posted_at(posts);
  std::vector<int64_t> latency_ns;
  latency_ns.reserve(posts);
  bool waiter_timed_out = false;
  // The waiter's CPU time over its part of the window, or why it could not
  // be read. It ends when it has taken every post, before the window does.
  absl::StatusOr<absl::Duration> waiter_cpu;

  std::thread waiting([&] {
    const absl::StatusOr<absl::Duration> cpu_before = platform::ThreadCpuTime();
    for (uint64_t taken = 0; taken < posts; ++taken) {
      if (waiter.Wait(wait_limit) !=
          platform::NamedSemaphore::WaitResult::kAcquired) {
        waiter_timed_out = true;
        break;
      }
      const int64_t woke = Clock::now().time_since_epoch().count();
      latency_ns.push_back(woke -
                           posted_at[taken].load(std::memory_order_acquire));
    }
    const absl::StatusOr<absl::Duration> cpu_after = platform::ThreadCpuTime();
    if (!cpu_before.ok()) {
      waiter_cpu = cpu_before.status();
    } else if (!cpu_after.ok()) {
      waiter_cpu = cpu_after.status();
    } else {
      waiter_cpu = *cpu_after - *cpu_before;
    }
  });
  const Clock::time_point start = Clock::now();
  std::optional<std::string> post_error;
  for (uint64_t post = 0; post < posts; ++post) {
    // Behind schedule (a sleep can overshoot), posts go out at once until
    // the schedule is met again.
    const Clock::time_point due =
        start +
        absl::ToChronoNanoseconds(
            absl::Seconds(static_cast<double>(first + post) / hertz) - from);
    if (result.spun) {
      while (Clock::now() < due) {
      }
    } else if (Clock::now() < due) {
      std::this_thread::sleep_until(due);
    }
    posted_at[post].store(Clock::now().time_since_epoch().count(),
                          std::memory_order_release);
    if (absl::Status posted = poster.Post(); !posted.ok()) {
      post_error = absl::StrCat("post ", first + post + 1,
                                " failed: ", posted.ToString());
      break;
    }
    ++result.posted;
  }
  std::this_thread::sleep_until(start + absl::ToChronoNanoseconds(length));
  const Clock::time_point end_of_window = Clock::now();
  waiting.join();
  if (!waiter_cpu.ok()) {
    throw StepFailure(absl::StrCat("cannot read the waiter thread's CPU time: ",
                                   waiter_cpu.status().ToString()));
  }
  result.wall += absl::FromChrono(end_of_window - start);
  result.waiter_cpu += *waiter_cpu;

  result.consumed += latency_ns.size();
  while (waiter.TryWait()) ++result.left_over;
  for (const int64_t ns : latency_ns) {
    result.latencies.push_back(absl::Nanoseconds(ns));
  }
  if (result.problem.has_value()) return;
  if (post_error.has_value()) {
    result.problem = post_error;
  } else if (waiter_timed_out) {
    result.problem = absl::StrCat(
        "the waiter waited ", absl::FormatDuration(wait_limit),
        " in vain after consuming ", latency_ns.size(), " of ", posts);
  } else if (std::any_of(latency_ns.begin(), latency_ns.end(),
                         [](int64_t ns) { return ns < 0; })) {
    result.problem = "a wait returned before the post that ended it";
  }
}

// A rate's result before its first window; throws when `run` at `hertz`
// makes more posts than a run may keep.
RateResult NewRateResult(const std::string& label, double hertz,
                         absl::Duration run) {
  const double posts = std::ceil(absl::ToDoubleSeconds(run) * hertz);
  if (posts > kMostPostsPerRate) {
    throw StepFailure(absl::StrFormat(
        "%s for %s makes %.0f posts, more than the %d a run may keep", label,
        absl::FormatDuration(run), posts, kMostPostsPerRate));
  }
  RateResult result;
  result.label = label;
  result.hertz = hertz;
  return result;
}

std::string DescribeRun(const RateResult& result) {
  std::string text = absl::StrFormat(
      "%s (%s, paced by %s): %d of %d posts made and %d consumed in %s "
      "(%.0f/s), %d left over; waiter CPU %s (%s per second)",
      result.label, result.expected_impact,
      result.spun ? "spinning" : "sleeping", result.posted, result.planned,
      result.consumed, absl::FormatDuration(result.wall),
      result.posted / absl::ToDoubleSeconds(result.wall), result.left_over,
      absl::FormatDuration(result.waiter_cpu),
      absl::FormatDuration(result.CpuPerSecond()));
  if (!result.latencies.empty()) {
    absl::StrAppend(&text, "; wake-up latency p50 ",
                    Micros(result.LatencyAt(50)), ", p99 ",
                    Micros(result.LatencyAt(99)), ", max ",
                    Micros(result.latencies.back()));
  }
  return text;
}

ZB_STEP(kWhen, "test at rates:", [](StepContext& context) -> absl::Status {
  SemaphoreState& state = context.State<SemaphoreState>();
  if (state.semaphore.empty()) {
    return Failed("no semaphore has been measured; the cost step comes first");
  }
  std::vector<std::pair<std::string, double>> rates;
  std::vector<std::string> impacts;
  for (const auto& row : TableRows(TableOrWritten(context, kRatesTable),
                                   {"rate", "expected_impact"})) {
    const std::string& impact = row.at("expected_impact");
    if (impact != kNegligible && impact != kMeasurable) {
      return Failed(absl::StrCat("expected_impact '", impact, "' of rate ",
                                 row.at("rate"), " is neither '", kNegligible,
                                 "' nor '", kMeasurable, "'"));
    }
    rates.emplace_back(row.at("rate"), ParseRate(row.at("rate")));
    impacts.push_back(impact);
  }
  state.run_per_rate =
      ScaledDuration(context, kFullRunPerRate, kRunFraction,
                     kShortestRunPerRate, "of signalling at each rate");
  const absl::Duration total =
      state.run_per_rate * static_cast<int64_t>(rates.size());
  if (total > StepBudget(context)) {
    return Failed(absl::StrCat(
        rates.size(), " rates of ", absl::FormatDuration(state.run_per_rate),
        " take ", absl::FormatDuration(total), ", beyond the ",
        absl::FormatDuration(StepBudget(context)),
        " this step may run; lower ZEROBUFFER_STEP_SCALE or raise serve's "
        "--step_timeout"));
  }
  state.results.clear();
  for (size_t i = 0; i < rates.size(); ++i) {
    state.results.push_back(
        NewRateResult(rates[i].first, rates[i].second, state.run_per_rate));
    state.results.back().expected_impact = impacts[i];
  }
  const absl::Duration window = state.run_per_rate / kRounds;
  for (int round = 0; round < kRounds; ++round) {
    for (RateResult& result : state.results) {
      SignalWindow(state, result.hertz, window * round, window, result);
    }
  }
  std::vector<std::string> problems;
  for (RateResult& result : state.results) {
    std::sort(result.latencies.begin(), result.latencies.end());
    context.log().Info(DescribeRun(result));
    if (result.problem.has_value()) {
      problems.push_back(absl::StrCat(result.label, ": ", *result.problem));
    } else if (result.posted != result.planned ||
               result.consumed != result.posted || result.left_over != 0) {
      problems.push_back(
          absl::StrCat(result.label, ": ", result.planned, " posts planned, ",
                       result.posted, " made, ", result.consumed, " consumed, ",
                       result.left_over, " left on ", state.semaphore));
    }
  }
  if (!problems.empty()) {
    return Failed(absl::StrCat("signals were not consumed exactly once: ",
                               absl::StrJoin(problems, "; ")));
  }
  return absl::OkStatus();
});

ZB_STEP(kThen, "report CPU usage and latency impact",
        [](StepContext& context) -> absl::Status {
          const SemaphoreState& state = context.State<SemaphoreState>();
          if (state.results.empty()) return Failed("no rate has been run");
          if (state.cost.has_value()) {
            context.log().Info(absl::StrCat(
                "One call: post ", absl::FormatDuration(state.cost->post),
                ", wait ", absl::FormatDuration(state.cost->wait)));
          }
          // The classification as an order of the waiter's CPU per second:
          // the costliest negligible rate against the cheapest measurable
          // one.
          const RateResult* costliest_negligible = nullptr;
          const RateResult* cheapest_measurable = nullptr;
          for (const RateResult& result : state.results) {
            if (result.latencies.size() != result.consumed) {
              return Failed(absl::StrCat(
                  result.label, ": ", result.latencies.size(),
                  " latencies for ", result.consumed, " signals consumed"));
            }
            context.log().Info(DescribeRun(result));
            const absl::Duration cost = result.CpuPerSecond();
            if (result.expected_impact == kNegligible) {
              if (costliest_negligible == nullptr ||
                  cost > costliest_negligible->CpuPerSecond()) {
                costliest_negligible = &result;
              }
            } else if (cheapest_measurable == nullptr ||
                       cost < cheapest_measurable->CpuPerSecond()) {
              cheapest_measurable = &result;
            }
          }
          if (costliest_negligible == nullptr ||
              cheapest_measurable == nullptr) {
            context.log().Info(
                "The table marks no rate both ways; the impacts are reported, "
                "not compared");
            return absl::OkStatus();
          }
          if (costliest_negligible->CpuPerSecond() >=
              cheapest_measurable->CpuPerSecond()) {
            return Failed(absl::StrCat(
                "signalling at ", costliest_negligible->label,
                " (negligible) cost the waiter thread ",
                absl::FormatDuration(costliest_negligible->CpuPerSecond()),
                " of CPU per second, not less than the ",
                absl::FormatDuration(cheapest_measurable->CpuPerSecond()),
                " at ", cheapest_measurable->label, " (measurable)"));
          }
          context.log().Info(absl::StrCat(
              "Every negligible rate costs the waiter thread less CPU per "
              "second (at most ",
              absl::FormatDuration(costliest_negligible->CpuPerSecond()),
              ", at ", costliest_negligible->label,
              ") than every measurable one (at least ",
              absl::FormatDuration(cheapest_measurable->CpuPerSecond()),
              ", at ", cheapest_measurable->label, ")"));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps
