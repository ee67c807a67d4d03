// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_writer.h"

#include "audit/audit_json.h"
#include "audit/audit_verify.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace writ::audit {

AuditWriter::AuditWriter(const std::string &path, std::string key) : m_path(path), m_chain(key)
{
    // Resume only from a file whose chain verifies: appending to a broken chain would hide the break.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && st.st_size > 0) {
        const VerifyResult existing = verifyAuditFile(path, key);
        if (!existing.ok)
            throw std::runtime_error("audit file " + path + " does not verify at line " + std::to_string(existing.badLine) + ": "
                                     + existing.problem + "; move it aside (keep it as evidence) and start a new file");
        m_chain.resume(existing.records, existing.lastHash);
    }
    m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0)
        throw std::runtime_error("cannot open audit file " + path + ": " + std::strerror(errno));
}

AuditWriter::~AuditWriter()
{
    if (m_fd >= 0 && !m_deferred.empty())
        writeWhole(m_deferred);
    if (m_fd >= 0) {
        ::fdatasync(m_fd);
        ::close(m_fd);
    }
}

bool AuditWriter::writeWhole(const std::string &bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_error = std::string("cannot write audit file ") + m_path + ": " + std::strerror(n < 0 ? errno : EIO);
            if (done > 0) {
                // Half a line would break the chain for every later record: stop writing to this file.
                ::close(m_fd);
                m_fd = -1;
            }
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

bool AuditWriter::append(const AuditEvent &event)
{
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return false;
    // The chain advances only once the line is on its way: on failure it steps back to here.
    const std::uint64_t seqBefore = m_chain.lastSeq();
    const std::string hashBefore = m_chain.lastHash();
    // Deferred records go first, in the same write: one system call, the chain's order kept.
    const std::size_t deferred = m_deferred.size();
    m_deferred += m_chain.seal(event);
    m_deferred += '\n';
    if (!writeWhole(m_deferred)) {
        m_deferred.resize(deferred); // nothing was written (or the file is closed): this record never happened
        m_chain.resume(seqBefore, hashBefore);
        return false;
    }
    m_deferred.clear();
    return true;
}

bool AuditWriter::appendDeferred(const AuditEvent &event)
{
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return false;
    m_deferred += m_chain.seal(event);
    m_deferred += '\n';
    if (m_deferred.size() < kMaxDeferredBytes)
        return true;
    if (!writeWhole(m_deferred))
        return false;
    m_deferred.clear();
    return true;
}

bool AuditWriter::flush()
{
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return false;
    if (!m_deferred.empty()) {
        if (!writeWhole(m_deferred))
            return false;
        m_deferred.clear();
    }
    if (::fdatasync(m_fd) != 0) {
        m_error = std::string("cannot sync audit file ") + m_path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

std::string AuditWriter::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

std::uint64_t AuditWriter::lastSeq() const
{
    std::lock_guard lock(m_mutex);
    return m_chain.lastSeq();
}

} // namespace writ::audit
