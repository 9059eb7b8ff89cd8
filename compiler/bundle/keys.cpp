// Key pair generation, secret key files and signature blocks (libsodium Ed25519).
#include "compiler/bundle/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/common/byte_io.h"

namespace rulec::bundle {

namespace {

constexpr char kSecretTag[] = "rulec-ed25519-secret-key-v1";

// Creates `path` exclusively with `mode` and writes `text`; removes it again on failure.
bool create_exclusive(const std::string& path, const std::string& text, mode_t mode, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    error = errno == EEXIST ? fmt::format("{} exists already; not overwriting a key", path)
                            : fmt::format("cannot create {}: {}", path, std::strerror(errno));
    return false;
  }
  bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(path.c_str());
    error = fmt::format("cannot write {}: {}", path, std::strerror(saved));
  }
  return ok;
}

}  // namespace

rt::PublicKey SecretKey::public_key() const {
  rt::PublicKey pk;
  crypto_sign_ed25519_sk_to_pk(pk.data(), bytes.data());
  return pk;
}

bool generate_key_pair(const std::string& name, std::string& error) {
  if (sodium_init() < 0) return error = "libsodium failed to initialize", false;
  SecretKey sk;
  rt::PublicKey pk;
  crypto_sign_keypair(pk.data(), sk.bytes.data());
  const std::string secret = fmt::format("{} {}\n", kSecretTag, rt::to_hex(sk.bytes.data(), sk.bytes.size()));
  sodium_memzero(sk.bytes.data(), sk.bytes.size());
  if (!create_exclusive(name + ".key", secret, 0600, error)) return false;
  if (!create_exclusive(name + ".pub", rt::format_public_key(pk), 0644, error)) {
    ::unlink((name + ".key").c_str());
    return false;
  }
  return true;
}

bool read_secret_key(const std::string& path, SecretKey& key, std::string& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return error = fmt::format("cannot read secret key {}: {}", path, std::strerror(errno)), false;
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return error = fmt::format("secret key {} is readable by others (mode {:o}); chmod 600 it", path, st.st_mode & 0777), false;
  std::ifstream in(path);
  std::string tag, hex, extra;
  in >> tag >> hex >> extra;
  if (tag != kSecretTag || !extra.empty() || !rt::from_hex(hex, key.bytes.data(), key.bytes.size()))
    return error = fmt::format("{} is not a rulec secret key (as `rulec keygen` writes)", path), false;
  return true;
}

std::string signature_block(const SecretKey& key, const std::array<uint8_t, kHashSize>& checksum, int64_t signed_at_ms) {
  const std::string msg = rt::signature_message(checksum, signed_at_ms);
  std::array<uint8_t, kSignatureBytes> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key.bytes.data());
  const rt::PublicKey pk = key.public_key();
  rt::ByteWriter w;
  w.raw(std::string_view(kSignatureMagic, 8));
  w.raw(std::string_view(reinterpret_cast<const char*>(pk.data()), pk.size()));
  w.i64(signed_at_ms);
  w.raw(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
  return w.take();
}

}  // namespace rulec::bundle
