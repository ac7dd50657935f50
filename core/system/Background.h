// Completion token for coroutines that run on their own: a failure is
// logged with the task's name instead of escaping io_context::run() and
// taking the whole engine or agent down.
#pragma once

#include <exception>
#include <iostream>

namespace sandbench::system {

struct LogFailure {
    const char *task;
    void operator()(std::exception_ptr failure) const
    {
        if (!failure)
            return;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception &error) {
            std::cerr << "sandbench: " << task << " failed: " << error.what() << std::endl;
        } catch (...) {
            std::cerr << "sandbench: " << task << " failed" << std::endl;
        }
    }
};

inline LogFailure inBackground(const char *task)
{
    return LogFailure{task};
}

} // namespace sandbench::system
