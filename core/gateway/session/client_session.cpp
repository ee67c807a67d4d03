// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/client_session.h"

#include "audit/audit_writer.h"
#include "decide/decision_engine.h"
#include "gateway/gateway_context.h"
#include "gateway/protocol/backend.h"
#include "gateway/protocol/frontend.h"
#include "gateway/protocol/tags.h"
#include "gateway/session/client_network.h"
#include "gateway/session/frame_io.h"
#include "gateway/session/response_filter.h"
#include "gateway/session/upstream_link.h"
#include "gateway/session/upstream_pool.h"
#include "identity/task_credential.h"
#include "sql/analyzer.h"
#include "sql/sqlcommenter.h"
#include "tasks/task_password.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <asio/thread_pool.hpp>
#include <asio/write.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <set>

namespace writ::gateway {

using namespace asio::experimental::awaitable_operators;
namespace proto = protocol;

namespace {

/// Client sessions on this I/O thread (a session stays on the thread it was accepted on).
thread_local int sessionsOnThisThread = 0;

struct CountedOnThisThread
{
    CountedOnThisThread() { ++sessionsOnThisThread; }
    ~CountedOnThisThread() { --sessionsOnThisThread; }
    CountedOnThisThread(const CountedOnThisThread &) = delete;
    CountedOnThisThread &operator=(const CountedOnThisThread &) = delete;
};

/// Alone on its I/O thread, a session has nobody whose audit record could share its write.
bool aloneOnThisThread()
{
    return sessionsOnThisThread <= 1;
}

proto::ErrorFields fatal(std::string code, std::string message, std::string hint = {})
{
    proto::ErrorFields e;
    e.severity = "FATAL";
    e.code = std::move(code);
    e.message = std::move(message);
    e.hint = std::move(hint);
    return e;
}

proto::ErrorFields refusal(const decide::Decision &d, const std::string &approvalId = {})
{
    proto::ErrorFields e;
    e.code = "42501"; // insufficient_privilege
    const decide::Reason &r = d.deciding();
    e.message = "writ: " + r.message;
    if (!approvalId.empty())
        e.message += " (approval id " + approvalId + ")";
    e.detail = "rule " + r.rule + (r.policyPath.empty() ? std::string() : ", policy " + r.policyPath);
    e.hint = !approvalId.empty() ? "an approver runs `writ approve " + approvalId + "`; then send the same statement again"
                                 : r.fix;
    return e;
}

bool startsWithWord(std::string_view sql, std::string_view word)
{
    std::size_t i = 0;
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i])))
        ++i;
    if (sql.size() - i < word.size())
        return false;
    for (std::size_t k = 0; k < word.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(sql[i + k])) != word[k])
            return false;
    return true;
}

} // namespace

struct ClientSession::Impl
{
    enum class State { Startup, Authenticating, Connecting, Ready, Closing };

    GatewayContext &ctx;
    Stream client;
    std::shared_ptr<asio::ssl::context> serverTls; ///< the certificate in force when the client connected
    asio::ssl::context &upstreamTls;
    proto::FrameDecoder clientDecoder{proto::FrameDecoder::Phase::Startup};
    std::unique_ptr<UpstreamLink> upstream;
    UpstreamLogin login;                          ///< how the session logged in upstream (the estimator reuses it)
    std::unique_ptr<UpstreamLink> estimator;      ///< a second link as the same role, for estimates mid-batch
    State state = State::Startup;
    std::string clientAddress;
    std::string sessionId;

    // Who the session is, once authenticated.
    TaskRecord task;
    std::string workflow;
    std::int32_t registryPid = 0;

    // Statement bookkeeping.
    ResponseFilter filter;
    TaskCounter taskStatements;                       ///< statements of the task through this gateway, shared by its sessions
    decide::TaskContext decisionContext;              ///< see taskContext(); its preparedStatements: the SQL-level
                                                      ///< PREPARE names allowed in this session
    /// Extended protocol: allowed texts (decided once, at Parse) by statement name and by portal name.
    std::map<std::string, std::shared_ptr<const StatementText>> parsedSql;
    std::map<std::string, std::shared_ptr<const StatementText>> portalSql;
    std::vector<CompletedStatement> completed; ///< taken from the filter after each answer (keeps its memory)
    audit::AuditEvent decisionRecord;          ///< the session's fields, set once; reused for every decision
    audit::AuditEvent completionRecord;        ///< the same for every completion
    std::vector<std::uint8_t> toUpstream;
    std::vector<std::uint8_t> toClient;
    std::vector<std::uint8_t> sendingUpstream; ///< being written upstream while toUpstream fills again
    std::vector<std::uint8_t> sendingClient;   ///< being written to the client while toClient fills again
    std::string terminateReason;
    bool upstreamLost = false; ///< the database side ended on its own
    bool auditRefused = false; ///< a read's record could not be written: its answer was withheld
    std::vector<std::uint64_t> recordsBeforeAnswer; ///< audit tickets of reads sent before their records were on file
    bool clientDone = false;   ///< the client said Terminate or went away
    bool parkUpstream = false; ///< the client said Terminate with nothing in flight: keep the connection for the task
    int unsyncedExtended = 0; ///< extended-protocol messages forwarded since the last Sync
    std::uint64_t estimateCounter = 0;
    std::map<std::string, double> estimates; ///< planner estimates by statement text (bounded)

    /// A query the gateway itself runs on the session's upstream connection (planner estimates).
    /// Its answers are consumed by upstreamLoop and never reach the client.
    struct Internal
    {
        bool active = false;
        std::vector<std::string> firstColumn; ///< of every DataRow
        std::string error;
        std::unique_ptr<asio::steady_timer> done; ///< cancelled when the answer is complete
    } internal;

    Impl(GatewayContext &c, asio::ip::tcp::socket s, std::shared_ptr<asio::ssl::context> tls, asio::ssl::context &up)
        : ctx(c), client(std::move(s)), serverTls(std::move(tls)), upstreamTls(up)
    {
        clientAddress = client.remoteAddress();
    }

    ~Impl()
    {
        // Reads whose answers never came back: the statements ran, so their records are written with the next write.
        for (const std::uint64_t ticket : recordsBeforeAnswer)
            ctx.audit().abandon(ticket);
    }

    void log(const std::string &what) const
    {
        std::cerr << "writ-gateway: session " << sessionId << " (" << clientAddress << "): " << what << "\n";
    }

    audit::AuditEvent event(audit::EventKind kind) const
    {
        audit::AuditEvent e;
        e.kind = kind;
        e.agent = task.agent;
        e.task = task.id;
        e.taskType = task.taskType;
        e.workflow = workflow;
        e.session = sessionId;
        e.client = clientAddress;
        e.databaseRole = task.role;
        return e;
    }

    /// Without a workflow from the credential, a statement's sqlcommenter traceparent names it.
    void attributeWorkflow(audit::AuditEvent &e, const std::string &sql) const
    {
        if (workflow.empty())
            if (auto trace = sql::sqlcommenterTraceId(sql))
                e.workflow = std::move(*trace);
    }

    /// The record of a statement that ended upstream (or was discarded with its batch). It rides along
    /// with the next write: the statement already ran. The session's record is reused, so a statement
    /// assigns only what differs and allocates nothing once the strings have grown.
    void auditCompletion(const CompletedStatement &done)
    {
        static const std::string unknownText;
        const StatementText *text = done.statement.text.get();
        const std::string &sql = text ? text->sql : unknownText;
        audit::AuditEvent &e = completionRecord;
        e.timeMicros = 0; // now
        e.workflow = workflow;
        attributeWorkflow(e, sql);
        std::shared_ptr<const StatementIdentity> looked;
        const StatementIdentity &identity = text && text->identity ? *text->identity : *(looked = ctx.statementIdentities().lookup(sql));
        e.query = identity.query;
        e.fingerprint = identity.fingerprint;
        e.rows = done.rows;
        e.durationMicros = done.duration.count();
        e.sqlstate = done.sqlstate;
        e.message = !done.ran ? std::string_view("not run: an earlier statement of its batch failed") : std::string_view(done.error);
        if (!ctx.audit().appendDeferred(e)) {
            log("audit write failed: " + ctx.audit().error());
            throw std::runtime_error("audit log unavailable");
        }
    }

    /// The records of reads sent before they were on file (decideStatement): on file before any answer
    /// reaches the client. Usually another session's write took them already and this costs no system
    /// call. A refused record ends the session: the answer is withheld, and the database connection,
    /// with the answer unread, is closed rather than reused.
    void recordsOnFileBeforeAnswer()
    {
        bool refused = false;
        for (const std::uint64_t ticket : recordsBeforeAnswer) // every one asked: each refusal must be collected
            refused = !ctx.audit().commit(ticket) || refused;
        recordsBeforeAnswer.clear();
        if (!refused)
            return;
        auditRefused = true;
        ++ctx.metrics().auditFailures;
        log("audit write failed: " + ctx.audit().error());
        throw std::runtime_error("audit log unavailable");
    }

    bool audit(const audit::AuditEvent &e)
    {
        if (ctx.audit().append(e))
            return true;
        log("audit write failed: " + ctx.audit().error());
        return false;
    }

    /// The record of a decision, on file before its statement runs: staged, then — once the other
    /// sessions of this I/O thread that are ready now have staged theirs — written with them in one write
    /// (the yield costs a turn of the I/O loop, so a session alone on its thread writes at once).
    asio::awaitable<bool> auditBeforeRunning(audit::AuditEvent &record)
    {
        const std::uint64_t ticket = ctx.audit().stage(record);
        // A session that ends during the yield (its coroutine destroyed) lets its ticket go.
        struct Release
        {
            audit::AuditWriter &writer;
            std::uint64_t ticket;
            bool committing = false;
            ~Release()
            {
                if (!committing)
                    writer.abandon(ticket);
            }
        } release{ctx.audit(), ticket};
        if (!aloneOnThisThread()) {
            const auto executor = co_await asio::this_coro::executor;
            co_await asio::post(executor, asio::use_awaitable);
        }
        release.committing = true;
        if (ctx.audit().commit(ticket))
            co_return true;
        log("audit write failed: " + ctx.audit().error());
        co_return false;
    }

    asio::awaitable<void> sendFatal(const proto::ErrorFields &e)
    {
        std::vector<std::uint8_t> out;
        proto::encodeError(out, e);
        try {
            co_await client.writeAll(out);
        } catch (const std::exception &) {
        }
        client.close();
    }

    // ---- startup ---------------------------------------------------------------------------------

    /// The startup packet, after TLS and GSSAPI negotiation; nullopt when the connection is done
    /// (a cancel request, or a refusal already sent).
    asio::awaitable<std::optional<proto::StartupPacket>> handshake()
    {
        for (int round = 0; round < 3; ++round) {
            const proto::Frame frame = co_await readFrame(client, clientDecoder);
            const auto packet = proto::decodeStartup(frame.body);
            if (!packet) {
                {
                    const proto::ErrorFields refusal = fatal("08P01", "invalid startup packet");
                    co_await sendFatal(refusal);
                }
                co_return std::nullopt;
            }
            std::vector<std::uint8_t> answer;
            switch (packet->kind) {
            case proto::StartupPacket::Kind::SslRequest:
                if (clientDecoder.buffered() > 0) { // bytes after SSLRequest, before the handshake: an injection attempt
                    {
                        const proto::ErrorFields refusal = fatal("08P01", "unexpected data after SSLRequest");
                        co_await sendFatal(refusal);
                    }
                    co_return std::nullopt;
                }
                proto::encodeSslAnswer(answer, serverTls && !client.tls());
                co_await client.writeAll(answer);
                if (serverTls && !client.tls())
                    co_await client.acceptTls(*serverTls);
                continue;
            case proto::StartupPacket::Kind::GssEncRequest:
                proto::encodeSslAnswer(answer, false);
                co_await client.writeAll(answer);
                continue;
            case proto::StartupPacket::Kind::CancelRequest:
                if (const auto up = ctx.sessions().upstreamFor(packet->cancelPid, packet->cancelKey))
                    co_await cancelUpstream(ctx.config().upstream, *up);
                client.close();
                co_return std::nullopt;
            case proto::StartupPacket::Kind::Startup:
                co_return *packet;
            }
        }
        {
            const proto::ErrorFields refusal = fatal("08P01", "too many startup requests");
            co_await sendFatal(refusal);
        }
        co_return std::nullopt;
    }

    /// Protocol version, TLS requirement, replication and database checks. A refusal is sent here.
    asio::awaitable<bool> acceptStartup(const proto::StartupPacket &p)
    {
        if ((p.version >> 16) != 3) {
            {
                const proto::ErrorFields refusal = fatal("0A000", "unsupported frontend protocol " + std::to_string(p.version >> 16) + "."
                                                  + std::to_string(p.version & 0xffff) + ": the gateway speaks 3.0");
                co_await sendFatal(refusal);
            }
            co_return false;
        }
        const std::string replication = p.parameter("replication");
        if (!replication.empty() && replication != "false" && replication != "0" && replication != "off" && replication != "no") {
            {
                const proto::ErrorFields refusal = fatal("0A000", "replication connections are not served by the gateway");
                co_await sendFatal(refusal);
            }
            co_return false;
        }
        const auto &tls = ctx.config().tls;
        if (!client.tls() && tls.required && !tlsExempt(clientAddress, tls)) {
            {
                const proto::ErrorFields refusal = fatal("28000", "the gateway requires TLS from " + clientAddress,
                                     "connect with sslmode=require (task credentials must not cross the network in clear text)");
                co_await sendFatal(refusal);
            }
            co_return false;
        }
        const std::string database = p.parameter("database");
        if (!database.empty() && database != ctx.config().upstream.database) {
            {
                const proto::ErrorFields refusal = fatal("3D000", "database \"" + database + "\" is not served by this gateway",
                                     "connect to database \"" + ctx.config().upstream.database + "\"");
                co_await sendFatal(refusal);
            }
            co_return false;
        }
        // Protocol 3.x with x > 0, or _pq_ options: say what we speak instead of failing later.
        std::vector<std::string> unsupported;
        for (const auto &[k, v] : p.parameters)
            if (k.rfind("_pq_.", 0) == 0)
                unsupported.push_back(k);
        if ((p.version & 0xffff) > 0 || !unsupported.empty()) {
            std::vector<std::uint8_t> out;
            proto::encodeNegotiateProtocolVersion(out, 0, unsupported);
            co_await client.writeAll(out);
        }
        co_return true;
    }

    // ---- authentication --------------------------------------------------------------------------

    template <typename F>
    asio::awaitable<std::invoke_result_t<F>> blocking(F f)
    {
        // State-database calls block: run them on the shared pool, resume on this session's thread.
        auto job = [f = std::move(f)]() -> asio::awaitable<std::invoke_result_t<F>> { co_return f(); };
        co_return co_await asio::co_spawn(ctx.blockingPool().get_executor(), std::move(job), asio::use_awaitable);
    }

    asio::awaitable<bool> authenticate()
    {
        state = State::Authenticating;
        std::vector<std::uint8_t> out;
        proto::encodeAuthentication(out, proto::AuthCode::CleartextPassword);
        co_await client.writeAll(out);
        const proto::Frame frame = co_await readFrame(client, clientDecoder);
        const auto password = frame.tag == proto::fe::Password ? proto::decodePassword(frame.body) : std::nullopt;
        if (!password) {
            {
                const proto::ErrorFields refusal = fatal("08P01", "expected a password message holding the task credential");
                co_await sendFatal(refusal);
            }
            co_return false;
        }
        const std::optional<AuthRefusal> refusal = co_await checkCredential(password->password);
        if (!refusal)
            co_return true;
        auto e = event(audit::EventKind::Connect);
        e.verdict = "deny";
        e.rule = "authentication";
        e.message = refusal->message;
        audit(e);
        ++ctx.metrics().authenticationsRefused;
        const proto::ErrorFields answer = fatal(refusal->sqlstate, "writ: " + refusal->message, refusal->hint);
        co_await sendFatal(answer);
        co_return false;
    }

    struct AuthRefusal
    {
        std::string sqlstate;
        std::string message;
        std::string hint;
    };

    /// Verifies the task credential and the task behind it; sets `task` and `workflow`. Returns why
    /// the client is refused, or nothing when it may go on. Messages are built into named values
    /// before any co_await: GCC 12 destroys temporaries of a co_await expression twice.
    asio::awaitable<std::optional<AuthRefusal>> checkCredential(std::string_view password)
    {
        const auto credential = ctx.verifier()->verify(password);
        if (!credential)
            co_return AuthRefusal{"28P01", "task credential refused: " + credential.error().toString(),
                                  "start a task (writ task start) and use its credential as the password"};
        const auto &cred = credential.value();
        std::optional<TaskRecord> record;
        try {
            auto lookup = [this, id = cred.taskId] { return ctx.store().findTask(id); };
            record = co_await blocking(std::move(lookup));
        } catch (const StateError &e) {
            log(e.what());
            co_return AuthRefusal{"08006", "the gateway cannot check the task right now", "try again in a moment"};
        }
        if (!record)
            co_return AuthRefusal{"28P01", "task " + cred.taskId + " does not exist", "start a new task"};
        task = *record;
        if (task.revoked)
            co_return AuthRefusal{"28P01", "task " + task.id + " was ended" + (task.revokeReason.empty() ? "" : ": " + task.revokeReason),
                                  "start a new task"};
        if (task.expiresAt <= std::chrono::system_clock::now())
            co_return AuthRefusal{"28P01", "task " + task.id + " has expired", "start a new task"};
        if (task.agent != cred.agent || task.taskType != cred.taskType
            || identity::contextDigest(task.context) != cred.contextDigest)
            co_return AuthRefusal{"28P01", "the credential does not match task " + task.id, "use the credential issued for this task"};
        workflow = !cred.workflowId.empty() ? cred.workflowId : task.workflow;
        const auto engine = ctx.engine();
        if (const auto problem = networkProblem(engine->policy(), task.agent, clientAddress))
            co_return AuthRefusal{"28P01", *problem, "connect from a network the agent's identity lists"};
        decisionContext.agent = task.agent;
        decisionContext.taskType = task.taskType;
        decisionContext.values = task.context;
        decisionContext.expiresAt = task.expiresAt;
        co_return std::nullopt;
    }

    // ---- upstream --------------------------------------------------------------------------------

    asio::awaitable<bool> openUpstream(const std::string &applicationNameFromClient)
    {
        (void)applicationNameFromClient; // the task's name replaces whatever the client asked for
        state = State::Connecting;
        login.role = task.role;
        login.password = tasks::derivedTaskPassword(ctx.passwordSecret(), task.id);
        login.database = ctx.config().upstream.database;
        login.applicationName = "writ:" + task.agent + "/" + task.id;
        if (login.applicationName.size() > 63)
            login.applicationName.resize(63);
        std::optional<proto::ErrorFields> failure;
        try {
            // A connection this task's earlier session left, reset, skips the login.
            upstream = ctx.upstreamPool().take(task.id);
            if (upstream) {
                const auto here = co_await asio::this_coro::executor;
                // A TLS link stays where it is, usable at one thread hop per read; a failed move closed it.
                if (!upstream->stream->moveTo(here) && !upstream->stream->isOpen())
                    upstream.reset();
            }
            if (!upstream)
                upstream = co_await connectUpstream(ctx.config().upstream, login, upstreamTls);
        } catch (const UpstreamError &e) {
            log(std::string("upstream login failed: ") + e.what());
            failure = e.fields;
        } catch (const std::exception &e) {
            log(std::string("upstream unreachable: ") + e.what());
            failure = fatal("08006", "writ: the database behind the gateway cannot be reached; try again");
        }
        if (failure) {
            failure->severity = "FATAL";
            co_await sendFatal(*failure);
            co_return false;
        }
        filter = ResponseFilter(ctx.engine()->policy().findTask(task.agent, task.taskType)
                                    ? ctx.engine()->policy().findTask(task.agent, task.taskType)->limits.rowsPerStatement
                                    : std::nullopt);
        SessionInfo info{sessionId, task.id, task.agent, task.taskType, task.role, clientAddress, workflow,
                         std::chrono::system_clock::now()};
        const SessionRegistration reg = ctx.sessions().add(std::move(info), self, upstream->key);
        const std::int32_t pid = reg.pid, key = reg.key;
        registryPid = pid;
        taskStatements = reg.statements;
        std::vector<std::uint8_t> out;
        proto::encodeAuthentication(out, proto::AuthCode::Ok);
        for (const auto &[k, v] : upstream->parameterStatus)
            proto::encodeParameterStatus(out, k, v);
        proto::encodeBackendKeyData(out, pid, key);
        proto::encodeReadyForQuery(out, upstream->transactionStatus);
        co_await client.writeAll(out);
        state = State::Ready;
        ++ctx.metrics().sessionsOpened;
        audit(event(audit::EventKind::Connect));
        decisionRecord = event(audit::EventKind::Decision);
        completionRecord = event(audit::EventKind::Statement);
        co_return true;
    }

    std::weak_ptr<SessionHandle> self;

    // ---- deciding ----------------------------------------------------------------------------------

    /// The task's context for the decision engine. Its task fields are set once, when the task is
    /// accepted; the fields that change (time, statements so far, environment) are refreshed on each
    /// call, so a statement allocates nothing for it.
    const decide::TaskContext &taskContext()
    {
        decide::TaskContext &c = decisionContext;
        c.environment = ctx.config().environment;
        c.now = std::chrono::system_clock::now();
        c.statementsSoFar = taskStatements ? taskStatements->load() : 0;
        return c;
    }

    /// Decides `sql`; on refusal audits it and returns the error to send instead. Approvals are
    /// checked (and requested) against the state database. `sendInstead` is set when the text to run
    /// differs from the one received (qualified names of masked relations read through the view).
    asio::awaitable<std::optional<proto::ErrorFields>> decideStatement(const std::string &sql, bool simpleQuery, std::string &rule,
                                                                       std::shared_ptr<const StatementIdentity> &identity,
                                                                       std::optional<std::string> &sendInstead)
    {
        const auto engine = ctx.engine();
        decide::DecisionEngine::ShapeSeen shape;
        const auto decision = engine->decide(sql, taskContext(), simpleQuery, &shape);
        // A qualified name of a masked relation (public.customers.email) reads through the task's
        // masked view, as the unqualified name does, instead of failing on the ungranted base column.
        sendInstead.reset();
        if (decision->readsMaskedColumns && decision->verdict != decide::Verdict::Deny)
            sendInstead = engine->readThroughMaskedViews(sql, taskContext(), simpleQuery);
        const std::string &runs = sendInstead ? *sendInstead : sql;
        // The engine's decision is shared (cached); the gateway's own checks below change a copy.
        decide::Decision changed;
        const decide::Decision *decided = decision.get();
        auto change = [&]() -> decide::Decision & {
            if (decided != &changed) {
                changed = *decided;
                decided = &changed;
            }
            return changed;
        };
        if (decided->needsRowEstimate) {
            const auto known = estimates.find(runs);
            const double rows = known != estimates.end() ? known->second : co_await estimateRows(runs);
            if (known == estimates.end() && !std::isnan(rows)) {
                if (estimates.size() >= 1000)
                    estimates.clear();
                estimates.emplace(runs, rows);
            }
            changed = decide::applyRowEstimate(*decided, rows);
            decided = &changed;
        }
        // The session's decision record: its own fields set once, the statement's assigned here.
        audit::AuditEvent &record = decisionRecord;
        record.timeMicros = 0; // now
        record.workflow = workflow;
        record.approval.clear();
        record.message.clear();
        attributeWorkflow(record, sql);
        identity = ctx.statementIdentities().lookup(sql, shape.computed ? &shape.shape : nullptr);
        record.query = identity->query;
        record.fingerprint = identity->fingerprint;
        record.verdict = decide::toString(decided->verdict);
        record.rule = decided->deciding().rule;
        std::string approvalId;
        if (decided->verdict == decide::Verdict::ApprovalRequired) {
            try {
                auto consume = [this, sql] { return ctx.store().consumeApproval(task.id, sql); };
                const bool approved = co_await blocking(std::move(consume));
                if (approved) {
                    change().verdict = decide::Verdict::Allow;
                    record.verdict = "allow";
                    record.message = "approved statement, run once";
                } else {
                    const std::string cls = policy::toString(*decided->approvalClass);
                    auto request = [this, sql, cls, fingerprint = identity->fingerprint] {
                        return ctx.store().requestApproval(task.id, cls, fingerprint, sql, std::chrono::minutes(15));
                    };
                    approvalId = co_await blocking(std::move(request));
                    record.approval = approvalId;
                }
            } catch (const StateError &e) {
                log(e.what());
                // Fail closed under the step-up rule that asked for the approval, so the agent and the
                // audit log see which check could not be completed.
                const std::string stepUpRule = decided->deciding().rule;
                decide::Decision &d = change();
                d.verdict = decide::Verdict::Deny;
                d.reasons.insert(d.reasons.begin(), {stepUpRule, "the approval this statement needs cannot be checked right now (state database unavailable)",
                                                     "send the statement again in a moment", "", 0, -1});
            }
        }
        if (decided->verdict != decide::Verdict::Allow)
            record.message = decided->deciding().message;
        else if (sendInstead)
            record.message = "qualified names of masked relations read through the task's masked view";
        rule = record.rule;
        ctx.metrics().countVerdict(record.verdict);
        // A read that cannot change anything goes to the database now; its record joins whichever write
        // comes next and must be on file before any of its answer reaches the client (relayUpstream).
        // Everything else has its record on file before it runs.
        const bool readNow = decision->verdict == decide::Verdict::Allow && decided->verdict == decide::Verdict::Allow
                             && decided->changesNothing;
        bool recorded = true;
        if (readNow)
            recordsBeforeAnswer.push_back(ctx.audit().stage(record));
        else
            recorded = co_await auditBeforeRunning(record);
        if (!recorded) {
            ++ctx.metrics().auditFailures;
            proto::ErrorFields e;
            e.code = "58030"; // io_error
            e.message = "writ: the statement was refused because it could not be audited";
            co_return e;
        }
        if (decided->verdict == decide::Verdict::Allow) {
            if (simpleQuery && startsWithWord(sql, "prepare")) {
                const auto analysis = sql::analyze(sql, engine->catalog(), {engine->searchPathFor(task.agent, task.taskType)});
                for (const auto &s : analysis.statements)
                    if (!s.prepareName.empty())
                        decisionContext.preparedStatements.insert(s.prepareName);
            }
            co_return std::nullopt;
        }
        co_return refusal(*decided, approvalId);
    }

    /// The planner's row estimate for a read (bulk_read). Without a way to ask (an explicit batch in
    /// flight), the estimate is unknown, which asks for approval: fail closed.
    asio::awaitable<double> estimateRows(const std::string &sql);
    asio::awaitable<double> estimateOnSideLink(const std::string &sql);

    // ---- the two loops ---------------------------------------------------------------------------

    asio::awaitable<void> flushUpstream()
    {
        if (toUpstream.empty())
            co_return;
        co_await send(*upstream->stream, toUpstream, sendingUpstream);
    }

    /// Writes what `pending` holds, through `sending` so that `pending` can fill again meanwhile. Both
    /// keep their memory for the next statement (no allocation per statement), unless a large result
    /// grew them: an idle session holds little.
    static asio::awaitable<void> send(Stream &stream, std::vector<std::uint8_t> &pending, std::vector<std::uint8_t> &sending)
    {
        constexpr std::size_t kKeptCapacity = 4 * 1024; // a few rows; 4 buffers at most this size stay with an idle session
        sending.swap(pending);
        co_await stream.writeAll(sending);
        sending.clear();
        if (sending.capacity() > kKeptCapacity)
            sending.shrink_to_fit();
    }

    void poison(const proto::ErrorFields &error, bool simpleQuery, std::string_view statementName = {})
    {
        const std::string marker = filter.poisoned(error, simpleQuery);
        if (simpleQuery) {
            proto::encodeQuery(toUpstream, ResponseFilter::poisonSql(marker));
        } else {
            proto::encodeParse(toUpstream, statementName, ResponseFilter::poisonSql(marker));
        }
    }

    // The two relay loops run side by side (clientLoop() || upstreamLoop()). Asio's || does not reliably
    // cancel the loop that is still waiting, so the side that ends wakes the other one itself: cancelling
    // a socket's pending operations makes that loop's read fail and the loop end.
    void wakeUpstreamRelay()
    {
        if (upstream && upstream->stream) {
            asio::error_code ignored;
            upstream->stream->socket().cancel(ignored);
        }
    }

    void wakeClientRelay()
    {
        asio::error_code ignored;
        client.socket().cancel(ignored);
        if (internal.done) // an estimate waiting for its answer will not get one
            internal.done->cancel();
    }

    asio::awaitable<void> clientLoop()
    {
        try {
            co_await relayClient();
            clientDone = true; // Terminate
            if (parkUpstream) // stop the upstream relay without closing the connection: run() resets and parks it
                wakeUpstreamRelay();
        } catch (...) {
            clientDone = true;
            // The client went away (or broke the protocol): release the upstream side at once rather
            // than when the database next speaks, so the connection does not outlive its client.
            wakeUpstreamRelay();
            throw;
        }
    }

    asio::awaitable<void> relayClient()
    {
        for (;;) {
            proto::Frame frame;
            if (!takeBufferedFrame(clientDecoder, frame))
                frame = co_await readFrame(client, clientDecoder);
            const char tag = frame.tag;
            switch (tag) {
            case proto::fe::Query: {
                const auto q = proto::decodeQuery(frame.body);
                if (!q)
                    throw ProtocolViolation("malformed Query message");
                std::string sql(q->sql);
                std::string rule;
                std::shared_ptr<const StatementIdentity> identity;
                std::optional<std::string> sendInstead;
                taskStatements->fetch_add(1);
                if (const auto refused = co_await decideStatement(sql, true, rule, identity, sendInstead)) {
                    poison(*refused, true);
                } else {
                    if (sendInstead)
                        proto::encodeQuery(toUpstream, *sendInstead);
                    else
                        proto::encodeRaw(toUpstream, tag, frame.body);
                    filter.forwardedQuery({std::make_shared<const StatementText>(StatementText{std::move(sql), std::move(identity)})});
                }
                break;
            }
            case proto::fe::Parse: {
                const auto p = proto::decodeParse(frame.body);
                if (!p)
                    throw ProtocolViolation("malformed Parse message");
                const std::string sql(p->sql);
                std::string rule;
                std::shared_ptr<const StatementIdentity> identity;
                std::optional<std::string> sendInstead;
                if (const auto refused = co_await decideStatement(sql, false, rule, identity, sendInstead)) {
                    poison(*refused, false, p->name);
                    parsedSql.erase(std::string(p->name));
                } else {
                    if (sendInstead)
                        proto::encodeParse(toUpstream, p->name, *sendInstead, p->parameterTypes);
                    else
                        proto::encodeRaw(toUpstream, tag, frame.body);
                    parsedSql[std::string(p->name)] = std::make_shared<const StatementText>(StatementText{sql, std::move(identity)});
                }
                ++unsyncedExtended;
                break;
            }
            case proto::fe::Bind: {
                const auto b = proto::decodeBindTarget(frame.body);
                if (!b)
                    throw ProtocolViolation("malformed Bind message");
                const auto it = parsedSql.find(std::string(b->statement));
                portalSql[std::string(b->portal)] = it == parsedSql.end() ? nullptr : it->second;
                proto::encodeRaw(toUpstream, tag, frame.body);
                ++unsyncedExtended;
                break;
            }
            case proto::fe::Execute: {
                const auto e = proto::decodeExecute(frame.body);
                if (!e)
                    throw ProtocolViolation("malformed Execute message");
                taskStatements->fetch_add(1);
                const auto it = portalSql.find(std::string(e->portal));
                proto::encodeRaw(toUpstream, tag, frame.body);
                filter.forwardedExecute({it != portalSql.end() ? it->second : nullptr});
                ++unsyncedExtended;
                break;
            }
            case proto::fe::Sync:
                proto::encodeRaw(toUpstream, tag, frame.body);
                filter.forwardedSync();
                unsyncedExtended = 0;
                break;
            case proto::fe::Describe:
            case proto::fe::Close:
            case proto::fe::Flush:
            case proto::fe::CopyData:
            case proto::fe::CopyDone:
            case proto::fe::CopyFail:
                proto::encodeRaw(toUpstream, tag, frame.body);
                break;
            case proto::fe::FunctionCall: {
                decide::Decision d;
                d.reasons.push_back({decide::rule::FunctionCallMessage,
                                     "the Function Call protocol message is not allowed: it calls functions by oid, past every check",
                                     "call the function in a SELECT", "", 0, -1});
                auto record = event(audit::EventKind::Decision);
                record.verdict = "deny";
                record.rule = decide::rule::FunctionCallMessage;
                audit(record);
                poison(refusal(d), true);
                break;
            }
            case proto::fe::Terminate:
                if (canPark()) {
                    parkUpstream = true;
                    co_return;
                }
                proto::encodeTerminate(toUpstream);
                co_await flushUpstream();
                co_return;
            default:
                throw ProtocolViolation(std::string("unexpected message type '") + tag + "'");
            }
            if (!clientDecoder.hasFrame()) {
                co_await flushUpstream();
                // Alone on its thread, the session would write its read's record by itself anyway: write it
                // now, while the database works on the read, instead of after the answer came.
                if (aloneOnThisThread() && !recordsBeforeAnswer.empty())
                    recordsOnFileBeforeAnswer();
            }
        }
    }

    asio::awaitable<void> upstreamLoop()
    {
        try {
            co_await relayUpstream();
        } catch (...) {
            // The database ended the connection (restart, pg_terminate_backend, network): wake the client
            // side now, whatever it waits for, so the client is told instead of waiting on a dead link.
            upstreamLost = terminateReason.empty() && !clientDone && !auditRefused;
            wakeClientRelay();
            throw;
        }
    }

    asio::awaitable<void> relayUpstream()
    {
        for (;;) {
            proto::Frame frame;
            if (!takeBufferedFrame(upstream->decoder, frame))
                frame = co_await readFrame(*upstream->stream, upstream->decoder);
            if (internal.active) {
                consumeInternal(frame);
                continue;
            }
            if (!recordsBeforeAnswer.empty())
                recordsOnFileBeforeAnswer();
            const auto result = filter.onUpstream(frame.tag, frame.body);
            switch (result.action) {
            case ResponseFilter::Action::Relay:
                proto::encodeRaw(toClient, frame.tag, frame.body);
                break;
            case ResponseFilter::Action::Replace:
                toClient.insert(toClient.end(), result.replacement.begin(), result.replacement.end());
                break;
            case ResponseFilter::Action::Drop:
                break;
            }
            if (result.cancelUpstream) {
                const auto executor = co_await asio::this_coro::executor;
                asio::co_spawn(executor, cancelUpstream(ctx.config().upstream, upstream->key), asio::detached);
            }
            filter.takeCompleted(completed);
            for (const CompletedStatement &done : completed)
                auditCompletion(done);
            if (!upstream->decoder.hasFrame() || toClient.size() > 256 * 1024)
                co_await send(client, toClient, sendingClient);
        }
    }

    /// The upstream connection is quiet and outside a transaction: it can serve this task's next session.
    bool canPark() const
    {
        return ctx.upstreamPool().enabled() && upstream && upstream->stream && toUpstream.empty() && filter.outstanding() == 0
               && filter.transactionStatus() == 'I' && unsyncedExtended == 0 && !internal.active && !upstream->decoder.hasFrame();
    }

    /// DISCARD ALL (settings, prepared statements, temporary tables, listeners, advisory locks), then
    /// into the pool; on any trouble the connection is simply closed.
    asio::awaitable<void> parkUpstreamConnection()
    {
        asio::steady_timer guard(co_await asio::this_coro::executor, std::chrono::seconds(2));
        guard.async_wait([link = upstream.get()](asio::error_code ec) {
            if (!ec && link->stream)
                link->stream->close(); // the database did not answer the reset in time
        });
        try {
            const std::string reset = "DISCARD ALL";
            const SimpleQueryResult r = co_await runSimpleQuery(*upstream, reset);
            guard.cancel();
            if (r.error.empty() && upstream->transactionStatus == 'I' && upstream->stream->isOpen())
                ctx.upstreamPool().give(task.id, std::move(upstream));
        } catch (const std::exception &) {
            guard.cancel();
        }
    }

    void consumeInternal(const proto::Frame &frame)
    {
        switch (frame.tag) {
        case proto::be::DataRow:
            if (const auto v = proto::firstColumnOfDataRow(frame.body)) // the EXPLAIN text
                internal.firstColumn.emplace_back(*v);
            break;
        case proto::be::ErrorResponse:
            internal.error = proto::decodeError(frame.body).value_or(proto::ErrorFields{}).message;
            if (internal.error.empty())
                internal.error = "error";
            break;
        case proto::be::ReadyForQuery:
            internal.active = false;
            if (internal.done)
                internal.done->cancel();
            break;
        default:
            break;
        }
    }

    void close()
    {
        state = State::Closing;
        client.close();
        if (upstream && upstream->stream)
            upstream->stream->close();
        if (estimator && estimator->stream)
            estimator->stream->close();
    }
};

namespace {

/// Highest $n parameter number in `sql`, outside quotes and comments.
int parameterCount(std::string_view sql)
{
    int highest = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            const auto end = sql.find(c, i + 1);
            if (end == std::string_view::npos)
                break;
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            i = sql.find('\n', i);
            if (i == std::string_view::npos)
                break;
        } else if (c == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
            int n = 0;
            std::size_t k = i + 1;
            while (k < sql.size() && std::isdigit(static_cast<unsigned char>(sql[k])) && n < 100000)
                n = n * 10 + (sql[k++] - '0');
            highest = std::max(highest, n);
            i = k - 1;
        }
    }
    return highest;
}

/// "Plan Rows" of the top plan node in EXPLAIN (FORMAT JSON) output.
/// The most rows any node of an EXPLAIN (FORMAT JSON) plan expects to produce. Not the top node's
/// alone: an aggregate (`SELECT json_agg(c) FROM customers c`, `SELECT ARRAY(SELECT ...)`) returns one
/// row holding everything its input read, and a bulk read is about what is read. NaN when the plan
/// cannot be read, which counts as over any limit.
double planRows(const std::string &json)
{
    const auto plan = nlohmann::json::parse(json, nullptr, false);
    if (plan.is_discarded())
        return std::numeric_limits<double>::quiet_NaN();
    double most = -1;
    std::vector<const nlohmann::json *> todo{&plan};
    while (!todo.empty()) {
        const nlohmann::json *n = todo.back();
        todo.pop_back();
        if (n->is_array()) {
            for (const auto &e : *n)
                todo.push_back(&e);
        } else if (n->is_object()) {
            if (const auto rows = n->find("Plan Rows"); rows != n->end() && rows->is_number())
                most = std::max(most, rows->get<double>());
            for (const auto &[key, value] : n->items())
                if (value.is_structured())
                    todo.push_back(&value);
        }
    }
    return most < 0 ? std::numeric_limits<double>::quiet_NaN() : most;
}

} // namespace

asio::awaitable<double> ClientSession::Impl::estimateRows(const std::string &sql)
{
    constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
    // Only between batches: then the next answers from upstream are this query's alone.
    if (filter.outstanding() != 0 || unsyncedExtended != 0 || !toUpstream.empty() || internal.active
        || filter.transactionStatus() == 'E')
        co_return co_await estimateOnSideLink(sql);
    // A savepoint keeps a failing EXPLAIN from aborting the client's transaction block.
    const bool inBlock = filter.transactionStatus() == 'T';
    const int params = parameterCount(sql);
    std::string text = inBlock ? "SAVEPOINT writ_estimate; " : "";
    if (params == 0) {
        text += "EXPLAIN (FORMAT JSON) " + sql;
    } else {
        // Parameters without values: the generic plan's estimate, as EXPLAIN (GENERIC_PLAN) gives in PostgreSQL 16.
        std::string nulls;
        for (int i = 0; i < params; ++i)
            nulls += i ? ", NULL" : "NULL";
        // A fresh name each time: a PREPARE that succeeded before a failure elsewhere is left behind
        // rather than risking a DEALLOCATE that could fail inside the client's transaction.
        const std::string name = "writ_estimate_" + std::to_string(++estimateCounter);
        text += "SET LOCAL plan_cache_mode = force_generic_plan; PREPARE " + name + " AS " + sql + "; EXPLAIN (FORMAT JSON) EXECUTE "
                + name + "(" + nulls + "); DEALLOCATE " + name;
        if (!inBlock)
            text = "BEGIN; " + text + "; COMMIT";
    }
    if (inBlock) // rolling back to the savepoint also undoes SET LOCAL for the client's transaction
        text += "; ROLLBACK TO SAVEPOINT writ_estimate; RELEASE writ_estimate";
    internal.active = true;
    internal.firstColumn.clear();
    internal.error.clear();
    internal.done = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor, std::chrono::steady_clock::time_point::max());
    std::vector<std::uint8_t> out;
    proto::encodeQuery(out, text);
    co_await upstream->stream->writeAll(out);
    asio::error_code ec;
    // The answer may have been read while the write completed: cancel() on a timer nobody waits on
    // does nothing, so wait only while the query is still running.
    if (internal.active)
        co_await internal.done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const bool failed = !internal.error.empty();
    if (failed && (inBlock || params > 0)) {
        // Leave the session as it was: undo the savepoint, or end the failed implicit block.
        std::vector<std::uint8_t> undo;
        proto::encodeQuery(undo, inBlock ? "ROLLBACK TO SAVEPOINT writ_estimate; RELEASE writ_estimate" : "ROLLBACK");
        internal.active = true;
        internal.done = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor, std::chrono::steady_clock::time_point::max());
        co_await upstream->stream->writeAll(undo);
        if (internal.active)
            co_await internal.done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (failed)
        co_return unknown; // the statement itself will fail upstream the same way, or need approval
    std::string json;
    for (const auto &row : internal.firstColumn)
        json += row;
    co_return planRows(json);
}

asio::awaitable<double> ClientSession::Impl::estimateOnSideLink(const std::string &sql)
{
    // Mid-batch (a driver that sends BEGIN and its query without a Sync between, as PgJDBC does with
    // autocommit off) the session's own connection cannot be asked. A second connection as the same
    // role sees the same tables, privileges and row security; it lacks only the session's own state
    // (temporary tables, SET search_path), where the EXPLAIN then fails: unknown, fail closed.
    constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
    try {
        if (!estimator) {
            auto link = co_await connectUpstream(ctx.config().upstream, login, upstreamTls);
            estimator = std::move(link);
        }
        const int params = parameterCount(sql);
        std::string text;
        if (params == 0) {
            text = "EXPLAIN (FORMAT JSON) " + sql;
        } else {
            std::string nulls;
            for (int i = 0; i < params; ++i)
                nulls += i ? ", NULL" : "NULL";
            text = "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; PREPARE writ_estimate AS " + sql
                 + "; EXPLAIN (FORMAT JSON) EXECUTE writ_estimate(" + nulls + "); DEALLOCATE writ_estimate; ROLLBACK";
        }
        const SimpleQueryResult r = co_await runSimpleQuery(*estimator, text);
        if (!r.error.empty()) {
            estimator.reset(); // whatever state the failure left behind goes with the connection
            co_return unknown;
        }
        std::string json;
        for (const auto &row : r.firstColumn)
            json += row;
        co_return planRows(json);
    } catch (const std::exception &e) {
        log(std::string("estimate connection failed: ") + e.what());
        estimator.reset();
        co_return unknown;
    }
}

ClientSession::ClientSession(GatewayContext &context, asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> serverTls,
                             asio::ssl::context &upstreamTls)
    : d(std::make_unique<Impl>(context, std::move(socket), std::move(serverTls), upstreamTls))
{
}

ClientSession::~ClientSession()
{
    if (d->registryPid)
        d->ctx.sessions().remove(d->registryPid);
}

void ClientSession::terminate(const std::string &reason)
{
    auto self = shared_from_this();
    asio::post(d->client.socket().get_executor(), [self, reason] {
        Impl &s = *self->d;
        if (s.state == Impl::State::Closing || !s.terminateReason.empty())
            return;
        s.terminateReason = reason;
        ++s.ctx.metrics().sessionsTerminated;
        // Ending upstream ends the relay loops; run() then tells the client why, through its own stream.
        if (s.upstream && s.upstream->stream)
            s.upstream->stream->close();
        else
            s.close();
    });
}

asio::awaitable<void> ClientSession::run()
{
    Impl &s = *d;
    const CountedOnThisThread counted;
    s.self = weak_from_this();
    s.sessionId = std::to_string(reinterpret_cast<std::uintptr_t>(this) & 0xffffffff);
    // Startup and authentication must finish within auth_timeout: a silent client holds nothing for long.
    asio::steady_timer deadline(co_await asio::this_coro::executor, s.ctx.config().authTimeout);
    deadline.async_wait([&s](asio::error_code ec) {
        if (!ec && s.state != Impl::State::Ready)
            s.close();
    });
    std::string violation;
    try {
        const auto startup = co_await s.handshake();
        if (!startup || !co_await s.acceptStartup(*startup))
            co_return;
        s.clientDecoder.setPhase(proto::FrameDecoder::Phase::Messages);
        if (!co_await s.authenticate())
            co_return;
        const std::string applicationName = startup->parameter("application_name");
        if (!co_await s.openUpstream(applicationName))
            co_return;
        deadline.cancel();
        co_await (s.clientLoop() || s.upstreamLoop());
    } catch (const ProtocolViolation &e) {
        s.parkUpstream = false;
        s.log(std::string("protocol violation: ") + e.what());
        violation = e.what();
    } catch (const std::exception &e) {
        if (s.state == Impl::State::Ready && s.terminateReason.empty())
            s.log(std::string("ended: ") + e.what());
    }
    // Why the session ends, told to the client when it is not the client's own Terminate.
    if (!violation.empty()) {
        const proto::ErrorFields refusal = fatal("08P01", "protocol violation: " + violation);
        co_await s.sendFatal(refusal);
    } else if (!s.terminateReason.empty()) {
        const proto::ErrorFields refusal = fatal("57P01", "writ: " + s.terminateReason, "start a new task");
        co_await s.sendFatal(refusal);
    } else if (s.auditRefused) {
        const proto::ErrorFields refusal = fatal("58030", "writ: the statement's answer was withheld because it could not be audited",
                                                 "the gateway's audit log cannot be written; connect again once it can");
        co_await s.sendFatal(refusal);
    } else if (s.upstreamLost) {
        s.log("the database ended the session's connection");
        const proto::ErrorFields lost = fatal("08006", "writ: the database ended this session's connection (restart or administrator)",
                                              "connect again; the task is still valid");
        co_await s.sendFatal(lost);
    }
    if (s.parkUpstream && violation.empty() && s.terminateReason.empty() && !s.upstreamLost && !s.auditRefused && s.upstream)
        co_await s.parkUpstreamConnection();
    deadline.cancel();
    if (s.state == Impl::State::Ready || s.state == Impl::State::Closing) {
        auto e = s.event(audit::EventKind::Disconnect);
        e.message = s.terminateReason;
        s.audit(e);
    }
    s.close();
}

} // namespace writ::gateway
