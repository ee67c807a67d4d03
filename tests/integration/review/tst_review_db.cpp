// SPDX-License-Identifier: Apache-2.0
// Witnesses on real data: `writ diff --db` against a private copy of the demo database. Every
// expected count and key is computed here with a plain SQL query of its own, never taken from Writ.
// The last slots call the core directly to show the witness cannot write and gives up on time.
#include "../floor/floor_db.h"

#include "catalog/introspector.h"
#include "policy/policy_loader.h"
#include "review/witness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <unistd.h>

using namespace floortest;

namespace {

QString data(const char *file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/review/") + QLatin1String(file);
}

QString demo()
{
    return QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
}

/// The witnesses of `writ diff ... --format json`, after checking it ran and found differences.
QJsonArray witnesses(const CliResult &r)
{
    if (r.exitCode != 2)
        qWarning("%s", cliText(r).constData());
    const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
    return root.value("witness").toObject().value("witnesses").toArray();
}

QJsonObject witness(const QJsonArray &all, const QString &kind, const QString &relation)
{
    for (const auto &w : all) {
        const QJsonObject o = w.toObject();
        if (o.value("kind").toString() == kind && o.value("relation").toString() == relation)
            return o;
    }
    return {};
}

QStringList names(const QJsonArray &columns)
{
    QStringList out;
    for (const auto &c : columns)
        out << c.toObject().value("name").toString();
    return out;
}

/// 12345 -> "12,345", as the review prints counts.
QString grouped(qint64 n)
{
    QString digits = QString::number(n);
    for (int i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return digits;
}

writ::policy::Policy load(const QString &file)
{
    const auto r = writ::policy::loadPolicyFile(file.toStdString());
    if (!r.ok())
        qFatal("%s does not load", qPrintable(file));
    return r.policy;
}

} // namespace

class TestReviewDb : public QObject
{
    Q_OBJECT

    std::unique_ptr<DatabaseCopy> m_copy;
    QString m_dsn;

    CliResult diff(const QString &oldFile, const QString &newFile, const QStringList &extra = {})
    {
        return runWrit(QStringList {"diff", oldFile, newFile, "--db", m_dsn} + extra);
    }

private slots:
    void initTestCase()
    {
        m_copy = std::make_unique<DatabaseCopy>(
            requiredDsn("WRIT_TEST_ADMIN_DSN"), QStringLiteral("writ_review_%1").arg(::getpid()));
        QString error;
        QVERIFY2(m_copy->create(QStringLiteral("supportdesk"), &error), qPrintable(error));
        m_dsn = m_copy->dsn();
        Session db(m_dsn);
        QVERIFY2(db.isOpen(), qPrintable(db.error()));
        QVERIFY(db.exec("ANALYZE").ok); // row estimates for the blast radius, as a live database has them
    }

    void cleanupTestCase()
    {
        if (m_copy)
            m_copy->drop();
    }

    void widenedRangeCountsExactlyTheNewRows()
    {
        const QJsonObject w
            = witness(witnesses(diff(demo(), data("rows-range.writ.yaml"), {"--ctx", "customer_id=42", "--format", "json"})),
                "rows", "public.tickets");
        QCOMPARE(w.value("status").toString(), QStringLiteral("computed"));
        Session db(m_dsn);
        const QString newRows = "customer_id BETWEEN 42 AND 52 AND NOT (customer_id = 42)";
        const qint64 expected = db.scalar("SELECT count(*) FROM public.tickets WHERE " + newRows).toLongLong();
        QVERIFY(expected > 0); // the demo data has tickets for the customers next to 42
        QCOMPARE(qint64(w.value("rows").toDouble()), expected);

        const QString key = w.value("example_key").toObject().value("id").toString();
        QVERIFY2(!key.isEmpty(), qPrintable(QJsonDocument(w).toJson()));
        QCOMPARE(db.scalar("SELECT (" + newRows + ")::text FROM public.tickets WHERE id = " + QString::number(key.toLongLong())),
            QStringLiteral("true"));
        QCOMPARE(key, db.scalar("SELECT min(id) FROM public.tickets WHERE " + newRows));
    }

    void widenedToTrueCountsEveryOtherCustomersTickets()
    {
        const CliResult r = diff(demo(), data("rows-true.writ.yaml"), {"--ctx", "customer_id=7", "--format", "json"});
        const QJsonObject w = witness(witnesses(r), "rows", "public.tickets");
        QCOMPARE(w.value("status").toString(), QStringLiteral("computed"));
        Session db(m_dsn);
        const qint64 all = db.scalar("SELECT count(*) FROM public.tickets").toLongLong();
        const qint64 own = db.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 7").toLongLong();
        QVERIFY(own > 0 && all > own);
        QCOMPARE(qint64(w.value("rows").toDouble()), all - own);
        const QString key = w.value("example_key").toObject().value("id").toString();
        QVERIFY(db.scalar("SELECT customer_id FROM public.tickets WHERE id = " + QString::number(key.toLongLong())) != "7");
    }

    void theTextSaysHowManyRowsAndWhichKey()
    {
        const CliResult r = diff(demo(), data("rows-range.writ.yaml"), {"--ctx", "customer_id=42", "--format", "markdown"});
        QVERIFY2(r.exitCode == 2, cliText(r));
        Session db(m_dsn);
        const QString newRows = "customer_id BETWEEN 42 AND 52 AND NOT (customer_id = 42)";
        const qint64 count = db.scalar("SELECT count(*) FROM public.tickets WHERE " + newRows).toLongLong();
        const QString first = db.scalar("SELECT min(id) FROM public.tickets WHERE " + newRows);
        const QString expected
            = QStringLiteral("- `public.tickets`: %1 rows newly reachable (the new filter admits them, the old one "
                             "did not), e.g. `id = %2`")
                  .arg(grouped(count), first);
        QVERIFY2(r.out.split('\n').contains(expected), qPrintable("missing: " + expected + "\n" + r.out));
    }

    void missingContextIsAskedForNotGuessed()
    {
        const CliResult r = diff(demo(), data("rows-range.writ.yaml"), {"--format", "json"});
        QVERIFY2(r.exitCode == 2, cliText(r));
        const QJsonObject w = witness(witnesses(r), "rows", "public.tickets");
        QCOMPARE(w.value("status").toString(), QStringLiteral("needs_context"));
        QCOMPARE(w.value("missing_context").toArray(), QJsonArray({"customer_id"}));
        QVERIFY(w.value("rows").isNull());
        const CliResult text = diff(demo(), data("rows-range.writ.yaml"));
        QVERIFY2(text.out.contains("--ctx customer_id=..."), cliText(text));
    }

    void widenedColumnsAreNamedWithTheirClassification()
    {
        QJsonObject w = witness(
            witnesses(diff(demo(), data("scope-columns-added.writ.yaml"), {"--format", "json"})), "columns", "public.tickets");
        QCOMPARE(names(w.value("columns").toArray()), QStringList({"account_id"}));

        w = witness(
            witnesses(diff(demo(), data("scope-columns-all.writ.yaml"), {"--format", "json"})), "columns", "public.accounts");
        QCOMPARE(names(w.value("columns").toArray()), QStringList({"customer_id"}));

        // A new scope: its rows and its columns, classified.
        const CliResult r = diff(demo(), data("scope-added.writ.yaml"), {"--ctx", "customer_id=42", "--format", "json"});
        const QJsonArray all = witnesses(r);
        w = witness(all, "columns", "public.internal_notes");
        QCOMPARE(names(w.value("columns").toArray()), QStringList({"id", "ticket_id", "body"}));
        QCOMPARE(w.value("columns").toArray().at(2).toObject().value("label").toString(), QStringLiteral("confidential"));
        const QJsonObject rows = witness(all, "rows", "public.internal_notes");
        QVERIFY(rows.value("new_scope").toBool());
        Session db(m_dsn);
        const qint64 expected = db.scalar("SELECT count(*) FROM public.internal_notes WHERE ticket_id IN "
                                          "(SELECT id FROM public.tickets WHERE customer_id = 42)")
                                    .toLongLong();
        QVERIFY(expected > 0);
        QCOMPARE(qint64(rows.value("rows").toDouble()), expected);

        const CliResult md = diff(demo(), data("scope-columns-added.writ.yaml"), {"--format", "markdown"});
        QVERIFY2(md.out.contains("- `public.tickets`: columns newly readable: `account_id`"), cliText(md));
    }

    void unreachableDatabaseExitsThree()
    {
        const CliResult r = runWrit({"diff", demo(), data("rows-range.writ.yaml"), "--db",
            withCredentials(withDatabase(m_dsn, "postgres"), "nobody", "wrong")});
        QVERIFY2(r.exitCode == 3, cliText(r));
        QVERIFY(!r.err.isEmpty());
    }

    void witnessRunsReadOnly()
    {
        using namespace writ;
        const policy::Policy o = load(demo());
        policy::Policy n = o;
        n.agents[0].tasks[0].access[0].rows = "customer_id = $customer_id OR nextval('public.tickets_id_seq') > 0";
        const catalog::Catalog cat = catalog::introspect(m_dsn.toStdString());
        std::vector<review::Witness> w = review::planWitnesses(o, n, cat, {{"customer_id", "1"}});
        QCOMPARE(w.size(), std::size_t(1));
        Session db(m_dsn);
        const QString before = db.scalar("SELECT last_value FROM public.tickets_id_seq");
        review::runWitnesses(w, m_dsn.toStdString(), {{"customer_id", "1"}});
        QCOMPARE(w[0].status, review::Witness::Status::Failed);
        QVERIFY2(w[0].message.find("25006") != std::string::npos, w[0].message.c_str()); // read_only_sql_transaction
        QCOMPARE(db.scalar("SELECT last_value FROM public.tickets_id_seq"), before);
    }

    void witnessGivesUpAtItsStatementTimeout()
    {
        using namespace writ;
        const policy::Policy o = load(demo());
        policy::Policy n = o;
        n.agents[0].tasks[0].access[0].rows = "customer_id = $customer_id OR pg_sleep(1) IS NULL";
        const catalog::Catalog cat = catalog::introspect(m_dsn.toStdString());
        std::vector<review::Witness> w = review::planWitnesses(o, n, cat, {{"customer_id", "1"}});
        QCOMPARE(w.size(), std::size_t(1));
        QElapsedTimer timer;
        timer.start();
        review::runWitnesses(w, m_dsn.toStdString(), {{"customer_id", "1"}}, {std::chrono::milliseconds(300)});
        QVERIFY(timer.elapsed() < 10000);
        QCOMPARE(w[0].status, review::Witness::Status::Failed);
        QVERIFY2(w[0].message.find("57014") != std::string::npos, w[0].message.c_str()); // query_canceled
    }

    void valueThatDoesNotCastFailsThatWitnessOnly()
    {
        const CliResult r = diff(demo(), data("rows-range.writ.yaml"), {"--ctx", "customer_id=abc", "--format", "json"});
        QVERIFY2(r.exitCode == 2, cliText(r));
        const QJsonObject w = witness(witnesses(r), "rows", "public.tickets");
        QCOMPARE(w.value("status").toString(), QStringLiteral("failed"));
        QVERIFY(w.value("message").toString().contains("22P02")); // invalid_text_representation
    }
};

QTEST_GUILESS_MAIN(TestReviewDb)
#include "tst_review_db.moc"
