// FileService on a temporary directory of the host: encodings, atomic
// writes, the error codes, listings and streamed reads.
#include "agent/FileService.h"
#include "protocol/Protocol.h"
#include "support/EngineHarness.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace sandbench;
using namespace sandbench::agent;
using test::runAwait;

class FileServiceTest : public QObject {
    Q_OBJECT

private:
    boost::asio::io_context io;
    QTemporaryDir workspace;
    QTemporaryDir scratch;
    AgentConfig config;
    std::unique_ptr<SessionService> sessions;
    std::unique_ptr<FileService> files;
    std::string root;

    std::string at(const std::string &relative) const { return root + "/" + relative; }

    std::vector<Json> stream(const std::string &path)
    {
        std::vector<Json> events;
        runAwait(io, files->readStream(Json{{"path", path}}, [&events](const Json &event) -> asio::awaitable<bool> {
            events.push_back(event);
            co_return true;
        }));
        return events;
    }

private slots:
    void initTestCase()
    {
        root = workspace.path().toStdString();
        config.workspace = root;
        config.scratchDir = scratch.path().toStdString() + "/agent";
        config.home = "/";
        config.baseEnv = {{"PATH", "/usr/bin:/bin"}};
        sessions = std::make_unique<SessionService>(io.get_executor(), config);
        files = std::make_unique<FileService>(config, *sessions);
    }

    void textRoundTrip()
    {
        files->write(Json{{"path", at("hello.txt")}, {"content", "héllo\nworld\n"}});
        const Json read = files->read(Json{{"path", at("hello.txt")}});
        QCOMPARE(read["content"].get<std::string>(), std::string("héllo\nworld\n"));
        QCOMPARE(read["encoding"].get<std::string>(), std::string("utf-8"));
        QCOMPARE(read["isBinary"].get<bool>(), false);
        QCOMPARE(read["mimeType"].get<std::string>(), std::string("text/plain"));
        QCOMPARE(read["size"].get<int>(), 13);
        files->write(Json{{"path", at("alias.txt")}, {"content", "x"}, {"encoding", "utf8"}});
    }

    void binaryRoundTripAsBase64()
    {
        const std::string bytes("\x89PNG\r\n\x1a\n\0\xff\x10", 11);
        files->write(Json{{"path", at("image.png")}, {"content", base64Encode(bytes)}, {"encoding", "base64"}});
        const Json read = files->read(Json{{"path", at("image.png")}});
        QCOMPARE(read["isBinary"].get<bool>(), true);
        QCOMPARE(read["encoding"].get<std::string>(), std::string("base64"));
        QCOMPARE(read["mimeType"].get<std::string>(), std::string("image/png"));
        QCOMPARE(*base64Decode(read["content"].get<std::string>()), bytes);
        // An unknown extension with binary bytes is binary too.
        files->write(Json{{"path", at("blob")}, {"content", base64Encode(std::string("\0\1\2\3", 4))}, {"encoding", "base64"}});
        QCOMPARE(files->read(Json{{"path", at("blob")}})["isBinary"].get<bool>(), true);
    }

    void invalidBase64IsRejected()
    {
        Json context;
        QCOMPARE(test::errorCodeOf([&] { files->write(Json{{"path", at("bad")}, {"content", "no spaces allowed!"}, {"encoding", "base64"}}); }, &context),
                 std::string("VALIDATION_FAILED"));
        QCOMPARE(context["validationErrors"][0]["code"].get<std::string>(), std::string("INVALID_BASE64"));
        QVERIFY(!QFile::exists(QString::fromStdString(at("bad"))));
    }

    void writeCreatesParentsAndKeepsTheMode()
    {
        files->write(Json{{"path", at("deep/er/still/file.sh")}, {"content", "#!/bin/sh\n"}});
        chmod(at("deep/er/still/file.sh").c_str(), 0755);
        files->write(Json{{"path", at("deep/er/still/file.sh")}, {"content", "#!/bin/sh\necho new\n"}});
        struct stat info{};
        stat(at("deep/er/still/file.sh").c_str(), &info);
        QCOMPARE(info.st_mode & 0777, 0755u);
        QCOMPARE(files->read(Json{{"path", at("deep/er/still/file.sh")}})["content"].get<std::string>(),
                 std::string("#!/bin/sh\necho new\n"));
        // No temporary files are left behind.
        QCOMPARE(files->list(Json{{"path", at("deep/er/still")}, {"options", {{"includeHidden", true}}}})["count"].get<int>(), 1);
    }

    void missingAndTooLarge()
    {
        QCOMPARE(test::errorCodeOf([&] { files->read(Json{{"path", at("absent.txt")}}); }), std::string("FILE_NOT_FOUND"));
        QFile big(QString::fromStdString(at("big.bin")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(kMaxReadBytes + 1));
        big.close();
        Json context;
        QCOMPARE(test::errorCodeOf([&] { files->read(Json{{"path", at("big.bin")}}); }, &context), std::string("FILE_TOO_LARGE"));
        QCOMPARE(context["maxSize"].get<std::uint64_t>(), kMaxReadBytes);
        QCOMPARE(protocol::statusForCode("FILE_TOO_LARGE"), 413);
    }

    void deleteRefusesDirectories()
    {
        files->mkdir(Json{{"path", at("keep-me")}});
        QCOMPARE(test::errorCodeOf([&] { files->remove(Json{{"path", at("keep-me")}}); }), std::string("IS_DIRECTORY"));
        QVERIFY(files->exists(Json{{"path", at("keep-me")}})["exists"].get<bool>());
        QCOMPARE(test::errorCodeOf([&] { files->remove(Json{{"path", at("nothing-here")}}); }), std::string("FILE_NOT_FOUND"));
        files->write(Json{{"path", at("gone.txt")}, {"content", "x"}});
        files->remove(Json{{"path", at("gone.txt")}});
        QVERIFY(!files->exists(Json{{"path", at("gone.txt")}})["exists"].get<bool>());
    }

    void renameAndMove()
    {
        files->write(Json{{"path", at("old.txt")}, {"content", "moved"}});
        const Json renamed = files->rename(Json{{"oldPath", at("old.txt")}, {"newPath", at("new.txt")}}, "oldPath", "newPath");
        QCOMPARE(renamed["newPath"].get<std::string>(), at("new.txt"));
        files->mkdir(Json{{"path", at("into")}});
        files->rename(Json{{"sourcePath", at("new.txt")}, {"destinationPath", at("into")}}, "sourcePath", "destinationPath");
        QCOMPARE(files->read(Json{{"path", at("into/new.txt")}})["content"].get<std::string>(), std::string("moved"));
        QCOMPARE(test::errorCodeOf([&] { files->rename(Json{{"oldPath", at("ghost")}, {"newPath", at("x")}}, "oldPath", "newPath"); }),
                 std::string("FILE_NOT_FOUND"));
    }

    void mkdirRecursiveOrNot()
    {
        QCOMPARE(test::errorCodeOf([&] { files->mkdir(Json{{"path", at("a/b/c")}}); }), std::string("FILE_NOT_FOUND"));
        QCOMPARE(files->mkdir(Json{{"path", at("a/b/c")}, {"recursive", true}})["recursive"].get<bool>(), true);
        QVERIFY(files->exists(Json{{"path", at("a/b/c")}})["exists"].get<bool>());
        QCOMPARE(test::errorCodeOf([&] { files->mkdir(Json{{"path", at("a/b/c")}}); }), std::string("FILE_EXISTS"));
    }

    void listHiddenAndRecursive()
    {
        const std::string dir = at("listing/.hidden/foo");
        for (const char *name : {"visible1.txt", "visible2.txt", ".hiddenfile.txt"})
            files->write(Json{{"path", dir + "/" + name}, {"content", name}});
        files->mkdir(Json{{"path", dir + "/bar"}});
        QCOMPARE(files->list(Json{{"path", dir}})["count"].get<int>(), 3);
        QCOMPARE(files->list(Json{{"path", dir}, {"options", {{"includeHidden", true}}}})["count"].get<int>(), 4);

        files->write(Json{{"path", at("tree/src/utils/greeter.js")}, {"content", "x"}});
        const Json tree = files->list(Json{{"path", at("tree")}, {"options", {{"recursive", true}}}});
        std::vector<std::string> relative;
        for (const auto &file : tree["files"])
            relative.push_back(file["relativePath"].get<std::string>());
        QVERIFY(std::find(relative.begin(), relative.end(), "src/utils/greeter.js") != relative.end());
        const Json first = tree["files"][0];
        for (const char *field : {"name", "absolutePath", "relativePath", "type", "size", "modifiedAt", "mode", "permissions"})
            QVERIFY2(first.contains(field), field);
        QCOMPARE(test::errorCodeOf([&] { files->list(Json{{"path", at("tree/src/utils/greeter.js")}}); }), std::string("NOT_DIRECTORY"));
        QCOMPARE(test::errorCodeOf([&] { files->list(Json{{"path", at("no-such-dir")}}); }), std::string("FILE_NOT_FOUND"));
    }

    void relativePathsFollowTheSessionDirectory()
    {
        files->mkdir(Json{{"path", at("sessdir")}});
        CommandRequest cd;
        cd.command = "cd " + at("sessdir");
        cd.sessionId = "files";
        runAwait(io, sessions->execute(cd));
        files->write(Json{{"path", "relative.txt"}, {"content", "here"}, {"sessionId", "files"}});
        QVERIFY(QFile::exists(QString::fromStdString(at("sessdir/relative.txt"))));
        QCOMPARE(files->list(Json{{"path", "."}, {"sessionId", "files"}})["path"].get<std::string>(), at("sessdir"));
        files->write(Json{{"path", "in-workspace.txt"}, {"content", "x"}, {"sessionId", kSessionlessId}});
        QVERIFY(QFile::exists(QString::fromStdString(at("in-workspace.txt"))));
    }

    void awkwardNamesWorkAndNulIsRejected()
    {
        for (const std::string name : {"with space.txt", "new\nline.txt", "ünïcødé ✓.txt", "-leading-dash"}) {
            files->write(Json{{"path", at(name)}, {"content", name}});
            QCOMPARE(files->read(Json{{"path", at(name)}})["content"].get<std::string>(), name);
        }
        Json context;
        QCOMPARE(test::errorCodeOf([&] { files->read(Json{{"path", at(std::string("nul\0byte", 8))}}); }, &context),
                 std::string("VALIDATION_FAILED"));
        QCOMPARE(context["validationErrors"][0]["code"].get<std::string>(), std::string("INVALID_PATH"));
        QCOMPARE(test::errorCodeOf([&] { files->read(Json{{"path", ""}}); }), std::string("VALIDATION_FAILED"));
    }

    void streamedTextSurvivesChunkBoundaries()
    {
        std::string text;
        while (text.size() < 3 * kStreamChunkBytes)
            text += "ab€ü😀 line\n"; // multi-byte characters land on the 65535-byte boundaries
        files->write(Json{{"path", at("stream.txt")}, {"content", text}});
        const auto events = stream(at("stream.txt"));
        QCOMPARE(events.front()["type"].get<std::string>(), std::string("metadata"));
        QCOMPARE(events.front()["mimeType"].get<std::string>(), std::string("text/plain"));
        QCOMPARE(events.back()["type"].get<std::string>(), std::string("complete"));
        QCOMPARE(events.back()["bytesRead"].get<std::size_t>(), text.size());
        std::string joined;
        for (const auto &event : events)
            if (event["type"] == "chunk")
                joined += event["data"].get<std::string>();
        QCOMPARE(joined, text);
    }

    void streamedBinaryAndMissingFile()
    {
        std::string bytes(200000, '\0');
        for (std::size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<char>(i * 7);
        files->write(Json{{"path", at("data.bin")}, {"content", base64Encode(bytes)}, {"encoding", "base64"}});
        const auto events = stream(at("data.bin"));
        QCOMPARE(events.front()["isBinary"].get<bool>(), true);
        std::string joined;
        int chunks = 0;
        for (const auto &event : events)
            if (event["type"] == "chunk") {
                joined += *base64Decode(event["data"].get<std::string>());
                ++chunks;
            }
        QCOMPARE(joined, bytes);
        QCOMPARE(chunks, 4); // 65535-byte slices
        const auto missing = stream(at("missing.bin"));
        QCOMPARE(missing.size(), std::size_t(1));
        QCOMPARE(missing[0]["type"].get<std::string>(), std::string("error"));
    }

    void cleanupTestCase()
    {
        files.reset();
        sessions.reset();
    }
};

QTEST_GUILESS_MAIN(FileServiceTest)
#include "FileServiceTest.moc"
