// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/response_filter.h"

#include "gateway/protocol/tags.h"

#include <openssl/rand.h>

namespace writ::gateway {

namespace be = protocol::be;

namespace {

std::string randomHex()
{
    unsigned char bytes[6] = {};
    RAND_bytes(bytes, sizeof bytes);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

} // namespace

void ResponseFilter::forwardedQuery(PendingStatement s)
{
    ++m_syncsSent;
    m_pending.push_back({CompletedStatement{std::move(s)}, m_syncsSent});
}

void ResponseFilter::forwardedExecute(PendingStatement s)
{
    s.execute = true;
    m_pending.push_back({CompletedStatement{std::move(s)}, m_syncsSent + 1});
}

void ResponseFilter::forwardedSync() { ++m_syncsSent; }

std::string ResponseFilter::poisoned(protocol::ErrorFields error, bool simpleQuery)
{
    // A bare identifier is a syntax error that PostgreSQL reports "at or near" it, marker included.
    std::string marker = "writ_refused_" + randomHex() + "_" + std::to_string(m_nextMarker++);
    if (simpleQuery)
        ++m_syncsSent;
    m_overrides.push_back({marker, std::move(error), simpleQuery ? m_syncsSent : m_syncsSent + 1});
    return marker;
}

void ResponseFilter::finishFront(bool ran)
{
    CompletedStatement &done = m_completed.emplace_back(std::move(m_pending.front().result));
    m_pending.pop_front();
    done.ran = ran;
    done.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - done.statement.started);
}

std::vector<std::uint8_t> ResponseFilter::rowLimitError() const
{
    protocol::ErrorFields e;
    e.code = "54000"; // program_limit_exceeded
    e.message = "writ: the statement returned more than " + std::to_string(*m_rowLimit)
                + " rows, the task's limits.rows_per_statement; the rest were not sent and the statement was cancelled";
    e.hint = "narrow the statement with WHERE or LIMIT";
    std::vector<std::uint8_t> out;
    protocol::encodeError(out, e);
    return out;
}

ResponseFilter::Result ResponseFilter::onUpstream(char tag, std::span<const std::uint8_t> body)
{
    Result r;
    switch (tag) {
    case be::DataRow:
    case be::CopyData: // COPY TO: one CopyData per row
        ++m_rows;
        if (m_rowLimit && m_rows > *m_rowLimit) {
            r.action = Action::Drop;
            if (!m_cutting) {
                m_cutting = true;
                r.cancelUpstream = true;
            }
        }
        return r;
    case be::CommandComplete:
    case be::EmptyQueryResponse:
    case be::PortalSuspended:
    case be::ErrorResponse: {
        std::optional<protocol::ErrorFields> error;
        if (tag == be::ErrorResponse) {
            error = protocol::decodeError(body);
            if (error) {
                for (auto it = m_overrides.begin(); it != m_overrides.end(); ++it) {
                    if (error->message.find(it->marker) == std::string::npos)
                        continue;
                    // Writ's refusal, in place of the poison statement's syntax error.
                    r.action = Action::Replace;
                    protocol::encodeError(r.replacement, it->error);
                    m_overrides.erase(it);
                    break;
                }
            }
        }
        if (m_cutting) {
            // The statement that crossed the limit ends here, whatever upstream says (cancelled or done).
            r.action = Action::Replace;
            r.replacement = rowLimitError();
        }
        if (r.action != Action::Replace || m_cutting) {
            // A completion of a forwarded statement (poison errors belong to no pending statement).
            if (!m_pending.empty()) {
                Pending &front = m_pending.front();
                if (tag == be::CommandComplete) {
                    if (const auto tagText = protocol::decodeCommandComplete(body))
                        front.result.rows += protocol::rowsOfCommandTag(*tagText).value_or(0);
                }
                if (m_cutting) {
                    front.result.rowLimitHit = true;
                    front.result.sqlstate = "54000";
                    front.result.rows = *m_rowLimit;
                } else if (error) {
                    front.result.sqlstate = error->code;
                    front.result.error = error->message;
                }
                if (front.result.statement.execute)
                    finishFront(true);
            }
        }
        m_rows = 0;
        m_cutting = false;
        return r;
    }
    case be::ReadyForQuery: {
        if (const auto status = protocol::decodeReadyForQuery(body))
            m_txStatus = *status;
        ++m_syncsDone;
        // Everything of this batch is settled: statements the server never reached were discarded.
        while (!m_pending.empty() && m_pending.front().syncIndex <= m_syncsDone)
            finishFront(!m_pending.front().result.statement.execute); // an Execute still pending here never ran
        while (!m_overrides.empty() && m_overrides.front().syncIndex <= m_syncsDone)
            m_overrides.pop_front(); // its poison was discarded after an earlier error in the batch
        return r;
    }
    default:
        return r;
    }
}

void ResponseFilter::takeCompleted(std::vector<CompletedStatement> &into)
{
    into.clear();
    into.swap(m_completed);
}

} // namespace writ::gateway
