// Where a buffer's segment and semaphores live. A header of its own so that
// the options (config.h) can name it without the naming rules (names.h) and
// the platform paths those pull in.

#ifndef ZEROBUFFER_ZEROBUFFER_OBJECT_NAMESPACE_H_
#define ZEROBUFFER_ZEROBUFFER_OBJECT_NAMESPACE_H_

namespace zerobuffer {

// On Windows the session namespace is the caller's logon session, as in the
// C# implementation; the global one ("Global\" prefix) is shared by every
// session, so a service and a user's process can meet. POSIX has one
// namespace: both are the same.
enum class ObjectNamespace { kSession, kGlobal };

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_OBJECT_NAMESPACE_H_
