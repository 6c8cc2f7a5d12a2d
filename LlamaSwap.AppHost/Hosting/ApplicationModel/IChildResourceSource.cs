using LlamaSwap.AppHost.Hosting.Orchestration;

namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>
/// Resources a running resource owns and reports itself (the Supervisor's upstream model processes):
/// the source publishes their snapshots and console lines, and carries out their commands.
/// </summary>
public interface IChildResourceSource
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; survives restarts of the parent.</summary>
    Task RunAsync(ProjectResource parent, ResourceNotificationService notifications, ResourceLogService logs, CancellationToken cancellationToken);

    Task<ResourceCommandResult> ExecuteCommandAsync(string resourceName, string command, CancellationToken cancellationToken);
}
