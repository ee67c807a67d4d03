// SPDX-License-Identifier: Apache-2.0
#include "gateway/state/task_store.h"

#include "identity/random_id.h"
#include "publish/bundle_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace writ::gateway {

struct TaskStore::Connection
{
    explicit Connection(const std::string &dsn) : db(dsn) {}
    pqxx::connection db;
};

TaskStore::TaskStore(std::string dsn) : m_dsn(std::move(dsn)) {}

TaskStore::~TaskStore() = default;

template <typename F>
auto TaskStore::withConnection(F &&f)
{
    std::lock_guard lock(m_mutex);
    for (int attempt = 0;; ++attempt) {
        try {
            if (!m_connection || !m_connection->db.is_open())
                m_connection = std::make_unique<Connection>(m_dsn);
            return f(m_connection->db);
        } catch (const pqxx::broken_connection &e) {
            m_connection.reset();
            if (attempt > 0)
                throw StateError(std::string("the state database is unreachable: ") + e.what());
        } catch (const pqxx::sql_error &e) {
            throw StateError(std::string("the state database refused a query: ") + e.what());
        } catch (const std::exception &e) {
            m_connection.reset();
            throw StateError(std::string("the state database failed: ") + e.what());
        }
    }
}

std::optional<TaskRecord> TaskStore::findTask(const std::string &id)
{
    return withConnection([&](pqxx::connection &c) -> std::optional<TaskRecord> {
        pqxx::read_transaction tx(c);
        const auto rows = tx.exec_params(
            "SELECT id, role, agent, task_type, context::text, coalesce(environment, ''), coalesce(workflow, ''),"
            " (extract(epoch FROM expires_at) * 1000000)::bigint, revoked_at IS NOT NULL, coalesce(revoke_reason, '')"
            " FROM writ.task WHERE id = $1",
            id);
        if (rows.empty())
            return std::nullopt;
        const auto r = rows[0];
        TaskRecord t;
        t.id = r[0].as<std::string>();
        t.role = r[1].as<std::string>();
        t.agent = r[2].as<std::string>();
        t.taskType = r[3].as<std::string>();
        const auto context = nlohmann::json::parse(r[4].as<std::string>("{}"), nullptr, false);
        if (context.is_object())
            for (const auto &[k, v] : context.items())
                t.context[k] = v.is_string() ? v.get<std::string>() : v.dump();
        t.environment = r[5].as<std::string>();
        t.workflow = r[6].as<std::string>();
        t.expiresAt = std::chrono::system_clock::time_point(std::chrono::microseconds(r[7].as<long long>()));
        t.revoked = r[8].as<bool>();
        t.revokeReason = r[9].as<std::string>();
        return t;
    });
}

std::optional<DeployedPolicy> TaskStore::latestDeployment()
{
    return withConnection([&](pqxx::connection &c) -> std::optional<DeployedPolicy> {
        pqxx::read_transaction tx(c);
        const auto rows = tx.exec("SELECT version, sha256, policy FROM writ.deployment ORDER BY version DESC LIMIT 1");
        if (rows.empty() || rows[0][2].is_null())
            return std::nullopt;
        return DeployedPolicy{rows[0][0].as<long long>(), rows[0][1].as<std::string>(""), rows[0][2].as<std::string>()};
    });
}

std::optional<std::pair<long long, std::string>> TaskStore::activeBundle()
{
    return withConnection([&](pqxx::connection &c) -> std::optional<std::pair<long long, std::string>> {
        pqxx::read_transaction tx(c);
        auto stored = publish::activeBundle(tx);
        if (!stored)
            return std::nullopt;
        return std::make_pair(stored->version, std::move(stored->compact));
    });
}

std::vector<std::string> TaskStore::endedSince(std::string &since)
{
    return withConnection([&](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        const std::string now = tx.exec1("SELECT now()::text")[0].as<std::string>();
        const auto rows = tx.exec_params(
            // The window reaches 10 s back: a revocation committed after the last poll can carry an earlier
            // timestamp (its transaction started before). Seeing a task twice is harmless.
            "SELECT id FROM writ.task WHERE (revoked_at > $1::timestamptz - interval '10 seconds' AND revoked_at <= $2::timestamptz)"
            " OR (expires_at > $1::timestamptz - interval '10 seconds' AND expires_at <= $2::timestamptz)",
            since, now);
        std::vector<std::string> ids;
        for (const auto &r : rows)
            ids.push_back(r[0].as<std::string>());
        since = now;
        return ids;
    });
}

std::string TaskStore::requestApproval(const std::string &taskId, const std::string &stepUpClass, const std::string &fingerprint,
                                       const std::string &statement, std::chrono::seconds ttl)
{
    return withConnection([&](pqxx::connection &c) {
        pqxx::work tx(c);
        // One open request per task and statement: a retry before approval points at the same id.
        const auto existing = tx.exec_params(
            "SELECT id FROM writ.approval WHERE task_id = $1 AND statement = $2 AND decided_at IS NULL AND expires_at > now()"
            " ORDER BY requested_at DESC LIMIT 1",
            taskId, statement);
        if (!existing.empty()) {
            tx.commit();
            return existing[0][0].as<std::string>();
        }
        const auto random = identity::randomId(12);
        if (!random)
            throw StateError("no randomness for an approval id");
        const auto row = tx.exec_params1(
            "INSERT INTO writ.approval (id, task_id, class, fingerprint, statement, requested_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5, now(), now() + make_interval(secs => $6))"
            " RETURNING id",
            "ap_" + random.value(), taskId, stepUpClass, fingerprint, statement, static_cast<double>(ttl.count()));
        tx.commit();
        return row[0].as<std::string>();
    });
}

bool TaskStore::consumeApproval(const std::string &taskId, const std::string &statement)
{
    return withConnection([&](pqxx::connection &c) {
        pqxx::work tx(c);
        const auto rows = tx.exec_params(
            "UPDATE writ.approval SET used_at = now() WHERE id = ("
            "  SELECT id FROM writ.approval WHERE task_id = $1 AND statement = $2 AND verdict = 'approved'"
            "  AND used_at IS NULL AND expires_at > now() ORDER BY decided_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
            " RETURNING id",
            taskId, statement);
        tx.commit();
        return !rows.empty();
    });
}

std::string TaskStore::serverNow()
{
    return withConnection([](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        return tx.exec1("SELECT now()::text")[0].as<std::string>();
    });
}

} // namespace writ::gateway
