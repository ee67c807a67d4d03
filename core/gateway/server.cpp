// SPDX-License-Identifier: Apache-2.0
#include "gateway/server.h"

#include "audit/audit_writer.h"
#include "common/diagnostic.h"
#include "gateway/gateway_context.h"
#include "gateway/protocol/backend.h"
#include "gateway/session/client_session.h"
#include "gateway/session/upstream_pool.h"
#include "gateway/state/state_listener.h"
#include "gateway/transport/stream.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <functional>
#include <iostream>
#include <thread>

namespace writ::gateway {

namespace {

/// Keys whose new value only a restart applies, named for the log.
std::vector<std::string> restartOnlyChanges(const GatewayConfig &a, const GatewayConfig &b)
{
    std::vector<std::string> out;
    const auto differs = [&out](bool d, const char *key) {
        if (d)
            out.emplace_back(key);
    };
    differs(a.listen.host != b.listen.host || a.listen.port != b.listen.port, "listen");
    differs(a.upstream.host != b.upstream.host || a.upstream.port != b.upstream.port || a.upstream.database != b.upstream.database
                || a.upstream.sslmode != b.upstream.sslmode,
            "upstream");
    differs(a.tls.required != b.tls.required || a.tls.loopbackExempt != b.tls.loopbackExempt || a.tls.exemptNetworks != b.tls.exemptNetworks,
            "tls.required, tls.loopback_exempt or tls.exempt_networks");
    differs(a.stateDsn != b.stateDsn, "state_dsn");
    differs(a.passwordSecretFile != b.passwordSecretFile, "password_secret");
    differs(a.environment != b.environment, "environment");
    differs(a.audit.file != b.audit.file || a.audit.keyFile != b.audit.keyFile, "audit");
    differs(a.admin.enabled != b.admin.enabled || a.admin.listen.port != b.admin.listen.port || a.admin.tokenFile != b.admin.tokenFile, "admin");
    differs(a.tasksApi.enabled != b.tasksApi.enabled || a.tasksApi.credentialKeyFile != b.tasksApi.credentialKeyFile, "tasks_api");
    differs(a.bundles.enabled != b.bundles.enabled, "bundles");
    differs(a.workers != b.workers || a.maxClients != b.maxClients || a.authTimeout != b.authTimeout
                || a.shutdownTimeout != b.shutdownTimeout,
            "workers, max_clients, auth_timeout or shutdown_timeout");
    return out;
}

} // namespace

struct GatewayServer::Impl
{
    GatewayContext &ctx;
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
    std::atomic<std::shared_ptr<asio::ssl::context>> serverTls; ///< replaced on SIGHUP; sessions keep the one they began with
    asio::ssl::context upstreamTls{asio::ssl::context::tls_client};
    std::atomic<bool> stopping{false};
    std::atomic<bool> draining{false};
    std::unique_ptr<StateListener> listener;

    explicit Impl(GatewayContext &c) : ctx(c)
    {
        for (std::size_t i = 0; i < c.placement().threads(); ++i) {
            contexts.push_back(std::make_unique<asio::io_context>(1));
            guards.push_back(asio::make_work_guard(*contexts.back()));
        }
        upstreamTls.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                                | asio::ssl::context::no_tlsv1_1);
        serverTls.store(makeServerTls(c.config().tls));
    }

    /// The TLS context for clients, or null when no certificate is configured. Throws when the files do not load.
    static std::shared_ptr<asio::ssl::context> makeServerTls(const TlsConfig &tls)
    {
        if (tls.certFile.empty())
            return nullptr;
        auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3
                             | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        context->use_certificate_chain_file(tls.certFile);
        context->use_private_key_file(tls.keyFile, asio::ssl::context::pem);
        return context;
    }

    /// SIGHUP: reads the configuration file again and switches to its keys and certificate; every other
    /// key takes effect on restart, which the log says. Blocking: runs on the blocking pool.
    void reloadConfiguration()
    {
        const std::string &path = ctx.config().sourceFile;
        if (path.empty())
            return;
        const ConfigLoad loaded = loadGatewayConfig(path);
        if (!loaded.ok()) {
            for (const auto &d : loaded.diagnostics.items())
                std::cerr << formatDiagnostic(d) << "\n";
            std::cerr << "writ-gateway: SIGHUP: " << path << " has errors; nothing reloaded\n";
            return;
        }
        try {
            const auto tls = makeServerTls(loaded.config.tls);
            const auto keys = ctx.reloadKeys(loaded.config);
            serverTls.store(tls);
            std::string what;
            for (const auto &k : keys)
                what += (what.empty() ? "" : ", ") + k;
            std::cerr << "writ-gateway: SIGHUP: reloaded " << what << (tls ? ", the TLS certificate" : "") << "\n";
        } catch (const std::exception &e) {
            std::cerr << "writ-gateway: SIGHUP: keys and certificate not reloaded: " << e.what() << "\n";
        }
        for (const auto &key : restartOnlyChanges(ctx.config(), loaded.config))
            std::cerr << "writ-gateway: SIGHUP: " << key << " changed; it takes effect when the gateway restarts\n";
    }

    int clients() const { return ctx.placement().connections(); }

    asio::awaitable<void> refuseBusy(asio::ip::tcp::socket socket)
    {
        protocol::ErrorFields e;
        e.severity = "FATAL";
        e.code = "53300"; // too_many_connections
        e.message = "writ: the gateway serves its maximum of " + std::to_string(ctx.config().maxClients) + " clients";
        std::vector<std::uint8_t> out;
        protocol::encodeError(out, e);
        asio::error_code ignored;
        asio::write(socket, asio::buffer(out), ignored);
        co_return;
    }

    asio::awaitable<void> acceptLoop()
    {
        // Accepted on the first I/O thread (the acceptor's); a session placed on another moves there
        // before it starts, so that the choice counts the sessions alive when it arrives.
        for (;;) {
            asio::ip::tcp::socket socket(*contexts[0]);
            co_await acceptor->async_accept(socket, asio::use_awaitable);
            socket.set_option(asio::ip::tcp::no_delay(true));
            ++ctx.metrics().connectionsAccepted;
            if (clients() >= ctx.config().maxClients) {
                ++ctx.metrics().connectionsRefusedBusy;
                asio::co_spawn(*contexts[0], refuseBusy(std::move(socket)), asio::detached);
                continue;
            }
            const std::size_t thread = ctx.placement().enter();
            asio::io_context &worker = *contexts[thread];
            if (thread != 0 && !moveSocket(socket, worker.get_executor())) {
                ctx.placement().leave(thread); // the move closed it: the client sees the connection end
                continue;
            }
            auto session = std::make_shared<ClientSession>(ctx, std::move(socket), serverTls.load(), upstreamTls);
            asio::co_spawn(worker, [this, session, thread]() -> asio::awaitable<void> {
                co_await session->run();
                ctx.placement().leave(thread);
            }, asio::detached);
        }
    }

    /// Returns once no client is connected, or when `limit` has passed.
    asio::awaitable<void> untilNoClients(std::chrono::steady_clock::duration limit)
    {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (clients() > 0 && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(50));
            co_await timer.async_wait(asio::use_awaitable);
        }
    }

    /// Graceful shutdown: no new clients; sessions finish their work and disconnect on their own
    /// until shutdown_timeout, then the rest are told the gateway is shutting down (57P01); the
    /// audit log is flushed last.
    asio::awaitable<void> drain()
    {
        std::cerr << "writ-gateway: shutting down: " << clients() << " client(s) connected; waiting up to "
                  << ctx.config().shutdownTimeout.count() << " s for them to finish (a second signal stops at once)\n";
        asio::error_code ignored;
        acceptor->close(ignored);
        co_await untilNoClients(ctx.config().shutdownTimeout);
        if (const std::size_t n = ctx.sessions().terminateAll("the gateway is shutting down; connect again"); n > 0) {
            std::cerr << "writ-gateway: ended " << n << " session(s) still connected\n";
            co_await untilNoClients(std::chrono::seconds(2));
        }
        if (!ctx.audit().flush())
            std::cerr << "writ-gateway: " << ctx.audit().error() << "\n";
        stopNow();
    }

    /// Looks for a newer deployment and switches to it (blocking: call it off the I/O threads).
    void checkPolicy()
    {
        try {
            if (ctx.reloadPolicy()) {
                ++ctx.metrics().policyReloads;
                std::cerr << "writ-gateway: now enforcing policy deployment " << ctx.policyVersion() << "\n";
            }
        } catch (const std::exception &e) {
            std::cerr << "writ-gateway: policy reload failed: " << e.what() << "\n";
        }
    }

    void endTaskSessions(const std::string &id)
    {
        ctx.upstreamPool().dropTask(id);
        if (const auto n = ctx.sessions().terminateTask(id, "task " + id + " has ended (completed, revoked or expired)"))
            std::cerr << "writ-gateway: ended " << n << " session(s) of task " << id << "\n";
    }

    void startListening()
    {
        StateListener::Handlers h;
        h.taskEnded = [this](const std::string &id) {
            ++ctx.metrics().revocationsNotified;
            endTaskSessions(id);
        };
        h.deployed = [this] { asio::post(ctx.blockingPool(), [this] { checkPolicy(); }); };
        h.listeningChanged = [this](bool up) { ctx.metrics().stateListening = up; };
        listener = std::make_unique<StateListener>(ctx.config().stateDsn, std::move(h));
        listener->start();
    }

    void stopNow()
    {
        if (stopping.exchange(true))
            return;
        for (auto &c : contexts)
            c->stop();
    }

    /// Ends sessions of tasks revoked or expired since the last look, twice a second; reloads the
    /// policy when a newer deployment appears (every 5 s).
    asio::awaitable<void> watch()
    {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        std::string since;
        int ticks = 0;
        auto lastSync = std::chrono::steady_clock::now();
        for (;;) {
            if (std::chrono::steady_clock::now() - lastSync >= ctx.config().audit.syncInterval) {
                // fdatasync takes milliseconds on a busy disk: not on an I/O thread, whose sessions would wait.
                // The writer belongs to the context, whose pool runs this: it outlives the job.
                asio::post(ctx.blockingPool(), [&audit = ctx.audit()] {
                    if (!audit.flush())
                        std::cerr << "writ-gateway: " << audit.error() << "\n";
                });
                lastSync = std::chrono::steady_clock::now();
            }
            try {
                // Lambdas named, not temporaries: GCC 12 destroys temporaries of a co_await expression twice.
                auto now = [this]() -> asio::awaitable<std::string> { co_return ctx.store().serverNow(); };
                if (since.empty())
                    since = co_await asio::co_spawn(ctx.blockingPool().get_executor(), std::move(now), asio::use_awaitable);
                auto poll = [this, &since]() -> asio::awaitable<std::vector<std::string>> { co_return ctx.store().endedSince(since); };
                const auto ended = co_await asio::co_spawn(ctx.blockingPool().get_executor(), std::move(poll), asio::use_awaitable);
                for (const auto &id : ended)
                    endTaskSessions(id);
                ctx.upstreamPool().expire();
                if (++ticks % 10 == 0)
                    asio::post(ctx.blockingPool(), [this] { checkPolicy(); });
            } catch (const std::exception &e) {
                std::cerr << "writ-gateway: state check failed: " << e.what() << "\n";
            }
            timer.expires_after(std::min<std::chrono::milliseconds>(std::chrono::milliseconds(500), ctx.config().audit.syncInterval));
            co_await timer.async_wait(asio::use_awaitable);
        }
    }
};

GatewayServer::GatewayServer(GatewayContext &context) : d(std::make_unique<Impl>(context)) {}

GatewayServer::~GatewayServer() { stop(); }

void GatewayServer::bind()
{
    const auto &listen = d->ctx.config().listen;
    asio::error_code ec;
    const auto address = asio::ip::make_address(listen.host, ec);
    if (ec)
        throw std::runtime_error("listen address '" + listen.host + "' is not an IP address");
    const asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(listen.port));
    d->acceptor = std::make_unique<asio::ip::tcp::acceptor>(*d->contexts[0]);
    d->acceptor->open(endpoint.protocol());
    d->acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true));
    d->acceptor->bind(endpoint, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + listen.host + ":" + std::to_string(listen.port) + ": " + ec.message());
    d->acceptor->listen();
}

int GatewayServer::port() const { return d->acceptor ? d->acceptor->local_endpoint().port() : 0; }

void GatewayServer::run()
{
    if (!d->acceptor)
        bind();
    asio::io_context &main = *d->contexts[0];
    // SIGTERM/SIGINT drain; a second one stops at once. SIGHUP looks for a new policy deployment now.
    asio::signal_set signals(main, SIGINT, SIGTERM);
    std::function<void(const asio::error_code &, int)> onSignal = [this, &signals, &onSignal, &main](const asio::error_code &ec, int) {
        if (ec)
            return;
        if (d->draining.exchange(true)) {
            d->stopNow();
            return;
        }
        asio::co_spawn(main, d->drain(), asio::detached);
        signals.async_wait(onSignal);
    };
    signals.async_wait(onSignal);
    asio::signal_set hangup(main, SIGHUP);
    std::function<void(const asio::error_code &, int)> onHangup = [this, &hangup, &onHangup](const asio::error_code &ec, int) {
        if (ec)
            return;
        std::cerr << "writ-gateway: SIGHUP: reloading keys and certificate, checking for a new policy\n";
        asio::post(d->ctx.blockingPool(), [this] {
            d->reloadConfiguration();
            d->checkPolicy();
        });
        hangup.async_wait(onHangup);
    };
    hangup.async_wait(onHangup);
    asio::co_spawn(main, d->acceptLoop(), [](std::exception_ptr e) {
        if (e)
            try {
                std::rethrow_exception(e);
            } catch (const std::exception &ex) {
                std::cerr << "writ-gateway: accepting stopped: " << ex.what() << "\n";
            }
    });
    asio::co_spawn(main, d->watch(), asio::detached);
    d->startListening();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < d->contexts.size(); ++i)
        threads.emplace_back([ctx = d->contexts[i].get()] { ctx->run(); });
    main.run();
    for (auto &t : threads)
        t.join();
    d->listener->stop();
    // State-database calls still running on the blocking pool post their results back to the I/O
    // contexts: let them finish while the contexts exist (stopped, they only queue the results),
    // not after the server has destroyed them.
    d->ctx.blockingPool().join();
    d->ctx.upstreamPool().clear(); // its sockets belong to the I/O contexts, which go away with the server
}

void GatewayServer::stop()
{
    d->stopNow();
}

} // namespace writ::gateway
