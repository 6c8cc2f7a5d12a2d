using System.Collections.Immutable;

namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>What is known about a resource at one moment; published whole, never mutated.</summary>
public sealed record ResourceSnapshot
{
    public required string Name { get; init; }
    public required string ResourceType { get; init; }
    public string State { get; init; } = KnownResourceStates.NotStarted;
    public bool Healthy { get; init; }
    public int? Pid { get; init; }
    public int? ExitCode { get; init; }
    public int Restarts { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? StoppedAt { get; init; }
    public ImmutableArray<string> Urls { get; init; } = [];
    /// <summary>The parent resource for child resources (an upstream model under the Supervisor).</summary>
    public string? Parent { get; init; }
    public ImmutableDictionary<string, string> Properties { get; init; } = ImmutableDictionary<string, string>.Empty;
}
