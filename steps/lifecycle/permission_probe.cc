#include "steps/lifecycle/permission_probe.h"

#include <exception>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "steps/step_failure.h"
#include "steps/support/buffer_objects.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

constexpr char kStandInAccount[] = "nobody";
constexpr char kConnected[] = "connected";

// The child reports "connected", or the error code (or "-" for an error
// outside the library) and the message on the following line.
std::string ConnectAndReport(const std::string& name) {
  try {
    Writer writer(name);
    return kConnected;
  } catch (const ZeroBufferException& error) {
    return absl::StrCat(static_cast<int>(error.code()), "\n", error.what());
  } catch (const std::exception& error) {
    return absl::StrCat("-\n", error.what());
  }
}

ConnectOutcome ParseReport(const std::string& report) {
  ConnectOutcome outcome;
  if (report == kConnected) {
    outcome.connected = true;
    return outcome;
  }
  const size_t newline = report.find('\n');
  const std::string code = report.substr(0, newline);
  outcome.message =
      newline == std::string::npos ? report : report.substr(newline + 1);
  int value = 0;
  if (absl::SimpleAtoi(code, &value)) {
    outcome.error = static_cast<ErrorCode>(value);
  }
  return outcome;
}

}  // namespace

absl::Status ExpectObjectModes(const std::string& name, uint32_t mode,
                               std::optional<uint32_t> owner_uid) {
  std::vector<std::string> wrong;
  for (const BufferObject& object : ObjectsOf(name)) {
    if (!object.path.has_value()) {
      return Failed(
          absl::StrCat("not applicable on this platform: ", object.Describe(),
                       " is not a file with permission bits"));
    }
    const absl::StatusOr<platform::FileOwnership> ownership =
        platform::GetFileOwnership(*object.path);
    if (!ownership.ok()) {
      wrong.push_back(
          absl::StrCat(object.Describe(), ": ", ownership.status().message()));
    } else if (ownership->mode != mode ||
               (owner_uid.has_value() && ownership->uid != *owner_uid)) {
      wrong.push_back(absl::StrCat(object.Describe(), " has mode 0",
                                   absl::StrFormat("%o", ownership->mode),
                                   " and owner uid ", ownership->uid));
    }
  }
  if (wrong.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(
      "expected mode 0", absl::StrFormat("%o", mode),
      owner_uid.has_value() ? absl::StrCat(" and owner uid ", *owner_uid) : "",
      " on every object of ", name, ": ", absl::StrJoin(wrong, "; ")));
}

absl::StatusOr<uint32_t> ExpectOwnerOnly(const std::string& name) {
  const absl::StatusOr<platform::UserIdentity> self = platform::CurrentUser();
  if (!self.ok()) {
    return Failed(absl::StrCat("cannot tell which user this process is: ",
                               self.status().message()));
  }
  if (absl::Status modes = ExpectObjectModes(name, kRestrictiveMode, self->uid);
      !modes.ok()) {
    return modes;
  }
  return self->uid;
}

std::string ActingUser::Describe() const {
  return absl::StrCat(
      "uid ", identity.uid, " gid ", identity.gid, " (",
      stand_in ? absl::StrCat("'", kStandInAccount, "' standing in for '",
                              account, "', which has no account here")
               : absl::StrCat("account '", account, "'"),
      ")");
}

absl::StatusOr<ActingUser> ResolveActingUser(const std::string& account) {
  absl::StatusOr<platform::UserIdentity> identity =
      platform::LookupUser(account);
  if (identity.ok()) return ActingUser{account, *identity, false};
  if (!absl::IsNotFound(identity.status())) return identity.status();
  identity = platform::LookupUser(kStandInAccount);
  if (!identity.ok()) {
    return absl::NotFoundError(
        absl::StrCat("neither '", account, "' nor '", kStandInAccount,
                     "' has an account here: ", identity.status().message()));
  }
  return ActingUser{account, *identity, true};
}

absl::StatusOr<ConnectOutcome> ConnectAs(const platform::UserIdentity& user,
                                         const std::string& name,
                                         absl::Duration timeout) {
  absl::StatusOr<std::string> report = platform::RunAsUser(
      user, [&name] { return ConnectAndReport(name); }, timeout);
  if (!report.ok()) return report.status();
  return ParseReport(*report);
}

ConnectOutcome ConnectHere(const std::string& name) {
  return ParseReport(ConnectAndReport(name));
}

}  // namespace zerobuffer::steps
