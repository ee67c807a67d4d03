// SPDX-License-Identifier: Apache-2.0
#pragma once

// One side of a review as the studio reads it: a file, a file at a git revision, the open draft, or
// the policy the connected gateway enforces. Each reader blocks (git, the admin API, the database),
// so the Review action runs them off the UI thread.

#include <QString>

namespace writ::ui {

struct ReviewVersion
{
    QString label; ///< how the review names it: the file path, git:REV:path, "gateway v3"
    QString text; ///< the policy YAML
    QString error; ///< why it could not be read; empty on success

    bool ok() const { return error.isEmpty(); }
};

ReviewVersion versionFromFile(const QString &path);

/// `path` as it is at `revision` of the git repository holding it: `git show REV:./name`, run in the
/// file's directory with the revision checked first (core/review/git_show.h's rules).
ReviewVersion versionFromGit(const QString &revision, const QString &path);

/// What the gateway at `url` enforces, as its admin API serves it (GET /v1/policy?text=true).
ReviewVersion versionFromGateway(const QString &url, const QString &tokenFile);

} // namespace writ::ui
