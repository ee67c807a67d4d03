// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_verify.h"

#include "audit/audit_chain.h"
#include "audit/audit_json.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace writ::audit {

namespace {

/// Verifies lines one at a time, so a file of any size needs memory for one line only.
class ChainVerifier
{
public:
    explicit ChainVerifier(const std::string &key) : m_hash(key) {}

    /// False at the first problem; result() then says where and what.
    bool line(const std::string &text, bool terminated)
    {
        ++m_lineNo;
        if (!terminated)
            return fail("the last line is incomplete (no newline): the file was cut while writing or truncated");
        std::string problem;
        const auto parsed = parseLine(text, problem);
        if (!parsed)
            return fail(problem);
        if (parsed->seq != m_result.records + 1)
            return fail("sequence number " + std::to_string(parsed->seq) + " where " + std::to_string(m_result.records + 1)
                        + " was expected: a record was deleted, inserted or moved");
        if (parsed->prev != m_prev)
            return fail("prev does not match the hash of the record before: a record was deleted, inserted, moved or edited");
        if (m_hash(m_prev, parsed->body) != parsed->hash)
            return fail(!m_hash.keyed() ? "the record's hash does not match its content: the record was edited"
                                      : "the record's HMAC does not match its content: it was edited, or the key is wrong");
        m_prev = parsed->hash;
        ++m_result.records;
        return true;
    }

    VerifyResult finish()
    {
        if (m_result.problem.empty()) {
            m_result.ok = true;
            m_result.lastHash = m_prev;
        }
        return m_result;
    }

private:
    bool fail(std::string problem)
    {
        m_result.badLine = m_lineNo;
        m_result.problem = std::move(problem);
        return false;
    }

    ChainHasher m_hash;
    std::string m_prev = kGenesisHash;
    std::uint64_t m_lineNo = 0;
    VerifyResult m_result;
};

VerifyResult verifyStream(std::istream &in, const std::string &key)
{
    ChainVerifier v(key);
    std::string line;
    while (std::getline(in, line))
        if (!v.line(line, !in.eof()))
            break;
    return v.finish();
}

} // namespace

VerifyResult verifyAuditText(const std::string &text, const std::string &key)
{
    std::istringstream in(text);
    return verifyStream(in, key);
}

VerifyResult verifyAuditFile(const std::string &path, const std::string &key)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        VerifyResult r;
        r.problem = "cannot read " + path + ": " + std::strerror(errno);
        return r;
    }
    return verifyStream(in, key);
}

} // namespace writ::audit
