// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the gateway does to upstream's answers before the client sees them, kept apart from any I/O
// so it can be tested message by message:
//   - Denials travel through upstream. A denied statement is replaced upstream by a "poison" statement
//     that fails with a syntax error naming a unique marker; PostgreSQL then does exactly what it does
//     for any failed statement (aborts the transaction block, discards the extended batch until Sync)
//     and this filter swaps its ErrorResponse for Writ's own. The client sees precisely the message
//     sequence a server would send for a refused statement.
//   - Rows per statement: past the limit, DataRow messages are dropped, the caller is asked to cancel
//     upstream, and the statement ends with Writ's error instead of its CommandComplete.
//   - Completions: each forwarded statement's rows, SQLSTATE and duration, for the audit log.

#include "gateway/protocol/backend.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace writ::gateway {

struct StatementIdentity;

/// A decided statement's text and how the audit names it (when known when it was decided). Shared,
/// not copied: an extended-protocol statement parsed once may run many times.
struct StatementText
{
    std::string sql;
    std::shared_ptr<const StatementIdentity> identity;
};

/// A statement forwarded upstream, awaiting its completion.
struct PendingStatement
{
    std::shared_ptr<const StatementText> text; ///< null when unknown (an Execute of a portal the gateway did not see bound)
    bool execute = false;    ///< an extended-protocol Execute (one completion) rather than a simple Query
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

/// A statement that reached its end upstream.
struct CompletedStatement
{
    PendingStatement statement;
    std::int64_t rows = 0;
    std::string sqlstate;    ///< empty = success
    std::string error;       ///< upstream's message when it failed
    bool ran = true;         ///< false: discarded by the server after an earlier error in its batch
    bool rowLimitHit = false;
    std::chrono::microseconds duration{0};
};

class ResponseFilter
{
public:
    enum class Action { Relay, Drop, Replace };

    struct Result
    {
        Action action = Action::Relay;
        std::vector<std::uint8_t> replacement; ///< the whole message(s) to send instead (Replace)
        bool cancelUpstream = false;           ///< the row limit was crossed just now
    };

    explicit ResponseFilter(std::optional<std::int64_t> rowsPerStatement = std::nullopt) : m_rowLimit(rowsPerStatement) {}

    // Client side, in the order messages go upstream.
    void forwardedQuery(PendingStatement s);   ///< simple Query: a sync point of its own
    void forwardedExecute(PendingStatement s);
    void forwardedSync();                      ///< Sync: a sync point
    /// A poison statement went upstream in place of a denied one. `simpleQuery`: it was a Query
    /// (a sync point of its own); otherwise a Parse within an extended batch.
    std::string poisoned(protocol::ErrorFields error, bool simpleQuery);

    /// Upstream side: what to do with one message from upstream.
    Result onUpstream(char tag, std::span<const std::uint8_t> body);

    /// Statements that completed since the last call (for the audit log), into `into` (replacing what
    /// it held). The two vectors trade their memory: taking completions after every answer allocates nothing.
    void takeCompleted(std::vector<CompletedStatement> &into);

    /// Sync points sent but not yet answered with ReadyForQuery.
    std::uint64_t outstanding() const { return m_syncsSent - m_syncsDone; }
    char transactionStatus() const { return m_txStatus; }

    /// The SQL text of a poison statement for `marker`: a syntax error that names it.
    static std::string poisonSql(const std::string &marker) { return marker; }

private:
    struct Override
    {
        std::string marker;
        protocol::ErrorFields error;
        std::uint64_t syncIndex = 0; ///< the ReadyForQuery that ends its batch
    };
    struct Pending
    {
        CompletedStatement result; ///< its statement, and what is known of its outcome so far
        std::uint64_t syncIndex = 0;
    };

    void finishFront(bool ran);
    std::vector<std::uint8_t> rowLimitError() const;

    std::optional<std::int64_t> m_rowLimit;
    std::deque<Override> m_overrides;
    std::deque<Pending> m_pending;
    std::vector<CompletedStatement> m_completed;
    std::uint64_t m_syncsSent = 0;
    std::uint64_t m_syncsDone = 0;
    std::uint64_t m_nextMarker = 1;
    std::int64_t m_rows = 0;        ///< DataRows of the statement in progress
    bool m_cutting = false;         ///< past the row limit: dropping rows until the statement ends
    char m_txStatus = 'I';
};

} // namespace writ::gateway
