// SPDX-License-Identifier: Apache-2.0
// Connection strings the studio hands to libpq, and what it saves of them (never a password).
#include "ui_test_support.h"

#include "ui/connect/connection_spec.h"

#include <QTest>

using namespace writ::ui;

class TestConnectionSpec : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { writ::ui::test::isolateSettings(); }

    void fieldsBecomeQuotedKeywords()
    {
        ConnectionSpec spec;
        spec.host = QStringLiteral("db.example.com");
        spec.port = 6543;
        spec.database = QStringLiteral("support desk");
        spec.user = QStringLiteral("o'brien");
        spec.sslMode = QStringLiteral("verify-full");
        const QString conninfo = spec.conninfo(QStringLiteral("p w'd"));
        QVERIFY2(conninfo.contains(QStringLiteral("dbname='support desk'")), qPrintable(conninfo));
        QVERIFY2(conninfo.contains(QStringLiteral("user='o\\'brien'")), qPrintable(conninfo));
        QVERIFY2(conninfo.contains(QStringLiteral("password='p w\\'d'")), qPrintable(conninfo));
        QVERIFY(conninfo.contains(QStringLiteral("port='6543'")));
        QVERIFY(conninfo.contains(QStringLiteral("sslmode='verify-full'")));
        QCOMPARE(spec.displayName(), QStringLiteral("o'brien@db.example.com:6543/support desk"));
    }

    void uriIsParsedByLibpqAndTlsModeAndPasswordGoOnTop()
    {
        ConnectionSpec spec;
        spec.uri = QStringLiteral("postgresql://admin@localhost:5433/supportdesk?sslmode=disable");
        spec.sslMode = QStringLiteral("require");
        const QString conninfo = spec.conninfo(QStringLiteral("secret"));
        QVERIFY2(conninfo.contains(QStringLiteral("sslmode='require'")), qPrintable(conninfo));
        QVERIFY(!conninfo.contains(QStringLiteral("sslmode='disable'")));
        QVERIFY(conninfo.contains(QStringLiteral("password='secret'")));
        QVERIFY(conninfo.contains(QStringLiteral("dbname='supportdesk'")));
        QCOMPARE(spec.displayName(), QStringLiteral("admin@localhost:5433/supportdesk"));

        ConnectionSpec service;
        service.service = QStringLiteral("prod-replica");
        QVERIFY(service.conninfo().contains(QStringLiteral("service='prod-replica'")));
    }

    void badUriSaysWhy()
    {
        ConnectionSpec spec;
        spec.uri = QStringLiteral("postgresql://host/db?no_such_option=1");
        QString error;
        QVERIFY(spec.conninfo({}, &error).isEmpty());
        QVERIFY2(!error.isEmpty(), "no reason given");
    }

    void passwordsAreNeverSaved()
    {
        ConnectionSpec spec;
        spec.uri = QStringLiteral("postgresql://admin:hunter2@localhost/supportdesk");
        QVERIFY(spec.carriesPassword());
        const QVariantMap saved = spec.toVariantMap();
        for (const QVariant &v : saved)
            QVERIFY2(!v.toString().contains(QStringLiteral("hunter2")), qPrintable(v.toString()));
        const ConnectionSpec back = ConnectionSpec::fromVariantMap(saved);
        QVERIFY(!back.carriesPassword());
        QVERIFY(back.conninfo().contains(QStringLiteral("dbname='supportdesk'")));

        rememberConnection(spec);
        const QList<ConnectionSpec> recent = savedConnections();
        QVERIFY(!recent.isEmpty());
        QVERIFY(!recent.first().uri.contains(QStringLiteral("hunter2")));
    }

    void serviceFileSectionsAreListed()
    {
        const QString text = QStringLiteral("# comment\n[prod]\nhost=db\n\n [staging] \ndbname=x\n[prod]\n");
        QCOMPARE(parseServiceNames(text), (QStringList {QStringLiteral("prod"), QStringLiteral("staging")}));
    }
};

QTEST_MAIN(TestConnectionSpec)
#include "tst_connection_spec.moc"
