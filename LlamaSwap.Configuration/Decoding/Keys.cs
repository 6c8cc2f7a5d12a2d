namespace LlamaSwap.Configuration.Decoding;

/// <summary>Every configuration key name, and the known keys of each section (used for unknown-key warnings).</summary>
internal static class Keys
{
    public const string HealthCheckTimeout = "healthCheckTimeout";
    public const string LogLevel = "logLevel";
    public const string LogTimeFormat = "logTimeFormat";
    public const string LogToStdout = "logToStdout";
    public const string LogRequests = "logRequests";
    public const string MetricsMaxInMemory = "metricsMaxInMemory";
    public const string CaptureBuffer = "captureBuffer";
    public const string Store = "store";
    public const string Path = "path";
    public const string Ui = "ui";
    public const string Activity = "activity";
    public const string SessionId = "session_id";
    public const string Performance = "performance";
    public const string Disabled = "disabled";
    public const string Every = "every";
    public const string StartPort = "startPort";
    public const string SendLoadingState = "sendLoadingState";
    public const string LoadingStateStyle = "loadingStateStyle";
    public const string IncludeAliasesInList = "includeAliasesInList";
    public const string GlobalTtl = "globalTTL";
    public const string UnloadTimeout = "unloadTimeout";
    public const string Macros = "macros";
    public const string Models = "models";
    public const string Groups = "groups";
    public const string Matrix = "matrix";
    public const string Routing = "routing";
    public const string Hooks = "hooks";
    public const string ApiKeys = "apiKeys";
    public const string Peers = "peers";
    public const string Upstream = "upstream";
    public const string IgnorePaths = "ignorePaths";
    public const string Profiles = "profiles";
    public const string Selectors = "selectors";
    public const string MaxLoaded = "maxLoaded";

    public const string Cmd = "cmd";
    public const string CmdStop = "cmdStop";
    public const string Proxy = "proxy";
    public const string CheckEndpoint = "checkEndpoint";
    public const string Ttl = "ttl";
    public const string Aliases = "aliases";
    public const string Env = "env";
    public const string Unlisted = "unlisted";
    public const string UseModelName = "useModelName";
    public const string Name = "name";
    public const string Description = "description";
    public const string ConcurrencyLimit = "concurrencyLimit";
    public const string Filters = "filters";
    public const string Metadata = "metadata";
    public const string Timeouts = "timeouts";
    public const string Compat = "compat";
    public const string IgnoreWebsockets = "ignoreWebsockets";
    public const string Capabilities = "capabilities";

    public const string StripParams = "stripParams";
    public const string LegacyStripParams = "strip_params";
    public const string SetParams = "setParams";
    public const string SetParamsById = "setParamsByID";

    public const string Connect = "connect";
    public const string KeepAlive = "keepalive";
    public const string ResponseHeader = "responseHeader";
    public const string TlsHandshake = "tlsHandshake";
    public const string ExpectContinue = "expectContinue";
    public const string IdleConn = "idleConn";

    public const string In = "in";
    public const string Out = "out";
    public const string Tools = "tools";
    public const string Reranker = "reranker";
    public const string Context = "context";

    public const string Router = "router";
    public const string Scheduler = "scheduler";
    public const string Use = "use";
    public const string Settings = "settings";
    public const string Fifo = "fifo";
    public const string Priority = "priority";
    public const string StarvationBound = "starvationBound";
    public const string Swap = "swap";
    public const string Exclusive = "exclusive";
    public const string Persistent = "persistent";
    public const string Members = "members";
    public const string Vars = "vars";
    public const string EvictCosts = "evict_costs";
    public const string Sets = "sets";

    public const string OnStartup = "on_startup";
    public const string Preload = "preload";
    public const string ApiKey = "apiKey";
    public const string Pins = "pins";
    public const string Strategy = "strategy";
    public const string Targets = "targets";
    public const string Spillover = "spillover";

    public const string Endpoint = "endpoint";
    public const string Routes = "routes";
    public const string Match = "match";
    public const string ModelField = "model";
    public const string ModelPattern = "modelPattern";
    public const string Headers = "headers";
    public const string PathPattern = "pathPattern";
    public const string Weight = "weight";
    public const string Fallback = "fallback";
    public const string HideBackend = "hideBackend";
    public const string Resilience = "resilience";
    public const string Retries = "retries";
    public const string RetryDelay = "retryDelay";
    public const string Breaker = "breaker";
    public const string FailureRatio = "failureRatio";
    public const string MinimumThroughput = "minimumThroughput";
    public const string SamplingDuration = "samplingDuration";
    public const string BreakDuration = "breakDuration";
    public const string EndpointHealth = "endpointHealth";
    public const string Interval = "interval";
    public const string Timeout = "timeout";

    public static readonly string[] TopLevel =
    [
        HealthCheckTimeout, LogLevel, LogTimeFormat, LogToStdout, LogRequests, MetricsMaxInMemory, CaptureBuffer, Store, Ui,
        Performance, StartPort, SendLoadingState, LoadingStateStyle, IncludeAliasesInList, GlobalTtl, UnloadTimeout, Macros,
        Models, Groups, Matrix, Routing, Hooks, ApiKeys, Peers, Upstream, Profiles, Selectors, MaxLoaded, Routes, Resilience,
        EndpointHealth,
    ];

    public static readonly string[] Model =
    [
        Cmd, CmdStop, Proxy, CheckEndpoint, Ttl, UnloadTimeout, Aliases, Env, Unlisted, UseModelName, Name, Description,
        ConcurrencyLimit, SendLoadingState, LoadingStateStyle, Filters, Metadata, Macros, Timeouts, Compat, Capabilities,
        HealthCheckTimeout, Endpoint, ApiKey,
    ];

    public static readonly string[] ModelFilters = [StripParams, LegacyStripParams, SetParams, SetParamsById];
    public static readonly string[] PeerFilters = [StripParams, LegacyStripParams, SetParams];
    public static readonly string[] TimeoutKeys = [Connect, KeepAlive, ResponseHeader, TlsHandshake, ExpectContinue, IdleConn];
    public static readonly string[] CapabilityKeys = [In, Out, Tools, Reranker, Context];
    public static readonly string[] CompatKeys = [IgnoreWebsockets];
    public static readonly string[] StoreKeys = [Path];
    public static readonly string[] UiKeys = [Activity];
    public static readonly string[] UiActivityKeys = [SessionId];
    public static readonly string[] PerformanceKeys = [Disabled, Every];
    public static readonly string[] UpstreamKeys = [IgnorePaths];
    public static readonly string[] HooksKeys = [OnStartup];
    public static readonly string[] OnStartupKeys = [Preload];
    public static readonly string[] RoutingKeys = [Router, Scheduler];
    public static readonly string[] RouterKeys = [Use, Settings];
    public static readonly string[] RouterSettingsKeys = [Groups, Matrix, MaxLoaded];
    public static readonly string[] SchedulerKeys = [Use, Settings];
    public static readonly string[] SchedulerSettingsKeys = [Fifo];
    public static readonly string[] FifoKeys = [Priority, StarvationBound];
    public static readonly string[] GroupKeys = [Swap, Exclusive, Persistent, Members];
    public static readonly string[] MatrixKeys = [Vars, EvictCosts, Sets];
    public static readonly string[] PeerKeys = [Proxy, ApiKey, Models, Filters, Timeouts];
    public static readonly string[] ProfileKeys = [Description, Pins];
    public static readonly string[] SelectorKeys = [Strategy, Targets, Settings, Name, Description, Metadata, Unlisted];
    public static readonly string[] SelectorSettingsKeys = [Spillover];
    public static readonly string[] RouteKeys = [Name, Match, Targets, Fallback, Strategy, HideBackend];
    public static readonly string[] RouteMatchKeys = [ModelField, ModelPattern, Headers, Path, PathPattern];
    public static readonly string[] RouteTargetKeys = [ModelField, Weight];
    public static readonly string[] ResilienceKeys = [Retries, RetryDelay, Breaker];
    public static readonly string[] BreakerKeys = [FailureRatio, MinimumThroughput, SamplingDuration, BreakDuration];
    public static readonly string[] EndpointHealthKeys = [Interval, Timeout];
}
