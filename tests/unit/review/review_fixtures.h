// SPDX-License-Identifier: Apache-2.0
#pragma once

// Loading the review fixtures (tests/data/review/) by their short names, so diagnostics and
// formatted output name "base.writ.yaml" instead of an absolute path that differs per checkout.

#include "../../support/diagnostics_text.h"
#include "policy/policy_loader.h"

#include <QFile>
#include <QtTest>

inline QString reviewData(const QString &file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/review/") + file;
}

inline QByteArray readReviewFile(const QString &file)
{
    QFile f(reviewData(file));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

/// Loads tests/data/review/<name>.writ.yaml; a fixture that does not load is a broken test.
inline writ::policy::LoadResult loadFixture(const QString &name)
{
    const QString file = name + QStringLiteral(".writ.yaml");
    const QByteArray text = readReviewFile(file);
    writ::policy::LoadResult r
        = writ::policy::loadPolicy(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), file.toStdString());
    if (!r.ok())
        qFatal("fixture %s does not load:\n%s", qPrintable(file), qPrintable(describe(r.diagnostics)));
    return r;
}
