// SPDX-License-Identifier: Apache-2.0
// docs/policy-format.md is the policy reference: every key the loader accepts (its k...Keys lists in
// core/policy/policy_loader.cpp) is named there, so a key added to the loader without documentation
// fails here.

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

class TestPolicyReference : public QObject
{
    Q_OBJECT

private slots:
    void everyKeyTheLoaderAcceptsIsDocumented()
    {
        QFile docFile(QStringLiteral(WRIT_SOURCE_DIR "/docs/policy-format.md"));
        QFile srcFile(QStringLiteral(WRIT_SOURCE_DIR "/core/policy/policy_loader.cpp"));
        QVERIFY(docFile.open(QIODevice::ReadOnly) && srcFile.open(QIODevice::ReadOnly));
        const QString doc = QString::fromUtf8(docFile.readAll());
        const QString src = QString::fromUtf8(srcFile.readAll());

        // const std::vector<std::string> kScopeKeys = {"ops", "columns", ...};
        static const QRegularExpression list(QStringLiteral("const std::vector<std::string> (k\\w+Keys) = \\{([^}]*)\\};"));
        static const QRegularExpression key(QStringLiteral("\"([a-z_]+)\""));
        QStringList missing;
        int keys = 0, lists = 0;
        for (auto it = list.globalMatch(src); it.hasNext();) {
            const auto m = it.next();
            ++lists;
            for (auto k = key.globalMatch(m.captured(2)); k.hasNext();) {
                const QString name = k.next().captured(1);
                ++keys;
                if (!doc.contains("`" + name + "`") && !doc.contains("`" + name + ":") && !doc.contains(name + ": "))
                    missing << m.captured(1) + ": " + name;
            }
        }
        QVERIFY2(lists >= 8 && keys >= 30, qPrintable(QString("%1 lists, %2 keys").arg(lists).arg(keys)));
        QVERIFY2(missing.isEmpty(), qPrintable("not in docs/policy-format.md:\n" + missing.join('\n')));
    }
};

QTEST_GUILESS_MAIN(TestPolicyReference)
#include "tst_policy_reference.moc"
