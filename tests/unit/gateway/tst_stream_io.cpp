// SPDX-License-Identifier: Apache-2.0
// How a gateway Stream reads a plain TCP socket: in a request-and-answer exchange it waits for the
// socket to become readable instead of first trying a recv that finds nothing (counted here by
// wrapping recv(2)), and that saving loses nothing: bytes that arrive while no read is pending, bytes
// that arrive between two reads before the reactor has looked, and reads that fill their buffer all
// come through, in order. Writes go out at once when the socket takes them, and a write larger than
// the socket takes arrives whole; a write to a peer that left fails with an error.

#include "gateway/transport/draining_read.h"
#include "gateway/transport/stream.h"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <QTest>

#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace {

std::atomic<int> watchedSocket{-1};
std::atomic<int> recvCalls{0};
std::atomic<int> recvWouldBlock{0};

} // namespace

// Every recv(2) of this executable (Asio's reads among them) passes through here; the watched
// socket's calls, and those that found nothing, are counted.
extern "C" ssize_t recv(int fd, void *buffer, size_t size, int flags)
{
    const ssize_t n = syscall(SYS_recvfrom, fd, buffer, size, flags, nullptr, nullptr);
    if (fd == watchedSocket.load()) {
        const int error = errno;
        ++recvCalls;
        if (n < 0 && (error == EAGAIN || error == EWOULDBLOCK))
            ++recvWouldBlock;
        errno = error;
    }
    return n;
}

using writ::gateway::Stream;
using asio::ip::tcp;

namespace {

/// A connected pair on loopback: `stream` is the gateway's side, `peer` a blocking socket.
struct Connection
{
    asio::io_context io{1};
    asio::io_context peerIo{1};
    tcp::socket peer{peerIo};
    std::unique_ptr<Stream> stream;

    Connection()
    {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        peer.connect(acceptor.local_endpoint());
        peer.set_option(tcp::no_delay(true));
        stream = std::make_unique<Stream>(acceptor.accept());
        stream->socket().set_option(tcp::no_delay(true));
        watchedSocket = stream->socket().native_handle();
        recvCalls = 0;
        recvWouldBlock = 0;
    }
    ~Connection() { watchedSocket = -1; }

    void send(const std::string &bytes) { asio::write(peer, asio::buffer(bytes)); }

    std::string receive(std::size_t size)
    {
        std::string bytes(size, '\0');
        asio::read(peer, asio::buffer(bytes));
        return bytes;
    }

    /// Runs `body` as a coroutine on the gateway side; fails the test if it takes longer than 5 s
    /// (a lost wake-up would leave a read waiting for ever).
    template <typename Body>
    bool run(Body body)
    {
        bool finished = false;
        asio::steady_timer guard(io, std::chrono::seconds(5));
        guard.async_wait([&](const asio::error_code &ec) {
            if (!ec)
                stream->close();
        });
        asio::co_spawn(io, body(), [&](std::exception_ptr e) {
            finished = !e;
            guard.cancel();
        });
        io.run();
        return finished;
    }
};

/// Lines "<prefix> <n>" until the text holds at least `size` bytes: easy to tell where a byte went missing.
std::string numberedRows(const std::string &prefix, std::size_t size)
{
    std::string text;
    for (int i = 0; text.size() < size; ++i)
        text += prefix + " " + std::to_string(i) + "\n";
    return text;
}

/// The exchange finished in time and every byte arrived, in order (the last check of a test).
void verifyArrivedWhole(bool finished, const std::string &got, const std::string &expected)
{
    QVERIFY(finished);
    QCOMPARE(got.size(), expected.size());
    QVERIFY(got == expected);
}

asio::awaitable<std::string> readSome(Stream &stream, std::size_t room)
{
    std::string buffer(room, '\0');
    const std::span<std::uint8_t> into(reinterpret_cast<std::uint8_t *>(buffer.data()), buffer.size());
    const std::size_t n = co_await stream.readSome(into);
    buffer.resize(n);
    co_return buffer;
}

asio::awaitable<std::string> readExactly(Stream &stream, std::size_t size, std::size_t room)
{
    std::string all;
    while (all.size() < size) {
        const std::size_t want = std::min(room, size - all.size());
        const std::string piece = co_await readSome(stream, want);
        all += piece;
    }
    co_return all;
}

} // namespace

class TestStreamIo : public QObject
{
    Q_OBJECT

private slots:
    void requestAndAnswerReadsOnlyWhenReadable()
    {
#ifndef WRIT_DRAINING_READ
        QSKIP("this Asio version uses its stock receive (a recv before every wait)");
#endif
        Connection c;
        constexpr int kRounds = 50;
        std::atomic<int> answered{0};
        std::thread peer([&] { // asks, waits for the answer, pauses (the gateway's read is waiting by then), asks again
            for (int i = 0; i < kRounds; ++i) {
                ::usleep(2000);
                const std::string request = "request " + std::to_string(i), answer = "answer " + std::to_string(i);
                c.send(request);
                if (c.receive(answer.size()) == answer)
                    ++answered;
            }
        });
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            for (int i = 0; i < kRounds; ++i) {
                const std::string request = "request " + std::to_string(i);
                const std::string got = co_await readSome(*c.stream, 8192);
                if (got != request)
                    throw std::runtime_error("read '" + got + "', expected '" + request + "'");
                const std::string answer = "answer " + std::to_string(i);
                const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(answer.data()), answer.size());
                co_await c.stream->writeAll(bytes);
            }
        });
        peer.join();
        QVERIFY(ok);
        QCOMPARE(answered.load(), kRounds);
        // One recv per request that finds it; at most the very first read tries before waiting.
        QVERIFY2(recvWouldBlock.load() <= 1, qPrintable(QString("%1 of %2 recv calls found nothing").arg(recvWouldBlock.load()).arg(recvCalls.load())));
        QCOMPARE(recvCalls.load(), kRounds + recvWouldBlock.load());
    }

    // The socket was emptied by a short read; the next bytes arrive while no read is pending, and the
    // reactor sees them before the next read starts.
    void bytesArrivingWhileNoReadIsPendingAreRead()
    {
        Connection c;
        std::string second;
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            c.send("first");
            const std::string first = co_await readSome(*c.stream, 8192);
            if (first != "first")
                throw std::runtime_error("first read");
            c.send("second");
            asio::steady_timer pause(c.io, std::chrono::milliseconds(50)); // the I/O loop polls meanwhile
            co_await pause.async_wait(asio::use_awaitable);
            second = co_await readSome(*c.stream, 8192);
        });
        QVERIFY(ok);
        QCOMPARE(QString::fromStdString(second), QStringLiteral("second"));
    }

    // The next bytes arrive after the short read but before the I/O loop has looked at the socket
    // again: the read that starts then must still get them.
    void bytesArrivingBeforeTheLoopLooksAreRead()
    {
        Connection c;
        std::string got;
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            for (int i = 0; i < 20; ++i) {
                c.send("ping" + std::to_string(i));
                const std::string first = co_await readSome(*c.stream, 8192);
                c.send("pong" + std::to_string(i)); // straight away, from the same turn of the loop
                ::usleep(1000);                     // on the socket before the read below starts
                const std::string second = co_await readSome(*c.stream, 8192);
                got += first + "|" + second + ";";
            }
        });
        QVERIFY(ok);
        std::string expected;
        for (int i = 0; i < 20; ++i)
            expected += "ping" + std::to_string(i) + "|pong" + std::to_string(i) + ";";
        QCOMPARE(QString::fromStdString(got), QString::fromStdString(expected));
    }

    // Reads that fill their buffer leave the rest of what was sent readable, without a new arrival.
    void fullReadsLeaveTheRestReadable()
    {
        Connection c;
        const std::string sent = numberedRows("", 10000);
        std::string got;
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            c.send(sent); // the peer says everything once, then waits
            got = co_await readExactly(*c.stream, sent.size(), 1000);
        });
        verifyArrivedWhole(ok, got, sent);
    }

    // A stream written in uneven pieces from another thread, read in small and large chunks.
    void aStreamWrittenInPiecesArrivesWhole()
    {
        Connection c;
        const std::string sent = numberedRows("row", 1 << 20);
        std::thread writer([&] {
            std::size_t at = 0;
            for (std::size_t piece = 1; at < sent.size(); piece = piece * 3 % 65521 + 1) {
                const std::size_t n = std::min(piece, sent.size() - at);
                asio::write(c.peer, asio::buffer(sent.data() + at, n));
                at += n;
            }
        });
        std::string got;
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            std::size_t room = 1;
            while (got.size() < sent.size()) {
                const std::size_t want = std::min(room, sent.size() - got.size());
                const std::string piece = co_await readSome(*c.stream, want);
                got += piece;
                room = room * 5 % 20011 + 1;
            }
        });
        writer.join();
        verifyArrivedWhole(ok, got, sent);
    }

    // Several MiB in one write: the socket takes part at once, the rest as the peer reads it.
    void aWriteLargerThanTheSocketTakesArrivesWhole()
    {
        Connection c;
        const std::string sent = numberedRows("data row", 8 << 20);
        const std::string small = "and then a small one";
        const std::string expected = sent + small;
        std::string got;
        std::thread reader([&] {
            std::string chunk(64 * 1024, '\0');
            while (got.size() < expected.size()) {
                asio::error_code ec;
                const std::size_t n = c.peer.read_some(asio::buffer(chunk), ec);
                if (ec)
                    break;
                got.append(chunk, 0, n);
                if (got.size() < (1 << 20))
                    ::usleep(200); // a slow reader at first: the socket's buffers fill
            }
        });
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(sent.data()), sent.size());
            co_await c.stream->writeAll(bytes);
            const std::span<const std::uint8_t> more(reinterpret_cast<const std::uint8_t *>(small.data()), small.size());
            co_await c.stream->writeAll(more);
        });
        reader.join();
        verifyArrivedWhole(ok, got, expected);
    }

    // The peer went away: writing to it ends in an error the session can handle (it ends that
    // session), never a crash, a hang or a signal.
    void writingToAPeerThatLeftFailsCleanly()
    {
        Connection c;
        c.peer.set_option(asio::socket_base::linger(true, 0)); // close with a reset, as a killed client does
        c.peer.close();
        const std::string chunk(64 * 1024, 'x');
        std::string failure;
        const bool ok = c.run([&]() -> asio::awaitable<void> {
            const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(chunk.data()), chunk.size());
            try {
                for (int i = 0; i < 100; ++i) // the first writes may still be taken; the reset ends it
                    co_await c.stream->writeAll(bytes);
            } catch (const std::system_error &e) {
                failure = e.code().message();
            }
        });
        QVERIFY(ok);
        QVERIFY2(!failure.empty(), "writing to a reset connection did not fail");
    }
};

QTEST_GUILESS_MAIN(TestStreamIo)
#include "tst_stream_io.moc"
