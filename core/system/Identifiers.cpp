#include "system/Identifiers.h"

#include <random>

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

namespace sandbench::system {

void randomBytes(unsigned char *data, std::size_t size, const std::string &purpose)
{
    const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && read(fd, data, size) == static_cast<ssize_t>(size);
    if (fd >= 0)
        close(fd);
    if (!ok)
        throw std::runtime_error("cannot read /dev/urandom for " + purpose);
}

std::string randomSecret(const std::string &purpose)
{
    unsigned char bytes[32];
    randomBytes(bytes, sizeof bytes, purpose);
    return hexOf(bytes, sizeof bytes);
}

std::string hexOf(const unsigned char *data, std::size_t size)
{
    std::string text;
    for (std::size_t i = 0; i < size; ++i) {
        text += "0123456789abcdef"[data[i] >> 4];
        text += "0123456789abcdef"[data[i] & 15];
    }
    return text;
}

std::uint64_t stableHash(std::string_view text)
{
    std::uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : text)
        hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

std::string randomText(std::size_t length, std::string_view alphabet)
{
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::string text;
    text.reserve(length);
    for (std::size_t i = 0; i < length; ++i)
        text += alphabet[generator() % alphabet.size()];
    return text;
}

bool secretsEqual(std::string_view given, std::string_view expected)
{
    if (given.size() != expected.size())
        return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < given.size(); ++i)
        difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return difference == 0;
}

std::string randomUuid()
{
    unsigned char bytes[16];
    randomBytes(bytes, sizeof bytes, "a UUID");
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const std::string hex = hexOf(bytes, sizeof bytes);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20);
}

} // namespace sandbench::system
