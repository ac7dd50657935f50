// Files: read (whole or streamed), write (atomic), delete, rename, move,
// mkdir, list and exists, with the protocol's encodings, MIME choice and
// error codes. The agent runs inside the sandbox's mount namespace, so every
// path (and every symlink) resolves to the sandbox's own files.
#pragma once

#include "agent/AgentConfig.h"
#include "agent/Routes.h"
#include "agent/SessionService.h"
#include "system/MountTable.h"

#include <functional>

namespace sandbench::agent {

inline constexpr std::uint64_t kMaxReadBytes = 32ull * 1024 * 1024; // /api/read cap (413 above)
inline constexpr std::size_t kStreamChunkBytes = 65535;             // /api/read/stream slice

// Atomic writes go through a hidden sibling "."+name+".sandbench-new-N" (or "-replace-N" when a
// file is replaced), renamed over the target; WatchService reports the rename as the create or
// modify it stands for.
std::string atomicTempName(const std::string &name, bool replacing);
// "new" or "replace" for such a temporary name, else empty.
std::string atomicTempKind(std::string_view name);

// MIME type from the extension, else from the first bytes (magic numbers, valid UTF-8 -> text/plain).
std::string detectMimeType(const std::string &path, std::string_view head);
// "/a/./b/../c" -> "/a/c" (lexical: symlinks are left to the kernel).
std::string normalisePath(const std::string &path);
// text/*, the textual application types, +json/+xml: sandbox-api.md §3.2.
bool isTextMimeType(const std::string &mimeType);

std::string base64Encode(std::string_view bytes);
// nullopt when the text has characters outside A-Za-z0-9+/= or a bad length.
std::optional<std::string> base64Decode(std::string_view text);

// A streamed upload to a temporary sibling, renamed over the target only by commit();
// destroyed uncommitted (client gone, disk full), it leaves the old file untouched.
class AtomicUpload {
public:
    AtomicUpload(std::string path, std::string temp, int fd) : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
    AtomicUpload(const AtomicUpload &) = delete;
    AtomicUpload &operator=(const AtomicUpload &) = delete;
    ~AtomicUpload();
    void write(const char *data, std::size_t size); // throws ApiError (NO_SPACE, ...)
    void commit();
    std::uint64_t written() const { return written_; }

private:
    std::string path_;
    std::string temp_;
    int fd_;
    std::uint64_t written_ = 0;
    bool committed_ = false;
};

// An open file to stream out.
struct Download {
    int fd = -1;
    std::uint64_t size = 0;
    std::string path;
    ~Download();
};

class FileService {
public:
    FileService(AgentConfig &config, SessionService &sessions);

    // /api/{read,write,delete,rename,move,mkdir,list-files,exists,read/stream} and the
    // engine's raw transfers, /internal/files.
    void addRoutes(http::RouteTable &table);

    Json read(const Json &body);
    Json write(const Json &body);
    Json remove(const Json &body);
    Json rename(const Json &body, const char *fromField, const char *toField);
    Json mkdir(const Json &body);
    Json list(const Json &body);
    Json exists(const Json &body);
    // SSE events of /api/read/stream; failures become an in-band error event.
    asio::awaitable<void> readStream(Json body, Emit send);

    // Raw transfers for the engine's /files routes (paths relative to the workspace).
    std::unique_ptr<AtomicUpload> beginUpload(const std::string &path);
    std::unique_ptr<Download> openDownload(const std::string &path);

    // An absolute path for the request: relative paths against the session's cwd.
    std::string resolve(const Json &body, const char *field) const;

private:
    // Runs operation on body with the named path fields made absolute here (the session's
    // directory is this thread's). One that reaches into a FUSE mount (a bucket, whose
    // endpoint may hang) runs on a thread of its own: it hangs only its own request.
    asio::awaitable<Json> perform(Json body, std::vector<const char *> pathFields,
                                  std::function<Json(const Json &)> operation);
    static constexpr int kMountOperations = 32; // at once on FUSE mounts; more are refused

    AgentConfig &config_;
    SessionService &sessions_;
    system::FuseMounts fuseMounts_;
    int mountOperations_ = 0;
};

} // namespace sandbench::agent
