// Test helpers: run a coroutine to completion on an io_context, and a real
// sandbenchd started in temporary directories for one test suite.
#pragma once

#include "client/HttpClient.h"
#include "protocol/Protocol.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <QProcess>
#include <QTemporaryDir>

#include <exception>
#include <functional>
#include <memory>
#include <optional>

namespace sandbench::test {

template <class T>
T runAwait(boost::asio::io_context &io, boost::asio::awaitable<T> work)
{
    std::optional<T> result;
    std::exception_ptr failure;
    bool done = false;
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, T value) {
        failure = error;
        if (!error)
            result = std::move(value);
        done = true;
    });
    io.restart();
    while (!done)
        io.run_one();
    if (failure)
        std::rethrow_exception(failure);
    return std::move(*result);
}

inline void runAwait(boost::asio::io_context &io, boost::asio::awaitable<void> work)
{
    std::exception_ptr failure;
    bool done = false;
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error) {
        failure = error;
        done = true;
    });
    io.restart();
    while (!done)
        io.run_one();
    if (failure)
        std::rethrow_exception(failure);
}

// The protocol error code a call fails with ("no error" when it succeeds); context optional.
inline std::string errorCodeOf(const std::function<void()> &call, nlohmann::json *context = nullptr)
{
    try {
        call();
    } catch (const protocol::ApiError &error) {
        if (context)
            *context = error.context;
        return error.code;
    }
    return "no error";
}

// Runs the io_context for a while (lets detached coroutines progress).
void pump(boost::asio::io_context &io, int milliseconds);

// A sandbenchd in temporary state and runtime directories.
class EngineHarness {
public:
    // stateDir empty: a temporary directory of its own. extraArguments go to sandbenchd.
    explicit EngineHarness(QString stateDir = {}, QStringList extraArguments = {});
    ~EngineHarness();

    // Starts (or restarts, on the same state directory) the engine. Returns false with a message on failure.
    bool start(QString *error = nullptr);
    // SIGTERM (sandboxes stop, unless stopSandboxesOnExit is false) or SIGKILL (they keep running).
    void stop(bool kill = false);
    bool stopSandboxesOnExit = true;

    client::HttpClient &http() { return *http_; }
    client::HttpClient newClient() const { return client::HttpClient(address_); }
    const client::EngineAddress &address() const { return address_; }
    QString stateDir() const { return stateDir_.isEmpty() ? state_.path() : stateDir_; }
    QString engineFile() const { return runtime_.path() + "/engine.json"; }
    int port() const;
    qint64 pid() const { return process_.processId(); }

    static QString binary(const QString &name);

    // Runs a command in a sandbox through the engine: {exitCode, stdout, stderr} or an error envelope.
    client::Json exec(const std::string &sandbox, const std::string &command, const client::Json &extra = client::Json::object());

private:
    QTemporaryDir state_;
    QString stateDir_;
    QStringList extraArguments_;
    QTemporaryDir runtime_;
    QProcess process_;
    client::EngineAddress address_;
    std::unique_ptr<client::HttpClient> http_;
};

} // namespace sandbench::test
