// SPDX-License-Identifier: Apache-2.0
#pragma once

// Stack for analyzing deeply nested statements. libpg_query's parser keeps its own stack on the heap,
// but the analyzer's walk of the tree and libpg_query's fingerprinting recurse once per tree level,
// so the analyzer compares the pre-scan's bound with the stack the calling thread has left: shallow
// statements run in place, deeper ones on a short-lived thread with a stack large enough for the
// deepest tree kMaxNestingDepth admits.

#include <cstddef>
#include <functional>

namespace writ::sql::detail {

/// Bytes of stack below the caller's frame on this thread (512 KiB assumed when it cannot be read).
std::size_t remainingStack();

/// Stack the analysis of a tree at most `treeDepth` levels deep (the pre-scan's bound) needs, with a
/// fixed reserve for the frames around it.
std::size_t stackNeeded(int treeDepth);

/// Stack size of the helper thread.
inline constexpr std::size_t kHelperStackBytes = 64u * 1024 * 1024;

/// Runs `fn` on a new thread with a kHelperStackBytes stack and waits for it. False when no thread
/// could be started (fn did not run). `fn` must not throw.
bool runOnLargeStack(const std::function<void()> &fn);

} // namespace writ::sql::detail
