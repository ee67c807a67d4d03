// SPDX-License-Identifier: Apache-2.0
#pragma once

// A minimal PostgreSQL client for the login tests: one blocking TCP socket, the gateway's protocol
// codec and ScramClient — the same pieces the gateway's upstream login uses, without Asio. Logs in,
// runs simple queries and reports what the server said.

#include "gateway/auth/scram_client.h"
#include "gateway/protocol/backend.h"
#include "gateway/protocol/byte_reader.h"
#include "gateway/protocol/frame_decoder.h"
#include "gateway/protocol/frontend.h"

#include <QStringList>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <vector>

namespace wiretest {

namespace proto = writ::gateway::protocol;
using writ::gateway::auth::ScramClient;

struct LoginResult
{
    bool ok = false; ///< AuthenticationOk and ReadyForQuery arrived
    std::vector<proto::AuthCode> requests; ///< authentication requests in order
    std::vector<std::string> mechanisms; ///< of the AuthenticationSASL request
    QString sqlstate, error; ///< the server's ErrorResponse, or the client's own failure
    ScramClient::State scramState = ScramClient::State::Initial;
    ScramClient::Failure scramFailure = ScramClient::Failure::None;
    bool scramFinished = false;

    QByteArray describe() const { return (ok ? QStringLiteral("ok") : sqlstate + QStringLiteral(": ") + error).toUtf8(); }
};

struct QueryResult
{
    bool ok = false;
    std::vector<QStringList> rows; ///< NULL as a null QString
    QString sqlstate, error;
    QString value(std::size_t row = 0, int column = 0) const
    {
        return row < rows.size() && column < rows[row].size() ? rows[row][column] : QString();
    }
    QByteArray describe() const { return (ok ? QStringLiteral("ok") : sqlstate + QStringLiteral(": ") + error).toUtf8(); }
};

class WireConnection
{
public:
    WireConnection() = default;
    WireConnection(const WireConnection &) = delete;
    WireConnection &operator=(const WireConnection &) = delete;
    ~WireConnection() { close(); }

    /// Connects over TCP (never the Unix socket: pg_hba's scram-sha-256 lines are for host connections).
    bool connect(const QString &host, const QString &port, QString *error)
    {
        close();
        addrinfo hints {};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo *found = nullptr;
        if (const int rc = ::getaddrinfo(host.toUtf8().constData(), port.toUtf8().constData(), &hints, &found); rc != 0) {
            *error = QString::fromUtf8(::gai_strerror(rc));
            return false;
        }
        for (addrinfo *a = found; a && m_fd < 0; a = a->ai_next) {
            const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
            if (fd < 0)
                continue;
            timeval timeout {10, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0)
                m_fd = fd;
            else
                ::close(fd);
        }
        ::freeaddrinfo(found);
        if (m_fd < 0)
            *error = QStringLiteral("cannot connect to %1:%2: %3").arg(host, port, QString::fromUtf8(std::strerror(errno)));
        return m_fd >= 0;
    }

    /// Startup, SCRAM-SHA-256 with `password`, up to ReadyForQuery.
    LoginResult login(const std::string &user, const std::string &database, const std::string &password)
    {
        LoginResult r;
        std::vector<std::uint8_t> out;
        proto::encodeStartup(out, {{"user", user}, {"database", database}, {"application_name", "writ-test-wire-login"}});
        if (!send(out, r.error))
            return r;
        std::unique_ptr<ScramClient> scram;
        const auto finish = [&](LoginResult &res) -> LoginResult & {
            if (scram) {
                res.scramState = scram->state();
                res.scramFinished = scram->finished();
            }
            return res;
        };
        for (;;) {
            std::vector<std::uint8_t> body;
            char tag = 0;
            if (!receive(tag, body, r.error))
                return finish(r);
            if (tag == proto::be::ErrorResponse) {
                const auto e = proto::decodeError(body);
                r.sqlstate = e ? QString::fromStdString(e->code) : QStringLiteral("?");
                r.error = e ? QString::fromStdString(e->message) : QStringLiteral("malformed ErrorResponse");
                return finish(r);
            }
            if (tag == proto::be::ReadyForQuery) {
                r.ok = scram && scram->finished();
                if (!r.ok)
                    r.error = QStringLiteral("ReadyForQuery without a completed SCRAM exchange");
                return finish(r);
            }
            if (tag != proto::be::Authentication)
                continue; // ParameterStatus, BackendKeyData, NoticeResponse
            const auto request = proto::decodeAuthentication(body);
            if (!request) {
                r.error = QStringLiteral("malformed authentication request");
                return finish(r);
            }
            r.requests.push_back(request->code);
            const std::string_view data(reinterpret_cast<const char *>(request->data.data()), request->data.size());
            out.clear();
            switch (request->code) {
            case proto::AuthCode::Ok:
                continue;
            case proto::AuthCode::Sasl:
                r.mechanisms = proto::saslMechanisms(request->data);
                if (std::find(r.mechanisms.begin(), r.mechanisms.end(), "SCRAM-SHA-256") == r.mechanisms.end()) {
                    r.error = QStringLiteral("no SCRAM-SHA-256 offered");
                    return finish(r);
                }
                scram = std::make_unique<ScramClient>(password);
                proto::encodeSaslInitialResponse(out, "SCRAM-SHA-256", scram->clientFirst());
                break;
            case proto::AuthCode::SaslContinue: {
                if (!scram) {
                    r.error = QStringLiteral("SASLContinue before SASL");
                    return finish(r);
                }
                const auto step = scram->handleServerFirst(data);
                if (!step) {
                    r.scramFailure = step.failure();
                    r.error = QString::fromStdString(step.error());
                    return finish(r);
                }
                proto::encodeSaslResponse(out, step.value());
                break;
            }
            case proto::AuthCode::SaslFinal: {
                const auto step = scram ? scram->handleServerFinal(data)
                                        : ScramClient::Step::failed(ScramClient::Failure::OutOfOrder, "no SASL");
                if (!step) {
                    r.scramFailure = step.failure();
                    r.error = QString::fromStdString(step.error());
                    return finish(r);
                }
                continue;
            }
            default:
                r.error = QStringLiteral("the server asked for authentication code %1, not SCRAM")
                              .arg(static_cast<int>(request->code));
                return finish(r);
            }
            if (!send(out, r.error))
                return finish(r);
        }
    }

    /// A simple Query; rows of every result set in order, up to ReadyForQuery.
    QueryResult query(const std::string &sql)
    {
        QueryResult r;
        std::vector<std::uint8_t> out;
        proto::encodeQuery(out, sql);
        if (!send(out, r.error))
            return r;
        bool failed = false;
        for (;;) {
            std::vector<std::uint8_t> body;
            char tag = 0;
            if (!receive(tag, body, r.error))
                return r;
            if (tag == proto::be::DataRow) {
                proto::ByteReader reader(body);
                QStringList row;
                const int n = reader.int16();
                for (int i = 0; i < n && reader.ok(); ++i) {
                    const std::int32_t len = reader.int32();
                    if (len < 0) {
                        row << QString();
                        continue;
                    }
                    const auto bytes = reader.bytes(static_cast<std::size_t>(len));
                    row << QString::fromUtf8(reinterpret_cast<const char *>(bytes.data()), static_cast<int>(bytes.size()));
                }
                r.rows.push_back(row);
            } else if (tag == proto::be::ErrorResponse) {
                const auto e = proto::decodeError(body);
                r.sqlstate = e ? QString::fromStdString(e->code) : QStringLiteral("?");
                r.error = e ? QString::fromStdString(e->message) : QStringLiteral("malformed ErrorResponse");
                failed = true;
            } else if (tag == proto::be::ReadyForQuery) {
                r.ok = !failed;
                return r;
            }
        }
    }

    void close()
    {
        if (m_fd >= 0) {
            std::vector<std::uint8_t> out;
            proto::encodeTerminate(out);
            QString ignored;
            send(out, ignored);
            ::close(m_fd);
        }
        m_fd = -1;
        m_decoder = proto::FrameDecoder(proto::FrameDecoder::Phase::Messages);
    }

private:
    bool send(const std::vector<std::uint8_t> &bytes, QString &error)
    {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                error = QStringLiteral("send: ") + QString::fromUtf8(std::strerror(errno));
                return false;
            }
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    bool receive(char &tag, std::vector<std::uint8_t> &body, QString &error)
    {
        for (;;) {
            proto::Frame frame;
            const auto status = m_decoder.next(frame);
            if (status == proto::FrameDecoder::Status::Frame) {
                tag = frame.tag;
                body.assign(frame.body.begin(), frame.body.end());
                return true;
            }
            if (status == proto::FrameDecoder::Status::Error) {
                error = QString::fromStdString(m_decoder.error());
                return false;
            }
            std::uint8_t buffer[8192];
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                error = n == 0 ? QStringLiteral("the server closed the connection")
                               : QStringLiteral("recv: ") + QString::fromUtf8(std::strerror(errno));
                return false;
            }
            m_decoder.feed({buffer, static_cast<std::size_t>(n)});
        }
    }

    int m_fd = -1;
    proto::FrameDecoder m_decoder {proto::FrameDecoder::Phase::Messages};
};

/// Connects to the sandbox over TCP and logs in.
inline LoginResult loginOverTcp(
    WireConnection &c, const std::string &user, const std::string &database, const std::string &password)
{
    const QByteArray host = qgetenv("WRIT_PG_HOST"), port = qgetenv("WRIT_PG_PORT");
    if (host.isEmpty() || port.isEmpty())
        qFatal("WRIT_PG_HOST and WRIT_PG_PORT are not set: run the tests through scripts/test (it starts the sandbox database)");
    LoginResult r;
    QString error;
    if (!c.connect(QString::fromUtf8(host), QString::fromUtf8(port), &error)) {
        r.error = error;
        return r;
    }
    return c.login(user, database, password);
}

} // namespace wiretest
