// SPDX-License-Identifier: Apache-2.0
#pragma once

// Gateway health: /v1/status (version, policy in force, sessions, uptime, database) and a few
// /metrics numbers an operator looks at first (decisions by verdict, refusals, audit failures).

#include "ui/operate/refresh_dock.h"

#include <QMap>

class QFormLayout;
class QLabel;

namespace writ::ui {

class HealthDock : public RefreshDock
{
    Q_OBJECT

public:
    explicit HealthDock(GatewayClient &gateway, QWidget *parent = nullptr);

    /// The value shown for `key` (a /v1/status field or a metric name); empty when not shown.
    QString value(const QString &key) const;

protected:
    void request() override;

private:
    void showValue(const QString &key, const QString &value);

    QFormLayout *m_form = nullptr;
    QMap<QString, QLabel *> m_values;
};

/// The value of one Prometheus sample (`name` with its labels, e.g. writ_gateway_statements_total{verdict="allow"}); empty when absent.
QString metricValue(const QString &metricsText, const QString &name);

} // namespace writ::ui
