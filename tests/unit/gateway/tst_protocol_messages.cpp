// SPDX-License-Identifier: Apache-2.0
// Frontend and backend message codecs: round trips, and malformed bodies refused without reading
// past them.

#include "gateway/protocol/backend.h"
#include "gateway/protocol/frame_decoder.h"
#include "gateway/protocol/frontend.h"
#include "gateway/protocol/message_builder.h"

#include <QtTest>

using namespace writ::gateway::protocol;

namespace {

/// The body of the single message in `stream` (type byte and length stripped).
std::vector<std::uint8_t> bodyOf(const std::vector<std::uint8_t> &stream, bool startup = false)
{
    FrameDecoder d(startup ? FrameDecoder::Phase::Startup : FrameDecoder::Phase::Messages);
    d.feed(stream);
    Frame f;
    if (d.next(f) != FrameDecoder::Status::Frame)
        qFatal("no frame: %s", d.error().c_str());
    return {f.body.begin(), f.body.end()};
}

std::vector<std::uint8_t> message(char tag, const std::function<void(MessageBuilder &)> &fill)
{
    std::vector<std::uint8_t> out;
    {
        MessageBuilder b(out, tag);
        fill(b);
    }
    return bodyOf(out);
}

} // namespace

class TestProtocolMessages : public QObject
{
    Q_OBJECT

private slots:
    void startupRoundTrip()
    {
        std::vector<std::uint8_t> out;
        encodeStartup(out, {{"user", "writ_task_abc"}, {"database", "supportdesk"}, {"application_name", "psql"}});
        const auto p = decodeStartup(bodyOf(out, true));
        QVERIFY(p);
        QCOMPARE(p->kind, StartupPacket::Kind::Startup);
        QCOMPARE(p->version, kProtocol30);
        QCOMPARE(p->parameter("user"), std::string("writ_task_abc"));
        QCOMPARE(p->parameter("application_name"), std::string("psql"));
        QCOMPARE(p->parameter("missing"), std::string());
    }

    void specialRequests()
    {
        std::vector<std::uint8_t> ssl, cancel;
        encodeSslRequest(ssl);
        encodeCancelRequest(cancel, 4242, -17);
        QCOMPARE(decodeStartup(bodyOf(ssl, true))->kind, StartupPacket::Kind::SslRequest);
        const auto c = decodeStartup(bodyOf(cancel, true));
        QCOMPARE(c->kind, StartupPacket::Kind::CancelRequest);
        QCOMPARE(c->cancelPid, 4242);
        QCOMPARE(c->cancelKey, -17);
        std::vector<std::uint8_t> gss;
        { MessageBuilder(gss, 0).int32(kGssEncRequestCode); }
        QCOMPARE(decodeStartup(bodyOf(gss, true))->kind, StartupPacket::Kind::GssEncRequest);
    }

    void otherProtocolVersionsAreReportedNotParsed()
    {
        std::vector<std::uint8_t> v2;
        { MessageBuilder(v2, 0).int32(2 << 16).cstring("user").cstring("x").byte(0); }
        const auto p = decodeStartup(bodyOf(v2, true));
        QVERIFY(p);
        QCOMPARE(p->version, 2 << 16);
        QVERIFY(p->parameters.empty());
    }

    void malformedStartupIsRefused_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("unterminated parameter name") << 0;
        QTest::newRow("value missing") << 1;
        QTest::newRow("no final terminator") << 2;
        QTest::newRow("bytes after the terminator") << 3;
        QTest::newRow("cancel request too short") << 4;
        QTest::newRow("ssl request with payload") << 5;
    }

    void malformedStartupIsRefused()
    {
        QFETCH(int, which);
        std::vector<std::uint8_t> out;
        {
            MessageBuilder b(out, 0);
            switch (which) {
            case 0: b.int32(kProtocol30).bytes(std::string_view("user")); break;
            case 1: b.int32(kProtocol30).cstring("user"); break;
            case 2: b.int32(kProtocol30).cstring("user").cstring("x"); break;
            case 3: b.int32(kProtocol30).cstring("user").cstring("x").byte(0).byte(7); break;
            case 4: b.int32(kCancelRequestCode).int32(1); break;
            case 5: b.int32(kSslRequestCode).int32(1); break;
            }
        }
        QVERIFY(!decodeStartup(bodyOf(out, true)));
    }

    void extendedProtocolRoundTrips()
    {
        // Decoded messages are views into the body: keep each body alive while they are used.
        const auto parseBody = message(fe::Parse, [](MessageBuilder &b) { b.cstring("s1").cstring("SELECT $1::int").int16(1).int32(23); });
        const auto parse = decodeParse(parseBody);
        QVERIFY(parse);
        QCOMPARE(parse->name, std::string_view("s1"));
        QCOMPARE(parse->sql, std::string_view("SELECT $1::int"));
        QCOMPARE(parse->parameterTypes, std::vector<std::int32_t>{23});

        const auto bindBody = message(fe::Bind, [](MessageBuilder &b) {
            b.cstring("").cstring("s1").int16(1).int16(0).int16(2).int32(2).bytes(std::string_view("42")).int32(-1).int16(1).int16(1);
        });
        const auto bind = decodeBind(bindBody);
        QVERIFY(bind);
        QCOMPARE(bind->statement, std::string_view("s1"));
        QCOMPARE(bind->parameters.size(), std::size_t(2));
        QCOMPARE(std::string(bind->parameters[0]->begin(), bind->parameters[0]->end()), std::string("42"));
        QVERIFY(!bind->parameters[1]);
        QCOMPARE(bind->resultFormats, std::vector<std::int16_t>{1});
        const auto target = decodeBindTarget(bindBody);
        QVERIFY(target);
        QCOMPARE(target->portal, std::string_view(""));
        QCOMPARE(target->statement, std::string_view("s1"));

        const auto describe = decodeDescribe(message(fe::Describe, [](MessageBuilder &b) { b.byte('P').cstring("p1"); }));
        QCOMPARE(describe->kind, 'P');
        QVERIFY(!decodeDescribe(message(fe::Describe, [](MessageBuilder &b) { b.byte('X').cstring("p1"); })));
        const auto execute = decodeExecute(message(fe::Execute, [](MessageBuilder &b) { b.cstring("p1").int32(100); }));
        QCOMPARE(execute->maxRows, 100);
        const auto closeBody = message(fe::Close, [](MessageBuilder &b) { b.byte('S').cstring("s1"); });
        QCOMPARE(decodeClose(closeBody)->name, std::string_view("s1"));
    }

    void malformedBindIsRefused_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("parameter count larger than the body") << 0;
        QTest::newRow("parameter length past the end") << 1;
        QTest::newRow("negative parameter length other than -1") << 2;
        QTest::newRow("negative format count") << 3;
        QTest::newRow("trailing bytes") << 4;
        QTest::newRow("missing result format count") << 5;
    }

    void malformedBindIsRefused()
    {
        QFETCH(int, which);
        const auto body = message(fe::Bind, [which](MessageBuilder &b) {
            b.cstring("").cstring("s");
            switch (which) {
            case 0: b.int16(0).int16(30000); break;
            case 1: b.int16(0).int16(1).int32(1000).bytes(std::string_view("ab")).int16(0); break;
            case 2: b.int16(0).int16(1).int32(-2).int16(0); break;
            case 3: b.int16(-1); break;
            case 4: b.int16(0).int16(0).int16(0).byte(1); break;
            case 5: b.int16(0).int16(0); break;
            }
        });
        QVERIFY(!decodeBind(body));
        QVERIFY(!decodeBindTarget(body)); // the relay's decoder refuses exactly the same
    }

    void queryNeedsItsTerminatorAndNothingAfter()
    {
        QVERIFY(decodeQuery(message(fe::Query, [](MessageBuilder &b) { b.cstring("SELECT 1"); })));
        QVERIFY(!decodeQuery(message(fe::Query, [](MessageBuilder &b) { b.bytes(std::string_view("SELECT 1")); })));
        QVERIFY(!decodeQuery(message(fe::Query, [](MessageBuilder &b) { b.cstring("SELECT 1").cstring("SELECT 2"); })));
        QVERIFY(!decodeParse(message(fe::Parse, [](MessageBuilder &b) { b.cstring("s").cstring("x").int16(5).int32(1); })));
        QVERIFY(!decodeParse(message(fe::Parse, [](MessageBuilder &b) { b.cstring("s").cstring("x").int16(-1); })));
    }

    void builderCutsEmbeddedNul()
    {
        std::vector<std::uint8_t> out;
        encodeQuery(out, std::string_view("SELECT 1\0; DROP TABLE x", 23));
        const auto body = bodyOf(out);
        const auto q = decodeQuery(body);
        QVERIFY(q);
        QCOMPARE(q->sql, std::string_view("SELECT 1"));
    }

    void errorResponseRoundTrip()
    {
        ErrorFields e;
        e.code = "42501";
        e.message = "column public.customers.phone is not in scope";
        e.hint = "leave it out";
        e.position = 8;
        std::vector<std::uint8_t> out;
        encodeError(out, e);
        QCOMPARE(char(out[0]), be::ErrorResponse);
        const auto back = decodeError(bodyOf(out));
        QVERIFY(back);
        QCOMPARE(back->severity, std::string("ERROR"));
        QCOMPARE(back->code, e.code);
        QCOMPARE(back->message, e.message);
        QCOMPARE(back->hint, e.hint);
        QCOMPARE(back->position, 8);
        QVERIFY(!decodeError(message(be::ErrorResponse, [](MessageBuilder &b) { b.byte('M').bytes(std::string_view("x")); })));
    }

    void backendDecoders()
    {
        std::vector<std::uint8_t> out;
        encodeBackendKeyData(out, 77, 99);
        QCOMPARE(*decodeBackendKeyData(bodyOf(out)), std::make_pair(77, 99));
        out.clear();
        encodeReadyForQuery(out, 'T');
        QCOMPARE(*decodeReadyForQuery(bodyOf(out)), 'T');
        out.clear();
        encodeParameterStatus(out, "server_version", "15.8");
        QCOMPARE(decodeParameterStatus(bodyOf(out))->second, std::string("15.8"));
        out.clear();
        const std::string mechs("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 34);
        encodeAuthentication(out, AuthCode::Sasl, {reinterpret_cast<const std::uint8_t *>(mechs.data()), mechs.size()});
        const auto authBody = bodyOf(out);
        const auto auth = decodeAuthentication(authBody);
        QCOMPARE(auth->code, AuthCode::Sasl);
        QCOMPARE(saslMechanisms(auth->data), (std::vector<std::string>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}));
        QVERIFY(!decodeReadyForQuery(message(be::ReadyForQuery, [](MessageBuilder &b) { b.byte('Q'); })));
    }

    void commandTagRows_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<qlonglong>("rows"); // -1 = no count
        QTest::newRow("select") << "SELECT 5" << 5LL;
        QTest::newRow("insert with oid") << "INSERT 0 3" << 3LL;
        QTest::newRow("update") << "UPDATE 12" << 12LL;
        QTest::newRow("copy") << "COPY 40000" << 40000LL;
        QTest::newRow("merge") << "MERGE 2" << 2LL;
        QTest::newRow("begin") << "BEGIN" << -1LL;
        QTest::newRow("create table") << "CREATE TABLE" << -1LL;
        QTest::newRow("garbage count") << "SELECT 5x" << -1LL;
    }

    void commandTagRows()
    {
        QFETCH(QString, tag);
        QFETCH(qlonglong, rows);
        const auto got = rowsOfCommandTag(tag.toStdString());
        QCOMPARE(got ? static_cast<qlonglong>(*got) : -1LL, rows);
    }
};

QTEST_GUILESS_MAIN(TestProtocolMessages)
#include "tst_protocol_messages.moc"
