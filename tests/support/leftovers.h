// Finding and removing ZeroBuffer objects a test left behind: segments and
// semaphores in /dev/shm and lock files in both lock directories.

#ifndef ZEROBUFFER_TESTS_SUPPORT_LEFTOVERS_H_
#define ZEROBUFFER_TESTS_SUPPORT_LEFTOVERS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace zerobuffer::testing {

// Paths of every such object whose file name contains `marker`.
std::vector<std::string> FindLeftovers(const std::string& marker);

// Removes them; returns what was removed.
std::vector<std::string> RemoveLeftovers(const std::string& marker);

// Where the objects of buffer `name` would appear in the file system: its
// segment and semaphores (where they are files) and its lock files,
// normalised, so a name containing ".." yields the path it escapes to.
std::vector<std::string> ObjectPaths(const std::string& name);

// The names of the regular files in each directory that holds ZeroBuffer
// objects and in each of their parents, where a name with ".." could escape
// to; keyed by directory.
using DirectorySnapshot = std::map<std::string, std::set<std::string>>;
DirectorySnapshot SnapshotObjectDirectories();

// Paths of the files in `after` that are not in `before`.
std::vector<std::string> NewFiles(const DirectorySnapshot& before,
                                  const DirectorySnapshot& after);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_LEFTOVERS_H_
