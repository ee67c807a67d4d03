// SPDX-License-Identifier: Apache-2.0
#pragma once

// The SQL document tab: "Compiled" is the GRANT/RLS script the policy compiles to against the
// connected catalog, recompiled on every edit; "Plan" is what `writ plan` says against the
// connected database (what apply would run), computed on a worker thread on request.

#include <QWidget>

#include <memory>

class QLabel;
class QTabWidget;
class QToolButton;
class QsciScintilla;
template<typename T>
class QFutureWatcher;

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

struct FloorSql;
class PolicyDocument;

class FloorSqlView : public QWidget
{
    Q_OBJECT

public:
    explicit FloorSqlView(PolicyDocument *document, QWidget *parent = nullptr);
    ~FloorSqlView() override;

    /// `conninfo` empty: a snapshot or no database, so there is nothing to plan against.
    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const QString &conninfo);

    QString compiledText() const;
    QString planText() const;
    QString statusText() const;
    bool isPlanning() const;
    void showPlan();
    void showCompiled();

public slots:
    /// Starts `writ plan` against the connected database in the background.
    void refreshPlan();

signals:
    void planFinished();

private:
    void recompile();
    void onPlanDone();

    PolicyDocument *m_document;
    std::shared_ptr<const catalog::Catalog> m_catalog;
    QString m_conninfo;
    QTabWidget *m_tabs = nullptr;
    QsciScintilla *m_compiled = nullptr;
    QsciScintilla *m_plan = nullptr;
    QLabel *m_status = nullptr;
    QToolButton *m_refresh = nullptr;
    QFutureWatcher<FloorSql> *m_watcher = nullptr;
    bool m_planStale = true;
};

} // namespace writ::ui
