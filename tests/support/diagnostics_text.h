// SPDX-License-Identifier: Apache-2.0
#pragma once

// Diagnostics as text for test failure messages: one formatted diagnostic per line.

#include "common/diagnostic.h"

#include <QString>
#include <QStringList>

inline QString describe(const writ::Diagnostics &d)
{
    QStringList lines;
    for (const auto &item : d.items())
        lines << QString::fromStdString(writ::formatDiagnostic(item));
    return lines.join('\n');
}
