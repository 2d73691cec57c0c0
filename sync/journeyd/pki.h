// journeyd's private certificate authority: the CA, the server's certificate
// and one client certificate per enrolled terminal, all EC P-256 and PEM.
// Terminals trust this CA alone; the server trusts client certificates it
// signed and nothing else. Keys come from OpenSSL's CSPRNG; nothing here
// touches files.
#pragma once

#include <loyalpos/result.h>

#include <string>
#include <vector>

namespace loyalpos::journeyd {

struct KeyPair {
  std::string key_pem;  // PKCS#8, unencrypted: keep it 0600
  std::string cert_pem;
};

struct ClientCert {
  KeyPair pair;
  std::string serial_hex;   // lower-case hex, as the server sees it (HttpRequest::peer_serial)
  std::string fingerprint;  // SHA-256 of the DER certificate, lower-case hex
};

// A self-signed CA (CN = `name`), valid 10 years.
Result<KeyPair> make_ca(const std::string& name);

// The server's certificate, signed by `ca`, valid 2 years, for TLS server
// use, with a subjectAltName for each of `hosts` (IP addresses become IP
// entries, anything else DNS).
Result<KeyPair> make_server_cert(const KeyPair& ca, const std::vector<std::string>& hosts);

// A terminal's certificate, signed by `ca`, valid 5 years, for TLS client
// use: CN = enrollment_id, O = store_name, a random 128-bit serial.
Result<ClientCert> make_client_cert(const KeyPair& ca, const std::string& enrollment_id,
                                    const std::string& store_name);

// `bytes` random bytes as lower-case hex (the enrollment ids).
std::string random_hex(std::size_t bytes);

}  // namespace loyalpos::journeyd
