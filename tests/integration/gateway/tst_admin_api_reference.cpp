// SPDX-License-Identifier: Apache-2.0
// docs/admin-api.md is the admin API reference: every route the gateway registers (read from the
// sources in core/gateway/admin/) is documented with its method, and every route the document names
// exists. A route added without documentation, or documented and then removed, fails here.

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include <regex>

namespace {

struct Route
{
    QString method; ///< GET, POST, PUT, DELETE
    QString pattern; ///< as registered: a regular expression over the path
};

QString read(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QList<Route> registeredRoutes()
{
    QList<Route> out;
    const QDir dir(QStringLiteral(WRIT_SOURCE_DIR "/core/gateway/admin"));
    // http.Get("/v1/x", ...) or http.Delete(R"(/v1/x/(\d+))", ...)
    static const QRegularExpression call(QStringLiteral("http\\.(Get|Post|Put|Delete)\\((?:R\"\\((.*?)\\)\"|\"([^\"]+)\")"));
    for (const QString &file : dir.entryList({"*.cpp"})) {
        const QString text = read(dir.filePath(file));
        for (auto it = call.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            out.append({m.captured(1).toUpper(), m.captured(2).isEmpty() ? m.captured(3) : m.captured(2)});
        }
    }
    return out;
}

/// "METHOD /path" pairs the document names, with {placeholders} filled in and the query left out.
QList<QPair<QString, QString>> documentedRoutes(const QString &doc)
{
    QList<QPair<QString, QString>> out;
    static const QRegularExpression named(QStringLiteral("`(GET|POST|PUT|DELETE) (/[^`\\[ ?]*)"));
    for (auto it = named.globalMatch(doc); it.hasNext();) {
        const auto m = it.next();
        QString path = m.captured(2);
        path.replace(QRegularExpression(QStringLiteral("\\{[a-z_]+\\}")), QStringLiteral("1"));
        out.append({m.captured(1), path});
    }
    return out;
}

bool matches(const Route &r, const QString &method, const QString &path)
{
    return r.method == method && std::regex_match(path.toStdString(), std::regex(r.pattern.toStdString()));
}

} // namespace

class TestAdminApiReference : public QObject
{
    Q_OBJECT

private slots:
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists()
    {
        const QList<Route> routes = registeredRoutes();
        QVERIFY2(routes.size() >= 15, qPrintable(QString::number(routes.size())));
        const QList<QPair<QString, QString>> documented = documentedRoutes(read(QStringLiteral(WRIT_SOURCE_DIR "/docs/admin-api.md")));
        QVERIFY(documented.size() >= 15);
        QStringList problems;
        for (const Route &r : routes) {
            const bool found = std::any_of(documented.begin(), documented.end(),
                                           [&](const auto &d) { return matches(r, d.first, d.second); });
            if (!found)
                problems << r.method + " " + r.pattern + ": registered but not in docs/admin-api.md";
        }
        for (const auto &d : documented) {
            const bool exists = std::any_of(routes.begin(), routes.end(), [&](const Route &r) { return matches(r, d.first, d.second); });
            if (!exists)
                problems << d.first + " " + d.second + ": documented but not registered";
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }
};

QTEST_GUILESS_MAIN(TestAdminApiReference)
#include "tst_admin_api_reference.moc"
