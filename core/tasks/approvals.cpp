// SPDX-License-Identifier: Apache-2.0
#include "tasks/approvals.h"

#include "tasks/task_db.h"

namespace writ::tasks {

using detail::isoUtc;
using detail::withConnection;

namespace {

/// The state of a row, computed in SQL so that "expired" follows the server's clock.
const std::string kStateSql =
    "CASE WHEN a.used_at IS NOT NULL THEN 'used' WHEN a.verdict = 'denied' THEN 'denied' "
    "WHEN a.expires_at <= now() THEN 'expired' WHEN a.verdict = 'approved' THEN 'approved' ELSE 'pending' END";

std::string selectSql(const std::string &where)
{
    return "SELECT a.id, coalesce(a.task_id, ''), coalesce(t.agent, a.agent, ''), coalesce(t.task_type, a.task_type, ''), a.class, "
           "coalesce(a.fingerprint, ''), coalesce(a.statement, ''), "
           + isoUtc("a.requested_at") + ", " + isoUtc("a.expires_at") + ", " + isoUtc("a.decided_at") + ", "
           + "coalesce(a.decided_by, ''), coalesce(a.reason, ''), " + isoUtc("a.used_at") + ", " + kStateSql
           + " FROM writ.approval a LEFT JOIN writ.task t ON t.id = a.task_id " + where;
}

ApprovalState stateOf(const std::string &s)
{
    if (s == "approved")
        return ApprovalState::Approved;
    if (s == "denied")
        return ApprovalState::Denied;
    if (s == "used")
        return ApprovalState::Used;
    if (s == "expired")
        return ApprovalState::Expired;
    return ApprovalState::Pending;
}

ApprovalInfo fromRow(const pqxx::row &r)
{
    ApprovalInfo a;
    a.id = r[0].as<std::string>();
    a.taskId = r[1].as<std::string>();
    a.agent = r[2].as<std::string>();
    a.taskType = r[3].as<std::string>();
    a.stepUpClass = r[4].as<std::string>();
    a.fingerprint = r[5].as<std::string>();
    a.statement = r[6].as<std::string>();
    a.requestedAt = r[7].as<std::string>();
    a.expiresAt = r[8].as<std::string>();
    a.decidedAt = r[9].as<std::string>();
    a.decidedBy = r[10].as<std::string>();
    a.reason = r[11].as<std::string>();
    a.usedAt = r[12].as<std::string>();
    a.state = stateOf(r[13].as<std::string>());
    return a;
}

[[noreturn]] void refuse(const std::string &message)
{
    throw TaskError(message, TaskError::Kind::Refused);
}

} // namespace

const char *toString(ApprovalState s)
{
    switch (s) {
    case ApprovalState::Pending: return "pending";
    case ApprovalState::Approved: return "approved";
    case ApprovalState::Denied: return "denied";
    case ApprovalState::Used: return "used";
    case ApprovalState::Expired: return "expired";
    }
    return "pending";
}

std::vector<ApprovalInfo> listApprovals(const std::string &libpqUri, bool includeDecided)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        std::vector<ApprovalInfo> out;
        if (!tx.exec1("SELECT to_regclass('writ.approval') IS NOT NULL")[0].as<bool>())
            return out;
        const std::string where = includeDecided ? "" : "WHERE a.decided_at IS NULL AND a.expires_at > now() ";
        for (const auto &r : tx.exec(selectSql(where) + "ORDER BY a.requested_at, a.id"))
            out.push_back(fromRow(r));
        return out;
    });
}

ApprovalInfo decideApproval(const std::string &libpqUri, const ApprovalDecision &decision)
{
    if (!decision.approve && decision.reason.empty())
        refuse("a denial needs a reason (--reason): the agent is told why");
    if (decision.validFor.count() <= 0)
        refuse("an approval must stay valid for a positive time");
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        // Lock the row so that two approvers deciding at once cannot both win.
        const pqxx::result rows = tx.exec_params(
            selectSql("WHERE a.id = $1 FOR UPDATE OF a"), decision.id);
        if (rows.empty())
            refuse("no approval with id " + decision.id + " (`writ approvals` lists the pending ones)");
        const ApprovalInfo before = fromRow(rows[0]);
        if (before.state != ApprovalState::Pending)
            refuse("approval " + decision.id + " is " + toString(before.state)
                   + (before.decidedBy.empty() ? std::string() : " (decided by " + before.decidedBy + " at " + before.decidedAt + ")")
                   + "; the agent can ask again by retrying");
        if (!before.taskId.empty()) {
            const pqxx::row live = tx.exec_params1(
                "SELECT revoked_at IS NULL AND expires_at > now() FROM writ.task WHERE id = $1", before.taskId);
            if (!live[0].as<bool>())
                refuse("task " + before.taskId + " of approval " + decision.id + " has ended; nothing is left to approve");
        }
        tx.exec_params0(
            "UPDATE writ.approval a SET verdict = $2, decided_at = now(), decided_by = coalesce(nullif($3, ''), session_user), "
            "reason = nullif($4, ''), "
            "expires_at = CASE WHEN $2 = 'approved' THEN least(now() + make_interval(secs => $5), "
            "  coalesce((SELECT t.expires_at FROM writ.task t WHERE t.id = a.task_id), 'infinity')) ELSE a.expires_at END "
            "WHERE a.id = $1",
            decision.id, decision.approve ? "approved" : "denied", decision.decidedBy, decision.reason,
            static_cast<double>(decision.validFor.count()));
        const ApprovalInfo after = fromRow(tx.exec_params1(selectSql("WHERE a.id = $1"), decision.id));
        tx.commit();
        return after;
    });
}

} // namespace writ::tasks
