// The network policy's pure parts: CIDR parsing and the nftables filter loaded into an
// egress sandbox's namespace (checked by nft itself where the test may run it).
#include "engine/Launcher.h"
#include "engine/Network.h"

#include <QProcess>
#include <QtTest>

#include <unistd.h>

using namespace sandbench::engine;

class NetworkPolicyTest : public QObject {
    Q_OBJECT

private:
    static int lineOf(const std::string &rules, const std::string &needle)
    {
        const auto at = rules.find(needle);
        return at == std::string::npos ? -1 : static_cast<int>(std::count(rules.begin(), rules.begin() + at, '\n'));
    }

private slots:
    void cidrsAreParsedAndNormalized()
    {
        QCOMPARE(normalizeCidr("192.0.2.7").value_or("?"), "192.0.2.7/32");
        QCOMPARE(normalizeCidr("10.1.2.3/8").value_or("?"), "10.0.0.0/8");
        QCOMPARE(normalizeCidr("0.0.0.0/0").value_or("?"), "0.0.0.0/0");
        QCOMPARE(normalizeCidr("fd00::1/8").value_or("?"), "fd00::/8");
        QCOMPARE(normalizeCidr("2001:db8::1").value_or("?"), "2001:db8::1/128");
        for (const char *bad : {"", "300.1.1.1", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8",
                                "::1/129", "example.com", "10.0.0.0/ 8", "1.2.3.4/0x8"})
            QVERIFY2(!normalizeCidr(bad), bad);
    }

    void loopbackIsRecognized()
    {
        QVERIFY(touchesLoopback("127.0.0.1/32"));
        QVERIFY(touchesLoopback("127.0.0.0/8"));
        QVERIFY(touchesLoopback("::1/128"));
        QVERIFY(!touchesLoopback("0.0.0.0/0")); // everything, where loopback stays the sandbox's own
        QVERIFY(!touchesLoopback("192.0.2.7/32"));
    }

    void allowEntriesOpenOnlyWhatTheyName()
    {
        QCOMPARE(allowEntryProblem("10.0.0.0/8"), std::string());
        QCOMPARE(allowEntryProblem("192.168.1.20/32"), std::string());
        QCOMPARE(allowEntryProblem("fd00::/8"), std::string());
        for (const char *refused : {"0.0.0.0/0", "0.0.0.0/1", "126.0.0.0/7", "::/0", "127.0.0.1/32", "127.0.0.0/8",
                                    "::1/128", "::ffff:192.0.2.2/128", "10.0.2.5/32", "10.0.2.0/24", "0.1.2.3/32"})
            QVERIFY2(!allowEntryProblem(refused).empty(), refused);
        QVERIFY(!normalizeCidr(std::string_view("1.2.3.4\0; flush ruleset", 24)));
    }

    void theFilterAllowsBeforeItRefusesAndNeverOpensTheEnginePort()
    {
        const std::string rules = buildFilterRules({"192.0.2.0/24", "fd00::/8"}, {"198.51.100.0/24"}, 8080);
        const int loopback = lineOf(rules, "oifname \"lo\" accept");
        const int dns = lineOf(rules, "ip daddr 10.0.2.3 udp dport 53 accept");
        // The host's loopback (through a socket bound to tap0) and slirp's own network are
        // refused before anything allowed.
        const int hostLoopback = lineOf(rules, "ip daddr 127.0.0.0/8 reject");
        const int slirpNetwork = lineOf(rules, "ip daddr 10.0.2.0/24 reject");
        QVERIFY(dns < slirpNetwork && hostLoopback < lineOf(rules, "ip daddr 192.0.2.0/24 accept") &&
                slirpNetwork < lineOf(rules, "ip daddr 192.0.2.0/24 accept"));
        const int enginePort = lineOf(rules, "ip daddr 198.51.100.0/24 tcp dport 8080 reject");
        const int allowed = lineOf(rules, "ip daddr 192.0.2.0/24 accept");
        const int allowed6 = lineOf(rules, "ip6 daddr fd00::/8 accept");
        const int privateRange = lineOf(rules, "ip daddr 10.0.0.0/8 reject");
        const int metadata = lineOf(rules, "ip daddr 169.254.0.0/16 reject");
        const int hostSubnet = lineOf(rules, "ip daddr 198.51.100.0/24 reject with icmpx");
        const int uniqueLocal = lineOf(rules, "ip6 daddr fc00::/7 reject");
        for (int line : {loopback, dns, enginePort, allowed, allowed6, privateRange, metadata, hostSubnet, uniqueLocal})
            QVERIFY2(line >= 0, rules.c_str());
        QVERIFY(loopback < dns && dns < enginePort && enginePort < allowed && allowed < privateRange);
        QVERIFY(allowed6 < uniqueLocal && privateRange < hostSubnet && allowed < metadata);
        // Replacing the table is one transaction: declared, deleted, defined.
        QVERIFY(rules.starts_with("table inet sandbench\ndelete table inet sandbench\n"));
    }

    void nftAcceptsTheFilter()
    {
        if (access("/usr/sbin/nft", X_OK) != 0)
            QSKIP("nft is not installed here (scripts/setup.sh installs nftables)");
        if (geteuid() != 0)
            QSKIP("nft --check needs CAP_NET_ADMIN; the suite runs as root in CI");
        QProcess nft;
        nft.start("/usr/sbin/nft", {"--check", "-f", "-"});
        QVERIFY(nft.waitForStarted());
        nft.write(QByteArray::fromStdString(buildFilterRules({"192.0.2.0/24", "2001:db8::/32"}, hostSubnets(), 41234)));
        nft.closeWriteChannel();
        QVERIFY(nft.waitForFinished(10000));
        QVERIFY2(nft.exitCode() == 0, nft.readAllStandardError().constData());
        QProcess denyAll;
        denyAll.start("/usr/sbin/nft", {"--check", "-f", "-"});
        QVERIFY(denyAll.waitForStarted());
        denyAll.write(QByteArray::fromStdString(denyAllRules()));
        denyAll.closeWriteChannel();
        QVERIFY(denyAll.waitForFinished(10000));
        QVERIFY2(denyAll.exitCode() == 0, denyAll.readAllStandardError().constData());
    }

    void onlyAnEgressSandboxGetsAResolver()
    {
        const auto hasResolver = [](bool egress) {
            for (const auto &file : generatedEtcFiles("demo", egress))
                if (file.path == "/etc/resolv.conf")
                    return file.content == "nameserver 10.0.2.3\n";
            return false;
        };
        QVERIFY(hasResolver(true));
        QVERIFY(!hasResolver(false));
    }
};

QTEST_APPLESS_MAIN(NetworkPolicyTest)
#include "NetworkPolicyTest.moc"
