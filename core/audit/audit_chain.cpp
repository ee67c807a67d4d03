// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_chain.h"

#include "audit/audit_json.h"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <stdexcept>

namespace writ::audit {

namespace {

void writeHex(const unsigned char *data, std::size_t length, char *out)
{
    static constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < length; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
}

} // namespace

ChainHasher::ChainHasher(const std::string &key)
{
    if (key.empty())
        return;
    EVP_MAC *hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!hmac)
        throw std::runtime_error("OpenSSL offers no HMAC");
    m_keyed = EVP_MAC_CTX_new(hmac);
    EVP_MAC_free(hmac);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    if (!m_keyed || !EVP_MAC_init(m_keyed, reinterpret_cast<const unsigned char *>(key.data()), key.size(), params)) {
        EVP_MAC_CTX_free(m_keyed);
        throw std::runtime_error("cannot key HMAC-SHA256 with the audit key");
    }
}

ChainHasher::~ChainHasher()
{
    EVP_MAC_CTX_free(m_keyed);
}

bool ChainHasher::hexDigest(std::string_view prev, std::string_view body, char *hex) const
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    static constexpr unsigned char newline = '\n';
    std::size_t length = 0;
    bool ok = false;
    if (!m_keyed) {
        unsigned int mdLength = 0;
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        ok = md && EVP_DigestInit_ex(md, EVP_sha256(), nullptr) && EVP_DigestUpdate(md, prev.data(), prev.size())
             && EVP_DigestUpdate(md, &newline, 1) && EVP_DigestUpdate(md, body.data(), body.size())
             && EVP_DigestFinal_ex(md, digest, &mdLength);
        EVP_MD_CTX_free(md);
        length = mdLength;
    } else {
        // Initialising without a key resets the context to the key set in the constructor (the key
        // schedule is not done again).
        ok = EVP_MAC_init(m_keyed, nullptr, 0, nullptr)
             && EVP_MAC_update(m_keyed, reinterpret_cast<const unsigned char *>(prev.data()), prev.size())
             && EVP_MAC_update(m_keyed, &newline, 1)
             && EVP_MAC_update(m_keyed, reinterpret_cast<const unsigned char *>(body.data()), body.size())
             && EVP_MAC_final(m_keyed, digest, &length, sizeof digest);
    }
    if (!ok || length * 2 != kHashHexLength)
        return false;
    writeHex(digest, length, hex);
    return true;
}

std::string ChainHasher::operator()(std::string_view prev, std::string_view body) const
{
    char hex[kHashHexLength];
    // An empty hash never matches: a record that could not be hashed fails verification instead of passing.
    return hexDigest(prev, body, hex) ? std::string(hex, sizeof hex) : std::string();
}

std::string AuditChain::seal(const AuditEvent &event)
{
    std::string line;
    sealInto(line, draftRecord(event));
    return line;
}

void AuditChain::sealInto(std::string &out, const RecordDraft &draft)
{
    const std::size_t start = out.size();
    appendRecordBody(out, draft, m_seq + 1, m_prev);
    char hex[kHashHexLength];
    // A record that could not be hashed gets an empty hash, which never verifies (nor does the next
    // record's prev): the break shows instead of passing.
    const std::string_view hash = m_hash.hexDigest(m_prev, std::string_view(out).substr(start), hex) ? std::string_view(hex, sizeof hex)
                                                                                                      : std::string_view();
    out.pop_back(); // the closing brace
    out.append(kHashMember).append(hash).append("\"}");
    ++m_seq;
    m_prev.assign(hash);
}

} // namespace writ::audit
