// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_chain.h"

#include "audit/audit_json.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>

namespace writ::audit {

namespace {

std::string hex(const unsigned char *data, unsigned int length)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0x0f];
    }
    return out;
}

} // namespace

std::string chainHash(const std::string &key, const std::string &prev, const std::string &body)
{
    std::string input;
    input.reserve(prev.size() + 1 + body.size());
    input.append(prev).append("\n").append(body);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (key.empty())
        EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
    else
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(input.data()),
             input.size(), digest, &length);
    return hex(digest, length);
}

std::string AuditChain::seal(const AuditEvent &event)
{
    AuditEvent e = event;
    if (e.timeMicros == 0)
        e.timeMicros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string body = recordBody(e, m_seq + 1, m_prev);
    const std::string hash = chainHash(m_key, m_prev, body);
    ++m_seq;
    m_prev = hash;
    return withHash(body, hash);
}

} // namespace writ::audit
