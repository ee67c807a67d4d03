// SPDX-License-Identifier: Apache-2.0
// The audit hash chain: what a writer appends verifies, and any edit, deletion, reordering or cut
// is found at the line where it happened.

#include "audit/audit_chain.h"
#include "audit/audit_verify.h"
#include "audit/audit_writer.h"
#include "audit_test_files.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace writ::audit;
using namespace writ::audit::test;

namespace {

AuditEvent sampleEvent(int i)
{
    AuditEvent e;
    e.kind = i % 3 == 0 ? EventKind::Connect : EventKind::Decision;
    e.timeMicros = 1700000000000000 + i;
    e.agent = "support-summarizer";
    e.task = "t" + std::to_string(i);
    e.query = "SELECT id FROM tickets WHERE customer_id = $1";
    e.verdict = i % 2 ? "allow" : "deny";
    e.rule = i % 2 ? "allowed" : "column-scope";
    e.rows = i;
    return e;
}

std::string joined(const std::vector<std::string> &lines)
{
    std::string out;
    for (const auto &l : lines)
        out += l + "\n";
    return out;
}

} // namespace

class TestAuditChain : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_path;

    std::vector<std::string> writeRecords(int n, const std::string &key = {})
    {
        m_path = m_dir.filePath(QString("audit-%1.jsonl").arg(QRandomGenerator::global()->generate())).toStdString();
        AuditWriter w(m_path, key);
        for (int i = 0; i < n; ++i)
            if (!w.append(sampleEvent(i)))
                qFatal("append failed: %s", w.error().c_str());
        w.flush();
        return readLines(m_path);
    }

private slots:
    void writtenChainVerifies()
    {
        const auto lines = writeRecords(10);
        QCOMPARE(lines.size(), std::size_t(10));
        const VerifyResult r = verifyAuditFile(m_path);
        QVERIFY2(r.ok, r.problem.c_str());
        QCOMPARE(r.records, std::uint64_t(10));
        QCOMPARE(r.lastHash.size(), std::size_t(64));
        QVERIFY(lines[0].find("\"seq\":1") != std::string::npos);
        QVERIFY(lines[0].find("\"prev\":\"0000") != std::string::npos);
        QVERIFY(lines[4].find("\"rule\":\"column-scope\"") != std::string::npos);
    }

    void deferredRecordsRideAlongInChainOrder()
    {
        m_path = m_dir.filePath("deferred.jsonl").toStdString();
        AuditWriter w(m_path, "0123456789abcdef0123456789abcdef");
        QVERIFY(w.append(sampleEvent(0)));
        QVERIFY(w.appendDeferred(sampleEvent(1)));
        QCOMPARE(readLines(m_path).size(), std::size_t(1)); // not written yet
        QVERIFY(w.append(sampleEvent(2)));                 // written together with the next record
        auto lines = readLines(m_path);
        QCOMPARE(lines.size(), std::size_t(3));
        QVERIFY(lines[1].find("\"seq\":2") != std::string::npos);
        QVERIFY(lines[2].find("\"seq\":3") != std::string::npos);
        QVERIFY(w.appendDeferred(sampleEvent(3)));
        QVERIFY(w.flush());                                // and a flush writes what waits
        QCOMPARE(readLines(m_path).size(), std::size_t(4));
        const VerifyResult r = verifyAuditFile(m_path, "0123456789abcdef0123456789abcdef");
        QVERIFY2(r.ok, r.problem.c_str());
        QCOMPARE(r.records, std::uint64_t(4));
    }

    void stagedRecordsShareOneWrite()
    {
        m_path = m_dir.filePath("grouped.jsonl").toStdString();
        AuditWriter w(m_path);
        const std::uint64_t first = w.stage(sampleEvent(0));
        QVERIFY(w.appendDeferred(sampleEvent(1)));
        const std::uint64_t second = w.stage(sampleEvent(2));
        QVERIFY(first != second);
        QCOMPARE(readLines(m_path).size(), std::size_t(0)); // staged: nothing written yet
        QVERIFY(w.commit(first));                            // writes everything staged so far
        const auto lines = readLines(m_path);
        QCOMPARE(lines.size(), std::size_t(3));
        QVERIFY(w.commit(second)); // already on file: no second write
        QCOMPARE(readLines(m_path).size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) // in the order they were staged
            QVERIFY2(lines[i].find("\"task\":\"t" + std::to_string(i) + "\"") != std::string::npos, lines[i].c_str());
        QVERIFY(verifyAuditFile(m_path).ok);
    }

    void aFailedWriteRefusesItsStagedRecordsAndKeepsTheRest()
    {
        m_path = m_dir.filePath("refused.jsonl").toStdString();
        AuditWriter w(m_path);
        QVERIFY(w.append(sampleEvent(0)));

        // The file may not grow: the write of the next group fails without writing a byte.
        bool committed = true, committedA = true;
        {
            FileSizeCap cap(fileSize(m_path));
            QVERIFY(cap.ok());
            QVERIFY(w.appendDeferred(sampleEvent(1))); // a statement that ran
            const std::uint64_t refusedA = w.stage(sampleEvent(2));
            const std::uint64_t refusedB = w.stage(sampleEvent(3));
            committed = w.commit(refusedB);
            committedA = w.commit(refusedA);
        }
        QVERIFY(!committed);
        QVERIFY(!committedA); // in the same failed write: refused too, and not written later
        QCOMPARE(w.refusedWaiting(), std::size_t(0)); // each commit() took its answer
        QVERIFY2(w.error().find("cannot write audit file") != std::string::npos, w.error().c_str());

        // Room again: the record of what ran is written, the refused ones never are, the chain holds.
        QVERIFY(w.commit(w.stage(sampleEvent(4))));
        QVERIFY(w.flush());
        const auto lines = readLines(m_path);
        QCOMPARE(lines.size(), std::size_t(3));
        QVERIFY(lines[1].find("\"task\":\"t1\"") != std::string::npos);
        QVERIFY(lines[2].find("\"task\":\"t4\"") != std::string::npos);
        QVERIFY(lines[2].find("\"seq\":3") != std::string::npos);
        const VerifyResult r = verifyAuditFile(m_path);
        QVERIFY2(r.ok, r.problem.c_str());
    }

    // A session can end between stage() and commit() (its coroutine destroyed while it lets others
    // stage): it abandons its ticket, and a refusal waiting for that commit() does not stay behind.
    void anAbandonedTicketLeavesNothingBehind()
    {
        m_path = m_dir.filePath("abandoned.jsonl").toStdString();
        AuditWriter w(m_path);
        QVERIFY(w.append(sampleEvent(0)));
        std::uint64_t gone = 0;
        bool committed = true;
        {
            FileSizeCap cap(fileSize(m_path));
            QVERIFY(cap.ok());
            gone = w.stage(sampleEvent(1)); // its session ends before it commits
            committed = w.commit(w.stage(sampleEvent(2)));
        }
        QVERIFY(!committed);
        QCOMPARE(w.refusedWaiting(), std::size_t(1)); // the other one's refusal waits for its commit()
        w.abandon(gone);
        QCOMPARE(w.refusedWaiting(), std::size_t(0));

        // Abandoned while still waiting (nothing failed): written with the next write, like any record.
        const std::uint64_t waiting = w.stage(sampleEvent(3));
        w.abandon(waiting);
        QVERIFY(w.flush());
        const auto lines = readLines(m_path);
        QCOMPARE(lines.size(), std::size_t(2));
        QVERIFY(lines[1].find("\"task\":\"t3\"") != std::string::npos);
        QVERIFY(verifyAuditFile(m_path).ok);
    }

    void deferredRecordsAreWrittenWhenTheWriterCloses()
    {
        m_path = m_dir.filePath("deferred-close.jsonl").toStdString();
        {
            AuditWriter w(m_path);
            QVERIFY(w.appendDeferred(sampleEvent(0)));
        }
        QCOMPARE(readLines(m_path).size(), std::size_t(1));
        QVERIFY(verifyAuditFile(m_path).ok);
    }

    // A write cut short (the file may grow by a few bytes, less than a record) leaves half a line: every
    // later record would follow a broken line, so the writer refuses everything from then on, saying why,
    // even once there is room again.
    void aWriteCutHalfwayMakesTheFileUnusable()
    {
        m_path = m_dir.filePath("half.jsonl").toStdString();
        AuditWriter w(m_path);
        QVERIFY(w.append(sampleEvent(0)));
        bool committed = true;
        {
            FileSizeCap cap(fileSize(m_path) + 10);
            QVERIFY(cap.ok());
            committed = w.commit(w.stage(sampleEvent(1)));
        }
        QVERIFY(!committed);
        QVERIFY2(w.error().find("half a line") != std::string::npos, w.error().c_str());
        QVERIFY(!w.commit(w.stage(sampleEvent(2))));   // room again, still refused
        QVERIFY(!w.appendDeferred(sampleEvent(3)));    // and so is a record of what ran
        QVERIFY(!w.flush());
        QCOMPARE(w.refusedWaiting(), std::size_t(0));
        QCOMPARE(w.lastSeq(), std::uint64_t(1));
        const VerifyResult r = verifyAuditFile(m_path);
        QVERIFY(!r.ok); // the cut line shows
        QCOMPARE(r.badLine, std::uint64_t(2));
    }

    void editIsFoundAtItsLine()
    {
        auto lines = writeRecords(6);
        lines[3].replace(lines[3].find("\"verdict\":\"") + 11, 4, "ALLO");
        const VerifyResult r = verifyAuditText(joined(lines));
        QVERIFY(!r.ok);
        QCOMPARE(r.badLine, std::uint64_t(4));
        QCOMPARE(r.records, std::uint64_t(3));
    }

    void deletionIsFound()
    {
        auto lines = writeRecords(6);
        lines.erase(lines.begin() + 2);
        const VerifyResult r = verifyAuditText(joined(lines));
        QVERIFY(!r.ok);
        QCOMPARE(r.badLine, std::uint64_t(3));
    }

    void reorderingIsFound()
    {
        auto lines = writeRecords(6);
        std::swap(lines[1], lines[4]);
        const VerifyResult r = verifyAuditText(joined(lines));
        QVERIFY(!r.ok);
        QCOMPARE(r.badLine, std::uint64_t(2));
    }

    void recomputedSequenceStillBreaksThePrevLink()
    {
        // Deleting a record and renumbering the rest: the prev hash of the next record no longer matches.
        auto lines = writeRecords(4);
        lines.erase(lines.begin() + 1);
        for (std::size_t i = 1; i < lines.size(); ++i) {
            const auto pos = lines[i].find("\"seq\":");
            const auto end = lines[i].find(',', pos);
            lines[i].replace(pos, end - pos, "\"seq\":" + std::to_string(i + 1));
        }
        const VerifyResult r = verifyAuditText(joined(lines));
        QVERIFY(!r.ok);
        QCOMPARE(r.badLine, std::uint64_t(2));
    }

    void cutLastLineIsFound()
    {
        const auto lines = writeRecords(3);
        std::string text = joined(lines);
        text.resize(text.size() - 10);
        const VerifyResult r = verifyAuditText(text);
        QVERIFY(!r.ok);
        QCOMPARE(r.badLine, std::uint64_t(3));
        QVERIFY(r.problem.find("incomplete") != std::string::npos);
    }

    void garbageLineIsFound()
    {
        auto lines = writeRecords(2);
        lines.insert(lines.begin() + 1, "{\"seq\":2}");
        QCOMPARE(verifyAuditText(joined(lines)).badLine, std::uint64_t(2));
        QCOMPARE(verifyAuditText("not json\n").badLine, std::uint64_t(1));
    }

    void keyedChainNeedsTheKey()
    {
        writeRecords(3, "s3cret");
        QVERIFY(verifyAuditFile(m_path, "s3cret").ok);
        const VerifyResult wrong = verifyAuditFile(m_path, "other");
        QVERIFY(!wrong.ok);
        QCOMPARE(wrong.badLine, std::uint64_t(1));
        QVERIFY(!verifyAuditFile(m_path).ok);
    }

    // Every record's hash is the HMAC of prev + "\n" + its body under the key, computed here in one
    // shot: the writer's reused context starts afresh for each record.
    void keyedHashIsTheHmacOfEachRecordAlone()
    {
        const std::string key = "s3cret";
        const auto lines = writeRecords(4, key);
        QCOMPARE(lines.size(), std::size_t(4));
        std::string prev = kGenesisHash;
        for (const auto &line : lines) {
            const std::size_t at = line.rfind(",\"hash\":\"");
            QVERIFY(at != std::string::npos);
            const std::string body = line.substr(0, at) + "}";
            const std::string hash = line.substr(at + 9, 64);
            const std::string message = prev + "\n" + body;
            unsigned char digest[EVP_MAX_MD_SIZE];
            std::size_t length = 0;
            QVERIFY(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                              reinterpret_cast<const unsigned char *>(message.data()), message.size(), digest, sizeof digest, &length));
            QCOMPARE(QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex().toStdString(), hash);
            prev = hash;
        }
    }

    void writerResumesTheChain()
    {
        writeRecords(3);
        {
            AuditWriter w(m_path);
            QCOMPARE(w.lastSeq(), std::uint64_t(3));
            QVERIFY(w.append(sampleEvent(99)));
        }
        const VerifyResult r = verifyAuditFile(m_path);
        QVERIFY2(r.ok, r.problem.c_str());
        QCOMPARE(r.records, std::uint64_t(4));
    }

    void writerRefusesToContinueABrokenChain()
    {
        auto lines = writeRecords(3);
        lines.erase(lines.begin());
        std::ofstream(m_path, std::ios::trunc) << joined(lines);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, AuditWriter{m_path});
    }

    void invalidUtf8InAStatementIsRecordedNotThrown()
    {
        m_path = m_dir.filePath("utf8.jsonl").toStdString();
        AuditWriter w(m_path);
        AuditEvent e = sampleEvent(1);
        e.query = "SELECT '\xff\xfe'";
        QVERIFY(w.append(e));
        QVERIFY(verifyAuditFile(m_path).ok);
    }

    // The record is written without building a JSON object; its bytes must stay exactly what
    // nlohmann-json's canonical serialization of the same members gives (sorted keys, its escaping,
    // invalid UTF-8 replaced), so records written before and after that change read the same.
    void recordBytesAreTheCanonicalSerialization_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("plain") << QByteArray("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
        QTest::newRow("quotes and backslashes") << QByteArray("SELECT '\\\\x' AS \"q\"");
        QTest::newRow("control characters") << QByteArray("a\nb\tc\rd\x01e\x1f\x7f\bf\fg");
        QTest::newRow("utf-8") << QByteArray("SELECT 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'");
        QTest::newRow("invalid utf-8") << QByteArray("x\xff\xfey\xc3(z\xe2\x82");
        QTest::newRow("empty") << QByteArray();
    }
    void recordBytesAreTheCanonicalSerialization()
    {
        QFETCH(QByteArray, bytes);
        const std::string text = bytes.toStdString();
        AuditEvent e;
        e.kind = EventKind::Statement;
        e.timeMicros = 1700000000123456;
        e.agent = "agent " + text;
        e.task = text;
        e.taskType = "tt";
        e.workflow = text;
        e.session = "s1";
        e.client = "127.0.0.1:5000";
        e.databaseRole = "writ_t_1";
        e.fingerprint = "abcdef0123456789";
        e.query = text;
        e.verdict = "allow";
        e.rule = "allowed";
        e.approval = text;
        e.sqlstate = "00000";
        e.message = text;
        e.rows = -3;
        e.durationMicros = 987654321012;

        AuditChain chain;
        std::string line = chain.seal(e);
        const std::size_t hashAt = line.rfind(",\"hash\":\"");
        QVERIFY(hashAt != std::string::npos);
        const std::string body = line.substr(0, hashAt) + "}";

        nlohmann::json j;
        auto put = [&j](const char *key, const std::string &value) {
            if (!value.empty())
                j[key] = value;
        };
        j["event"] = "statement";
        j["time_us"] = e.timeMicros;
        j["seq"] = std::uint64_t(1);
        j["prev"] = kGenesisHash;
        put("agent", e.agent);
        put("task", e.task);
        put("task_type", e.taskType);
        put("workflow", e.workflow);
        put("session", e.session);
        put("client", e.client);
        put("db_role", e.databaseRole);
        put("fingerprint", e.fingerprint);
        put("query", e.query);
        put("verdict", e.verdict);
        put("rule", e.rule);
        put("approval", e.approval);
        put("sqlstate", e.sqlstate);
        put("message", e.message);
        j["rows"] = *e.rows;
        j["duration_us"] = *e.durationMicros;
        QCOMPARE(body, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));

        // Optional members left out when absent, as the library leaves out what is not set.
        AuditEvent bare;
        bare.kind = EventKind::Disconnect;
        bare.timeMicros = 5;
        std::string bareLine = chain.seal(bare);
        QVERIFY(bareLine.find("\"rows\"") == std::string::npos);
        QVERIFY(bareLine.find("\"agent\"") == std::string::npos);
        QVERIFY(bareLine.starts_with("{\"event\":\"disconnect\",\"prev\":\""));
    }

    // Values are checked for bytes that need escaping a word (8 bytes) at a time, then byte by byte:
    // every byte value, at every place in and around a word, must come out as the library writes it.
    void everyByteAnywhereIsEscapedAsTheLibraryEscapesIt()
    {
        AuditChain chain;
        for (int byte = 0; byte < 256; ++byte) {
            for (std::size_t at = 0; at < 19; ++at) {
                std::string text(19, 'a');
                text[at] = static_cast<char>(byte);
                AuditEvent e;
                e.kind = EventKind::Statement;
                e.timeMicros = 42;
                e.query = text;
                nlohmann::json j;
                j["event"] = "statement";
                j["prev"] = chain.lastHash();
                j["seq"] = chain.lastSeq() + 1;
                j["time_us"] = 42;
                j["query"] = text;
                const std::string line = chain.seal(e);
                const std::string body = line.substr(0, line.rfind(",\"hash\":\"")) + "}";
                if (body != j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                    QFAIL(qPrintable(QString("byte 0x%1 at %2: %3").arg(byte, 2, 16, QChar('0')).arg(at).arg(QString::fromStdString(body))));
            }
        }
    }

    void missingFileIsAnEnvironmentProblem()
    {
        const VerifyResult r = verifyAuditFile(m_dir.filePath("nope.jsonl").toStdString());
        QVERIFY(!r.ok);
        QCOMPARE(r.badLine, std::uint64_t(0));
        QVERIFY(r.problem.find("cannot read") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_audit_chain.moc"
