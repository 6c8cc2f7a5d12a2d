using System.Collections.Immutable;
using System.Text.Json;

namespace LlamaSwap.Configuration;

/// <summary>One entry of <c>models:</c>, macros and <c>${PORT}</c> already substituted.</summary>
public sealed record ModelConfig
{
    public required string Id { get; init; }
    /// <summary>Command line with full-line comments removed and macros expanded (still one string; see <see cref="CommandLine"/>).</summary>
    public string Cmd { get; init; } = "";
    /// <summary>Stop command; may contain the literal <c>${PID}</c>, substituted when it runs. Empty = SIGTERM to the process group.</summary>
    public string CmdStop { get; init; } = "";
    /// <summary>Upstream base URL.</summary>
    public required string Proxy { get; init; }
    /// <summary>Path polled for HTTP 200 while starting; <c>none</c> = ready once spawned.</summary>
    public string CheckEndpoint { get; init; } = "/health";
    /// <summary><c>NAME=value</c> entries added to the child's environment (later duplicates win).</summary>
    public ImmutableArray<string> Env { get; init; } = [];
    /// <summary>Effective idle TTL (model value, else globalTTL); null = never unload.</summary>
    public TimeSpan? Ttl { get; init; }
    /// <summary>Effective graceful window for manual, API and TTL unloads.</summary>
    public TimeSpan UnloadTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Effective health check timeout (copied from the global setting).</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public ImmutableArray<string> Aliases { get; init; } = [];
    /// <summary>Replaces <c>model</c> in bodies sent upstream; empty = send the requested name.</summary>
    public string UseModelName { get; init; } = "";
    public bool Unlisted { get; init; }
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>A JSON object (macros substituted with their types kept); an empty object when unset.</summary>
    public JsonElement Metadata { get; init; } = EmptyJson.Object;
    public ModelFilters Filters { get; init; } = new();
    /// <summary>Max admitted requests (queued + in flight); default 10.</summary>
    public int ConcurrencyLimit { get; init; } = 10;
    /// <summary>Effective value (model setting, else the global one).</summary>
    public bool SendLoadingState { get; init; }
    /// <summary>Effective loading-state style (model setting, else the global one); a LlamaSwap addition.</summary>
    public LoadingStateStyle LoadingStateStyle { get; init; } = LoadingStateStyle.Reasoning;
    public UpstreamTimeouts Timeouts { get; init; } = new();
    public Capabilities Capabilities { get; init; } = new();
    public bool IgnoreWebsockets { get; init; }
    /// <summary>The port allocated for <c>${PORT}</c>, when the command uses it.</summary>
    public int? Port { get; init; }

    /// <summary>For an endpoint model: the key sent to it (as a bearer token) instead of the client's; empty = none.</summary>
    public string ApiKey { get; init; } = "";

    /// <summary>A remote backend (a URL and no <c>cmd</c>): the Proxy forwards to it and checks its health; nothing is started.</summary>
    public bool IsEndpoint => Cmd.Length == 0;

    /// <summary>The command split into argv the way llama-swap does (POSIX words, no shell).</summary>
    public ImmutableArray<string> CommandLine => CommandLineSplitter.Split(Cmd);
}

public sealed record ModelFilters
{
    /// <summary>Sorted, de-duplicated JSON keys removed from request bodies (<c>model</c> never).</summary>
    public ImmutableArray<string> StripParams { get; init; } = [];
    /// <summary>JSON paths (dots address nested fields) set on request bodies, applied in key order.</summary>
    public ImmutableSortedDictionary<string, JsonElement> SetParams { get; init; } =
        ImmutableSortedDictionary.Create<string, JsonElement>(StringComparer.Ordinal);
    /// <summary>Requested name → extra params applied after <see cref="SetParams"/>.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, JsonElement>> SetParamsById { get; init; } =
        ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, JsonElement>>(StringComparer.Ordinal);
}

public sealed record UpstreamTimeouts
{
    public TimeSpan? Connect { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan? KeepAlive { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>null = wait for response headers as long as it takes (long prompt processing).</summary>
    public TimeSpan? ResponseHeader { get; init; }
    public TimeSpan? TlsHandshake { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan? ExpectContinue { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan? IdleConnection { get; init; } = TimeSpan.FromSeconds(90);
}

public enum Modality { Text, Audio, Image }

public sealed record Capabilities
{
    public ImmutableArray<Modality> In { get; init; } = [];
    public ImmutableArray<Modality> Out { get; init; } = [];
    public bool Tools { get; init; }
    public bool Reranker { get; init; }
    /// <summary>Context length in tokens; 0 = not declared.</summary>
    public int Context { get; init; }

    public bool IsEmpty => In.IsEmpty && Out.IsEmpty && !Tools && !Reranker && Context == 0;
}

internal static class EmptyJson
{
    public static readonly JsonElement Object = JsonDocument.Parse("{}").RootElement.Clone();
}
