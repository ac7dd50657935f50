// Random and stable identifiers: tokens, boot ids, and names derived from text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sandbench::system {

// Fills data from /dev/urandom; throws std::runtime_error naming purpose when it cannot.
void randomBytes(unsigned char *data, std::size_t size, const std::string &purpose);

// 32 random bytes in hexadecimal: a secret (the engine's token, tickets, browser keys).
std::string randomSecret(const std::string &purpose);

// Lower-case hexadecimal of the bytes.
std::string hexOf(const unsigned char *data, std::size_t size);

// length characters drawn from alphabet: ids that must not collide by chance (process
// ids, temporary names), never secrets (use randomBytes for those).
std::string randomText(std::size_t length, std::string_view alphabet = "0123456789abcdef");

// A random (version 4) UUID in its usual text form, lower case.
std::string randomUuid();

// Compares a secret (token, ticket) in time that does not depend on where they differ.
bool secretsEqual(std::string_view given, std::string_view expected);

// FNV-1a, 64 bits: short stable names derived from text (never for secrets).
std::uint64_t stableHash(std::string_view text);

} // namespace sandbench::system
