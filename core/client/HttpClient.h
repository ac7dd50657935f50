// A small blocking HTTP client for the engine API (CLI, tests, benchmark):
// keep-alive, bearer token, whole responses or streamed bodies, SSE parsing.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sandbench::client {

using Json = nlohmann::json;

struct EngineAddress {
    std::string url;   // http://127.0.0.1:PORT
    std::string token;
    std::string stateDir = {}; // as engine.json says (empty when it does not)
};

// Reads engine.json (DIR/engine.json); nullopt with a reason when missing or invalid.
std::optional<EngineAddress> readEngineFile(const std::string &path, std::string *reason = nullptr);

struct HttpResult {
    int status = 0;
    std::string body;
    std::string contentType;
    std::vector<std::pair<std::string, std::string>> headers; // as received
    Json json() const { return Json::parse(body, nullptr, false); }
    // A header's value (name compared without case), or empty.
    std::string header(std::string_view name) const;
};

class HttpClient {
public:
    explicit HttpClient(EngineAddress address);
    ~HttpClient();
    HttpClient(HttpClient &&) noexcept;

    // Throws std::runtime_error when the engine cannot be reached.
    HttpResult request(const std::string &method, const std::string &target, const std::string &body = {},
                       const std::vector<std::pair<std::string, std::string>> &headers = {});
    HttpResult requestJson(const std::string &method, const std::string &target, const Json &body)
    {
        return request(method, target, body.dump());
    }

    // Streams the response body to onData (return false to stop early). Returns the status;
    // throws when the body is cut short (connection lost mid-stream).
    int stream(const std::string &method, const std::string &target, const std::string &body,
               const std::function<bool(std::string_view)> &onData);

    // Streams an SSE response, calling onEvent per parsed `data:` JSON (return false to stop).
    int streamEvents(const std::string &method, const std::string &target, const std::string &body,
                     const std::function<bool(const Json &)> &onEvent);

    // Sends size bytes pulled from read (which fills a buffer and returns the count, 0 at end)
    // as the body of a PUT, without holding them whole. onProgress gets the bytes sent so far.
    HttpResult upload(const std::string &target, std::uint64_t size,
                      const std::function<std::size_t(char *, std::size_t)> &read,
                      const std::function<void(std::uint64_t)> &onProgress = {});
    // The same from an open file (size bytes from its offset), copied by the kernel (sendfile).
    HttpResult uploadFile(const std::string &target, int fd, std::uint64_t size,
                          const std::function<void(std::uint64_t)> &onProgress = {});

private:
    // Sends the PUT header, then calls sendSome (bytes it sent, 0 when the source ended)
    // until size bytes went out, then reads the answer.
    HttpResult sendUpload(const std::string &target, std::uint64_t size,
                          const std::function<std::size_t(int socket, std::uint64_t left)> &sendSome,
                          const std::function<void(std::uint64_t)> &onProgress);

    struct Connection;
    std::unique_ptr<Connection> connection_;
    EngineAddress address_;
};

} // namespace sandbench::client
