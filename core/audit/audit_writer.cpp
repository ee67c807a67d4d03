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
        m_lastSeq = existing.records;
    }
    m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0)
        throw std::runtime_error("cannot open audit file " + path + ": " + std::strerror(errno));
}

AuditWriter::~AuditWriter()
{
    // Nobody else uses the writer any more: what waits is written, and all of it forced to the disk.
    std::unique_lock lock(m_mutex);
    if (m_fd < 0)
        return;
    if (!m_pending.empty())
        writePending(lock);
    ::fdatasync(m_fd);
    ::close(m_fd);
}

AuditWriter::WriteOutcome AuditWriter::writeWhole(const std::string &bytes, std::string &error) const
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error = std::string("cannot write audit file ") + m_path + ": " + std::strerror(n < 0 ? errno : EIO);
            if (done == 0)
                return WriteOutcome::Nothing;
            error += " (it now ends in half a line, so nothing more is written to it)";
            return WriteOutcome::Part;
        }
        done += static_cast<std::size_t>(n);
    }
    return WriteOutcome::Whole;
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

bool AuditWriter::writePending(std::unique_lock<std::mutex> &lock)
{
    if (m_pending.empty())
        return !m_broken;
    if (!m_broken) {
        m_writing = true;
        m_batch.swap(m_pending);
        lock.unlock();

        const std::uint64_t seqBefore = m_chain.lastSeq();
        const std::string hashBefore = m_chain.lastHash();
        std::string error;
        WriteOutcome outcome = WriteOutcome::Nothing;
        try { // out of memory, at worst: the writer must not stay taken
            m_bytes.clear();
            for (const Pending &p : m_batch) {
                m_chain.sealInto(m_bytes, p.record);
                m_bytes += '\n';
            }
            outcome = writeWhole(m_bytes, error);
        } catch (const std::exception &e) {
            error = std::string("cannot seal audit records: ") + e.what();
        }
        if (outcome != WriteOutcome::Whole)
            m_chain.resume(seqBefore, hashBefore);

        lock.lock();
        m_writing = false;
        if (outcome == WriteOutcome::Whole) {
            m_writtenThrough = m_batch.back().ticket;
            m_lastSeq = m_chain.lastSeq();
            m_batch.clear();
            m_abandonedInFlight.clear();
            wakeWaiters(lock);
            return true;
        }
        m_error = std::move(error);
        m_broken = outcome == WriteOutcome::Part;
        takeBackFailedBatch();
        wakeWaiters(lock);
        if (!m_broken)
            return false;
    }
    // The file is unusable: nothing staged stays queued (memory does not grow with refused statements).
    refuseStaged(m_pending);
    return false;
}

/// Wakes the threads waiting for the write that just ended, with the lock let go meanwhile: woken under
/// it, each would find it taken and sleep once more.
void AuditWriter::wakeWaiters(std::unique_lock<std::mutex> &lock)
{
    lock.unlock();
    m_writeDone.notify_all();
    lock.lock();
}

void AuditWriter::refuseStaged(std::vector<Pending> &records)
{
    std::erase_if(records, [this](const Pending &p) {
        if (p.mustBeWritten)
            m_refused.insert(p.ticket);
        return p.mustBeWritten;
    });
}

/// After a write that failed, nothing of it is on file. Its staged records never happened — their callers
/// refuse what they were about to do — except those abandoned meanwhile, which are kept as they would
/// have been had they still waited. The records of what did happen go back in front of those queued
/// during the write, in chain order, for the next write.
void AuditWriter::takeBackFailedBatch()
{
    for (Pending &p : m_batch)
        if (p.mustBeWritten && m_abandonedInFlight.erase(p.ticket) > 0)
            p.mustBeWritten = false;
    m_abandonedInFlight.clear();
    refuseStaged(m_batch);
    m_pending.insert(m_pending.begin(), std::make_move_iterator(m_batch.begin()), std::make_move_iterator(m_batch.end()));
    m_batch.clear();
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
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_refused.erase(ticket) > 0)
            return false;
        if (ticket <= m_writtenThrough)
            return true; // an earlier commit() or flush() wrote it
        if (m_writing)
            m_writeDone.wait(lock); // in the write in flight, or to follow it: the chain keeps one order
        else
            writePending(lock); // writes it, or refuses it (the loop then says which)
    }
}

void AuditWriter::abandon(std::uint64_t ticket)
{
    std::lock_guard lock(m_mutex);
    if (m_refused.erase(ticket) > 0)
        return;
    // Still waiting: nobody will ask about it, so it waits as a deferred record does (kept by a failed write).
    if (const auto it = findPending(ticket); it != m_pending.end())
        it->mustBeWritten = false;
    else if (m_writing && ticket > m_writtenThrough)
        m_abandonedInFlight.insert(ticket);
}

std::size_t AuditWriter::refusedWaiting() const
{
    std::lock_guard lock(m_mutex);
    return m_refused.size();
}

bool AuditWriter::appendDeferred(const AuditEvent &event)
{
    constexpr std::size_t kMaxWaitingDuringAWrite = 4 * kMaxPendingRecords;
    RecordDraft record = draftRecord(event);
    std::unique_lock lock(m_mutex);
    if (m_broken)
        return false;
    queue(std::move(record), false);
    // A write in flight takes a while (a disk that stalls): past a bound, wait for it instead of growing.
    while (m_writing && m_pending.size() >= kMaxWaitingDuringAWrite)
        m_writeDone.wait(lock);
    if (m_pending.size() < kMaxPendingRecords || m_writing)
        return !m_broken;
    return writePending(lock) || !m_broken;
}

bool AuditWriter::flush()
{
    std::unique_lock lock(m_mutex);
    while (m_writing)
        m_writeDone.wait(lock);
    if (!writePending(lock))
        return false;
    // Forced to the disk outside the lock: writers go on meanwhile, and the sync covers at least this write.
    lock.unlock();
    if (::fdatasync(m_fd) != 0) {
        const std::string error = std::string("cannot sync audit file ") + m_path + ": " + std::strerror(errno);
        lock.lock();
        m_error = error;
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
    return m_lastSeq;
}

} // namespace writ::audit
