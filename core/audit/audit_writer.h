// SPDX-License-Identifier: Apache-2.0
#pragma once

// Appends sealed records to a JSON-lines file. append() returns only after the line reached the
// operating system (one write(2), O_APPEND); appendDeferred() lets a record ride along with the next
// one or the next flush; flush() writes what waits and forces it to the disk (fdatasync),
// which the gateway does at least every `syncInterval` and on shutdown. A failed write fails the
// call: the gateway then refuses the statement (fail closed).

#include "audit/audit_chain.h"

#include <chrono>
#include <mutex>
#include <string>

namespace writ::audit {

class AuditWriter
{
public:
    /// Opens (creating with mode 0600) and resumes the chain from the file's last line.
    /// Throws std::runtime_error with a sentence when the file cannot be opened or its chain is broken.
    AuditWriter(const std::string &path, std::string key = {});
    ~AuditWriter();
    AuditWriter(const AuditWriter &) = delete;
    AuditWriter &operator=(const AuditWriter &) = delete;

    /// Thread-safe. False (and error() says why) when the line could not be written whole. Writes any
    /// deferred records first, in the same write.
    bool append(const AuditEvent &event);
    /// For records of what already happened (a statement's completion): sealed into the chain now,
    /// written with the next append() or flush() — so a statement costs one write, not two — or at once
    /// when kMaxDeferredBytes are waiting. False only when the file is unusable.
    bool appendDeferred(const AuditEvent &event);
    bool flush();

    std::string error() const;
    std::uint64_t lastSeq() const;
    const std::string &path() const { return m_path; }

    static constexpr std::size_t kMaxDeferredBytes = 64 * 1024;

private:
    bool writeWhole(const std::string &bytes);

    std::string m_path;
    std::string m_deferred; ///< sealed lines not written yet
    int m_fd = -1;
    mutable std::mutex m_mutex;
    AuditChain m_chain;
    std::string m_error;
};

} // namespace writ::audit
