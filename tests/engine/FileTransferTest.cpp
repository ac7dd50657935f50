// The engine's raw /files routes with a real sandbox: a 2 GiB round trip with
// the same SHA-256 and flat engine memory, atomic uploads, and bad input.
#include "support/EngineHarness.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtTest>

#include <random>

using namespace sandbench;
using client::Json;

class FileTransferTest : public QObject {
    Q_OBJECT

private:
    test::EngineHarness engine;

    long engineHighWaterKb()
    {
        QFile status(QString("/proc/%1/status").arg(engine.pid()));
        status.open(QIODevice::ReadOnly);
        for (const auto &line : status.readAll().split('\n'))
            if (line.startsWith("VmHWM:"))
                return line.simplified().split(' ').value(1).toLong();
        return -1;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/transfer", "{}").status, 200);
    }

    void cleanupTestCase()
    {
        engine.http().request("DELETE", "/v1/sandboxes/transfer");
    }

    void twoGibRoundTripKeepsTheHashAndMemoryFlat()
    {
        const std::uint64_t size = 2ull << 30;
        std::mt19937_64 generator(42);
        QCryptographicHash sent(QCryptographicHash::Sha256);
        std::uint64_t produced = 0;
        auto upload = engine.newClient();
        const auto result = upload.upload("/v1/sandboxes/transfer/files?path=/workspace/big%20file.bin", size,
                                          [&](char *buffer, std::size_t capacity) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, size - produced)) & ~std::size_t(7);
            for (std::size_t i = 0; i < n; i += 8) {
                const std::uint64_t value = generator();
                std::memcpy(buffer + i, &value, 8);
            }
            sent.addData(QByteArrayView(buffer, static_cast<qsizetype>(n)));
            produced += n;
            return n;
        });
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json()["size"].get<std::uint64_t>(), size);

        QCryptographicHash received(QCryptographicHash::Sha256);
        std::uint64_t bytes = 0;
        auto download = engine.newClient();
        const int status = download.stream("GET", "/v1/sandboxes/transfer/files?path=/workspace/big%20file.bin", {},
                                           [&](std::string_view data) {
            received.addData(QByteArrayView(data.data(), static_cast<qsizetype>(data.size())));
            bytes += data.size();
            return true;
        });
        QCOMPARE(status, 200);
        QCOMPARE(bytes, size);
        QCOMPARE(received.result().toHex(), sent.result().toHex());
        // Neither direction held the file: the engine's peak memory stays small.
        const long peakKb = engineHighWaterKb();
        QVERIFY2(peakKb > 0 && peakKb < 64 * 1024, qPrintable(QString("engine VmHWM %1 kB").arg(peakKb)));
        engine.exec("transfer", "rm -f '/workspace/big file.bin'");
    }

    void aBrokenUploadNeverReplacesTheFile()
    {
        auto &http = engine.http();
        http.requestJson("POST", "/v1/sandboxes/transfer/api/write", Json{{"path", "/workspace/keep.txt"}, {"content", "old"}});
        auto client = engine.newClient();
        std::uint64_t produced = 0;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 client.upload("/v1/sandboxes/transfer/files?path=/workspace/keep.txt", 10u << 20,
                                               [&](char *buffer, std::size_t capacity) -> std::size_t {
            if (produced >= (1u << 20))
                return 0; // the source dies after 1 MiB of a promised 10 MiB
            std::memset(buffer, 'n', capacity);
            produced += capacity;
            return capacity;
        }));
        QTest::qWait(300);
        const Json read = http.requestJson("POST", "/v1/sandboxes/transfer/api/read", Json{{"path", "/workspace/keep.txt"}}).json();
        QCOMPARE(read["content"].get<std::string>(), std::string("old"));
        const Json listing = http.requestJson("POST", "/v1/sandboxes/transfer/api/list-files",
                                              Json{{"path", "/workspace"}, {"options", {{"includeHidden", true}}}}).json();
        QVERIFY2(listing.dump().find("sandbench-") == std::string::npos, listing.dump().c_str());
    }

    void badRequestsGetTheEnvelope()
    {
        auto &http = engine.http();
        const auto noPath = http.request("GET", "/v1/sandboxes/transfer/files");
        QCOMPARE(noPath.status, 400);
        QCOMPARE(noPath.json()["code"].get<std::string>(), std::string("VALIDATION_FAILED"));
        const auto missing = http.request("GET", "/v1/sandboxes/transfer/files?path=/workspace/absent");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.json()["code"].get<std::string>(), std::string("FILE_NOT_FOUND"));
        const auto directory = http.request("GET", "/v1/sandboxes/transfer/files?path=/workspace");
        QCOMPARE(directory.status, 400);
        auto unauthorised = client::HttpClient({engine.address().url, "wrong"});
        QCOMPARE(unauthorised.upload("/v1/sandboxes/transfer/files?path=/workspace/x", 3,
                                     [](char *buffer, std::size_t) { std::memcpy(buffer, "abc", 3); return std::size_t(3); }).status,
                 401);
        QCOMPARE(http.request("GET", "/v1/health").status, 200);
    }
};

QTEST_GUILESS_MAIN(FileTransferTest)
#include "FileTransferTest.moc"
