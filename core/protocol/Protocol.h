// Container-protocol basics shared by the agent and the engine: the error
// envelope, the code -> HTTP status table, SSE framing and timestamps.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sandbench::protocol {

using Json = nlohmann::json;

// ISO-8601 UTC with milliseconds, as the reference server sends.
std::string nowIso();

// HTTP status for an error code (sandbox-api.md §13.2); unknown codes -> 500.
int statusForCode(std::string_view code);

// A failure that becomes the protocol's error envelope.
struct ApiError : std::runtime_error {
    ApiError(std::string code, std::string message, Json context = Json::object(),
             std::string operation = {}, int httpStatus = 0);
    std::string code;
    Json context;
    std::string operation;
    int httpStatus;
    Json envelope() const;
};

// {success:true, timestamp, ...fields}
Json success(Json fields = Json::object());

// One SSE event: "data: <compact json>\n\n".
std::string sseEvent(const Json &event);

// Throws VALIDATION_FAILED with a readable message when the body is not JSON or not an object.
Json parseBody(std::string_view body);

// Typed optional field readers that reject wrong types with errorCode (400).
std::string optionalString(const Json &body, const char *field, std::string fallback = {},
                           const char *errorCode = "VALIDATION_FAILED");
bool optionalBool(const Json &body, const char *field, bool fallback, const char *errorCode = "VALIDATION_FAILED");
std::optional<long long> optionalInteger(const Json &body, const char *field);

// How many leading bytes end on a character boundary: a chunk of a stream is cut there
// and the rest carried into the next, so no event splits a UTF-8 character.
std::size_t completeUtf8Prefix(std::string_view bytes);
// Whether the bytes are UTF-8 (a sample may end mid-character).
bool isValidUtf8(std::string_view bytes);

// ^[A-Za-z_][A-Za-z0-9_]*$
bool isValidEnvName(std::string_view name);

// Applies {NAME: "value" | null} to vars (null removes NAME), all or nothing: throws
// VALIDATION_FAILED naming field when it is not an object of valid names and strings.
void applyEnvChanges(std::map<std::string, std::string> &vars, const Json &changes, const std::string &field);

} // namespace sandbench::protocol
