// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/client_network.h"

#include "common/text.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

namespace writ::gateway {

namespace {

struct Address
{
    int family = 0; ///< AF_INET or AF_INET6
    std::array<unsigned char, 16> bytes{};
};

std::optional<Address> parse(std::string_view text)
{
    const std::string s(text);
    Address a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.family = AF_INET;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
        a.family = AF_INET6;
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address for every comparison.
        static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(a.bytes.data(), mapped, 12) == 0) {
            Address v4;
            v4.family = AF_INET;
            std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
            return v4;
        }
        return a;
    }
    return std::nullopt;
}

} // namespace

std::string addressOf(std::string_view clientAddress)
{
    const auto colon = clientAddress.rfind(':');
    std::string_view host = colon == std::string_view::npos ? clientAddress : clientAddress.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return std::string(host);
}

bool inCidr(std::string_view address, std::string_view cidr)
{
    const auto slash = cidr.find('/');
    const auto net = parse(cidr.substr(0, slash));
    const auto addr = parse(address);
    if (!net || !addr || net->family != addr->family)
        return false;
    const int maxBits = net->family == AF_INET ? 32 : 128;
    int bits = maxBits;
    if (slash != std::string_view::npos) {
        const std::string_view digits = cidr.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
        if (ec != std::errc() || end != digits.data() + digits.size() || bits < 0 || bits > maxBits)
            return false;
    }
    for (int i = 0; i < bits; ++i) {
        const int byte = i / 8;
        const int mask = 0x80 >> (i % 8);
        if ((net->bytes[static_cast<std::size_t>(byte)] & mask) != (addr->bytes[static_cast<std::size_t>(byte)] & mask))
            return false;
    }
    return true;
}

bool isLoopback(std::string_view address) { return inCidr(address, "127.0.0.0/8") || inCidr(address, "::1/128"); }

bool tlsExempt(std::string_view clientAddress, const TlsConfig &tls)
{
    const std::string address = addressOf(clientAddress);
    if (tls.loopbackExempt && isLoopback(address))
        return true;
    for (const auto &cidr : tls.exemptNetworks)
        if (inCidr(address, cidr))
            return true;
    return false;
}

std::optional<std::string> networkProblem(const policy::Policy &policy, const std::string &agent, std::string_view clientAddress)
{
    const policy::Agent *a = policy.findAgent(agent);
    if (!a)
        return "agent " + agent + " is not in the deployed policy";
    const std::string address = addressOf(clientAddress);
    std::vector<std::string> ranges;
    for (const auto &identity : a->identities) {
        if (identity.network.empty())
            return std::nullopt; // this identity may connect from anywhere
        for (const auto &cidr : identity.network) {
            if (inCidr(address, cidr))
                return std::nullopt;
            ranges.push_back(cidr);
        }
    }
    if (ranges.empty())
        return std::nullopt;
    return "agent " + agent + " may connect only from " + joinList(ranges) + ", not from " + address;
}

} // namespace writ::gateway
