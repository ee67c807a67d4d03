// SPDX-License-Identifier: Apache-2.0
#include "policy/policy_loader.h"

#include <QtTest>

#include "../../support/diagnostics_text.h"

using namespace writ;
using namespace writ::policy;

namespace {

/// A valid policy that each diagnostic case breaks in one place (line and column numbers below refer to it).
std::string validPolicy()
{
    QFile f(QStringLiteral(WRIT_TEST_DATA_DIR "/policy/diagnostics-base.writ.yaml"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read diagnostics-base.writ.yaml");
    return f.readAll().toStdString();
}


} // namespace

class TestPolicyLoader : public QObject
{
    Q_OBJECT

private slots:
    void validPolicyLoadsWithoutDiagnostics()
    {
        const LoadResult r = loadPolicy(validPolicy(), "p.yaml");
        QVERIFY2(r.diagnostics.empty(), qPrintable(describe(r.diagnostics)));
        QCOMPARE(r.policy.name, std::string("support-desk"));
        QCOMPARE(r.policy.agents.size(), std::size_t(1));
        const TaskType *t = r.policy.findTask("summarizer", "summarize");
        QVERIFY(t);
        QCOMPARE(t->ttl->count(), 300);
        QCOMPARE(t->access.size(), std::size_t(2));
        // An unqualified relation means public.
        QCOMPARE(t->access[1].relation.toString(), std::string("public.customers"));
        QCOMPARE(t->access[1].masks.at("email").kind, MaskKind::Email);
        QCOMPARE(*t->access[0].rows, std::string("customer_id = $customer_id"));
        QCOMPARE(r.policy.classify.at(ColumnRef{{"public", "customers"}, "email"}), std::string("pii"));
    }

    void defaultsFollowTheDocumentedValues()
    {
        const LoadResult r = loadPolicy(validPolicy(), "p.yaml");
        QCOMPARE(r.policy.defaults.ttl.count(), 600);
        QCOMPARE(r.policy.defaults.maxTtl.count(), 3600);
        QCOMPARE(r.policy.defaults.bulkReadRows, std::int64_t(10000));
        QVERIFY(r.policy.defaults.stepUp.count(StepUpClass::Export));
        const TaskType *t = r.policy.findTask("summarizer", "summarize");
        QCOMPARE(effectiveMaxTtl(r.policy, *t).count(), 3600);
        QCOMPARE(effectiveStepUp(r.policy, *t), r.policy.defaults.stepUp);
    }

    void sourceMapPointsAtScopesAndFilterText()
    {
        const LoadResult r = loadPolicy(validPolicy(), "p.yaml");
        const SourceLocation scope = r.sources.find(scopePath("summarizer", "summarize", "public.tickets"));
        QCOMPARE(scope.line, 15);
        QCOMPARE(scope.column, 11);
        const SourceLocation rows = r.sources.find(scopePath("summarizer", "summarize", "public.tickets") + "/rows");
        QCOMPARE(rows.line, 15);
        QCOMPARE(rows.column, 87); // the first character of "customer_id = ..."
    }

    void diagnostics_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("hintContains");

        QTest::newRow("unknown top-level key with suggestion") << "agents:" << "agentz: {}\nagents:" << "policy.unknown-key" << 6 << 1 << "did you mean 'agents'";
        QTest::newRow("unknown scope key") << "rows: id = $customer_id }" << "rows: id = $customer_id, colums: [id] }"
                                           << "policy.unknown-key" << 16 << 116 << "did you mean 'columns'";
        QTest::newRow("unknown operation") << "ops: [select], columns: [id, name" << "ops: [selec], columns: [id, name"
                                           << "policy.unknown-operation" << 16 << 29 << "did you mean 'select'";
        QTest::newRow("wrong type: list for ttl") << "ttl: 5m" << "ttl: [5m]" << "policy.expected-scalar" << 12 << 14 << "";
        QTest::newRow("bad duration") << "ttl: 5m" << "ttl: 5 minutes" << "policy.bad-duration" << 12 << 14 << "30s, 5m";
        QTest::newRow("ttl above max") << "ttl: 5m" << "ttl: 2h" << "policy.ttl-above-max" << 12 << 14 << "lower ttl";
        QTest::newRow("unknown context type") << "payment_id: bigint" << "payment_id: bigint4" << "policy.unknown-type" << 5 << 42 << "bigint";
        QTest::newRow("undeclared context key in task") << "context: [customer_id]" << "context: [customer_id, order_id]"
                                                        << "policy.undeclared-context" << 13 << 18 << "top-level `context:`";
        QTest::newRow("parameter not in the task's context") << "rows: id = $customer_id" << "rows: id = $payment_id"
                                                             << "policy.undeclared-parameter" << 16 << 102 << "task's `context:` list";
        QTest::newRow("parameter never declared") << "rows: id = $customer_id" << "rows: id = $tenant"
                                                  << "policy.undeclared-parameter" << 16 << 102 << "under the top-level";
        QTest::newRow("update_columns outside columns")
            << "ops: [select], columns: [id, name, email]" << "ops: [select, update], columns: [id, name, email], update_columns: [phone]"
            << "policy.update-column-not-in-columns" << 16 << 91 << "add it to columns";
        QTest::newRow("update_columns without update") << "ops: [select], columns: [id, subject" << "ops: [select], update_columns: [id], columns: [id, subject"
                                                       << "policy.update-columns-without-update" << 15 << 60 << "add update";
        QTest::newRow("duplicate agent") << "  summarizer:\n    owner" << "  summarizer: { identity: [ { spiffe: \"spiffe://e.com/a/b\" } ] }\n  summarizer:\n    owner"
                                         << "policy.duplicate-agent" << 8 << 3 << "merge";
        QTest::newRow("duplicate relation (qualified and not)") << "customers:" << "tickets:" << "policy.duplicate-scope" << 16 << 11 << "merge";
        QTest::newRow("bad spiffe id") << "spiffe://example.com/agents/summarizer" << "spiffe://Example.com/"
                                       << "policy.bad-identity" << 9 << 27 << "spiffe://trust-domain/path";
        QTest::newRow("oidc without https") << "{ spiffe: \"spiffe://example.com/agents/summarizer\" }"
                                            << "{ oidc: { issuer: \"http://idp\", subject: s } }" << "policy.bad-identity" << 9 << 35 << "iss";
        QTest::newRow("bad network") << "{ spiffe: \"spiffe://example.com/agents/summarizer\" }"
                                     << "{ spiffe: \"spiffe://example.com/agents/summarizer\", network: [10.0.0.0/33] }"
                                     << "policy.bad-network" << 9 << 78 << "prefix length";
        QTest::newRow("unknown mask") << "mask: { email: email }" << "mask: { email: scramble }" << "policy.unknown-mask" << 16 << 82 << "partial";
        QTest::newRow("masked column not in columns") << "mask: { email: email }" << "mask: { phone: email }"
                                                      << "policy.mask-not-in-columns" << 16 << 75 << "add it to columns";
        QTest::newRow("bad agent id") << "  summarizer:\n    owner" << "  Summarizer:\n    owner" << "policy.bad-id" << 7 << 3 << "lowercase";
        QTest::newRow("unsupported version") << "writ: 1" << "writ: 2" << "policy.unsupported-version" << 1 << 7 << "writ: 1";
        QTest::newRow("yaml syntax error") << "ops: [select], columns: [id, subject" << "ops: [select, columns: [id, subject"
                                           << "policy.yaml-syntax" << 15 << 0 << "indentation";
        QTest::newRow("no ops") << "ops: [select], columns: [id, subject" << "columns: [id, subject" << "policy.no-operations" << 15 << 27 << "ops: [select]";
        QTest::newRow("empty ops") << "ops: [select], columns: [id, subject" << "ops: [], columns: [id, subject" << "policy.no-operations" << 15 << 0 << "at least one";
        // A key with nothing after it is null, which must not read as "no restriction" (found by fuzz_policy_loader).
        QTest::newRow("null ops") << "ops: [select], columns: [id, subject" << "ops, columns: [id, subject" << "policy.no-operations" << 15 << 0 << "at least one";
        QTest::newRow("empty columns") << "columns: [id, subject, customer_id]" << "columns: []" << "policy.no-columns" << 15 << 0 << "remove `columns:`";
        QTest::newRow("null columns") << "columns: [id, subject, customer_id]" << "columns" << "policy.no-columns" << 15 << 0 << "remove `columns:`";
        QTest::newRow("empty statements") << "ttl: 5m" << "ttl: 5m\n        statements: []" << "policy.empty-allowlist" << 13 << 0 << "SQL templates";
        QTest::newRow("null statements") << "ttl: 5m" << "ttl: 5m\n        statements:" << "policy.empty-allowlist" << 13 << 9 << "SQL templates";
        QTest::newRow("duplicate key") << "    owner: team@example.com" << "    owner: team@example.com\n    owner: other@example.com"
                                       << "policy.duplicate-key" << 9 << 5 << "only the first";
    }

    void diagnostics()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, code);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, hintContains);
        QString text = QString::fromStdString(validPolicy());
        QVERIFY2(text.contains(from), "the case's anchor text must be in the valid policy");
        text.replace(text.indexOf(from), from.size(), to);
        const LoadResult r = loadPolicy(text.toStdString(), "p.yaml");
        QVERIFY2(r.diagnostics.hasErrors(), "expected an error");
        const auto &items = r.diagnostics.items();
        const auto it = std::find_if(items.begin(), items.end(), [&](const Diagnostic &d) { return d.code == code.toStdString(); });
        QVERIFY2(it != items.end(), qPrintable("no " + code + " among:\n" + describe(r.diagnostics)));
        QCOMPARE(it->location.file, std::string("p.yaml"));
        QCOMPARE(it->location.line, line);
        if (column > 0)
            QCOMPARE(it->location.column, column);
        QVERIFY2(QString::fromStdString(it->hint).contains(hintContains), it->hint.c_str());
    }

    void reportsManyErrorsInOneRun()
    {
        QString text = QString::fromStdString(validPolicy());
        text.replace("ttl: 5m", "ttl: soon");
        text.replace("ops: [select], columns: [id, name", "ops: [read], columns: [id, name");
        text.replace("payment_id: bigint", "payment_id: long");
        const LoadResult r = loadPolicy(text.toStdString(), "p.yaml");
        QVERIFY2(r.diagnostics.errorCount() >= 3, qPrintable(describe(r.diagnostics)));
        // Sorted top to bottom.
        int previous = 0;
        for (const auto &d : r.diagnostics.items()) {
            QVERIFY(d.location.line >= previous);
            previous = d.location.line;
        }
    }

    void hostileInputGivesOneClearError_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("code");
        QTest::newRow("empty") << QByteArray() << "policy.empty";
        QTest::newRow("only a comment") << QByteArray("# nothing\n") << "policy.empty";
        QTest::newRow("a scalar") << QByteArray("hello") << "policy.expected-map";
        QTest::newRow("a list") << QByteArray("- a\n- b\n") << "policy.expected-map";
        QTest::newRow("invalid utf-8") << QByteArray("writ: 1\nname: \xff\xfe\n") << "policy.invalid-utf8";
        QTest::newRow("overlong utf-8") << QByteArray("name: \xc0\xaf\n") << "policy.invalid-utf8";
        QTest::newRow("nul byte") << QByteArray("writ: 1\n\0name: x\n", 17) << "policy.nul-byte";
        QTest::newRow("two documents") << QByteArray("writ: 1\n---\nwrit: 1\n") << "policy.many-documents";
        QTest::newRow("too large") << QByteArray(int(kMaxPolicyBytes) + 1, ' ') << "policy.too-large";
        QTest::newRow("deep flow nesting") << QByteArray(100000, '[') << "policy.yaml-syntax";
        QTest::newRow("deep block nesting") << [] {
            QByteArray b;
            for (int i = 0; i < 3000; ++i)
                b += QByteArray(i, ' ') + "k:\n";
            return b;
        }() << "policy.yaml-syntax";
        QTest::newRow("unclosed flow list") << QByteArray("writ: 1\nagents: [a, b\n") << "policy.yaml-syntax";
        QTest::newRow("tab indentation") << QByteArray("writ: 1\nagents:\n\ta: 1\n") << "policy.yaml-syntax";
        QTest::newRow("anchor bomb") << [] {
            QByteArray b = "a: &a [x, x, x, x, x, x, x, x, x]\n";
            for (char c = 'b'; c <= 'i'; ++c)
                b += QByteArray(1, c) + ": &" + QByteArray(1, c) + " [*" + QByteArray(1, char(c - 1)) + ", *" + QByteArray(1, char(c - 1)) + "]\n";
            return b;
        }() << "policy.unknown-key";
    }

    void hostileInputGivesOneClearError()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, code);
        const LoadResult r = loadPolicy(std::string_view(input.constData(), std::size_t(input.size())), "h.yaml");
        QVERIFY(r.diagnostics.hasErrors());
        const bool found = std::any_of(r.diagnostics.items().begin(), r.diagnostics.items().end(),
                                       [&](const Diagnostic &d) { return d.code == code.toStdString(); });
        QVERIFY2(found, qPrintable(describe(r.diagnostics)));
        for (const auto &d : r.diagnostics.items())
            QVERIFY2(!d.message.empty(), "every diagnostic says something");
    }

    void unreadableFileIsADiagnostic()
    {
        const LoadResult r = loadPolicyFile("/nonexistent/dir/policy.yaml");
        QVERIFY(r.diagnostics.hasErrors());
        QCOMPARE(r.diagnostics.items().front().code, std::string("policy.unreadable"));
        QVERIFY(r.diagnostics.items().front().message.find("No such file") != std::string::npos);
    }

    void contextParametersSkipLiteralsAndQuotedNames()
    {
        const auto params = contextParameters("a = $x AND b = '$notme' AND \"$col\" = $y_2 AND c = $1");
        QCOMPARE(params.size(), std::size_t(2));
        QCOMPARE(params[0].name, std::string("x"));
        QCOMPARE(params[0].offset, std::size_t(4));
        QCOMPARE(params[1].name, std::string("y_2"));
    }
};

QTEST_APPLESS_MAIN(TestPolicyLoader)
#include "tst_policy_loader.moc"
