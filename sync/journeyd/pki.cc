// OpenSSL 3 EVP/X509 only (no RSA_* / EC_KEY_*). Every handle lives in a
// unique_ptr with its free function.
#include "sync/journeyd/pki.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace loyalpos::journeyd {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

constexpr long kDay = 24L * 60 * 60;

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 0xF]);
  }
  return out;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<std::string> key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Error::internal("cannot write a private key as PEM");
  }
  return bio_text(bio.get());
}

Result<std::string> cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return Error::internal("cannot write a certificate as PEM");
  }
  return bio_text(bio.get());
}

Result<Key> read_key(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return Error::invalid("the CA key is not a PEM private key");
  return key;
}

Result<Cert> read_cert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return Error::invalid("the CA certificate is not a PEM certificate");
  return cert;
}

Result<Key> new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return Error::internal("cannot generate an EC P-256 key");
  return key;
}

// A random positive 128-bit serial (RFC 5280: at most 20 octets, positive).
Status set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Error::internal("no randomness for a serial");
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7F) | 0x40);  // positive, full length
  Bignum bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return Error::internal("cannot set a certificate serial");
  }
  return ok_status();
}

Status add_name(X509_NAME* name, const char* field, const std::string& value) {
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                 0) != 1) {
    return Error::invalid(std::string("cannot put \"") + value + "\" in a certificate's " + field);
  }
  return ok_status();
}

Status add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Error::invalid("cannot add the certificate extension " + value);
  }
  return ok_status();
}

// A certificate for `key`'s public half with `subject`, signed by
// issuer/issuer_key (itself when both are null), valid `days`.
struct Spec {
  std::string cn;
  std::string org;
  long days = 365;
  std::vector<std::pair<int, std::string>> extensions;
};

Result<Cert> make_cert(EVP_PKEY* key, const Spec& spec, X509* issuer, EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  if (!cert) return Error::internal("cannot allocate a certificate");
  X509_set_version(cert.get(), 2);  // v3
  LOYALPOS_TRY(set_random_serial(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kDay);  // tolerate clocks a little behind
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.days * kDay);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!spec.org.empty()) LOYALPOS_TRY(add_name(name, "O", spec.org));
  LOYALPOS_TRY(add_name(name, "CN", spec.cn));
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  for (const auto& [nid, value] : spec.extensions) {
    LOYALPOS_TRY(add_ext(cert.get(), signer, nid, value));
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return Error::internal("cannot sign a certificate");
  }
  return cert;
}

bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// A key and its certificate as the PEM texts the data folder and bundles keep.
Result<KeyPair> pem_pair(EVP_PKEY* key, X509* cert) {
  auto k = key_pem(key);
  if (!k.ok()) return k.error();
  auto c = cert_pem(cert);
  if (!c.ok()) return c.error();
  return KeyPair{*k, *c};
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    throw std::runtime_error("OpenSSL's CSPRNG failed");  // not recoverable
  }
  return hex(buf.data(), buf.size());
}

Result<KeyPair> make_ca(const std::string& name) {
  auto key = new_key();
  if (!key.ok()) return key.error();
  Spec spec{name,
            "",
            3650,
            {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
             {NID_key_usage, "critical,keyCertSign,cRLSign"},
             {NID_subject_key_identifier, "hash"}}};
  auto cert = make_cert(key->get(), spec, nullptr, nullptr);
  if (!cert.ok()) return cert.error();
  return pem_pair(key->get(), cert->get());
}

Result<KeyPair> make_server_cert(const KeyPair& ca, const std::vector<std::string>& hosts) {
  if (hosts.empty()) return Error::invalid("a server certificate needs at least one host");
  auto ca_key = read_key(ca.key_pem);
  if (!ca_key.ok()) return ca_key.error();
  auto ca_cert = read_cert(ca.cert_pem);
  if (!ca_cert.ok()) return ca_cert.error();
  std::string san;
  for (const auto& host : hosts) {
    if (host.empty() || host.find_first_of(",\n") != std::string::npos) {
      return Error::invalid("\"" + host + "\" is not a host name or IP address");
    }
    san += (san.empty() ? "" : ",") + std::string(is_ip(host) ? "IP:" : "DNS:") + host;
  }
  auto key = new_key();
  if (!key.ok()) return key.error();
  Spec spec{hosts.front(),
            "",
            730,
            {{NID_basic_constraints, "critical,CA:FALSE"},
             {NID_key_usage, "critical,digitalSignature"},
             {NID_ext_key_usage, "serverAuth"},
             {NID_subject_alt_name, san},
             {NID_authority_key_identifier, "keyid"}}};
  auto cert = make_cert(key->get(), spec, ca_cert->get(), ca_key->get());
  if (!cert.ok()) return cert.error();
  return pem_pair(key->get(), cert->get());
}

Result<ClientCert> make_client_cert(const KeyPair& ca, const std::string& enrollment_id,
                                    const std::string& store_name) {
  auto ca_key = read_key(ca.key_pem);
  if (!ca_key.ok()) return ca_key.error();
  auto ca_cert = read_cert(ca.cert_pem);
  if (!ca_cert.ok()) return ca_cert.error();
  auto key = new_key();
  if (!key.ok()) return key.error();
  Spec spec{enrollment_id,
            store_name,
            5 * 365,
            {{NID_basic_constraints, "critical,CA:FALSE"},
             {NID_key_usage, "critical,digitalSignature"},
             {NID_ext_key_usage, "clientAuth"},
             {NID_authority_key_identifier, "keyid"}}};
  auto cert = make_cert(key->get(), spec, ca_cert->get(), ca_key->get());
  if (!cert.ok()) return cert.error();
  ClientCert out;
  auto pair = pem_pair(key->get(), cert->get());
  if (!pair.ok()) return pair.error();
  out.pair = std::move(*pair);
  Bignum serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert->get()), nullptr));
  if (!serial) return Error::internal("cannot read a certificate serial");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(serial.get())));
  BN_bn2bin(serial.get(), bytes.data());
  out.serial_hex = hex(bytes.data(), bytes.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(cert->get(), EVP_sha256(), md, &md_len) != 1) {
    return Error::internal("cannot fingerprint a certificate");
  }
  out.fingerprint = hex(md, md_len);
  return out;
}

}  // namespace loyalpos::journeyd
