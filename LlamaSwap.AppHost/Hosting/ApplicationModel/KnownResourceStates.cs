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
}
