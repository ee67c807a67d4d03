// SPDX-License-Identifier: Apache-2.0
// Which I/O thread a new connection goes to: the one serving the fewest (the first of equals), so that
// threads stay even when connections come and go; ended connections free their places, also when they
// end on other threads while new ones are placed.

#include "gateway/session_placement.h"

#include <QTest>

#include <numeric>
#include <thread>

using writ::gateway::SessionPlacement;

class TestSessionPlacement : public QObject
{
    Q_OBJECT

private slots:
    void newConnectionsGoToTheLeastLoadedThread()
    {
        SessionPlacement p(3);
        QCOMPARE(p.enter(), std::size_t(0));
        QCOMPARE(p.enter(), std::size_t(1));
        QCOMPARE(p.enter(), std::size_t(2));
        QCOMPARE(p.enter(), std::size_t(0)); // equals: the first
        QCOMPARE(p.connectionsPerThread(), (std::vector<int>{2, 1, 1}));
    }

    // Round-robin would keep alternating; after churn the thread that lost connections gets the new ones.
    void threadsStayEvenWhenConnectionsComeAndGo()
    {
        SessionPlacement p(2);
        std::vector<std::size_t> placed;
        for (int i = 0; i < 6; ++i)
            placed.push_back(p.enter());
        QCOMPARE(p.connectionsPerThread(), (std::vector<int>{3, 3}));
        for (std::size_t i = 0; i < placed.size(); ++i)
            if (placed[i] == 1)
                p.leave(1); // every connection of the second thread ends
        QCOMPARE(p.connectionsPerThread(), (std::vector<int>{3, 0}));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(p.enter(), std::size_t(1));
        QCOMPARE(p.enter(), std::size_t(0));
    }

    void oneThreadTakesEverything()
    {
        SessionPlacement p(1);
        for (int i = 0; i < 40; ++i)
            QCOMPARE(p.enter(), std::size_t(0));
        QCOMPARE(p.connectionsPerThread(), std::vector<int>{40});
        p.leave(7); // not a thread: ignored
        QCOMPARE(p.connectionsPerThread(), std::vector<int>{40});
    }

    void noThreadsMeansOne()
    {
        SessionPlacement p(0);
        QCOMPARE(p.threads(), std::size_t(1));
        QCOMPARE(p.enter(), std::size_t(0));
    }

    // The accepting thread places while connections end on the I/O threads: no count is lost.
    void leavingOnOtherThreadsWhilePlacing()
    {
        constexpr int kConnections = 20000;
        SessionPlacement p(4);
        std::vector<std::size_t> placed(kConnections);
        for (int i = 0; i < kConnections; ++i)
            placed[i] = p.enter();
        std::vector<std::thread> enders;
        for (int t = 0; t < 4; ++t)
            enders.emplace_back([&, t] {
                for (int i = t; i < kConnections; i += 4)
                    p.leave(placed[i]);
            });
        int more = 0;
        for (; more < 1000; ++more)
            p.enter();
        for (auto &t : enders)
            t.join();
        const auto counts = p.connectionsPerThread();
        QCOMPARE(std::accumulate(counts.begin(), counts.end(), 0), more);
        for (int c : counts)
            QVERIFY(c >= 0);
    }
};

QTEST_GUILESS_MAIN(TestSessionPlacement)
#include "tst_session_placement.moc"
