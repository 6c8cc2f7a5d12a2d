using System.Collections.Immutable;

namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>What is known about a resource at one moment; published whole, never mutated.</summary>
public sealed record ResourceSnapshot
{
    public required string Name { get; init; }
    /// <summary><see cref="KnownResourceTypes"/>: Project for a service, Upstream for a model process.</summary>
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
    /// <summary>The command line the process runs (or ran last).</summary>
    public string? Command { get; init; }
    /// <summary>The environment the process was started with, beyond the AppHost's own.</summary>
    public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>Commands the resource accepts (<see cref="KnownResourceCommands"/>).</summary>
    public ImmutableArray<string> Commands { get; init; } = [];
    public ImmutableDictionary<string, string> Properties { get; init; } = ImmutableDictionary<string, string>.Empty;
}
