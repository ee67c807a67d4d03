// SPDX-License-Identifier: Apache-2.0
#include "compile/naming.h"

#include <openssl/evp.h>

#include <cstdio>

namespace writ::compile {

std::string sha256Hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    hex.reserve(length * 2);
    char buf[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", digest[i]);
        hex += buf;
    }
    return hex;
}

std::string shortenIdentifier(const std::string &text)
{
    if (text.size() <= kMaxIdentifierBytes)
        return text;
    const std::string suffix = "_" + sha256Hex(text).substr(0, 8);
    std::size_t head = kMaxIdentifierBytes - suffix.size();
    // Do not cut a UTF-8 sequence in half.
    while (head > 0 && (static_cast<unsigned char>(text[head]) & 0xC0) == 0x80)
        --head;
    return text.substr(0, head) + suffix;
}

std::string taskTypeRoleName(std::string_view agent, std::string_view task)
{
    return shortenIdentifier(std::string(kManagedPrefix) + std::string(agent) + "/" + std::string(task));
}

std::string viewSchemaName(std::string_view agent, std::string_view task)
{
    return shortenIdentifier("writ_v_" + std::string(agent) + "/" + std::string(task));
}

std::string policyName(std::string_view role, std::string_view command)
{
    return shortenIdentifier(std::string(role) + ":" + std::string(command));
}

std::string passThroughPolicyName(std::string_view role, std::string_view command)
{
    return shortenIdentifier("writ_keep:" + std::string(role) + ":" + std::string(command));
}

std::string jitRoleName(std::string_view taskId)
{
    return shortenIdentifier("writ_task_" + std::string(taskId));
}

bool isManagedName(std::string_view name)
{
    return name.substr(0, 5) == kManagedPrefix;
}

} // namespace writ::compile
