// SPDX-License-Identifier: Apache-2.0
#include "sql/stack_budget.h"

#include <pthread.h>

#include <cstdint>

namespace writ::sql::detail {

namespace {

// Per level of the pre-scan's bound (which counts about twice the raw tree's real depth). Measured
// for every nesting kind of tst_analyzer_robustness at 900 levels: the walk uses at most about 290
// bytes per counted level in a debug build and 530 with ASan and UBSan (JOIN chains; expressions
// less). fingerprint() recurses too, hence the margin.
constexpr std::size_t kBytesPerTreeLevel = 1536;
constexpr std::size_t kReserveBytes = 192 * 1024;
// What a thread whose stack cannot be read is assumed to have left: shallow statements still run in
// place, deeper ones go to the helper thread.
constexpr std::size_t kUnknownStackBytes = 512 * 1024;

/// Lowest usable address of this thread's stack, found once per thread.
std::uintptr_t stackLimit()
{
    thread_local std::uintptr_t limit = [] {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0)
            return std::uintptr_t{0};
        void *addr = nullptr;
        std::size_t size = 0;
        std::size_t guard = 0;
        const bool ok = pthread_attr_getstack(&attr, &addr, &size) == 0;
        pthread_attr_getguardsize(&attr, &guard);
        pthread_attr_destroy(&attr);
        return ok ? reinterpret_cast<std::uintptr_t>(addr) + guard : std::uintptr_t{0};
    }();
    return limit;
}

void *trampoline(void *arg)
{
    (*static_cast<const std::function<void()> *>(arg))();
    return nullptr;
}

} // namespace

std::size_t remainingStack()
{
    const std::uintptr_t limit = stackLimit();
    if (limit == 0)
        return kUnknownStackBytes;
    const auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    return here > limit ? here - limit : 0;
}

std::size_t stackNeeded(int treeDepth)
{
    return kReserveBytes + static_cast<std::size_t>(treeDepth < 0 ? 0 : treeDepth) * kBytesPerTreeLevel;
}

bool runOnLargeStack(const std::function<void()> &fn)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return false;
    bool ok = pthread_attr_setstacksize(&attr, kHelperStackBytes) == 0;
    pthread_t thread;
    ok = ok && pthread_create(&thread, &attr, &trampoline, const_cast<std::function<void()> *>(&fn)) == 0;
    pthread_attr_destroy(&attr);
    if (ok)
        pthread_join(thread, nullptr);
    return ok;
}

} // namespace writ::sql::detail
