#include "protocol/Protocol.h"

#include <chrono>
#include <ctime>
#include <unordered_map>

namespace sandbench::protocol {

std::string nowIso()
{
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t seconds = system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
    return text;
}

int statusForCode(std::string_view code)
{
    static const std::unordered_map<std::string_view, int> table = {
        {"FILE_NOT_FOUND", 404}, {"FILE_EXISTS", 409}, {"FILE_TOO_LARGE", 413},
        {"PERMISSION_DENIED", 403}, {"IS_DIRECTORY", 400}, {"NOT_DIRECTORY", 400},
        {"NAME_TOO_LONG", 400}, {"READ_ONLY", 403}, {"RESOURCE_BUSY", 409},
        {"COMMAND_NOT_FOUND", 404}, {"COMMAND_PERMISSION_DENIED", 403}, {"INVALID_COMMAND", 400},
        {"PROCESS_NOT_FOUND", 404}, {"PROCESS_PERMISSION_DENIED", 403},
        {"PROCESS_READY_TIMEOUT", 408}, {"SESSION_ALREADY_EXISTS", 409},
        {"SESSION_DESTROYED", 410}, {"SESSION_TERMINATED", 410}, {"PORT_ALREADY_EXPOSED", 409},
        {"PORT_IN_USE", 409}, {"PORT_NOT_EXPOSED", 404}, {"INVALID_PORT", 400},
        {"INVALID_PORT_NUMBER", 400}, {"SERVICE_NOT_RESPONDING", 502},
        {"CUSTOM_DOMAIN_REQUIRED", 400}, {"GIT_REPOSITORY_NOT_FOUND", 404},
        {"GIT_BRANCH_NOT_FOUND", 404}, {"GIT_AUTH_FAILED", 401}, {"GIT_NETWORK_ERROR", 502},
        {"INVALID_GIT_URL", 400}, {"MISSING_CREDENTIALS", 400}, {"INVALID_MOUNT_CONFIG", 400},
        {"BACKUP_NOT_FOUND", 404}, {"BACKUP_EXPIRED", 400}, {"INVALID_BACKUP_CONFIG", 400},
        {"INTERPRETER_NOT_READY", 503}, {"CONTEXT_NOT_FOUND", 404},
        {"PYTHON_NOT_AVAILABLE", 501}, {"JAVASCRIPT_NOT_AVAILABLE", 501}, {"WATCH_NOT_FOUND", 404},
        {"VALIDATION_FAILED", 400}, {"INVALID_JSON_RESPONSE", 400}, {"RPC_TRANSPORT_ERROR", 503},
        {"CONTAINER_UNAVAILABLE", 503}, {"OPERATION_INTERRUPTED", 409},
        // Engine-level codes of our own (not in the SDK enum).
        {"UNAUTHORIZED", 401}, {"FORBIDDEN_HOST", 403}, {"FORBIDDEN_ORIGIN", 403}, {"INVALID_SANDBOX_ID", 400},
        {"SANDBOX_NOT_FOUND", 404}, {"PAYLOAD_TOO_LARGE", 413}, {"METHOD_NOT_ALLOWED", 405},
        {"SANDBOX_NOT_RUNNING", 409},
    };
    const auto it = table.find(code);
    return it == table.end() ? 500 : it->second;
}

ApiError::ApiError(std::string code_, std::string message, Json context_, std::string operation_,
                   int httpStatus_)
    : std::runtime_error(std::move(message)), code(std::move(code_)),
      context(context_.is_object() ? std::move(context_) : Json::object()),
      operation(std::move(operation_)),
      httpStatus(httpStatus_ ? httpStatus_ : statusForCode(code))
{
}

Json ApiError::envelope() const
{
    Json body = {{"code", code},           {"message", what()},
                 {"context", context},     {"httpStatus", httpStatus},
                 {"timestamp", nowIso()}};
    if (!operation.empty())
        body["operation"] = operation;
    return body;
}

Json success(Json fields)
{
    Json body = std::move(fields);
    if (!body.contains("success"))
        body["success"] = true;
    if (!body.contains("timestamp"))
        body["timestamp"] = nowIso();
    return body;
}

std::string sseEvent(const Json &event)
{
    std::string line = "data: ";
    line += event.dump(-1, ' ', false, Json::error_handler_t::replace);
    line += "\n\n";
    return line;
}

Json parseBody(std::string_view body)
{
    if (body.empty())
        return Json::object();
    Json parsed = Json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        throw ApiError("VALIDATION_FAILED", "Invalid request body: malformed JSON");
    if (!parsed.is_object())
        throw ApiError("VALIDATION_FAILED", "Invalid request body: expected a JSON object");
    return parsed;
}

std::string optionalString(const Json &body, const char *field, std::string fallback, const char *errorCode)
{
    const auto it = body.find(field);
    if (it == body.end() || it->is_null())
        return fallback;
    if (!it->is_string())
        throw ApiError(errorCode, std::string(field) + " must be a string", Json::object(), {}, 400);
    return it->get<std::string>();
}

bool optionalBool(const Json &body, const char *field, bool fallback, const char *errorCode)
{
    const auto it = body.find(field);
    if (it == body.end() || it->is_null())
        return fallback;
    if (!it->is_boolean())
        throw ApiError(errorCode, std::string(field) + " must be true or false", Json::object(), {}, 400);
    return it->get<bool>();
}

std::optional<long long> optionalInteger(const Json &body, const char *field)
{
    const auto it = body.find(field);
    if (it == body.end() || it->is_null())
        return std::nullopt;
    if (!it->is_number())
        throw ApiError("VALIDATION_FAILED", std::string(field) + " must be a number");
    const double value = it->get<double>();
    if (value < 0 || value > 9.0e15)
        throw ApiError("VALIDATION_FAILED", std::string(field) + " is out of range");
    return static_cast<long long>(value);
}

std::size_t completeUtf8Prefix(std::string_view bytes)
{
    std::size_t end = bytes.size();
    for (std::size_t back = 1; back <= 3 && back <= bytes.size(); ++back) {
        const auto byte = static_cast<unsigned char>(bytes[bytes.size() - back]);
        if ((byte & 0xC0) == 0x80)
            continue; // continuation byte: keep looking for the lead byte
        const std::size_t need = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
        if (need > back)
            end = bytes.size() - back;
        break;
    }
    return end;
}

bool isValidUtf8(std::string_view bytes)
{
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        const std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 6 ? 2 : (byte >> 4) == 14 ? 3 : (byte >> 3) == 30 ? 4 : 0;
        if (length == 0)
            return false;
        if (i + length > bytes.size())
            return true; // the sample ends mid-character
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(bytes[i + k]) & 0xC0) != 0x80)
                return false;
        i += length;
    }
    return true;
}

bool isValidEnvName(std::string_view name)
{
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
        return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

void applyEnvChanges(std::map<std::string, std::string> &vars, const Json &changes, const std::string &field)
{
    if (!changes.is_object())
        throw ApiError("VALIDATION_FAILED", field + " must be an object of strings");
    std::map<std::string, std::string> updated = vars;
    for (const auto &[name, value] : changes.items()) {
        if (!isValidEnvName(name))
            throw ApiError("VALIDATION_FAILED", "Invalid environment variable name: " + name);
        if (value.is_null())
            updated.erase(name);
        else if (value.is_string())
            updated[name] = value.get<std::string>();
        else
            throw ApiError("VALIDATION_FAILED", field + " values must be strings or null: " + name);
    }
    vars = std::move(updated);
}

} // namespace sandbench::protocol
