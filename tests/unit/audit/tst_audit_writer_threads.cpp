// SPDX-License-Identifier: Apache-2.0
// The audit writer shared by the gateway's I/O threads: one writes while the others stage. Whatever the
// interleaving, the file holds one chain that verifies; every commit() that said yes is on file, once;
// every one that said no is not; and records of what already happened are never lost.

#include "audit/audit_verify.h"
#include "audit/audit_writer.h"
#include "audit_test_files.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

using namespace writ::audit;
using namespace writ::audit::test;

namespace {

constexpr const char *kKey = "0123456789abcdef0123456789abcdef";

AuditEvent auditEvent(EventKind kind, const std::string &task)
{
    AuditEvent e;
    e.kind = kind;
    e.agent = "support-summarizer";
    e.task = task;
    e.query = "SELECT id FROM tickets WHERE customer_id = $1";
    e.verdict = "allow";
    e.rule = "allowed";
    return e;
}

/// How often each task name appears in the file's records.
std::map<std::string, int> tasksOnFile(const std::string &path)
{
    std::map<std::string, int> seen;
    for (const std::string &line : readLines(path)) {
        const auto at = line.find("\"task\":\"");
        if (at == std::string::npos)
            continue;
        const auto from = at + 8;
        seen[line.substr(from, line.find('"', from) - from)]++;
    }
    return seen;
}

bool fileHasTask(const std::string &path, const std::string &task)
{
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("\"task\":\"" + task + "\"") != std::string::npos;
}

/// One I/O thread's statements: a decision staged and committed, then the record of its completion.
/// It runs `statements` of them, and on while `keepGoing` holds.
struct Worker
{
    int id = 0;
    std::map<std::string, bool> committed; ///< staged task name -> what commit() answered
    std::vector<std::string> deferred;      ///< completion records appended
    bool deferredRefused = false;
    bool missingAtCommit = false; ///< a commit() said yes before its record was on file
    std::atomic<int> *refusals = nullptr; ///< counts the commit()s that said no, across workers

    void run(AuditWriter &writer, int statements, const std::atomic<bool> &keepGoing)
    {
        for (int i = 0; i < statements || keepGoing; ++i) {
            const std::string name = "w" + std::to_string(id) + "-" + std::to_string(i);
            const std::uint64_t ticket = writer.stage(auditEvent(EventKind::Decision, name));
            if (i % 7 == 3)
                std::this_thread::yield(); // let another thread stage or write in between
            const bool ok = writer.commit(ticket);
            committed[name] = ok;
            if (!ok && refusals)
                ++*refusals;
            if (ok && i % 64 == 0)
                missingAtCommit |= !fileHasTask(writer.path(), name);
            if (ok) {
                deferred.push_back(name + "-done");
                deferredRefused |= !writer.appendDeferred(auditEvent(EventKind::Statement, deferred.back()));
            }
        }
    }
};

} // namespace

class TestAuditWriterThreads : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void concurrentWritersKeepOneChain()
    {
        const std::string path = m_dir.filePath("threads.jsonl").toStdString();
        constexpr int kThreads = 4, kStatements = 3000;
        std::vector<Worker> workers(kThreads);
        {
            AuditWriter writer(path, kKey);
            const std::atomic<bool> noMore{false};
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                workers[t].id = t;
                threads.emplace_back([&writer, &noMore, &w = workers[t]] { w.run(writer, kStatements, noMore); });
            }
            for (auto &t : threads)
                t.join();
            QVERIFY(writer.flush());
            QCOMPARE(writer.lastSeq(), std::uint64_t(2 * kThreads * kStatements));
        }
        const VerifyResult r = verifyAuditFile(path, kKey);
        QVERIFY2(r.ok, r.problem.c_str());
        QCOMPARE(r.records, std::uint64_t(2 * kThreads * kStatements));
        const auto seen = tasksOnFile(path);
        for (const Worker &w : workers) {
            QVERIFY(!w.deferredRefused);
            QVERIFY(!w.missingAtCommit);
            for (const auto &[name, ok] : w.committed) {
                QVERIFY2(ok, name.c_str());
                QVERIFY2(seen.count(name) && seen.at(name) == 1, name.c_str());
            }
            for (const std::string &name : w.deferred)
                QVERIFY2(seen.count(name) && seen.at(name) == 1, name.c_str());
        }
    }

    // The file stops growing for a while (a full disk) as the threads go on: the writes of that while
    // fail whole. A commit() answers yes exactly when its record is on file; completion records wait and
    // are written once there is room again; the chain never breaks.
    void commitsAnswerTruthfullyWhileWritesFail()
    {
        const std::string path = m_dir.filePath("failing.jsonl").toStdString();
        constexpr int kThreads = 3, kStatements = 200;
        std::vector<Worker> workers(kThreads);
        std::size_t refusedWaiting = 1;
        int capsApplied = 0;
        {
            AuditWriter writer(path, kKey);
            QVERIFY(writer.append(auditEvent(EventKind::Connect, "first")));
            std::atomic<bool> started{false}, outages{true};
            std::atomic<int> refusals{0};
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                workers[t].id = t;
                workers[t].refusals = &refusals;
                threads.emplace_back([&, &w = workers[t]] {
                    started = true;
                    w.run(writer, kStatements, outages); // through the outages, whatever the machine's speed
                });
            }
            while (!started)
                std::this_thread::yield();
            for (int outage = 0; outage < 3; ++outage) {
                std::this_thread::sleep_for(std::chrono::milliseconds(15));
                // No larger than the file already is: a write fails before it writes a byte. The outage
                // lasts until a commit() was refused in it (a loaded machine may not run the workers at once).
                const int before = refusals;
                FileSizeCap cap(fileSize(path));
                capsApplied += cap.ok() ? 1 : 0;
                const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(5);
                while (refusals == before && std::chrono::steady_clock::now() < giveUp)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            outages = false;
            for (auto &t : threads)
                t.join();
            QVERIFY(writer.flush());
            refusedWaiting = writer.refusedWaiting();
        }
        QCOMPARE(capsApplied, 3);
        QCOMPARE(refusedWaiting, std::size_t(0)); // every refusal was collected by its commit()
        const VerifyResult r = verifyAuditFile(path, kKey);
        QVERIFY2(r.ok, r.problem.c_str());
        const auto seen = tasksOnFile(path);
        int yes = 0, no = 0;
        for (const Worker &w : workers) {
            QVERIFY(!w.deferredRefused); // the file stayed usable: a failed write loses no completion
            QVERIFY(!w.missingAtCommit);
            for (const auto &[name, ok] : w.committed) {
                QVERIFY2(seen.count(name) == (ok ? 1u : 0u), name.c_str());
                QVERIFY2(!ok || seen.at(name) == 1, name.c_str());
                (ok ? yes : no)++;
            }
            for (const std::string &name : w.deferred)
                QVERIFY2(seen.count(name) && seen.at(name) == 1, name.c_str());
        }
        // Both answers happened, or the test did not test what it says.
        QVERIFY2(no > 0, "no write failed during the outages");
        QVERIFY(yes > 0);
        QCOMPARE(r.records, std::uint64_t(1 + 2 * yes));
    }
};

QTEST_GUILESS_MAIN(TestAuditWriterThreads)
#include "tst_audit_writer_threads.moc"
