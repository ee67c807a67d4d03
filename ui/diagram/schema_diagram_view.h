// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Schema document: relations as cards (name, columns with sensitivity dots) and foreign keys as
// arrows, laid out by Graphviz. Ctrl+wheel or +/- zooms, dragging pans. Big schemas show the
// neighbourhood of one relation (its foreign-key partners) instead of a wall of boxes.

#include <QGraphicsView>

#include <memory>

namespace writ::catalog {
struct Catalog;
}
namespace writ::policy {
struct Policy;
}

namespace writ::ui {

class SensitivityIndex;
class TableCardItem;

class SchemaDiagramView : public QGraphicsView
{
    Q_OBJECT

public:
    /// More relations than this and the diagram shows one relation's neighbourhood.
    static constexpr int kMaxWholeDiagram = 120;

    explicit SchemaDiagramView(QWidget *parent = nullptr);
    ~SchemaDiagramView() override;

    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const policy::Policy *policy = nullptr);
    /// Shows `relation` and its neighbours (`depth` foreign-key hops); empty shows everything when it fits.
    void setFocusRelation(const QString &relation, int depth = 1);
    QString focusRelation() const { return m_focus; }
    /// Marks `relation` selected and centres it, without relayout when it is on the diagram.
    void selectRelation(const QString &relation);

    int relationCount() const;
    int edgeCount() const;
    QStringList relationNames() const;
    QRectF relationRect(const QString &relation) const;
    QString layoutError() const { return m_error; }

    void zoomIn();
    void zoomOut();
    void zoomToFit();

signals:
    void relationClicked(const QString &relation);

protected:
    void wheelEvent(QWheelEvent *event) override;

private:
    void relayout();
    bool exists(const QString &relation) const;
    void showMessage(const QString &text);

    std::shared_ptr<const catalog::Catalog> m_catalog;
    std::unique_ptr<SensitivityIndex> m_sensitivity;
    QString m_focus;
    int m_depth = 1;
    QString m_error;
    QHash<QString, TableCardItem *> m_cards;
    int m_edges = 0;
};

} // namespace writ::ui
