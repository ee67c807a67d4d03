// SPDX-License-Identifier: Apache-2.0
// The grants matrix over the real demo database (resources/demo/roles.sql): the grants a review
// must find, read through the studio's background introspection. Needs the sandbox:
// scripts/pg-sandbox start && scripts/pg-sandbox load-demo, then eval "$(scripts/pg-sandbox env)".
#include "ui_test_support.h"

#include "ui/catalog/catalog_session.h"
#include "ui/connect/connection_spec.h"
#include "ui/grants/effective_privileges.h"
#include "ui/grants/grants_model.h"

#include "catalog/catalog_error.h"
#include "findings/findings.h"
#include "policy/policy_loader.h"

#include <QSignalSpy>
#include <QTest>

using namespace writ;
using namespace writ::ui;

class TestGrantsMatrix : public QObject
{
    Q_OBJECT

    std::shared_ptr<const catalog::Catalog> m_catalog;
    findings::SessionActivity m_activity;

    QString cell(const GrantsModel &model, const char *role, const char *relation)
    {
        const int row = model.rowOf(QString::fromLatin1(role));
        const int column = model.columnOf(QString::fromLatin1(relation));
        if (row < 0 || column < 0)
            return QStringLiteral("<missing>");
        return model.data(model.index(row, column), GrantsModel::LettersRole).toString();
    }

private slots:
    void initTestCase()
    {
        test::isolateSettings();
        const QString dsn = qEnvironmentVariable("WRIT_TEST_DEMO_DSN");
        if (dsn.isEmpty())
            QFAIL("WRIT_TEST_DEMO_DSN is not set. This test needs PostgreSQL: run scripts/pg-sandbox start, "
                  "scripts/pg-sandbox load-demo, then eval \"$(scripts/pg-sandbox env)\" (or run the db tests through scripts/test)");
        // The same path the studio takes: a background introspection with progress.
        CatalogSession session;
        QSignalSpy changed(&session, &CatalogSession::catalogChanged);
        QSignalSpy failed(&session, &CatalogSession::failed);
        QSignalSpy progress(&session, &CatalogSession::progress);
        ConnectionSpec spec;
        spec.uri = dsn;
        session.connectTo(spec);
        QCOMPARE(session.state(), CatalogSession::State::Connecting);
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 1 || failed.count() == 1, 30000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(session.state(), CatalogSession::State::Connected);
        QVERIFY(progress.count() >= 3);
        m_catalog = session.catalog();
        m_activity = session.activity();
        QCOMPARE(m_catalog->database, std::string("supportdesk"));
    }

    void showsTheKnownGrants()
    {
        GrantsModel model;
        model.setCatalog(m_catalog);
        // The shared application login: everything but TRUNCATE on every table, granted directly.
        for (const char *table : {"public.customers", "public.payments", "public.tickets", "public.internal_notes"})
            QCOMPARE(cell(model, "helpdesk_app", table), QStringLiteral("SIUD"));
        // Reporting reads four relations and nothing else…
        QCOMPARE(cell(model, "reporting", "public.accounts"), QStringLiteral("S"));
        QCOMPARE(cell(model, "reporting", "public.payments"), QStringLiteral("S"));
        QCOMPARE(cell(model, "reporting", "public.open_tickets"), QStringLiteral("S"));
        QCOMPARE(cell(model, "reporting", "public.customers"), QString());
        QCOMPARE(cell(model, "reporting", "public.refunds"), QString());
        // …but internal_notes through PUBLIC, like every role.
        QCOMPARE(cell(model, "PUBLIC", "public.internal_notes"), QStringLiteral("S"));
        QCOMPARE(cell(model, "PUBLIC", "public.customers"), QString());
        QCOMPARE(cell(model, "reporting", "public.internal_notes"), QStringLiteral("S"));

        const RelationAccess inherited = model.accessAt(model.rowOf(QStringLiteral("reporting")), model.columnOf(QStringLiteral("public.internal_notes")));
        QCOMPARE(inherited[TablePrivilege::Select].kind, PrivilegeHold::Kind::Inherited);
        QVERIFY(inherited[TablePrivilege::Select].via.contains(QStringLiteral("via PUBLIC")));
        const RelationAccess direct = model.accessAt(model.rowOf(QStringLiteral("helpdesk_app")), model.columnOf(QStringLiteral("public.customers")));
        QCOMPARE(direct[TablePrivilege::Update].kind, PrivilegeHold::Kind::Direct);
        QCOMPARE(direct[TablePrivilege::Truncate].kind, PrivilegeHold::Kind::None);

        // Login roles come first, PUBLIC last; sequences are not columns of the matrix.
        QCOMPARE(model.roleAt(model.rowCount() - 1), QStringLiteral("PUBLIC"));
        QVERIFY(model.rowOf(QStringLiteral("helpdesk_app")) < model.rowOf(QStringLiteral("reporting")));
        QCOMPARE(model.columnOf(QStringLiteral("public.customers_id_seq")), -1);
    }

    void findingsColourTheCellsAndHeadersTheyConcern()
    {
        // With the demo policy open, as in the studio: it classifies internal_notes.body as confidential.
        const policy::LoadResult demo = policy::loadPolicyFile(test::demoPolicyPath().toStdString());
        QVERIFY(demo.ok());
        GrantsModel model;
        model.setCatalog(m_catalog, findings::findFindings(*m_catalog, m_activity, &demo.policy));
        const int notes = model.columnOf(QStringLiteral("public.internal_notes"));
        QCOMPARE(model.headerData(notes, Qt::Horizontal, GrantsModel::SeverityRole).toInt(), int(findings::Severity::High));
        const int publicRow = model.rowOf(QStringLiteral("PUBLIC"));
        QCOMPARE(model.data(model.index(publicRow, notes), GrantsModel::SeverityRole).toInt(), int(findings::Severity::High));
        // helpdesk_app never expires: a finding on the role's row header.
        QVERIFY(model.headerData(model.rowOf(QStringLiteral("helpdesk_app")), Qt::Vertical, GrantsModel::SeverityRole).isValid());
        // No finding concerns reporting's read of accounts.
        QVERIFY(!model.data(model.index(model.rowOf(QStringLiteral("reporting")), model.columnOf(QStringLiteral("public.accounts"))), GrantsModel::SeverityRole).isValid());
    }

    void filtersByRoleAndSchema()
    {
        GrantsModel model;
        model.setCatalog(m_catalog);
        // Roles are cluster-wide and other tests create theirs (writ_analytics-reporter/...): filter by a
        // name only the demo's role contains.
        model.setRoleFilter(QStringLiteral("reporting"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.roleAt(0), QStringLiteral("reporting"));
        model.setSchemaFilter(QStringLiteral("nosuchschema"));
        QCOMPARE(model.columnCount(), 0);
        model.setSchemaFilter(QStringLiteral("public"));
        QCOMPARE(model.columnCount(), 8);
    }

    void cancelledConnectionLeavesTheSessionAsItWas()
    {
        CatalogSession session;
        QSignalSpy cancelled(&session, &CatalogSession::cancelled);
        QSignalSpy changed(&session, &CatalogSession::catalogChanged);
        ConnectionSpec spec;
        spec.uri = qEnvironmentVariable("WRIT_TEST_DEMO_DSN");
        session.connectTo(spec);
        session.cancel();
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(session.state(), CatalogSession::State::Disconnected);
        QTest::qWait(1500); // the background work finishes; its result must be dropped
        QCOMPARE(changed.count(), 0);
        QVERIFY(!session.catalog());
    }

    void wrongPasswordIsAnAuthenticationError()
    {
        CatalogSession session;
        QSignalSpy failed(&session, &CatalogSession::failed);
        ConnectionSpec spec;
        spec.uri = qEnvironmentVariable("WRIT_TEST_DEMO_DSN");
        session.connectTo(spec, QStringLiteral("certainly-not-the-password"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(failed.first().at(1).toInt(), int(catalog::CatalogError::Kind::Authentication));
        QVERIFY(!failed.first().at(0).toString().isEmpty());
    }
};

QTEST_MAIN(TestGrantsMatrix)
#include "tst_grants_matrix.moc"
