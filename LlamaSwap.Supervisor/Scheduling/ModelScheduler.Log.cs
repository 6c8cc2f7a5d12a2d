using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Scheduling;

internal sealed partial class ModelScheduler
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "swap: model={Model} evict=[{Evicted}]")]
        public static partial void SwapStarted(ILogger logger, string model, string evicted);

        [LoggerMessage(2, LogLevel.Information, "{Model} starting")]
        public static partial void Starting(ILogger logger, string model);

        [LoggerMessage(3, LogLevel.Information, "{Model} ready (pid {Pid})")]
        public static partial void Ready(ILogger logger, string model, int? pid);

        [LoggerMessage(4, LogLevel.Error, "{Model} failed to start: {Reason}")]
        public static partial void StartFailed(ILogger logger, string model, string reason);

        [LoggerMessage(5, LogLevel.Information, "{Model} stopping ({Reason}, graceful window {Seconds} s)")]
        public static partial void Stopping(ILogger logger, string model, string reason, double seconds);

        [LoggerMessage(6, LogLevel.Information, "{Model} stopped")]
        public static partial void Stopped(ILogger logger, string model);

        [LoggerMessage(7, LogLevel.Error, "{Model} did not stop cleanly, treating it as stopped: {Reason}")]
        public static partial void StopFailed(ILogger logger, string model, string reason);

        [LoggerMessage(8, LogLevel.Warning, "{Model} upstream process exited unexpectedly (exit code {ExitCode})")]
        public static partial void Crashed(ILogger logger, string model, int exitCode);

        [LoggerMessage(9, LogLevel.Information, "{Model} Unloading model, TTL of {Seconds}s reached")]
        public static partial void TtlReached(ILogger logger, string model, double seconds);

        [LoggerMessage(10, LogLevel.Information, "preloading model: {Model}")]
        public static partial void Preloading(ILogger logger, string model);

        [LoggerMessage(11, LogLevel.Error, "failed to preload model {Model}: {Reason}")]
        public static partial void PreloadFailed(ILogger logger, string model, string reason);

        [LoggerMessage(12, LogLevel.Information, "scheduler shutting down: stopping every model")]
        public static partial void ShuttingDown(ILogger logger);

        [LoggerMessage(14, LogLevel.Warning, "preload: model {Model} is not a local model, skipping")]
        public static partial void PreloadSkipped(ILogger logger, string model);

        [LoggerMessage(13, LogLevel.Critical, "scheduler loop fault while handling {Command}; state may be inconsistent")]
        public static partial void LoopFault(ILogger logger, string command, Exception exception);
    }
}
