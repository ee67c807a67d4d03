// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_writer.h"

#include "audit/audit_verify.h"

#include <algorithm>
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
    if (m_fd >= 0 && !m_pending.empty())
        writePending();
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

std::uint64_t AuditWriter::queue(RecordDraft &&record, bool mustBeWritten)
{
    const std::uint64_t ticket = m_nextTicket++;
    m_pending.push_back({std::move(record), ticket, mustBeWritten});
    return ticket;
}

std::vector<AuditWriter::Pending>::iterator AuditWriter::findPending(std::uint64_t ticket)
{
    const auto it = std::lower_bound(m_pending.begin(), m_pending.end(), ticket, [](const Pending &p, std::uint64_t t) { return p.ticket < t; });
    return it != m_pending.end() && it->ticket == ticket ? it : m_pending.end();
}

bool AuditWriter::writePending()
{
    if (m_pending.empty())
        return m_fd >= 0;
    if (m_fd >= 0) {
        const std::uint64_t seqBefore = m_chain.lastSeq();
        const std::string hashBefore = m_chain.lastHash();
        m_bytes.clear();
        for (const Pending &p : m_pending) {
            m_chain.sealInto(m_bytes, p.record);
            m_bytes += '\n';
        }
        if (writeWhole(m_bytes)) {
            m_pending.clear();
            return true;
        }
        m_chain.resume(seqBefore, hashBefore);
    }
    // Nothing was written (or the file is closed): the staged records never happened — their callers
    // refuse what they were about to do — and the records of what did happen wait for the next write.
    // (With the file closed, nothing staged stays queued: memory does not grow with refused statements.)
    std::erase_if(m_pending, [this](const Pending &p) {
        if (p.mustBeWritten)
            m_refused.insert(p.ticket);
        return p.mustBeWritten;
    });
    return false;
}

bool AuditWriter::append(const AuditEvent &event)
{
    return commit(stage(event));
}

std::uint64_t AuditWriter::stage(const AuditEvent &event)
{
    RecordDraft record = draftRecord(event);
    std::lock_guard lock(m_mutex);
    return queue(std::move(record), true);
}

bool AuditWriter::commit(std::uint64_t ticket)
{
    std::lock_guard lock(m_mutex);
    if (m_refused.erase(ticket) > 0)
        return false;
    if (findPending(ticket) == m_pending.end())
        return true; // an earlier commit() or flush() wrote it
    const bool written = writePending();
    m_refused.erase(ticket); // a failed write refused it along with the rest of its group
    return written;
}

void AuditWriter::abandon(std::uint64_t ticket)
{
    std::lock_guard lock(m_mutex);
    m_refused.erase(ticket);
    // Still waiting: nobody will ask about it, so it waits as a deferred record does (kept by a failed write).
    if (const auto it = findPending(ticket); it != m_pending.end())
        it->mustBeWritten = false;
}

std::size_t AuditWriter::refusedWaiting() const
{
    std::lock_guard lock(m_mutex);
    return m_refused.size();
}

bool AuditWriter::appendDeferred(const AuditEvent &event)
{
    RecordDraft record = draftRecord(event);
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return false;
    queue(std::move(record), false);
    return m_pending.size() < kMaxPendingRecords || writePending();
}

bool AuditWriter::flush()
{
    std::lock_guard lock(m_mutex);
    if (!writePending())
        return false;
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
