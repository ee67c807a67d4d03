// SPDX-License-Identifier: Apache-2.0
#include "gateway/gateway_info.h"

#include <writ/version.h>

#include <asio/version.hpp>
#include <openssl/opensslv.h>

namespace writ::gateway {

std::string buildDescription()
{
    return std::string("writ-gateway ") + kVersion + " (PostgreSQL protocol 3.0; Asio " + std::to_string(ASIO_VERSION / 100000) + "."
         + std::to_string(ASIO_VERSION / 100 % 1000) + "; " + OPENSSL_VERSION_TEXT + ")";
}

} // namespace writ::gateway
