namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>Resource states, named as Aspire names them (strings, compared case-insensitively).</summary>
public static class KnownResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Stopping = "Stopping";
    public const string Exited = "Exited";
    public const string FailedToStart = "FailedToStart";
    /// <summary>Nothing is known right now (a child resource while its parent cannot be reached).</summary>
    public const string Unknown = "Unknown";
}

/// <summary>The dashboard's colouring of a state, as Aspire's <c>KnownResourceStateStyles</c>.</summary>
public static class KnownResourceStateStyles
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Info = "info";
    public const string Warning = "warning";

    public static string For(ResourceSnapshot snapshot) => snapshot.State switch
    {
        KnownResourceStates.Running => snapshot.Healthy ? Success : Warning,
        KnownResourceStates.FailedToStart => Error,
        KnownResourceStates.Exited => snapshot.ExitCode is null or 0 or 143 ? Info : Error,
        KnownResourceStates.Unknown => Warning,
        _ => Info,
    };
}

public static class KnownResourceTypes
{
    public const string Project = "Project";
    public const string Upstream = "Upstream";
}

/// <summary>The built-in commands, named as Aspire names them.</summary>
public static class KnownResourceCommands
{
    public const string Start = "start";
    public const string Stop = "stop";
    public const string Restart = "restart";

    public static readonly IReadOnlyList<string> All = [Start, Stop, Restart];
}

public sealed record ResourceCommandResult(bool Succeeded, string Message)
{
    public static ResourceCommandResult Success(string message) => new(true, message);
    public static ResourceCommandResult Failure(string message) => new(false, message);
}
