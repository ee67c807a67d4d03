// SPDX-License-Identifier: Apache-2.0
#include "tasks/start_approvals.h"

#include "identity/random_id.h"
#include "identity/task_credential.h"
#include "tasks/task_db.h"
#include "tasks/task_manager.h"

namespace writ::tasks {

using detail::withConnection;

namespace {

[[noreturn]] void refuse(const std::string &message)
{
    throw TaskError(message, TaskError::Kind::Refused);
}

} // namespace

std::string startRequestDigest(const TaskRequest &request, long long ttlSeconds)
{
    // contextDigest length-prefixes every key and value, so prefixed keys cannot collide with each other.
    std::map<std::string, std::string> fields{{"agent", request.agent}, {"task_type", request.task},
                                              {"ttl", std::to_string(ttlSeconds)}, {"environment", request.environment},
                                              {"workflow", request.workflow}};
    for (const auto &[key, value] : request.context)
        fields.emplace("context." + key, value);
    return identity::contextDigest(fields);
}

std::string requestStartApproval(const std::string &libpqUri, const TaskRequest &request, const std::string &digest,
                                 const std::string &summary, std::chrono::seconds window)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        // One open request per exact start: asking again before a decision points at the same id.
        const auto existing = tx.exec_params(
            "SELECT id FROM writ.approval WHERE class = $1 AND agent = $2 AND task_type = $3 AND fingerprint = $4"
            " AND decided_at IS NULL AND expires_at > now() ORDER BY requested_at DESC LIMIT 1",
            kTaskStartClass, request.agent, request.task, digest);
        if (!existing.empty())
            return existing[0][0].as<std::string>();
        const auto random = identity::randomId(12);
        if (!random)
            throw TaskError("no randomness for an approval id", TaskError::Kind::Environment);
        const auto row = tx.exec_params1(
            "INSERT INTO writ.approval (id, class, agent, task_type, fingerprint, statement, requested_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, now(), now() + make_interval(secs => $7)) RETURNING id",
            "ap_" + random.value(), kTaskStartClass, request.agent, request.task, digest, summary,
            static_cast<double>(window.count()));
        tx.commit();
        return row[0].as<std::string>();
    });
}

std::string consumeStartApproval(const std::string &libpqUri, const std::string &id, const TaskRequest &request,
                                 const std::string &digest)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        const auto rows = tx.exec_params(
            "SELECT class, coalesce(agent, ''), coalesce(task_type, ''), coalesce(fingerprint, ''), coalesce(verdict, ''),"
            " used_at IS NOT NULL, expires_at <= now(), coalesce(decided_by, '')"
            " FROM writ.approval WHERE id = $1 FOR UPDATE",
            id);
        if (rows.empty())
            refuse("no approval with id " + id);
        const auto r = rows[0];
        if (r[0].as<std::string>() != kTaskStartClass)
            refuse("approval " + id + " is for a statement, not for starting a task");
        if (r[1].as<std::string>() != request.agent || r[2].as<std::string>() != request.task || r[3].as<std::string>() != digest)
            refuse("approval " + id + " was given for a different request; the retry must repeat the approved request exactly "
                   "(task type, context, ttl, workflow)");
        const std::string verdict = r[4].as<std::string>();
        if (verdict == "denied")
            refuse("approval " + id + " was denied");
        if (r[5].as<bool>())
            refuse("approval " + id + " has been used; each approval starts one task");
        if (r[6].as<bool>())
            refuse("approval " + id + " has expired; ask again");
        if (verdict != "approved")
            refuse("approval " + id + " is still pending; retry once it is approved");
        tx.exec_params0("UPDATE writ.approval SET used_at = now() WHERE id = $1", id);
        tx.commit();
        return r[7].as<std::string>();
    });
}

void releaseStartApproval(const std::string &libpqUri, const std::string &id)
{
    withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        tx.exec_params0("UPDATE writ.approval SET used_at = NULL WHERE id = $1 AND class = $2", id, kTaskStartClass);
        tx.commit();
        return 0;
    });
}

} // namespace writ::tasks
