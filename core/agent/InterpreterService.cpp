#include "agent/InterpreterService.h"

#include "protocol/Protocol.h"
#include "system/Background.h"
#include "system/Files.h"
#include "system/Identifiers.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/write.hpp>

#include <signal.h>
#include <sys/stat.h>

namespace sandbench::agent {

using protocol::ApiError;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kCodeLimit = 10 * 1024 * 1024;
constexpr std::size_t kMessageLimit = 64 * 1024 * 1024; // one runner message (a big PNG fits)
constexpr auto kReadyTimeout = 60s;
constexpr auto kStopGrace = 3s; // after an interrupt the cell must end before its runner is killed
constexpr auto kSetupTimeout = 10s;
constexpr std::size_t kContextLimit = 20; // each holds an interpreter: tens of MB
constexpr double kLongestTimeoutMs = 7 * 24 * 3600 * 1000.0;

RunnerProgram programOf(const std::string &language)
{
    return language == "python" ? RunnerProgram::python : RunnerProgram::node;
}

const char *programName(RunnerProgram program)
{
    return program == RunnerProgram::python ? "python" : "node";
}

using protocol::optionalString;

// python3 or node as the sandbox's PATH finds it; empty when it is not there.
std::string findProgram(const AgentConfig &config, const char *name)
{
    const auto path = config.baseEnv.find("PATH");
    return system::findInPath(name, path == config.baseEnv.end() ? std::string("/usr/bin:/bin") : path->second);
}

ApiError unsupportedLanguage(const std::string &language)
{
    return ApiError("VALIDATION_FAILED",
                    "Unsupported language '" + language + "'. Supported languages: python, javascript, typescript");
}

ApiError contextNotFound(const std::string &contextId)
{
    return ApiError("CONTEXT_NOT_FOUND", "Code context '" + contextId + "' not found", {{"contextId", contextId}});
}

// Counts something under way for as long as it lives (a constructor, not aggregate
// initialisation inside a coroutine: GCC 12).
class UnderWay {
public:
    explicit UnderWay(std::size_t &count) : count_(count) { ++count_; }
    ~UnderWay() { --count_; }
    UnderWay(const UnderWay &) = delete;
    UnderWay &operator=(const UnderWay &) = delete;

private:
    std::size_t &count_;
};

// Events built outside coroutines (GCC 12, see docs/design.md).
Json errorEvent(const std::string &ename, const std::string &evalue, Json traceback = Json::array())
{
    return {{"type", "error"}, {"ename", ename}, {"evalue", evalue}, {"traceback", std::move(traceback)}};
}

Json runnerErrorEvent(const Json &message)
{
    Json event = errorEvent(message.value("ename", "Error"), message.value("evalue", ""),
                            message.value("traceback", Json::array()));
    if (message.contains("execution_count"))
        event["execution_count"] = message["execution_count"]; // ours: the cell did run
    return event;
}

Json completeEvent(const Json &message)
{
    return {{"type", "execution_complete"}, {"execution_count", message.value("execution_count", 0)}};
}

Json setupRequest(const std::string &language, const std::string &cwd, const std::map<std::string, std::string> &env)
{
    return {{"type", "setup"}, {"language", language}, {"cwd", cwd}, {"env", env}};
}

Json executeRequest(const std::string &code)
{
    return {{"type", "execute"}, {"code", code}};
}

Json languagesFound(bool python, bool node)
{
    return {{"python", python}, {"javascript", node}, {"typescript", node}};
}

long long epochMilliseconds()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

std::optional<std::string> canonicalLanguage(std::string_view language)
{
    if (language == "python" || language == "python3")
        return "python";
    if (language == "javascript" || language == "js" || language == "node")
        return "javascript";
    if (language == "typescript" || language == "ts")
        return "typescript";
    return std::nullopt;
}

// ---- Runner ------------------------------------------------------------------------------

std::shared_ptr<Runner> Runner::spawn(asio::any_io_executor executor, RunnerProgram program, const AgentConfig &config)
{
    const bool python = program == RunnerProgram::python;
    const std::string binary = findProgram(config, python ? "python3" : "node");
    if (binary.empty()) {
        if (python)
            throw ApiError("PYTHON_NOT_AVAILABLE",
                           "Python interpreter not available: no python3 in the sandbox's PATH. Install python3 "
                           "with python3-ipython (the cloudflare/sandbox images call this the -python variant).");
        throw ApiError("JAVASCRIPT_NOT_AVAILABLE", "JavaScript runtime not available: no node in the sandbox's PATH.");
    }
    const std::string script = config.runnersDir + (python ? "/python_runner.py" : "/node_runner.js");

    auto runner = std::make_shared<Runner>(executor, program);
    using system::UniqueFd;
    const auto [requestRead, requestWrite] = system::makePipe();
    const auto [messageRead, messageWrite] = system::makePipe();
    UniqueFd requestReadEnd(requestRead), messageWriteEnd(messageWrite);
    UniqueFd requestWriteEnd(requestWrite), messageReadEnd(messageRead);

    ChildOptions options;
    options.argv = {binary, script};
    auto env = config.baseEnv;
    if (python)
        env["PYTHONDONTWRITEBYTECODE"] = "1"; // the runners' folder is read-only
    options.env = toEnvList(env);
    options.cwd = config.workspace;
    options.extraFds = {{3, requestReadEnd.get()}, {4, messageWriteEnd.get()}};
    std::weak_ptr<Runner> weak = runner;
    auto sink = [weak](const char *stream) {
        return [weak, stream](std::string_view bytes) {
            if (auto self = weak.lock())
                self->take(stream, bytes);
        };
    };
    try {
        runner->child_ = ChildProcess::spawn(executor, std::move(options), sink("stdout"), sink("stderr"));
    } catch (const std::system_error &error) {
        throw ApiError("INTERNAL_ERROR", std::string("cannot start the ") + programName(program) +
                                             " runner: " + error.what());
    }
    runner->requests_ = std::make_unique<asio::posix::stream_descriptor>(executor, requestWriteEnd.release());
    runner->messages_ = OutputReader::start(executor, messageReadEnd.release(), [weak](std::string_view bytes) {
        if (auto self = weak.lock())
            self->takeMessages(bytes);
    });
    asio::co_spawn(executor, watchExit(runner, runner->child_), system::inBackground("runner exit"));
    return runner;
}

Runner::Runner(asio::any_io_executor executor, RunnerProgram program)
    : executor_(executor), program_(program), changed_(executor)
{
}

Runner::~Runner()
{
    if (child_ && !ended_)
        ::kill(-child_->pid(), SIGKILL);
}

void Runner::take(const char *stream, std::string_view bytes)
{
    const bool isStdout = std::string_view(stream) == "stdout";
    std::string &pending = isStdout ? pendingStdout_ : pendingStderr_;
    if (!isStdout) {
        stderrTail_.append(bytes);
        if (stderrTail_.size() > 4096)
            stderrTail_.erase(0, stderrTail_.size() - 4096);
    }
    if (truncated_ || !inCell_)
        return;
    if (bytes.size() > budget_) {
        bytes = bytes.substr(0, budget_);
        truncated_ = true;
    }
    budget_ -= bytes.size();
    pending.append(bytes);
    // Whole characters only; a split one waits for its other bytes.
    const std::size_t complete = protocol::completeUtf8Prefix(pending);
    if (complete > 0) {
        const std::string text = pending.substr(0, complete);
        pending.erase(0, complete);
        // Consecutive output of one stream is one event when nobody took the first yet.
        if (!events_.empty() && events_.back()["type"] == stream)
            events_.back()["text"].get_ref<std::string &>().append(text);
        else
            events_.push_back({{"type", stream}, {"text", text}});
    }
    if (truncated_) {
        const Json marker = {{"type", "stderr"},
                             {"text", "\n[output truncated: this cell printed more than its limit; the rest was dropped]\n"}};
        events_.push_back(marker);
    }
    changed_.notify();
}

void Runner::takeMessages(std::string_view bytes)
{
    messageLine_.append(bytes);
    std::size_t newline;
    while ((newline = messageLine_.find('\n')) != std::string::npos) {
        const std::string line = messageLine_.substr(0, newline);
        messageLine_.erase(0, newline + 1);
        // What the cell printed before this message comes first.
        child_->takeOutput();
        takeMessage(line);
    }
    if (messageLine_.size() > kMessageLimit) {
        std::string().swap(messageLine_); // its memory too
        push({{"type", "stderr"}, {"text", "\n[the runner sent a message over 64 MiB: it was ended]\n"}});
        kill();
    }
    changed_.notify();
}

namespace {

// A runner's message as the stream sends it, with every field of the type it must have;
// nullopt for what is not one of ours (the cell can write to the descriptor too).
std::optional<Json> checkedMessage(const Json &message)
{
    if (!message.is_object() || !message.contains("type") || !message["type"].is_string())
        return std::nullopt;
    const std::string type = message["type"];
    const auto text = [&message](const char *name) {
        return message.contains(name) && message[name].is_string() ? message[name].get<std::string>() : std::string();
    };
    if (type == "ready" || type == "started")
        return Json{{"type", type}};
    if (type == "setup_done") {
        Json checked = {{"type", type}};
        if (message.contains("error") && message["error"].is_string())
            checked["error"] = message["error"];
        return checked;
    }
    if (type == "done") {
        const Json &count = message.contains("execution_count") ? message["execution_count"] : Json();
        return Json{{"type", type}, {"execution_count", count.is_number_integer() ? count.get<long long>() : 0}};
    }
    if (type == "error") {
        Json traceback = Json::array();
        if (message.contains("traceback") && message["traceback"].is_array())
            for (const Json &line : message["traceback"])
                traceback.push_back(line.is_string() ? line.get<std::string>() : line.dump());
        Json checked = {{"type", type}, {"ename", text("ename").empty() ? "Error" : text("ename")},
                        {"evalue", text("evalue")}, {"traceback", std::move(traceback)}};
        if (message.contains("execution_count") && message["execution_count"].is_number_integer())
            checked["execution_count"] = message["execution_count"];
        return checked;
    }
    if (type != "result")
        return std::nullopt;
    Json checked = {{"type", type}, {"metadata", Json::object()}};
    for (const char *field : {"text", "html", "png", "jpeg", "svg", "latex", "markdown", "javascript"})
        if (message.contains(field) && message[field].is_string())
            checked[field] = message[field];
    if (message.contains("json"))
        checked["json"] = message["json"];
    for (const char *field : {"chart", "data", "metadata"})
        if (message.contains(field) && message[field].is_object())
            checked[field] = message[field];
    return checked;
}

} // namespace

void Runner::takeMessage(const std::string &line)
{
    auto message = checkedMessage(Json::parse(line, nullptr, false));
    if (!message)
        return; // not ours: ignored
    const std::string type = (*message)["type"];
    if (type == "ready") {
        ready_ = true;
        return;
    }
    if (type == "setup_done") {
        push(std::move(*message));
        return;
    }
    if (!inCell_)
        return; // between cells: nobody asked
    if (type == "result") {
        if (truncated_ || line.size() > budget_) {
            if (!truncated_) {
                truncated_ = true;
                push(Json{{"type", "stderr"},
                          {"text", "\n[output truncated: this cell's results passed its limit; the rest was dropped]\n"}});
            }
            return;
        }
        budget_ -= line.size();
    }
    push(std::move(*message));
}

void Runner::push(Json event)
{
    events_.push_back(std::move(event));
    changed_.notify();
}

asio::awaitable<void> Runner::watchExit(std::weak_ptr<Runner> runner, std::shared_ptr<ChildProcess> child)
{
    const int code = co_await child->exitCode();
    child->endOutput();
    auto self = runner.lock();
    if (!self)
        co_return;
    self->messages_->stopAndDrain();
    self->exitCode_ = code;
    self->ended_ = true;
    self->changed_.notify();
}

asio::awaitable<bool> Runner::waitReady(std::chrono::milliseconds timeout)
{
    auto self = shared_from_this();
    asio::steady_timer deadline(executor_, timeout);
    bool expired = false;
    deadline.async_wait([this, &expired, self](boost::system::error_code error) {
        if (!error) {
            expired = true;
            changed_.notify();
        }
    });
    while (!ready_ && !ended_ && !expired)
        co_await changed_.wait();
    deadline.cancel();
    co_return ready_ && !ended_;
}

asio::awaitable<void> Runner::send(const Json &request)
{
    auto self = shared_from_this();
    const std::string line = request.dump() + "\n";
    boost::system::error_code error; // a runner that has gone shows as its end, not here
    co_await asio::async_write(*requests_, asio::buffer(line), asio::redirect_error(asio::use_awaitable, error));
}

asio::awaitable<std::optional<Json>> Runner::next()
{
    auto self = shared_from_this();
    while (events_.empty() && !ended_)
        co_await changed_.wait();
    if (events_.empty())
        co_return std::nullopt;
    Json event = std::move(events_.front());
    events_.pop_front();
    co_return event;
}

void Runner::beginCell(std::size_t outputLimit)
{
    budget_ = outputLimit;
    truncated_ = false;
    inCell_ = true;
    events_.clear(); // nothing of an earlier cell, nor of the time between
}

void Runner::endCell()
{
    inCell_ = false;
    events_.clear();
}

void Runner::interrupt()
{
    if (!ended_)
        ::kill(-child_->pid(), SIGINT);
}

void Runner::kill()
{
    if (!ended_) {
        killed_ = true;
        ::kill(-child_->pid(), SIGKILL);
    }
}

std::string Runner::endReason() const
{
    std::string reason = exitCode_ > 128 ? "killed by signal " + std::to_string(exitCode_ - 128)
                                         : "exit code " + std::to_string(exitCode_);
    if (exitCode_ == 128 + SIGKILL && !killed_)
        reason += ", perhaps for want of memory";
    std::string tail = stderrTail_;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' '))
        tail.pop_back();
    if (const auto lastLine = tail.rfind('\n'); lastLine != std::string::npos)
        tail.erase(0, lastLine + 1);
    if (!tail.empty())
        reason += ": " + tail.substr(0, 500);
    return reason;
}

// ---- Contexts ------------------------------------------------------------------------------

struct InterpreterService::Context {
    std::string id;
    std::string language; // python, javascript or typescript
    std::string cwd;
    std::map<std::string, std::string> env;
    std::string createdAt;
    std::shared_ptr<Runner> runner;
    system::AsyncMutex turn; // one cell at a time, in arrival order
    bool deleted = false;
    std::size_t restarting = 0; // restarts under way: a cell sent meanwhile waits for the new runner
    std::shared_ptr<Cell> current; // the cell running now, if any

    std::string state() const
    {
        if (!runner || !runner->running())
            return "dead";
        return current ? "busy" : "idle";
    }
    Json created() const { return {{"contextId", id}, {"language", language}, {"cwd", cwd}}; }
    Json summary() const
    {
        return {{"id", id}, {"language", language}, {"cwd", cwd}, {"state", state()}, {"createdAt", createdAt}};
    }
};

// One execution: what it has to say to the stream that asked for it, and the asking
// stream's departure (the cell is interrupted; the context goes on).
struct InterpreterService::Cell {
    explicit Cell(asio::any_io_executor executor) : changed(executor), stopTimer(executor) {}
    std::string code;
    std::optional<std::chrono::milliseconds> timeout;
    std::deque<Json> events;
    Notifier changed;
    asio::steady_timer stopTimer;
    bool finished = false, abandoned = false, timedOut = false;
    bool started = false, interruptRequested = false; // an interrupt before the runner could take it
    void push(Json event)
    {
        events.push_back(std::move(event));
        changed.notify();
    }
    std::string timedOutText() const { return "Execution timed out after " + std::to_string(timeout->count()) + " ms"; }
};

InterpreterService::InterpreterService(asio::any_io_executor executor, AgentConfig &config)
    : executor_(std::move(executor)), config_(config)
{
}

InterpreterService::~InterpreterService()
{
    for (auto &[id, context] : contexts_)
        if (context->runner)
            context->runner->kill();
    for (auto &[program, runners] : pool_)
        for (auto &runner : runners)
            runner->kill();
}

void InterpreterService::warm()
{
    if (warmed_)
        return;
    warmed_ = true;
    refill(RunnerProgram::python);
    refill(RunnerProgram::node);
}

void InterpreterService::refill(RunnerProgram program)
{
    auto &runners = pool_[program];
    std::erase_if(runners, [](const auto &runner) { return !runner->running(); });
    const std::size_t size = program == RunnerProgram::python ? config_.pythonPool : config_.nodePool;
    while (runners.size() < size) {
        try {
            runners.push_back(Runner::spawn(executor_, program, config_));
        } catch (const std::exception &) {
            return; // not installed: creating a context says so
        }
    }
}

asio::awaitable<std::shared_ptr<Runner>> InterpreterService::runnerFor(const Context &context)
{
    const RunnerProgram program = programOf(context.language);
    auto &runners = pool_[program];
    std::erase_if(runners, [](const auto &runner) { return !runner->running(); });
    std::shared_ptr<Runner> runner;
    if (!runners.empty()) {
        runner = runners.front();
        runners.pop_front();
    } else {
        runner = Runner::spawn(executor_, program, config_); // throws when the program is missing
    }
    refill(program);
    if (!co_await runner->waitReady(kReadyTimeout)) {
        runner->kill();
        const std::string why = runner->endReason();
        if (program == RunnerProgram::python && why.find("No module named 'IPython'") != std::string::npos)
            throw ApiError("PYTHON_NOT_AVAILABLE",
                           "Python interpreter not available: IPython is not installed in the sandbox (python3-ipython; "
                           "the cloudflare/sandbox images call this the -python variant).");
        throw ApiError("INTERNAL_ERROR", std::string("the ") + programName(program) + " runner did not start (" + why + ")");
    }
    const Json setup = setupRequest(context.language, context.cwd, context.env);
    co_await runner->send(setup);
    // A runner that does not answer is ended: the wait below then ends too.
    asio::steady_timer deadline(executor_, kSetupTimeout);
    std::weak_ptr<Runner> weakRunner = runner;
    deadline.async_wait([weakRunner](boost::system::error_code error) {
        if (auto stuck = weakRunner.lock(); stuck && !error)
            stuck->kill();
    });
    for (;;) {
        auto event = co_await runner->next();
        if (!event)
            throw ApiError("INTERNAL_ERROR", std::string("the ") + programName(program) +
                                                 " runner ended while it was set up (" + runner->endReason() + ")");
        if ((*event)["type"] != "setup_done")
            continue;
        deadline.cancel();
        if (event->contains("error")) {
            runner->kill();
            throw ApiError("VALIDATION_FAILED", "The context cannot be set up in '" + context.cwd +
                                                    "': " + (*event)["error"].get<std::string>());
        }
        co_return runner;
    }
}

Json InterpreterService::createContext(const Json &body)
{
    const std::string requested = optionalString(body, "language", "python");
    const auto language = canonicalLanguage(requested);
    if (!language)
        throw unsupportedLanguage(requested);
    const std::string cwd = optionalString(body, "cwd", config_.workspace);
    struct stat info {};
    if (cwd.empty() || cwd.front() != '/' || cwd.find('\0') != std::string::npos || stat(cwd.c_str(), &info) != 0 ||
        !S_ISDIR(info.st_mode))
        throw ApiError("VALIDATION_FAILED", "cwd '" + cwd + "' is not a directory in the sandbox");
    Json env = Json::object();
    for (const char *name : {"env_vars", "envVars"}) {
        if (!body.contains(name) || body[name].is_null())
            continue;
        if (!body[name].is_object())
            throw ApiError("VALIDATION_FAILED", std::string(name) + " must be an object of strings");
        for (const auto &[key, value] : body[name].items()) {
            if (value.is_null())
                continue; // the SDK's "not configured"
            if (!value.is_string() || key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
                value.get_ref<const std::string &>().find('\0') != std::string::npos)
                throw ApiError("VALIDATION_FAILED", std::string(name) + " must map names to strings");
            env[key] = value;
        }
    }
    return {{"language", *language}, {"cwd", cwd}, {"env", env}};
}

asio::awaitable<Json> InterpreterService::create(Json body)
{
    const Json checked = createContext(body);
    if (contexts_.size() + creating_ >= kContextLimit)
        throw ApiError("CONTEXT_LIMIT_REACHED",
                       "This sandbox has " + std::to_string(kContextLimit) +
                           " code contexts, the most it keeps (each holds an interpreter): delete one first",
                       {}, {}, 429);
    const UnderWay creating(creating_);
    auto context = std::make_shared<Context>();
    context->id = system::randomUuid();
    context->language = checked["language"];
    context->cwd = checked["cwd"];
    context->env = checked["env"].get<std::map<std::string, std::string>>();
    context->createdAt = protocol::nowIso();
    warm();
    context->runner = co_await runnerFor(*context);
    contexts_[context->id] = context;
    co_return context->created();
}

asio::awaitable<void> InterpreterService::restart(std::shared_ptr<Context> context)
{
    const UnderWay restarting(context->restarting);
    if (context->runner)
        context->runner->kill(); // a running cell ends with the runner
    auto guard = co_await context->turn.lock();
    if (context->runner)
        context->runner->kill(); // what an earlier restart started
    if (context->deleted)
        throw contextNotFound(context->id);
    auto runner = co_await runnerFor(*context);
    if (context->deleted) { // deleted while the new runner started
        runner->kill();
        throw contextNotFound(context->id);
    }
    context->runner = std::move(runner);
}

void InterpreterService::interrupt(Context &context)
{
    auto cell = context.current;
    if (!cell || !context.runner)
        return;
    if (cell->started)
        context.runner->interrupt();
    else
        cell->interruptRequested = true; // the runner takes SIGINT once it says the cell started
}

Json InterpreterService::poolSummary() const
{
    Json pool = Json::object();
    for (const auto &[program, runners] : pool_) {
        const auto ready = std::count_if(runners.begin(), runners.end(), [](const auto &runner) { return runner->ready(); });
        pool[programName(program)] = {{"ready", ready}, {"starting", static_cast<long>(runners.size()) - ready}};
    }
    return pool;
}

std::shared_ptr<InterpreterService::Context> InterpreterService::require(const std::string &contextId) const
{
    const auto it = contexts_.find(contextId);
    if (it == contexts_.end())
        throw contextNotFound(contextId);
    return it->second;
}

// Interrupts the cell when its timeout passes, and ends its runner when the interrupt
// does not end it within the grace.
void InterpreterService::armTimeout(const std::shared_ptr<Cell> &cell, const std::shared_ptr<Runner> &runner)
{
    std::weak_ptr<Runner> weakRunner = runner;
    std::weak_ptr<Cell> weakCell = cell;
    cell->stopTimer.expires_after(*cell->timeout);
    cell->stopTimer.async_wait([weakRunner, weakCell](boost::system::error_code error) {
        auto stopping = weakCell.lock();
        if (error || !stopping || stopping->finished)
            return;
        stopping->timedOut = true;
        if (auto target = weakRunner.lock()) {
            target->interrupt();
            stopping->stopTimer.expires_after(kStopGrace);
            stopping->stopTimer.async_wait([weakRunner](boost::system::error_code again) {
                if (auto runnerLeft = weakRunner.lock(); runnerLeft && !again)
                    runnerLeft->kill();
            });
        }
    });
}

asio::awaitable<void> InterpreterService::runCell(std::shared_ptr<Context> context, std::shared_ptr<Cell> cell)
{
    auto guard = co_await context->turn.lock();
    struct Finish { // a constructor, not aggregate initialisation (GCC 12)
        Finish(Context &c, Cell &e) : context(c), cell(e) {}
        Context &context;
        Cell &cell;
        ~Finish()
        {
            if (context.runner)
                context.runner->endCell();
            context.current.reset();
            cell.finished = true;
            cell.stopTimer.cancel();
            cell.changed.notify();
        }
    } finish(*context, *cell);
    if (cell->abandoned)
        co_return; // its stream left while it waited for its turn
    if (context->deleted) {
        cell->push(errorEvent("ContextNotFound", "Code context '" + context->id + "' was deleted"));
        co_return;
    }
    auto runner = context->runner;
    if (!runner || !runner->running()) {
        cell->push(errorEvent("ContextDied",
                              "Context executor has terminated. Please delete and recreate the context (or restart it)."));
        co_return;
    }
    context->current = cell;
    runner->beginCell(config_.cellOutputLimitBytes);
    const Json request = executeRequest(cell->code);
    co_await runner->send(request);
    for (;;) {
        auto event = co_await runner->next();
        if (!event) {
            std::string evalue = "The context's " + std::string(programName(runner->program())) +
                                 " runner ended while the cell ran (" + runner->endReason() +
                                 "). Its state is lost: restart the context, or delete and recreate it.";
            if (cell->timedOut)
                evalue = cell->timedOutText() + " and did not stop when interrupted; " + evalue;
            // Ended on purpose: said so, not as a crash.
            if (context->deleted)
                cell->push(errorEvent("ContextDeleted", "The context was deleted while this cell ran."));
            else if (context->restarting > 0)
                cell->push(errorEvent("ContextRestarted",
                                      "The context was restarted while this cell ran: its variables are gone."));
            else
                cell->push(errorEvent(cell->timedOut ? "TimeoutError" : "ContextDied", evalue));
            co_return;
        }
        const std::string type = (*event)["type"];
        if (type == "started") {
            // SIGINT reaches the cell from now: an interrupt asked for before is sent, and
            // the timeout counts from here. (Not a loop of its own before this one: output
            // read together with this message may stand before it in the queue.)
            cell->started = true;
            if (cell->interruptRequested)
                runner->interrupt();
            if (cell->timeout)
                armTimeout(cell, runner);
        } else if (type == "stdout" || type == "stderr") {
            (*event)["timestamp"] = epochMilliseconds();
            cell->push(std::move(*event));
        } else if (type == "result") {
            if (!event->contains("metadata"))
                (*event)["metadata"] = Json::object();
            cell->push(std::move(*event));
        } else if (type == "done") {
            cell->push(completeEvent(*event));
            co_return;
        } else if (type == "error") {
            Json error = runnerErrorEvent(*event);
            if (cell->timedOut) {
                error["ename"] = "TimeoutError";
                error["evalue"] = cell->timedOutText();
            }
            cell->push(std::move(error));
            co_return;
        }
    }
}

asio::awaitable<void> InterpreterService::execute(std::shared_ptr<Context> context, std::string code,
                                                  std::optional<std::chrono::milliseconds> timeout, Emit send)
{
    auto cell = std::make_shared<Cell>(executor_);
    cell->code = std::move(code);
    cell->timeout = timeout;
    // The cell runs to its end whether or not this stream stays to read it.
    asio::co_spawn(executor_, runCell(context, cell), system::inBackground("interpreter cell"));
    struct Abandon {
        Abandon(InterpreterService &s, std::shared_ptr<Context> c, std::shared_ptr<Cell> e)
            : service(s), context(std::move(c)), cell(std::move(e)) {}
        InterpreterService &service;
        std::shared_ptr<Context> context;
        std::shared_ptr<Cell> cell;
        ~Abandon()
        {
            if (cell->finished)
                return;
            cell->abandoned = true;
            if (context->current == cell)
                service.interrupt(*context); // the client left: stop the cell, keep the context
        }
    } abandon(*this, context, cell);
    for (;;) {
        while (!cell->events.empty()) {
            Json event = std::move(cell->events.front());
            cell->events.pop_front();
            if (!co_await send(event))
                co_return;
        }
        if (cell->finished)
            co_return;
        co_await cell->changed.wait();
    }
}

void InterpreterService::addRoutes(http::RouteTable &table)
{
    using http::bhttp::verb;
    table.add(verb::get, "/api/interpreter/health", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        warm(); // a client about to use the interpreter: start the pool
        const bool python = !findProgram(config_, "python3").empty();
        const bool node = !findProgram(config_, "node").empty();
        Json health = {{"status", python || node ? "healthy" : "unhealthy"}};
        health["languages"] = languagesFound(python, node);
        health["pool"] = poolSummary();
        co_await replySuccess(call.responder, std::move(health));
    });
    table.add(verb::post, "/api/contexts", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        Json body = call.request.body().empty() ? Json::object() : protocol::parseBody(call.request.body());
        Json created = co_await create(std::move(body));
        co_await replySuccess(call.responder, std::move(created));
    });
    table.add(verb::get, "/api/contexts", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        Json list = Json::array();
        for (const auto &[id, context] : contexts_)
            list.push_back(context->summary());
        Json reply = {{"contexts", std::move(list)}};
        co_await replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::get, "/api/contexts/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, require(http::percentDecode(call.params[0]))->summary());
    });
    table.add(verb::delete_, "/api/contexts/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto context = require(http::percentDecode(call.params[0]));
        context->deleted = true;
        if (context->runner)
            context->runner->kill();
        contexts_.erase(context->id);
        Json reply = {{"contextId", context->id}};
        co_await replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::post, "/api/contexts/{id}/interrupt", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto context = require(http::percentDecode(call.params[0]));
        const bool running = context->current && context->runner;
        interrupt(*context);
        Json reply = {{"contextId", context->id}, {"interrupted", running}};
        co_await replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::post, "/api/contexts/{id}/restart", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto context = require(http::percentDecode(call.params[0]));
        co_await restart(context);
        co_await replySuccess(call.responder, context->summary());
    });
    table.add(verb::post, "/api/execute/code", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        if (call.request.body().size() > kCodeLimit + 64 * 1024)
            throw ApiError("VALIDATION_FAILED", "The code is larger than 10 MiB", {}, {}, 413);
        const Json body = protocol::parseBody(call.request.body());
        const std::string contextId = optionalString(body, "context_id");
        if (contextId.empty())
            throw ApiError("VALIDATION_FAILED", "context_id is required");
        if (!body.contains("code") || !body["code"].is_string())
            throw ApiError("VALIDATION_FAILED", "code must be a string");
        std::string code = body["code"];
        if (code.size() > kCodeLimit)
            throw ApiError("VALIDATION_FAILED", "The code is larger than 10 MiB", {}, {}, 413);
        if (const std::string language = optionalString(body, "language"); !language.empty() && !canonicalLanguage(language))
            throw unsupportedLanguage(language);
        std::optional<std::chrono::milliseconds> timeout;
        if (body.contains("timeout_ms") && !body["timeout_ms"].is_null()) {
            if (!body["timeout_ms"].is_number() || body["timeout_ms"].get<double>() < 1 ||
                body["timeout_ms"].get<double>() > kLongestTimeoutMs)
                throw ApiError("VALIDATION_FAILED", "timeout_ms must be a number of milliseconds from 1 to 604800000 (a week)");
            timeout = std::chrono::milliseconds(static_cast<long long>(body["timeout_ms"].get<double>()));
        }
        auto context = require(contextId);
        if (context->restarting == 0 && (!context->runner || !context->runner->running()))
            throw ApiError("INTERNAL_ERROR", "Context executor has terminated. Please delete and recreate the context.",
                           {{"contextId", contextId}, {"state", "dead"}});
        std::function<asio::awaitable<void>(Emit)> produce = [this, context, code = std::move(code),
                                                              timeout](Emit send) mutable {
            return execute(context, std::move(code), timeout, std::move(send));
        };
        co_await streamEvents(call.responder, std::move(produce));
    });
}

} // namespace sandbench::agent
