using System.Collections.Immutable;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using LlamaSwap.Configuration;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.AppHost.Supervision;

/// <summary>
/// The Supervisor's upstream model processes as child resources of the <c>supervisor</c> resource:
/// state, PID, port and URL from its <c>WatchState</c> stream, console lines from <c>StreamLogs</c>
/// (one call per model), command and environment from the configuration, and the start, stop and
/// restart commands mapped to <c>Load</c> and <c>Unload</c>. Reconnects whenever the Supervisor
/// restarts; while it cannot be reached, the models show as Unknown.
/// </summary>
internal sealed class SupervisorModelResources(LlamaSwapConfig config, string grpcEndpointName, TimeProvider timeProvider) : IChildResourceSource
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _resourceNameByModel = [];
    private readonly Dictionary<string, string> _modelByResourceName = [];
    private SupervisorClient? _client;

    public async Task RunAsync(ProjectResource parent, ResourceNotificationService notifications, ResourceLogService logs, CancellationToken cancellationToken)
    {
        // Endpoint models run elsewhere: the Supervisor has no process, so there is no resource to show for them.
        foreach (var model in config.Models.Values.Where(m => !m.IsEndpoint))
        {
            var name = ResourceName(model.Id, parent.Name);
            lock (_gate)
            {
                _resourceNameByModel[model.Id] = name;
                _modelByResourceName[name] = model.Id;
            }
            notifications.Publish(new ResourceSnapshot
            {
                Name = name,
                ResourceType = KnownResourceTypes.Upstream,
                Parent = parent.Name,
                Command = string.Join(' ', model.Cmd.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                Environment = model.Env
                    .Select(e => e.Split('=', 2))
                    .GroupBy(kv => kv[0], StringComparer.Ordinal)
                    .ToImmutableSortedDictionary(g => g.Key, g => g.Last().ElementAtOrDefault(1) ?? "", StringComparer.Ordinal),
                Commands = [.. KnownResourceCommands.All],
                Properties = ImmutableDictionary<string, string>.Empty
                    .Add("model", model.Id)
                    .Add("port", model.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")
                    .Add("displayName", model.Name.Length > 0 ? model.Name : model.Id)
                    .Add("description", model.Description),
            });
        }

        using var channel = GrpcChannel.ForAddress(parent.GetEndpoint(grpcEndpointName).Url);
        var client = new SupervisorClient(channel);
        lock (_gate)
            _client = client;
        List<(string Model, string Resource)> models;
        lock (_gate)
            models = [.. _resourceNameByModel.Select(kv => (kv.Key, kv.Value))];
        await Task.WhenAll(models
            .Select(m => StreamLogsAsync(client, parent, notifications, logs, m.Model, m.Resource, cancellationToken))
            .Append(WatchStateAsync(client, parent, notifications, cancellationToken)));
    }

    public async Task<ResourceCommandResult> ExecuteCommandAsync(string resourceName, string command, CancellationToken cancellationToken)
    {
        SupervisorClient? client;
        string? model;
        lock (_gate)
        {
            client = _client;
            _modelByResourceName.TryGetValue(resourceName, out model);
        }
        if (model is null)
            return ResourceCommandResult.Failure($"no model resource named '{resourceName}'");
        if (client is null)
            return ResourceCommandResult.Failure("the Supervisor is not running yet");

        var options = new CallOptions(CancellationToken: cancellationToken);
        try
        {
            switch (command)
            {
                case KnownResourceCommands.Start:
                    await client.LoadAsync(new LoadRequest { ModelId = model }, options);
                    return ResourceCommandResult.Success($"model '{model}' is ready");
                case KnownResourceCommands.Stop:
                    await client.UnloadAsync(new UnloadRequest { ModelIds = { model } }, options);
                    return ResourceCommandResult.Success($"model '{model}' is stopped");
                case KnownResourceCommands.Restart:
                    await client.UnloadAsync(new UnloadRequest { ModelIds = { model } }, options);
                    await client.LoadAsync(new LoadRequest { ModelId = model }, options);
                    return ResourceCommandResult.Success($"model '{model}' restarted and is ready");
                default:
                    return ResourceCommandResult.Failure($"'{resourceName}' has no command '{command}'; use {string.Join(", ", KnownResourceCommands.All)}");
            }
        }
        catch (RpcException e)
        {
            return ResourceCommandResult.Failure($"the Supervisor refused {command} of model '{model}': {e.Detail}");
        }
    }

    private string ResourceName(string modelId, string parentName) =>
        modelId is LlamaSwapResources.Proxy or LlamaSwapResources.Supervisor || modelId == parentName ? $"model-{modelId}" : modelId;

    private async Task WatchStateAsync(SupervisorClient client, ProjectResource parent, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        var delay = FirstReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await WaitForParentRunningAsync(parent, notifications, cancellationToken) is null)
                break;
            try
            {
                using var call = client.WatchState(options: new CallOptions(CancellationToken: cancellationToken));
                await foreach (var snapshot in call.ReadAllAsync(cancellationToken))
                {
                    delay = FirstReconnectDelay;
                    foreach (var model in snapshot.Models)
                        Apply(model, notifications);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or IOException)
            {
                // The Supervisor stopped or restarted; what its models do is unknown until it answers again.
            }
            MarkUnknown(notifications);
            delay = await DelayAsync(delay, cancellationToken);
        }
    }

    private void Apply(ModelStatus status, ResourceNotificationService notifications)
    {
        string? name;
        lock (_gate)
            _resourceNameByModel.TryGetValue(status.ModelId, out name);
        if (name is null || notifications.TryGet(name) is null)
            return;

        notifications.Update(name, s =>
        {
            var state = status.State switch
            {
                ModelState.Starting => KnownResourceStates.Starting,
                ModelState.Ready => KnownResourceStates.Running,
                ModelState.Stopping => KnownResourceStates.Stopping,
                _ => s.StartedAt is null ? KnownResourceStates.NotStarted : KnownResourceStates.Exited,
            };
            var pid = status.Pid > 0 ? status.Pid : (int?)null;
            var newProcess = pid is not null && pid != s.Pid;
            var properties = (status.Port > 0 ? s.Properties.SetItem("port", status.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) : s.Properties)
                .SetItem("inFlight", status.InFlightLeases.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .SetItem("queued", status.Queued.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return s with
            {
                State = state,
                Healthy = status.State == ModelState.Ready,
                Pid = pid ?? (state is KnownResourceStates.Exited or KnownResourceStates.NotStarted ? null : s.Pid),
                StartedAt = newProcess ? timeProvider.GetUtcNow() : s.StartedAt,
                StoppedAt = state == KnownResourceStates.Exited && s.State != KnownResourceStates.Exited ? timeProvider.GetUtcNow() : s.StoppedAt,
                Restarts = newProcess && s.StartedAt is not null ? s.Restarts + 1 : s.Restarts,
                Urls = status.UpstreamBaseUrl.Length > 0 ? [status.UpstreamBaseUrl] : [],
                Properties = properties,
            };
        });
    }

    private void MarkUnknown(ResourceNotificationService notifications)
    {
        List<string> names;
        lock (_gate)
            names = [.. _resourceNameByModel.Values];
        foreach (var name in names)
        {
            if (notifications.TryGet(name) is { State: KnownResourceStates.Starting or KnownResourceStates.Running or KnownResourceStates.Stopping })
                notifications.Update(name, s => s with { State = KnownResourceStates.Unknown, Healthy = false });
        }
    }

    /// <summary>One model's output: its own StreamLogs call, so each chunk's resource is known without relying on the chunk's source field.</summary>
    private async Task StreamLogsAsync(
        SupervisorClient client, ProjectResource parent, ResourceNotificationService notifications, ResourceLogService logs,
        string modelId, string resourceName, CancellationToken cancellationToken)
    {
        int? historyFrom = null;
        var delay = FirstReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await WaitForParentRunningAsync(parent, notifications, cancellationToken) is not { } supervisor)
                break;
            // A reconnect to the same Supervisor process must not repeat the history it already sent.
            var noHistory = historyFrom is not null && historyFrom == supervisor.Pid;
            var splitter = new LogLineSplitter();
            try
            {
                using var call = client.StreamLogs(new StreamLogsRequest { Source = modelId, NoHistory = noHistory },
                    new CallOptions(CancellationToken: cancellationToken));
                historyFrom = supervisor.Pid;
                await foreach (var chunk in call.ReadAllAsync(cancellationToken))
                {
                    delay = FirstReconnectDelay;
                    if (chunk.DroppedBytes > 0)
                        logs.Append(resourceName, $"[{chunk.DroppedBytes} bytes of output dropped: the dashboard fell behind]", isStdErr: true);
                    foreach (var line in splitter.Push(chunk.Data.Span))
                        logs.Append(resourceName, line, isStdErr: false);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or IOException)
            {
                // Reconnect below.
            }
            delay = await DelayAsync(delay, cancellationToken);
        }
    }

    private static async Task<ResourceSnapshot?> WaitForParentRunningAsync(ProjectResource parent, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        if (notifications.TryGet(parent.Name) is { State: KnownResourceStates.Running } running)
            return running;
        try
        {
            return await notifications.WaitForResourceAsync(parent.Name, s => s.State == KnownResourceStates.Running, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <returns>The next, longer delay: a Supervisor without the gRPC service is not asked twice a second.</returns>
    private async Task<TimeSpan> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        return TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
    }
}
