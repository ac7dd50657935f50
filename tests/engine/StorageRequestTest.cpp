// What a bucket mount or a backup request may ask for, and what of it reaches s3fs or
// mksquashfs: the checks that stand between the API and the helpers started inside the
// sandbox (s3fs with CAP_SYS_ADMIN there).
#include "engine/BackupService.h"
#include "engine/MountService.h"
#include "protocol/Protocol.h"
#include "system/MountTable.h"

#include <QtTest>

using namespace sandbench::engine;
using namespace sandbench::protocol;
using sandbench::protocol::ApiError;

namespace {

Json request(Json options, std::string bucket = "my-bucket", std::string path = "/mnt/data")
{
    return {{"bucket", bucket}, {"mountPath", path}, {"options", std::move(options)}};
}

Json withCredentials(Json options)
{
    options["credentials"] = {{"accessKeyId", "AKIDEXAMPLE"}, {"secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCY"}};
    return options;
}

// The error code parseMountRequest throws, or "" when it accepts.
std::string refusal(const Json &body, const std::map<std::string, std::string> &env = {})
{
    try {
        parseMountRequest(body, env);
        return {};
    } catch (const ApiError &error) {
        return error.code;
    }
}

} // namespace

class StorageRequestTest : public QObject {
    Q_OBJECT

private slots:
    void endpointsAreSchemeHostAndPort()
    {
        const auto https = parseEndpoint("https://abc.r2.cloudflarestorage.com");
        QVERIFY(https && https->tls);
        QCOMPARE(https->host, std::string("abc.r2.cloudflarestorage.com"));
        QCOMPARE(https->port, 443u);
        const auto local = parseEndpoint("http://127.0.0.1:9000/");
        QVERIFY(local && !local->tls);
        QCOMPARE(local->port, 9000u);
        const auto six = parseEndpoint("http://[::1]:4568");
        QVERIFY(six);
        QCOMPARE(six->host, std::string("::1"));
        for (const char *bad : {"ftp://host", "host:9000", "http://", "http://user:pass@host", "http://host/path",
                                "http://host:0", "http://host:70000", "http://host:9000?x=1", "http://ho st",
                                "https://host:443#frag", "http://[::1"})
            QVERIFY2(!parseEndpoint(bad), bad);
    }

    void providersAreKnownByTheirHosts()
    {
        QCOMPARE(detectProvider("acct.r2.cloudflarestorage.com"), std::string("r2"));
        QCOMPARE(detectProvider("s3.amazonaws.com"), std::string("s3"));
        QCOMPARE(detectProvider("bucket.s3.eu-west-1.amazonaws.com"), std::string("s3"));
        QCOMPARE(detectProvider("storage.googleapis.com"), std::string("gcs"));
        QCOMPARE(detectProvider("127.0.0.1"), std::string());
    }

    void aGoodRequestIsTakenAsAsked()
    {
        const BucketMount mount = parseMountRequest(
            request(withCredentials({{"endpoint", "https://acct.r2.cloudflarestorage.com"}, {"readOnly", true},
                                     {"prefix", "/logs/2026"}, {"s3fsOptions", {"stat_cache_expire=60", "enable_noobj_cache"}}}),
                    "my-bucket", "/mnt/data///"),
            {});
        QCOMPARE(mount.mountPath, std::string("/mnt/data"));
        QCOMPARE(mount.endpoint, std::string("https://acct.r2.cloudflarestorage.com:443"));
        QCOMPARE(mount.provider, std::string("r2"));
        QCOMPARE(mount.prefix, std::string("/logs/2026"));
        QVERIFY(mount.readOnly);
        QVERIFY(mount.rememberCredentials);
        QCOMPARE(mount.credentials->accessKeyId, std::string("AKIDEXAMPLE"));
    }

    void credentialsComeFromTheBodyOrTheSandboxsVariables()
    {
        const Json body = request({{"endpoint", "http://127.0.0.1:9000"}});
        QCOMPARE(refusal(body), std::string("MISSING_CREDENTIALS"));
        const BucketMount aws = parseMountRequest(body, {{"AWS_ACCESS_KEY_ID", "aws-key"}, {"AWS_SECRET_ACCESS_KEY", "aws-secret"},
                                                         {"R2_ACCESS_KEY_ID", "r2-key"}, {"R2_SECRET_ACCESS_KEY", "r2-secret"}});
        QCOMPARE(aws.credentials->accessKeyId, std::string("aws-key"));
        const BucketMount r2 = parseMountRequest(body, {{"R2_ACCESS_KEY_ID", "r2-key"}, {"R2_SECRET_ACCESS_KEY", "r2-secret"}});
        QCOMPARE(r2.credentials->secretAccessKey, std::string("r2-secret"));
        QCOMPARE(refusal(body, {{"AWS_ACCESS_KEY_ID", "only-half"}}), std::string("MISSING_CREDENTIALS"));
        // A password file line is key:secret: neither may hold a ':' or a line break.
        Json colon = request({{"endpoint", "http://127.0.0.1:9000"},
                              {"credentials", {{"accessKeyId", "a:b"}, {"secretAccessKey", "c"}}}});
        QCOMPARE(refusal(colon), std::string("INVALID_MOUNT_CONFIG"));
        Json newline = request({{"endpoint", "http://127.0.0.1:9000"},
                                {"credentials", {{"accessKeyId", "a"}, {"secretAccessKey", "c\nother:line"}}}});
        QCOMPARE(refusal(newline), std::string("INVALID_MOUNT_CONFIG"));
    }

    void mountPathsAreChecked_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("mnt") << "/mnt/data" << true;
        QTest::newRow("workspace child") << "/workspace/bucket" << true;
        QTest::newRow("home") << "/root/bucket" << true;
        QTest::newRow("relative") << "mnt/data" << false;
        QTest::newRow("root") << "/" << false;
        QTest::newRow("dot dot") << "/mnt/../etc/x" << false;
        QTest::newRow("dot") << "/mnt/./x" << false;
        QTest::newRow("double slash") << "/mnt//x" << false;
        QTest::newRow("proc") << "/proc/self" << false;
        QTest::newRow("sys") << "/sys/fs" << false;
        QTest::newRow("dev") << "/dev/shm/x" << false;
        QTest::newRow("etc") << "/etc/ssl" << false;
        QTest::newRow("usr") << "/usr/local/x" << false;
        QTest::newRow("agent") << "/.sandbench/x" << false;
        QTest::newRow("workspace itself") << "/workspace" << false;
        QTest::newRow("control character") << "/mnt/a\tb" << false;
        QTest::newRow("usrx is not usr") << "/usrdata" << true;
    }

    void mountPathsAreChecked()
    {
        QFETCH(QString, path);
        QFETCH(bool, accepted);
        const Json body = request(withCredentials({{"endpoint", "http://127.0.0.1:9000"}}), "my-bucket", path.toStdString());
        QCOMPARE(refusal(body).empty(), accepted);
    }

    void bucketsFollowTheNamingRules()
    {
        const Json options = withCredentials({{"endpoint", "http://127.0.0.1:9000"}});
        for (const char *good : {"abc", "my-bucket.v2", "0bucket9"})
            QVERIFY2(refusal(request(options, good)).empty(), good);
        for (const char *bad : {"ab", "Bucket", "-bucket", "bucket-", "my_bucket", "bucket:prefix", ""})
            QCOMPARE(refusal(request(options, bad)), std::string("INVALID_MOUNT_CONFIG"));
    }

    void onlyAllowListedS3fsOptionsPass()
    {
        auto with = [](Json list) {
            return request(withCredentials({{"endpoint", "http://127.0.0.1:9000"}, {"s3fsOptions", std::move(list)}}));
        };
        QVERIFY(refusal(with({"use_path_request_style", "multipart_size=64", "umask=0022", "sigv2"})).empty());
        // Ours, code loading, other credential sources, header logging, option injection.
        for (const char *bad : {"passwd_file=/etc/shadow", "url=http://elsewhere", "credlib=/tmp/x.so",
                                "credlib_opts=x", "ahbe_conf=/tmp/x", "curldbg", "logfile=/tmp/x", "iam_role=auto",
                                "umask=0022,allow_other", "umask=0022 -o x", "dbglevel=info\nx", "use_sse=custom:/k",
                                "dbglevel=dbg", "nonempty"})
            QCOMPARE(refusal(with({bad})), std::string("INVALID_MOUNT_CONFIG"));
        QCOMPARE(refusal(with("not-a-list")), std::string("INVALID_MOUNT_CONFIG"));
    }

    void theOptionListKeepsTheSecretsOutAndTheUserLast()
    {
        BucketMount mount = parseMountRequest(
            request(withCredentials({{"endpoint", "http://127.0.0.1:9000"}, {"readOnly", true},
                                     {"s3fsOptions", {"retries=5"}}})),
            {});
        const std::string list = s3fsOptionList(mount, "/proc/self/fd/3");
        QVERIFY(list.starts_with("passwd_file=/proc/self/fd/3,url=http://127.0.0.1:9000,"));
        QVERIFY(list.find("use_path_request_style") != std::string::npos); // an unknown provider
        QVERIFY(list.find("retries=2") < list.find("retries=5"));          // later wins in s3fs
        QVERIFY(list.ends_with(",ro"));
        QVERIFY(list.find("AKIDEXAMPLE") == std::string::npos);
        QVERIFY(list.find("wJalrXUtnFEMI") == std::string::npos);
        mount.provider = "r2";
        QVERIFY(s3fsOptionList(mount, "/p").find("nomixupload") != std::string::npos);
    }

    void logTextLosesTheCredentials()
    {
        const BucketMount mount = parseMountRequest(request(withCredentials({{"endpoint", "http://127.0.0.1:9000"}})), {});
        const std::string text = withoutCredentials(
            "<AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId> signed with wJalrXUtnFEMI/K7MDENG+bPxRfiCY twice "
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCY", mount);
        QCOMPARE(text, std::string("<AWSAccessKeyId>***</AWSAccessKeyId> signed with *** twice ***"));
        // Short credentials are blanked where they stand alone, not inside words they are part of.
        Json options = {{"endpoint", "http://127.0.0.1:9000"}, {"credentials", {{"accessKeyId", "S3"}, {"secretAccessKey", "in"}}}};
        const BucketMount shortOnes = parseMountRequest(request(options), {});
        QCOMPARE(withoutCredentials("S3FS mount failed: key S3 (in) is not in our records, in", shortOnes),
                 std::string("S3FS mount failed: key *** (***) is not *** our records, ***"));
    }

    void mountTablesAreRead()
    {
        const std::string table =
            "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
            "95 40 0:52 / /mnt/my\\040data rw,nosuid,nodev shared:1 - fuse.s3fs s3fs rw,user_id=0\n"
            "96 40 0:53 / /workspace/b rw - fuse fuse rw\n";
        const auto entries = sandbench::system::parseMountTable(table);
        QCOMPARE(entries.size(), std::size_t(3));
        QCOMPARE(entries[1].point, std::string("/mnt/my data"));
        QCOMPARE(entries[1].type, std::string("fuse.s3fs"));
        QCOMPARE(entries[2].type, std::string("fuse"));
    }

    void backupDirectoriesAreUnderTheAllowedRoots()
    {
        QCOMPARE(backupDirectory(Json("/workspace/app/")), std::string("/workspace/app"));
        QCOMPARE(backupDirectory(Json("/home/a/./b")), std::string("/home/a/b"));
        QCOMPARE(backupDirectory(Json("/workspace")), std::string("/workspace"));
        for (const char *bad : {"workspace/x", "/workspace/../etc", "/etc", "/proc/self", "/", "/workspacex",
                                "/tmp/../root", ""}) {
            try {
                backupDirectory(Json(bad));
                QFAIL(bad);
            } catch (const ApiError &error) {
                QCOMPARE(error.code, std::string("INVALID_BACKUP_CONFIG"));
            }
        }
        QVERIFY_THROWS_EXCEPTION(ApiError, backupDirectory(Json(42)));
        QVERIFY_THROWS_EXCEPTION(ApiError, backupDirectory(Json(std::string("/workspace/a\0b", 15))));
    }

    void backupOptionsAreChecked()
    {
        const BackupRequest request = parseBackupOptions(
            Json{{"dir", "/workspace"}, {"name", "n"}, {"ttl", 1.5}, {"gitignore", true}, {"excludes", {"*.log"}},
                 {"compression", {{"format", "zstd"}, {"threads", 4}}}});
        QCOMPARE(request.ttlSeconds, 2LL);
        QCOMPARE(request.format, std::string("zstd"));
        QCOMPARE(request.threads, 4);
        QVERIFY(request.gitignore);
        QCOMPARE(parseBackupOptions(Json{{"dir", "/tmp"}}).ttlSeconds, 259200LL);
        for (const Json &bad : {Json{{"dir", "/tmp"}, {"ttl", 0}}, Json{{"dir", "/tmp"}, {"ttl", "1"}},
                                Json{{"dir", "/tmp"}, {"name", std::string(257, 'n')}},
                                Json{{"dir", "/tmp"}, {"excludes", {""}}}, Json{{"dir", "/tmp"}, {"excludes", {"a\nb"}}},
                                Json{{"dir", "/tmp"}, {"compression", {{"threads", 0}}}},
                                Json{{"dir", "/tmp"}, {"compression", {{"format", "xz"}}}}, Json::array()})
            QVERIFY_THROWS_EXCEPTION(ApiError, parseBackupOptions(bad));
        QVERIFY(isBackupId("3869d0e1-4a28-483c-bf04-1691560d2bac"));
        QVERIFY(!isBackupId("3869D0E1-4a28-483c-bf04-1691560d2bac"));
        QVERIFY(!isBackupId("../../etc"));
    }

    void excludesMatchAtAnyDepthAndIgnoredPathsExactly()
    {
        QCOMPARE(excludeFile({"**/node_modules/**", "src/**/gen", "*.log", "/build/"}, {"dist/", "odd [name]*.txt"}),
                 std::string("... node_modules\n... src/gen\n... *.log\n... build\ndist\nodd\\ \\[name\\]\\*.txt\n"));
        QCOMPARE(excludeFile({}, {}), std::string());
        // Extended wildcards are names too; a name with a line break cannot be listed: kept.
        QCOMPARE(excludeFile({}, {"!(keep)", "@(a|b)", "j\nlib"}), std::string("!\\(keep\\)\n@\\(a\\|b\\)\n"));
    }
};

QTEST_GUILESS_MAIN(StorageRequestTest)
#include "StorageRequestTest.moc"
