using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes;

internal sealed partial class UpstreamProcess
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Model {ModelId}: spawned pid {Pid}: {Command}")]
    private partial void LogSpawned(string modelId, int pid, string command);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Model {ModelId}: health check passed on {Url} after {Attempts} poll(s)")]
    private partial void LogHealthCheckPassed(string modelId, Uri url, int attempts);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Model {ModelId}: pid {Pid} ready after {Seconds:0.###}s")]
    private partial void LogReady(string modelId, int pid, double seconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Model {ModelId}: start failed: {Reason}")]
    private partial void LogStartFailed(string modelId, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Model {ModelId}: health check on {Url} timed out after {Attempts} poll(s); last: {LastFailure}")]
    private partial void LogHealthCheckTimedOut(string modelId, Uri url, int attempts, string lastFailure);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Model {ModelId}: upstream process {Pid} exited unexpectedly with code {Code}")]
    private partial void LogExitedOnItsOwn(string modelId, int pid, int code);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Model {ModelId}: running cmdStop '{Command}' (pid {Pid})")]
    private partial void LogRunningStopCommand(string modelId, string command, int pid);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Model {ModelId}: cmdStop could not run ({Reason}); sent SIGTERM to the process group instead")]
    private partial void LogStopCommandFailed(string modelId, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Model {ModelId}: cmdStop exited with code {Code}")]
    private partial void LogStopCommandExitCode(string modelId, int code);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Model {ModelId}: graceful window over, sending SIGKILL to process group {ProcessGroupId}")]
    private partial void LogKilling(string modelId, int processGroupId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Model {ModelId}: process group {ProcessGroupId} still has live processes {Timeout} after SIGKILL (uninterruptible I/O?); giving up waiting")]
    private partial void LogTreeSurvivedKill(string modelId, int processGroupId, string timeout);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Model {ModelId}: output pipes still open {Timeout} after the process group ended (a process that left the group holds them); closing them")]
    private partial void LogPipesHeld(string modelId, string timeout);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Model {ModelId}: pid {Pid} stopped ({Mode}) in {Seconds:0.###}s")]
    private partial void LogStopped(string modelId, int pid, string mode, double seconds);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Model {ModelId}: tearing down pid {Pid} failed")]
    private partial void LogTeardownFailed(string modelId, int pid, Exception exception);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Model {ModelId}: ignoring env entry '{Entry}' (expected NAME=value)")]
    private partial void LogIgnoredEnvironmentEntry(string modelId, string entry);
}
