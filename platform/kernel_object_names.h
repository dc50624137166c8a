// Which namespace a named kernel object (shared memory, semaphore) lives in.
//
// SharedMemory and NamedSemaphore use the portable names the protocol
// defines as given. On Windows that puts the object in the namespace of the
// caller's logon session, as the C# implementation does, so a process of
// another session (a service, another logged-on user) cannot see it. POSIX
// has one namespace for the whole machine (per IPC namespace).

#ifndef ZEROBUFFER_PLATFORM_KERNEL_OBJECT_NAMES_H_
#define ZEROBUFFER_PLATFORM_KERNEL_OBJECT_NAMES_H_

#include <string>

namespace zerobuffer::platform {

// The object name `name` in the machine-wide namespace: "Global\" + name on
// Windows, `name` itself on POSIX. It applies to the full name of each
// object ("Global\sem-w-<buffer>", not "sem-w-Global\<buffer>"), and both
// sides of a buffer must use it to meet. Creating a global file mapping from
// a session other than 0 takes SeCreateGlobalPrivilege; semaphores take
// none (protocol §2.4).
std::string GlobalObjectName(const std::string& name);

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_KERNEL_OBJECT_NAMES_H_
