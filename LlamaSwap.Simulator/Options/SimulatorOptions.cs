namespace LlamaSwap.Simulator.Options;

/// <summary>Everything the command line decides; immutable once parsed.</summary>
internal sealed record SimulatorOptions
{
    public const string DefaultHost = "127.0.0.1";
    public const string DefaultModel = "simulator";
    public const double DefaultTokensPerSecond = 200;
    public const int DefaultMaxTokens = 16;

    /// <summary>Port to listen on; 0 lets the operating system choose (the chosen one is logged).</summary>
    public required int Port { get; init; }

    public string Host { get; init; } = DefaultHost;

    /// <summary>The model name this server reports in headers, logs and <c>/v1/models</c>.</summary>
    public string Model { get; init; } = DefaultModel;

    /// <summary>How long <c>/health</c> answers 503 after the server starts listening.</summary>
    public TimeSpan LoadTime { get; init; } = TimeSpan.Zero;

    /// <summary>Generation rate; 0 means no pacing at all.</summary>
    public double TokensPerSecond { get; init; } = DefaultTokensPerSecond;

    /// <summary>Natural response length in tokens; a request's own cap can only shorten it.</summary>
    public int MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>Fixed response text, streamed word by word; null means deterministic lorem words.</summary>
    public string? Response { get; init; }

    public FailureMode Failure { get; init; } = FailureMode.None.Instance;

    public SigtermBehaviour Sigterm { get; init; } = SigtermBehaviour.Honour;

    /// <summary>Start a long-lived grandchild process in the same process group.</summary>
    public bool ForkChild { get; init; }

    /// <summary>When set, JSON and multipart requests naming another model are rejected with 400.</summary>
    public string? ExpectModel { get; init; }

    /// <summary>Suppress per-request and loading-progress lines.</summary>
    public bool Quiet { get; init; }
}
