// SPDX-License-Identifier: Apache-2.0
#pragma once

// Appends sealed records to a JSON-lines file (O_APPEND). A record that must be on file before the
// caller acts (a decision, before its statement runs or before its answer is relayed) is staged and then
// committed: commit() returns only after the line reached the operating system, in one write(2) with every
// record staged meanwhile, by any thread — records staged while a statement runs, or in the same turn of
// the I/O loops, share a write (group commit).
// append() is stage and commit at once. appendDeferred() is for records of what already happened (a
// statement's completion): it rides along with the next write. flush() writes what waits and forces it to
// the disk (fdatasync), which the gateway does at least every `syncInterval` and on shutdown.
//
// One thread at a time is the writer: it takes every record waiting, seals them into the chain and writes
// them, without the lock, so the other threads go on staging meanwhile; a commit() whose record is in
// that write, or after it, waits for it. (Held across the seal, the write and the fdatasync, the lock made
// any other I/O thread that staged or appended meanwhile sleep until the write was done.)
//
// Records are sealed into the chain when they are written, so a write that fails takes back exactly the
// records that must be on file: their commit() fails (the gateway refuses their statements: fail closed),
// the chain steps back, and the deferred records wait for the next write. The file never holds a record of
// a statement that was refused for want of its record.

#include "audit/audit_chain.h"
#include "audit/audit_json.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

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

    /// All thread-safe; each serializes its record before taking the writer's lock. False (and error()
    /// says why) when the record could not be written whole.
    bool append(const AuditEvent &event);
    /// A record that must reach the file before the caller goes on: stage() queues it and returns its
    /// ticket, commit(ticket) writes it with everything queued before it unless an earlier commit() or
    /// flush() already did. Between the two the caller lets others stage theirs.
    std::uint64_t stage(const AuditEvent &event);
    bool commit(std::uint64_t ticket);
    /// The caller of stage() will not commit (its session ended in between). A record still waiting is
    /// written with the next write like any other; a refused one is forgotten instead of waiting forever.
    void abandon(std::uint64_t ticket);
    /// Staged records refused by a failed write whose commit() has not asked yet.
    std::size_t refusedWaiting() const;
    /// For records of what already happened: written with the next write, or at once when
    /// kMaxPendingRecords are waiting. False only when the file is unusable.
    bool appendDeferred(const AuditEvent &event);
    bool flush();

    std::string error() const;
    std::uint64_t lastSeq() const;
    const std::string &path() const { return m_path; }

    static constexpr std::size_t kMaxPendingRecords = 64;

private:
    struct Pending
    {
        RecordDraft record;
        std::uint64_t ticket = 0;
        bool mustBeWritten = false; ///< staged (a caller waits on it), not deferred
    };

    std::uint64_t queue(RecordDraft &&record, bool mustBeWritten);
    std::vector<Pending>::iterator findPending(std::uint64_t ticket); ///< end() when not waiting
    /// As the writer: `lock` held and no write in flight; unlocked while sealing and writing.
    bool writePending(std::unique_lock<std::mutex> &lock);
    void takeBackFailedBatch();
    void wakeWaiters(std::unique_lock<std::mutex> &lock);
    void refuseStaged(std::vector<Pending> &records); ///< drops them, their commit() to answer false
    enum class WriteOutcome { Whole, Nothing, Part };
    WriteOutcome writeWhole(const std::string &bytes, std::string &error) const;

    const std::string m_path;
    int m_fd = -1; ///< open from construction to destruction, so its number is never reused meanwhile

    mutable std::mutex m_mutex; // guards what follows, up to the writer's own
    std::condition_variable m_writeDone;
    std::vector<Pending> m_pending; ///< in chain order, not sealed yet
    std::uint64_t m_nextTicket = 1;
    std::uint64_t m_writtenThrough = 0; ///< every ticket up to it is on file, or refused (m_refused)
    std::unordered_set<std::uint64_t> m_refused; ///< staged records whose write failed, until commit() asks
    std::unordered_set<std::uint64_t> m_abandonedInFlight; ///< abandoned while in the write in flight
    bool m_writing = false; ///< a thread is the writer
    bool m_broken = false;  ///< a write stopped half-way: half a line would break the chain for every later record
    std::uint64_t m_lastSeq = 0;
    std::string m_error;

    // The writer's own (the thread that set m_writing):
    std::vector<Pending> m_batch; ///< the records of the write in flight
    std::string m_bytes;          ///< their sealed lines (kept for its capacity)
    AuditChain m_chain;
};

} // namespace writ::audit
