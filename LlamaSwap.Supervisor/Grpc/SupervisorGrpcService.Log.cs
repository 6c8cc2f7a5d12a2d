using LlamaSwap.Rpc;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Grpc;

internal sealed partial class SupervisorGrpcService
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "lease on {Model} granted (pid {Pid}, request {RequestId})")]
        public static partial void LeaseGranted(ILogger logger, string model, int pid, string requestId);

        [LoggerMessage(2, LogLevel.Debug, "lease on {Model} released (request {RequestId})")]
        public static partial void LeaseReleased(ILogger logger, string model, string requestId);

        [LoggerMessage(3, LogLevel.Information, "lease on {Model} ended by the Supervisor: {Status} {Detail}")]
        public static partial void LeaseEnded(ILogger logger, string model, StatusCode status, string detail);

        [LoggerMessage(4, LogLevel.Information, "unloaded [{Models}] (hard: {Hard})")]
        public static partial void Unloaded(ILogger logger, string models, bool hard);
    }
}
