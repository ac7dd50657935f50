#include "engine/Registry.h"

#include "protocol/Protocol.h"
#include "system/Files.h"
#include "system/Identifiers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

namespace sandbench::engine {

using protocol::ApiError;

namespace {
constexpr uid_t kFirstSandboxUid = 2000000; // far above login and subuid ranges
}

bool isValidSandboxId(std::string_view id)
{
    if (id.empty() || id.size() > 63 || id.front() == '-' || id.back() == '-')
        return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    return true;
}

std::optional<long long> parseDuration(const Json &value)
{
    if (value.is_number()) {
        const double seconds = value.get<double>();
        return seconds >= 1 && seconds < 1e9 ? std::optional<long long>(static_cast<long long>(seconds)) : std::nullopt;
    }
    if (!value.is_string())
        return std::nullopt;
    const std::string text = value.get<std::string>();
    if (text.empty())
        return std::nullopt;
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0 || digits > 9 || text.size() - digits > 1)
        return std::nullopt;
    const long long number = std::stoll(text.substr(0, digits));
    const char unit = digits < text.size() ? text[digits] : 's';
    const long long factor = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    if (factor == 0 || number == 0)
        return std::nullopt;
    return number * factor;
}

namespace {

// A whole number within [low, high] from limits[name], or the current value when absent.
unsigned limitValue(const Json &limits, const char *name, unsigned current, unsigned low, unsigned high)
{
    if (!limits.contains(name) || limits[name].is_null())
        return current;
    const Json &value = limits[name];
    if (!value.is_number_integer() || value.get<long long>() < low || value.get<long long>() > high)
        throw ApiError("VALIDATION_FAILED", std::string("limits.") + name + " must be a whole number from " +
                                                std::to_string(low) + " to " + std::to_string(high));
    return value.get<unsigned>();
}

void applyLimits(SandboxLimits &limits, const Json &body)
{
    if (!body.is_object())
        throw ApiError("VALIDATION_FAILED", "limits must be an object: {memoryMiB, cpus, pids, diskMiB}");
    for (const auto &[name, value] : body.items())
        if (name != "memoryMiB" && name != "cpus" && name != "pids" && name != "diskMiB")
            throw ApiError("VALIDATION_FAILED", "Unknown limit '" + name + "': use memoryMiB, cpus, pids, diskMiB");
    SandboxLimits updated = limits;
    if (body.contains("diskMiB") && body["diskMiB"] != 0)
        updated.diskMiB = limitValue(body, "diskMiB", limits.diskMiB, 16, 1u << 24);
    else if (body.contains("diskMiB"))
        updated.diskMiB = 0;
    updated.memoryMiB = limitValue(body, "memoryMiB", limits.memoryMiB, 64, 1u << 20);
    updated.pids = limitValue(body, "pids", limits.pids, 16, 1u << 20);
    if (body.contains("cpus") && !body["cpus"].is_null()) {
        const Json &cpus = body["cpus"];
        if (!cpus.is_number() || cpus.get<double>() < 0 || cpus.get<double>() > 1024 ||
            (cpus.get<double>() > 0 && cpus.get<double>() < 0.01))
            throw ApiError("VALIDATION_FAILED", "limits.cpus must be 0 (no cap) or a number of cores from 0.01 to 1024");
        updated.cpus = cpus.get<double>();
    }
    limits = updated;
}

void applyNetwork(NetworkPolicy &network, const Json &body)
{
    if (body.contains("network") && !body["network"].is_null()) {
        const Json &mode = body["network"];
        if (mode != "none" && mode != "egress")
            throw ApiError("VALIDATION_FAILED", "network must be \"none\" (loopback only) or \"egress\" (internet access)");
        network.egress = mode == "egress";
    }
    if (!body.contains("networkAllow") || body["networkAllow"].is_null())
        return;
    const Json &list = body["networkAllow"];
    if (!list.is_array() || list.size() > 64)
        throw ApiError("VALIDATION_FAILED", "networkAllow must be a list of at most 64 CIDRs, like [\"192.168.1.0/24\"]");
    std::vector<std::string> allow;
    for (const Json &entry : list) {
        const auto cidr = entry.is_string() ? normalizeCidr(entry.get<std::string>()) : std::nullopt;
        if (!cidr)
            throw ApiError("VALIDATION_FAILED", "networkAllow: " + entry.dump() + " is not an IP address or CIDR");
        if (const std::string problem = allowEntryProblem(*cidr); !problem.empty())
            throw ApiError("VALIDATION_FAILED", "networkAllow: " + entry.get<std::string>() + " " + problem);
        if (std::find(allow.begin(), allow.end(), *cidr) == allow.end())
            allow.push_back(*cidr);
    }
    network.allow = std::move(allow);
}

} // namespace

Json SandboxLimits::toJson() const
{
    return {{"memoryMiB", memoryMiB}, {"cpus", cpus}, {"pids", pids}, {"diskMiB", diskMiB}};
}

void applyOptions(SandboxOptions &options, const Json &body)
{
    if (body.contains("envVars") && !body["envVars"].is_null())
        protocol::applyEnvChanges(options.envVars, body["envVars"], "envVars");
    options.keepAlive = protocol::optionalBool(body, "keepAlive", options.keepAlive);
    options.previewAutostart = protocol::optionalBool(body, "previewAutostart", options.previewAutostart);
    if (body.contains("limits") && !body["limits"].is_null())
        applyLimits(options.limits, body["limits"]);
    applyNetwork(options.network, body);
    if (body.contains("interpreterPool") && !body["interpreterPool"].is_null()) {
        const Json &pool = body["interpreterPool"];
        if (!pool.is_object())
            throw ApiError("VALIDATION_FAILED", "interpreterPool must be an object like {\"python\": 1, \"javascript\": 1}");
        for (const auto &[name, value] : pool.items()) {
            if (name != "python" && name != "javascript")
                throw ApiError("VALIDATION_FAILED", "interpreterPool knows python and javascript, not '" + name + "'");
            if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 8)
                throw ApiError("VALIDATION_FAILED", "interpreterPool." + name + " must be a whole number from 0 to 8");
            (name == "python" ? options.interpreterPool.python : options.interpreterPool.javascript) = value.get<int>();
        }
    }
    if (body.contains("sleepAfter") && !body["sleepAfter"].is_null()) {
        const auto seconds = parseDuration(body["sleepAfter"]);
        if (!seconds)
            throw ApiError("VALIDATION_FAILED", "sleepAfter must be like \"30s\", \"10m\", \"1h\" or a number of seconds");
        options.sleepAfterSeconds = *seconds;
    }
}

Json Sandbox::publicView() const
{
    Json view = {{"id", id},
                 {"status", status},
                 {"createdAt", createdAt},
                 {"keepAlive", options.keepAlive},
                 {"sleepAfter", options.sleepAfterSeconds},
                 {"envVars", options.envVars},
                 {"limits", options.limits.toJson()},
                 {"network", options.network.egress ? "egress" : "none"},
                 {"networkAllow", options.network.allow},
                 {"interpreterPool", options.interpreterPool.toJson()},
                 {"previewAutostart", options.previewAutostart},
                 {"oomKills", oomKills}};
    // A changed network applies at the next start; until then this says what is in force.
    if (activeNetwork)
        view["activeNetwork"] = activeNetwork->egress ? "egress" : "none";
    // The kernel's limit in force (the workspace and home in a disk image of this size).
    if (diskImageMiB > 0)
        view["diskImageMiB"] = diskImageMiB;
    if (!lastError.empty())
        view["lastError"] = lastError;
    return view;
}

Json BucketMount::stateJson() const
{
    Json state = {{"bucket", bucket},   {"mountPath", mountPath},     {"endpoint", endpoint},
                  {"provider", provider}, {"prefix", prefix},         {"readOnly", readOnly},
                  {"s3fsOptions", s3fsOptions}, {"rememberCredentials", rememberCredentials},
                  {"mountedAt", mountedAt}, {"relayPort", relayPort}, {"createdDir", createdDir},
                  {"slot", slot}};
    if (credentials && rememberCredentials)
        state["credentials"] = {{"accessKeyId", credentials->accessKeyId},
                                {"secretAccessKey", credentials->secretAccessKey}};
    return state;
}

std::optional<BucketMount> BucketMount::fromState(const Json &state)
{
    if (!state.is_object())
        return std::nullopt;
    try {
        BucketMount mount;
        mount.bucket = state.at("bucket").get<std::string>();
        mount.mountPath = state.at("mountPath").get<std::string>();
        mount.endpoint = state.at("endpoint").get<std::string>();
        mount.provider = state.value("provider", "");
        mount.prefix = state.value("prefix", "");
        mount.readOnly = state.value("readOnly", false);
        mount.s3fsOptions = state.value("s3fsOptions", std::vector<std::string>{});
        mount.rememberCredentials = state.value("rememberCredentials", true);
        mount.mountedAt = state.value("mountedAt", "");
        mount.relayPort = state.value("relayPort", 0u);
        mount.createdDir = state.value("createdDir", false);
        mount.slot = state.value("slot", -1);
        if (state.contains("credentials"))
            mount.credentials = BucketCredentials{state["credentials"].at("accessKeyId").get<std::string>(),
                                                  state["credentials"].at("secretAccessKey").get<std::string>()};
        return mount;
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

Json Sandbox::stateFile() const
{
    Json state = {{"id", id},
                  {"createdAt", createdAt},
                  {"status", status},
                  {"options", {{"envVars", options.envVars}, {"keepAlive", options.keepAlive},
                               {"sleepAfter", options.sleepAfterSeconds}, {"limits", options.limits.toJson()},
                               {"network", options.network.egress ? "egress" : "none"},
                               {"networkAllow", options.network.allow},
                               {"interpreterPool", options.interpreterPool.toJson()},
                               {"previewAutostart", options.previewAutostart}}},
                  {"bwrapPid", bwrapPid},
                  {"initPid", initPid},
                  {"initStartTime", initStartTime},
                  {"egressAttached", egressAttached},
                  {"diskImageMiB", diskImageMiB}};
    Json ports = Json::array();
    for (const auto &[port, exposed] : exposedPorts)
        ports.push_back({{"port", port}, {"token", exposed.token}, {"name", exposed.name}, {"exposedAt", exposed.exposedAt}});
    state["exposedPorts"] = std::move(ports);
    Json bucketMounts = Json::array();
    for (const auto &[path, mount] : mounts)
        bucketMounts.push_back(mount.stateJson());
    state["mounts"] = std::move(bucketMounts);
    if (hostUid)
        state["hostUid"] = *hostUid;
    if (!lastError.empty())
        state["lastError"] = lastError;
    return state;
}

Registry::Registry(std::string stateDir) : stateDir_(std::move(stateDir)), uidBase_(kFirstSandboxUid)
{
    system::makeDirectories(stateDir_ + "/sandboxes", 0700);
}

void Registry::load()
{
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(stateDir_ + "/sandboxes", error)) {
        const std::string id = entry.path().filename().string();
        if (!isValidSandboxId(id))
            continue;
        const auto text = system::readWholeFile(entry.path().string() + "/sandbox.json");
        const Json state = text ? Json::parse(*text, nullptr, false) : Json();
        if (!state.is_object()) {
            std::cerr << "sandbench: skipping " << id << ": unreadable sandbox.json\n";
            continue;
        }
        auto sandbox = std::make_shared<Sandbox>();
        sandbox->id = id;
        sandbox->createdAt = state.value("createdAt", protocol::nowIso());
        sandbox->status = state.value("status", "stopped");
        sandbox->lastError = state.value("lastError", "");
        sandbox->bwrapPid = state.value("bwrapPid", 0);
        sandbox->initPid = state.value("initPid", 0);
        sandbox->initStartTime = state.value("initStartTime", 0ull);
        sandbox->egressAttached = state.value("egressAttached", false);
        sandbox->diskImageMiB = state.value("diskImageMiB", std::uint64_t{0});
        if (state.contains("hostUid"))
            sandbox->hostUid = state["hostUid"].get<uid_t>();
        for (const Json &entry : state.value("exposedPorts", Json::array())) {
            if (!entry.is_object() || !entry.contains("port") || !entry["port"].is_number_unsigned() ||
                !entry.contains("token") || !entry["token"].is_string())
                continue;
            sandbox->exposedPorts[entry["port"].get<unsigned>()] =
                ExposedPort{entry["token"], entry.value("name", ""), entry.value("exposedAt", "")};
        }
        for (const Json &entry : state.value("mounts", Json::array()))
            if (auto mount = BucketMount::fromState(entry))
                sandbox->mounts[mount->mountPath] = std::move(*mount);
        try {
            applyOptions(sandbox->options, state.value("options", Json::object()));
        } catch (const std::exception &) {
            std::cerr << "sandbench: " << id << ": invalid options in sandbox.json, using defaults\n";
        }
        sandbox->savedState = *text;
        sandboxes_[id] = sandbox;
    }
}

void Registry::save(Sandbox &sandbox)
{
    if (!sandboxes_.count(sandbox.id))
        return; // destroyed meanwhile
    std::string text = sandbox.stateFile().dump(2) + "\n";
    if (text == sandbox.savedState)
        return;
    try {
        system::makeDirectories(sandboxDir(sandbox.id), 0700);
        system::writeFileAtomic(sandboxDir(sandbox.id) + "/sandbox.json", text);
    } catch (const std::system_error &failure) {
        const int error = failure.code().value();
        const bool full = error == ENOSPC || error == EDQUOT;
        throw ApiError(full ? "NO_SPACE" : "FILESYSTEM_ERROR",
                       "Cannot save the state of sandbox '" + sandbox.id + "': " + failure.what(),
                       {{"sandboxId", sandbox.id}}, "save state", full ? 507 : 500);
    }
    sandbox.savedState = std::move(text);
}

void Registry::updateOptions(Sandbox &sandbox, SandboxOptions options)
{
    if (options == sandbox.options)
        return;
    std::swap(sandbox.options, options);
    try {
        save(sandbox);
    } catch (...) {
        sandbox.options = std::move(options); // the old ones: nothing changed
        throw;
    }
}

std::shared_ptr<Sandbox> Registry::find(const std::string &id) const
{
    const auto it = sandboxes_.find(id);
    return it == sandboxes_.end() ? nullptr : it->second;
}

std::shared_ptr<Sandbox> Registry::create(const std::string &id, SandboxOptions options)
{
    auto sandbox = std::make_shared<Sandbox>();
    sandbox->id = id;
    sandbox->options = std::move(options);
    sandbox->createdAt = protocol::nowIso();
    sandbox->hostUid = allocateHostUid();
    sandboxes_[id] = sandbox;
    try {
        save(*sandbox);
    } catch (...) {
        sandboxes_.erase(id);
        system::removeTree(sandboxDir(id));
        throw;
    }
    return sandbox;
}

void Registry::erase(const std::string &id)
{
    sandboxes_.erase(id);
    system::removeTree(sandboxDir(id));
}

std::optional<uid_t> Registry::allocateHostUid() const
{
    if (geteuid() != 0)
        return std::nullopt;
    std::set<uid_t> used;
    for (const auto &[id, sandbox] : sandboxes_)
        if (sandbox->hostUid)
            used.insert(*sandbox->hostUid);
    for (uid_t candidate = uidBase_; candidate < uidBase_ + kUidBlockSize; ++candidate)
        if (!used.count(candidate))
            return candidate;
    throw ApiError("INTERNAL_ERROR", "All " + std::to_string(kUidBlockSize) + " host uids of this state directory are in use");
}

void Registry::claimUidBlock(const std::string &claimsDir)
{
    // Block 0 (uids from 2000000) is where engines before blocks put their sandboxes.
    constexpr unsigned kBlocks = 100000;
    const std::string self = std::filesystem::absolute(stateDir_).lexically_normal().string();
    const std::string ownFile = self + "/uid-block";
    auto blockIsOurs = [&](unsigned block) {
        const auto claim = system::readWholeFile(claimsDir + "/" + std::to_string(block));
        return claim && *claim == self + "\n";
    };
    // A claim is stale when its state directory no longer says it holds that block; a
    // claim younger than a minute may belong to an engine still writing its uid-block.
    auto claimIsStale = [&](unsigned block) {
        const std::string path = claimsDir + "/" + std::to_string(block);
        struct stat info{};
        if (stat(path.c_str(), &info) == 0 && time(nullptr) - info.st_mtime < 60)
            return false;
        const auto claim = system::readWholeFile(path);
        if (!claim || claim->empty())
            return true;
        const auto other = system::readWholeFile(claim->substr(0, claim->size() - 1) + "/uid-block");
        return !other || std::strtoul(other->c_str(), nullptr, 10) != block;
    };
    auto use = [&](unsigned block) { uidBase_ = kFirstSandboxUid + block * kUidBlockSize; };
    system::makeDirectories(claimsDir, 0700);
    unsigned remembered = 0;
    if (const auto text = system::readWholeFile(ownFile))
        remembered = static_cast<unsigned>(std::strtoul(text->c_str(), nullptr, 10));
    if (remembered > 0 && remembered < kBlocks && blockIsOurs(remembered))
        return use(remembered);
    const std::uint64_t hash = system::stableHash(self);
    for (unsigned step = 0; step < kBlocks; ++step) {
        const unsigned block = remembered > 0 && step == 0 ? remembered : 1 + (hash + step) % (kBlocks - 1);
        const std::string claim = claimsDir + "/" + std::to_string(block);
        if (!blockIsOurs(block) && access(claim.c_str(), F_OK) == 0) {
            if (!claimIsStale(block))
                continue;
            unlink(claim.c_str());
        }
        // Written whole, then linked into place: a claim is never seen empty, and link()
        // fails when another engine got there first.
        if (!blockIsOurs(block)) {
            const std::string temp = claim + ".tmp-" + std::to_string(getpid());
            system::writeFileAtomic(temp, self + "\n");
            const bool linked = link(temp.c_str(), claim.c_str()) == 0;
            unlink(temp.c_str());
            if (!linked)
                continue; // another engine claimed it just now
        }
        system::writeFileAtomic(ownFile, std::to_string(block) + "\n");
        return use(block);
    }
    throw std::runtime_error("no free block of host uids in " + claimsDir);
}

} // namespace sandbench::engine
