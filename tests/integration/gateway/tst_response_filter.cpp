// SPDX-License-Identifier: Apache-2.0
// The response filter, message by message: refusals swapped in for poison errors, discarded
// statements of a failed batch, the row limit, completions for the audit log.

#include "gateway/protocol/backend.h"
#include "gateway/protocol/message_builder.h"
#include "gateway/protocol/tags.h"
#include "gateway/session/response_filter.h"

#include <QtTest>

using namespace writ::gateway;
namespace proto = writ::gateway::protocol;

namespace {

/// The body of one encoded message (type byte and length stripped).
std::vector<std::uint8_t> body(const std::vector<std::uint8_t> &message) { return {message.begin() + 5, message.end()}; }

std::vector<std::uint8_t> error(const std::string &code, const std::string &message)
{
    proto::ErrorFields e;
    e.code = code;
    e.message = message;
    std::vector<std::uint8_t> out;
    proto::encodeError(out, e);
    return body(out);
}

std::vector<std::uint8_t> complete(const std::string &tag)
{
    std::vector<std::uint8_t> out;
    proto::encodeCommandComplete(out, tag);
    return body(out);
}

std::vector<std::uint8_t> ready(char status)
{
    std::vector<std::uint8_t> out;
    proto::encodeReadyForQuery(out, status);
    return body(out);
}

const std::vector<std::uint8_t> kRow = {0, 1, 0, 0, 0, 1, '7'};

PendingStatement statement(const std::string &sql) { return {std::make_shared<const StatementText>(StatementText{sql, nullptr})}; }

std::vector<CompletedStatement> completed(ResponseFilter &f)
{
    std::vector<CompletedStatement> done;
    f.takeCompleted(done);
    return done;
}

proto::ErrorFields refusal()
{
    proto::ErrorFields e;
    e.code = "42501";
    e.message = "writ: column x is not in scope";
    return e;
}

} // namespace

class TestResponseFilter : public QObject
{
    Q_OBJECT

private slots:
    void poisonErrorBecomesTheRefusal()
    {
        ResponseFilter f;
        const std::string marker = f.poisoned(refusal(), true);
        QCOMPARE(f.outstanding(), std::uint64_t(1));
        const auto r = f.onUpstream(proto::be::ErrorResponse, error("42601", "syntax error at or near \"" + marker + "\""));
        QCOMPARE(r.action, ResponseFilter::Action::Replace);
        const auto replaced = proto::decodeError(body(r.replacement));
        QVERIFY(replaced);
        QCOMPARE(replaced->code, std::string("42501"));
        QCOMPARE(replaced->message, refusal().message);
        QCOMPARE(f.onUpstream(proto::be::ReadyForQuery, ready('I')).action, ResponseFilter::Action::Relay);
        QCOMPARE(f.outstanding(), std::uint64_t(0));
        QVERIFY(completed(f).empty()); // a refusal is audited when decided, not as a statement
    }

    void otherErrorsPassThroughUntouched()
    {
        ResponseFilter f;
        f.poisoned(refusal(), true);
        const auto r = f.onUpstream(proto::be::ErrorResponse, error("42P01", "relation \"nope\" does not exist"));
        QCOMPARE(r.action, ResponseFilter::Action::Relay);
    }

    void statementsAfterAFailureInABatchDidNotRun()
    {
        ResponseFilter f;
        f.forwardedExecute(statement("SELECT 1"));
        const std::string marker = f.poisoned(refusal(), false); // a denied Parse in the same batch
        f.forwardedExecute(statement("SELECT 2"));
        f.forwardedSync();
        QCOMPARE(f.onUpstream(proto::be::CommandComplete, complete("SELECT 1")).action, ResponseFilter::Action::Relay);
        QCOMPARE(f.onUpstream(proto::be::ErrorResponse, error("42601", "at or near \"" + marker + "\"")).action,
                 ResponseFilter::Action::Replace);
        f.onUpstream(proto::be::ReadyForQuery, ready('I'));
        const auto done = completed(f);
        QCOMPARE(done.size(), std::size_t(2));
        QCOMPARE(done[0].statement.text->sql, std::string("SELECT 1"));
        QVERIFY(done[0].ran);
        QCOMPARE(done[0].rows, std::int64_t(1));
        QCOMPARE(done[1].statement.text->sql, std::string("SELECT 2"));
        QVERIFY(!done[1].ran);
    }

    void discardedPoisonIsForgottenAtTheEndOfItsBatch()
    {
        ResponseFilter f;
        f.forwardedExecute(statement("SELECT broken"));
        const std::string marker = f.poisoned(refusal(), false);
        f.forwardedSync();
        // The first statement fails for its own reasons; the server discards the poison Parse.
        QCOMPARE(f.onUpstream(proto::be::ErrorResponse, error("22012", "division by zero")).action, ResponseFilter::Action::Relay);
        f.onUpstream(proto::be::ReadyForQuery, ready('I'));
        // A later error that happens to mention the old marker is not swapped.
        QCOMPARE(f.onUpstream(proto::be::ErrorResponse, error("42601", marker)).action, ResponseFilter::Action::Relay);
        const auto done = completed(f);
        QCOMPARE(done.size(), std::size_t(1));
        QCOMPARE(done[0].sqlstate, std::string("22012"));
    }

    void rowLimitCutsTheStatementAndAsksForCancel()
    {
        ResponseFilter f(2);
        f.forwardedQuery(statement("SELECT * FROM big"));
        QCOMPARE(f.onUpstream(proto::be::DataRow, kRow).action, ResponseFilter::Action::Relay);
        QCOMPARE(f.onUpstream(proto::be::DataRow, kRow).action, ResponseFilter::Action::Relay);
        const auto third = f.onUpstream(proto::be::DataRow, kRow);
        QCOMPARE(third.action, ResponseFilter::Action::Drop);
        QVERIFY(third.cancelUpstream);
        const auto fourth = f.onUpstream(proto::be::DataRow, kRow);
        QCOMPARE(fourth.action, ResponseFilter::Action::Drop);
        QVERIFY(!fourth.cancelUpstream); // asked once
        const auto end = f.onUpstream(proto::be::ErrorResponse, error("57014", "canceling statement due to user request"));
        QCOMPARE(end.action, ResponseFilter::Action::Replace);
        QCOMPARE(proto::decodeError(body(end.replacement))->code, std::string("54000"));
        f.onUpstream(proto::be::ReadyForQuery, ready('I'));
        const auto done = completed(f);
        QCOMPARE(done.size(), std::size_t(1));
        QVERIFY(done[0].rowLimitHit);
        // The next statement starts counting afresh.
        f.forwardedQuery(statement("SELECT 1"));
        QCOMPARE(f.onUpstream(proto::be::DataRow, kRow).action, ResponseFilter::Action::Relay);
    }

    void rowLimitAlsoReplacesACompletionThatWonTheRace()
    {
        ResponseFilter f(1);
        f.forwardedQuery(statement("SELECT * FROM big"));
        f.onUpstream(proto::be::DataRow, kRow);
        f.onUpstream(proto::be::DataRow, kRow);
        const auto end = f.onUpstream(proto::be::CommandComplete, complete("SELECT 2"));
        QCOMPARE(end.action, ResponseFilter::Action::Replace);
    }

    void simpleQueryCompletesAtReadyForQuery()
    {
        ResponseFilter f;
        f.forwardedQuery(statement("INSERT ...; UPDATE ..."));
        f.onUpstream(proto::be::CommandComplete, complete("INSERT 0 3"));
        f.onUpstream(proto::be::CommandComplete, complete("UPDATE 2"));
        QVERIFY(completed(f).empty());
        f.onUpstream(proto::be::ReadyForQuery, ready('T'));
        const auto done = completed(f);
        QCOMPARE(done.size(), std::size_t(1));
        QCOMPARE(done[0].rows, std::int64_t(5));
        QCOMPARE(f.transactionStatus(), 'T');
    }
};

QTEST_GUILESS_MAIN(TestResponseFilter)
#include "tst_response_filter.moc"
