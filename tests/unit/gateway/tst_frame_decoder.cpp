// SPDX-License-Identifier: Apache-2.0
// Framing a byte stream into protocol messages: any split of the input gives the same frames, and
// hostile lengths are refused from the header alone.

#include "gateway/protocol/frame_decoder.h"
#include "gateway/protocol/frontend.h"
#include "gateway/protocol/tags.h"

#include <QtTest>

using namespace writ::gateway::protocol;

namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> list)
{
    std::vector<std::uint8_t> out;
    for (int b : list)
        out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

std::vector<std::pair<char, std::string>> drain(FrameDecoder &d)
{
    std::vector<std::pair<char, std::string>> out;
    Frame f;
    while (d.next(f) == FrameDecoder::Status::Frame)
        out.emplace_back(f.tag, std::string(f.body.begin(), f.body.end()));
    return out;
}

} // namespace

class TestFrameDecoder : public QObject
{
    Q_OBJECT

private slots:
    void startupThenMessagesInAnySplit()
    {
        std::vector<std::uint8_t> stream;
        encodeStartup(stream, {{"user", "writ_task_1"}, {"database", "supportdesk"}});
        encodeQuery(stream, "SELECT 1");
        encodeSync(stream);
        encodeTerminate(stream);
        // The session switches the phase after the startup packet, as the gateway's client session does.
        auto decode = [](FrameDecoder &d, std::vector<std::pair<char, std::string>> &frames) {
            Frame f;
            while (d.next(f) == FrameDecoder::Status::Frame) {
                frames.emplace_back(f.tag, std::string(f.body.begin(), f.body.end()));
                if (f.tag == 0)
                    d.setPhase(FrameDecoder::Phase::Messages);
            }
        };
        FrameDecoder once;
        std::vector<std::pair<char, std::string>> expected;
        once.feed(stream);
        decode(once, expected);
        QCOMPARE(expected.size(), std::size_t(4));
        QCOMPARE(expected[0].first, char(0));
        QCOMPARE(expected[1], std::make_pair(fe::Query, std::string("SELECT 1", 9)));
        QCOMPARE(expected[3].first, fe::Terminate);
        // Every split point: the decoder must never depend on how TCP cut the stream.
        for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
            FrameDecoder d;
            std::vector<std::pair<char, std::string>> frames;
            d.feed({stream.data(), cut});
            decode(d, frames);
            d.feed({stream.data() + cut, stream.size() - cut});
            decode(d, frames);
            QCOMPARE(frames, expected);
            QCOMPARE(d.error(), std::string());
            QCOMPARE(d.buffered(), std::size_t(0));
        }
    }

    void messagesAcrossSplitsMatchOneFeed()
    {
        std::vector<std::uint8_t> stream;
        encodeQuery(stream, "SELECT id FROM tickets");
        encodeSync(stream);
        encodeQuery(stream, std::string(300, 'x'));
        FrameDecoder whole(FrameDecoder::Phase::Messages);
        whole.feed(stream);
        const auto expected = drain(whole);
        QCOMPARE(expected.size(), std::size_t(3));
        QCOMPARE(expected[0].first, fe::Query);
        QCOMPARE(expected[1].first, fe::Sync);
        FrameDecoder trickle(FrameDecoder::Phase::Messages);
        std::vector<std::pair<char, std::string>> got;
        for (const std::uint8_t b : stream) {
            trickle.feed({&b, 1});
            for (auto &f : drain(trickle))
                got.push_back(f);
        }
        QCOMPARE(got, expected);
    }

    void refusesHostileLengthsFromTheHeader_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("startup");
        auto add = [](const char *name, std::vector<std::uint8_t> b, bool startup) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char *>(b.data()), static_cast<int>(b.size())) << startup;
        };
        add("length below 4", bytes({'Q', 0, 0, 0, 3}), false);
        add("length 0", bytes({'Q', 0, 0, 0, 0}), false);
        add("negative length", bytes({'Q', 0xff, 0xff, 0xff, 0xf0}), false);
        add("2 GiB query", bytes({'Q', 0x7f, 0xff, 0xff, 0xff}), false);
        add("64 MiB parse", bytes({'P', 0x04, 0x00, 0x00, 0x00}), false);
        add("CopyData over its limit", bytes({'d', 0x10, 0x00, 0x00, 0x00}), false);
        add("control byte as type", bytes({0x01, 0, 0, 0, 4}), false);
        add("startup length 4", bytes({0, 0, 0, 4}), true);
        add("startup length 7", bytes({0, 0, 0, 7}), true);
        add("huge startup", bytes({0, 1, 0, 0}), true);
        add("negative startup", bytes({0x80, 0, 0, 0}), true);
    }

    void refusesHostileLengthsFromTheHeader()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, startup);
        FrameDecoder d(startup ? FrameDecoder::Phase::Startup : FrameDecoder::Phase::Messages);
        d.feed({reinterpret_cast<const std::uint8_t *>(input.constData()), static_cast<std::size_t>(input.size())});
        Frame f;
        QCOMPARE(d.next(f), FrameDecoder::Status::Error);
        QVERIFY(!d.error().empty());
        // Still broken afterwards: a session that saw garbage cannot resynchronize.
        QCOMPARE(d.next(f), FrameDecoder::Status::Error);
    }

    void truncatedFrameWaitsWithoutBufferingBeyondIt()
    {
        std::vector<std::uint8_t> stream;
        encodeQuery(stream, "SELECT 1");
        stream.pop_back();
        FrameDecoder d(FrameDecoder::Phase::Messages);
        d.feed(stream);
        Frame f;
        QCOMPARE(d.next(f), FrameDecoder::Status::NeedMore);
        QCOMPARE(d.buffered(), stream.size());
    }

    void customLimitsApply()
    {
        FrameLimits limits;
        limits.maxMessage = 16;
        FrameDecoder d(FrameDecoder::Phase::Messages, limits);
        std::vector<std::uint8_t> stream;
        encodeQuery(stream, "SELECT 1234567890123456789");
        d.feed(stream);
        Frame f;
        QCOMPARE(d.next(f), FrameDecoder::Status::Error);
        QVERIFY(d.error().find("exceeds the limit of 16") != std::string::npos);
    }

    // Sessions receive straight into the decoder (prepare/commit): the room offered covers the frame
    // being received, never more than the limits allow for a hostile header, and bytes not yet framed
    // survive the buffer being reused.
    void receivingIntoTheDecoderFramesLikeFeeding()
    {
        std::vector<std::uint8_t> stream;
        encodeQuery(stream, std::string(20000, 'x')); // larger than one read's minimum
        encodeQuery(stream, "SELECT 2");
        FrameDecoder d(FrameDecoder::Phase::Messages);
        std::size_t sent = 0;
        std::vector<std::pair<char, std::string>> frames;
        while (sent < stream.size()) {
            const auto room = d.prepare(7); // small reads: the decoder must still make room for the whole frame
            const std::size_t n = std::min({room.size(), stream.size() - sent, std::size_t(4096)});
            std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(sent), n, room.begin());
            d.commit(n);
            sent += n;
            for (auto &f : drain(d))
                frames.push_back(f);
        }
        QCOMPARE(frames.size(), std::size_t(2));
        QCOMPARE(frames[0].second.size(), std::size_t(20001));
        QCOMPARE(frames[1].second, std::string("SELECT 2", 9));
        QCOMPARE(d.buffered(), std::size_t(0));

        // Once the header says 20 KiB are coming, the room covers them.
        FrameDecoder waiting(FrameDecoder::Phase::Messages);
        waiting.feed({stream.data(), 5});
        Frame f;
        QCOMPARE(waiting.next(f), FrameDecoder::Status::NeedMore);
        QVERIFY(waiting.prepare(16).size() >= 20001);
    }

    void aLargeMessageDoesNotStayInMemory()
    {
        std::vector<std::uint8_t> stream;
        encodeQuery(stream, std::string(1024 * 1024, 'x'));
        FrameDecoder d(FrameDecoder::Phase::Messages);
        d.feed(stream);
        QCOMPARE(drain(d).size(), std::size_t(1));
        QVERIFY(d.heldBytes() > 1024 * 1024);
        QVERIFY(d.prepare(8192).size() >= 8192);
        QVERIFY2(d.heldBytes() <= 64 * 1024, std::to_string(d.heldBytes()).c_str());
    }

    void hostileHeaderGetsNoRoom()
    {
        FrameDecoder d(FrameDecoder::Phase::Messages);
        d.feed(bytes({'Q', 0x7f, 0xff, 0xff, 0xff})); // a 2 GiB "query"
        QVERIFY(d.prepare(16).size() < 64 * 1024);
        Frame f;
        QCOMPARE(d.next(f), FrameDecoder::Status::Error);
        FrameDecoder startup;
        startup.feed(bytes({0x7f, 0xff, 0xff, 0xff}));
        QVERIFY(startup.prepare(16).size() < 64 * 1024);
    }
};

QTEST_GUILESS_MAIN(TestFrameDecoder)
#include "tst_frame_decoder.moc"
