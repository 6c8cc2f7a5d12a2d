using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlamaSwap.Supervisor.Telemetry;

/// <summary>
/// The Supervisor's ActivitySource and Meter and the names of its spans, tags and instruments. Attribute names
/// follow the OpenTelemetry semantic conventions where one fits (GenAI <c>gen_ai.*</c>, <c>process.pid</c>,
/// <c>server.port</c>, <c>error.type</c>); the rest live under <c>llamaswap.*</c>.
/// </summary>
internal static class SupervisorTelemetry
{
    /// <summary>Name of both the ActivitySource and the Meter; what telemetry setup subscribes to.</summary>
    public const string Name = "LlamaSwap.Supervisor";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Seconds from spawning an upstream until it answered its check endpoint (or failed to).</summary>
    public static readonly Histogram<double> ModelStartDuration = Meter.CreateHistogram<double>(
        Instruments.ModelStartDuration, unit: "s", description: "Time from spawning an upstream process until it is ready or its start failed.");

    /// <summary>Seconds from asking an upstream to stop until its whole process tree was gone.</summary>
    public static readonly Histogram<double> ModelStopDuration = Meter.CreateHistogram<double>(
        Instruments.ModelStopDuration, unit: "s", description: "Time from asking an upstream process tree to stop until it is gone.");

    /// <summary>Acquire calls answered, by model and gRPC status (<c>OK</c> once Ready was sent).</summary>
    public static readonly Counter<long> AcquireCalls = Meter.CreateCounter<long>(
        Instruments.AcquireCalls, unit: "{call}", description: "Acquire calls by model and outcome (the gRPC status, OK once a lease was granted).");

    public static class Spans
    {
        /// <summary>The server side of a gRPC call: <c>{service}/{method}</c>, as the RPC semantic conventions name it.</summary>
        public static string GrpcServer(string path) => path.TrimStart('/');

        public const string StartModel = "start model";
        public const string ReadinessWait = "readiness wait";
        public const string StopModel = "stop model";
    }

    public static class Instruments
    {
        public const string ModelStartDuration = "llamaswap.model.start.duration";
        public const string ModelStopDuration = "llamaswap.model.stop.duration";
        public const string AcquireCalls = "llamaswap.supervisor.acquire.calls";
        public const string ModelLeases = "llamaswap.supervisor.model.leases";
        public const string ModelWaiting = "llamaswap.supervisor.model.waiting";
        public const string ModelReady = "llamaswap.supervisor.model.ready";
        public const string ConfigGeneration = "llamaswap.supervisor.config.generation";
    }

    public static class Tags
    {
        /// <summary>The model ID as configured (GenAI semantic conventions).</summary>
        public const string Model = "gen_ai.request.model";
        public const string ProcessPid = "process.pid";
        public const string ServerPort = "server.port";
        public const string ErrorType = "error.type";
        public const string ReadinessAttempts = "llamaswap.readiness.attempts";

        /// <summary><c>ready</c>, <c>failed</c> or <c>cancelled</c> for starts.</summary>
        public const string Outcome = "llamaswap.outcome";

        /// <summary>How the tree ended: <see cref="StopModes"/>.</summary>
        public const string StopMode = "llamaswap.stop.mode";

        public const string StopDurationSeconds = "llamaswap.stop.duration_s";

        public const string RpcSystem = "rpc.system";
        public const string RpcService = "rpc.service";
        public const string RpcMethod = "rpc.method";
        public const string RpcStatusCode = "rpc.grpc.status_code";

        /// <summary>The Proxy's id of the HTTP request a lease serves.</summary>
        public const string RequestId = "llamaswap.request.id";
    }

    public static class Outcomes
    {
        public const string Ready = "ready";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";
    }

    public static class StopModes
    {
        /// <summary>The tree was already gone when the stop began (it exited on its own).</summary>
        public const string AlreadyExited = "exited";

        /// <summary>It ended within the graceful window (SIGTERM or <c>cmdStop</c>).</summary>
        public const string Graceful = "graceful";

        /// <summary>The graceful window passed (or was zero) and the group got SIGKILL.</summary>
        public const string Forced = "forced";
    }
}
