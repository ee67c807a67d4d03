// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_chain.h"

#include "audit/audit_json.h"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <chrono>
#include <stdexcept>

namespace writ::audit {

namespace {

std::string hex(const unsigned char *data, unsigned int length)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(std::size_t(length) * 2, '\0');
    for (unsigned int i = 0; i < length; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return out;
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

std::string ChainHasher::operator()(const std::string &prev, const std::string &body) const
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    static constexpr unsigned char newline = '\n';
    if (!m_keyed) {
        unsigned int length = 0;
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        const bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), nullptr) && EVP_DigestUpdate(md, prev.data(), prev.size())
                        && EVP_DigestUpdate(md, &newline, 1) && EVP_DigestUpdate(md, body.data(), body.size())
                        && EVP_DigestFinal_ex(md, digest, &length);
        EVP_MD_CTX_free(md);
        return ok ? hex(digest, length) : std::string();
    }
    // Initialising without a key resets the context to the key set in the constructor (the key
    // schedule is not done again).
    std::size_t length = 0;
    const bool ok = EVP_MAC_init(m_keyed, nullptr, 0, nullptr)
                    && EVP_MAC_update(m_keyed, reinterpret_cast<const unsigned char *>(prev.data()), prev.size())
                    && EVP_MAC_update(m_keyed, &newline, 1)
                    && EVP_MAC_update(m_keyed, reinterpret_cast<const unsigned char *>(body.data()), body.size())
                    && EVP_MAC_final(m_keyed, digest, &length, sizeof digest);
    // An empty hash never matches: a record that could not be hashed fails verification instead of passing.
    return ok ? hex(digest, static_cast<unsigned int>(length)) : std::string();
}

std::string AuditChain::seal(const AuditEvent &event)
{
    const std::int64_t time = event.timeMicros != 0
                                  ? event.timeMicros
                                  : std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string line = recordBody(event, time, m_seq + 1, m_prev);
    const std::string hash = m_hash(m_prev, line);
    ++m_seq;
    m_prev = hash;
    appendHash(line, hash);
    return line;
}

} // namespace writ::audit
