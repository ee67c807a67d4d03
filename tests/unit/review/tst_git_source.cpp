// SPDX-License-Identifier: Apache-2.0
// git:REV:path arguments: what is accepted, and what is refused before git ever runs (anything
// git could take for an option, ranges, spaces, control characters). tst_cli_diff runs git itself.
#include "review/git_show.h"

#include <QtTest>

using namespace writ::review;

class TestGitSource : public QObject
{
    Q_OBJECT

private slots:
    void accepted_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("path");
        QTest::newRow("HEAD") << "git:HEAD:policy.writ.yaml"
                              << "HEAD"
                              << "policy.writ.yaml";
        QTest::newRow("ancestor") << "git:HEAD~1:resources/demo/supportdesk.writ.yaml"
                                  << "HEAD~1"
                                  << "resources/demo/supportdesk.writ.yaml";
        QTest::newRow("branch with slash") << "git:origin/main:p.yaml"
                                           << "origin/main"
                                           << "p.yaml";
        QTest::newRow("commit id") << "git:4fb89bf:p.yaml"
                                   << "4fb89bf"
                                   << "p.yaml";
        QTest::newRow("reflog") << "git:main@{1}:p.yaml"
                                << "main@{1}"
                                << "p.yaml";
        QTest::newRow("parent") << "git:v1.2^:p.yaml"
                                << "v1.2^"
                                << "p.yaml";
        QTest::newRow("current directory") << "git:HEAD:./p.yaml"
                                           << "HEAD"
                                           << "./p.yaml";
        QTest::newRow("colon in the path") << "git:HEAD:dir/a:b.yaml"
                                           << "HEAD"
                                           << "dir/a:b.yaml";
    }

    void accepted()
    {
        QFETCH(QString, argument);
        QFETCH(QString, revision);
        QFETCH(QString, path);
        std::string error;
        QVERIFY(isGitSource(argument.toStdString()));
        const auto s = parseGitSource(argument.toStdString(), error);
        QVERIFY2(s.has_value(), error.c_str());
        QCOMPARE(QString::fromStdString(s->revision), revision);
        QCOMPARE(QString::fromStdString(s->path), path);
        QCOMPARE(QString::fromStdString(s->label()), argument);
    }

    void refused_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("reason");
        QTest::newRow("option as revision") << "git:--output=/tmp/x:p.yaml"
                                            << "starts with '-'";
        QTest::newRow("dash revision") << "git:-p:p.yaml"
                                       << "starts with '-'";
        QTest::newRow("range") << "git:HEAD..main:p.yaml"
                               << "not a plain revision";
        QTest::newRow("space") << "git:HEAD@{2 days ago}:p.yaml"
                               << "not a plain revision";
        QTest::newRow("shell characters") << "git:HEAD;rm:p.yaml"
                                          << "not a plain revision";
        QTest::newRow("no path") << "git:HEAD"
                                 << "names no file";
        QTest::newRow("empty path") << "git:HEAD:"
                                    << "path";
        QTest::newRow("empty revision") << "git::p.yaml"
                                        << "revision";
        QTest::newRow("option as path") << "git:HEAD:--help"
                                        << "not start with '-'";
        QTest::newRow("absolute path") << "git:HEAD:/etc/passwd"
                                       << "relative";
        QTest::newRow("newline in path") << "git:HEAD:p\n.yaml"
                                         << "control characters";
    }

    void refused()
    {
        QFETCH(QString, argument);
        QFETCH(QString, reason);
        std::string error;
        QVERIFY(!parseGitSource(argument.toStdString(), error).has_value());
        QVERIFY2(QString::fromStdString(error).contains(reason), error.c_str());
    }

    void plainFilesAreNotGitSources()
    {
        QVERIFY(!isGitSource("policy.writ.yaml"));
        QVERIFY(!isGitSource("./git:HEAD:p.yaml"));
        QVERIFY(!isGitSource("gitlab.yaml"));
    }
};

QTEST_GUILESS_MAIN(TestGitSource)
#include "tst_git_source.moc"
