// Ed25519 signing keys (libsodium): `rulec keygen` files and bundle signing.
#pragma once

#include <array>
#include <string>

#include "runtime/loader/bundle_file.h"

namespace rulec::bundle {

struct SecretKey {
  std::array<uint8_t, 64> bytes{};  // libsodium's secret key (seed and public key)
  rt::PublicKey public_key() const;
};

// Writes NAME.key (secret, created with mode 0600, never overwritten) and NAME.pub. False with
// the reason; nothing is left half-written.
[[nodiscard]] bool generate_key_pair(const std::string& name, std::string& error);
// Reads NAME.key; refuses a key file others can read. False with the reason.
[[nodiscard]] bool read_secret_key(const std::string& path, SecretKey& key, std::string& error);

// The signature block (bundle_format.h) for a bundle with this checksum, signed at `signed_at_ms`.
std::string signature_block(const SecretKey& key, const std::array<uint8_t, rulec::bundle::kHashSize>& checksum,
                            int64_t signed_at_ms);

}  // namespace rulec::bundle
