using System.Collections.Immutable;
using System.Threading.Channels;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Planning;
using LlamaSwap.Supervisor.Processes;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// The single owner of every model's lifecycle: which processes run, who holds leases on them, who
/// waits, which swap is under way. One loop reads commands from a channel and is the only code that
/// touches that state; slow work (stopping and starting processes, timers) runs in tasks the loop
/// launches, and their outcomes come back as commands. See README.md in this folder.
/// </summary>
/// <remarks>
/// Files: this one holds the public API and the loop; <c>.Admission</c> follows a request from
/// admission to its lease; <c>.Lifecycle</c> starts and stops processes; <c>.Control</c> handles
/// unload, reload and shutdown; <c>.Snapshots</c> publishes state.
/// </remarks>
internal sealed partial class ModelScheduler : IAsyncDisposable
{
    private readonly Channel<SchedulerCommand> _commands =
        Channel.CreateUnbounded<SchedulerCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IUpstreamProcessFactory _processes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SchedulerOptions _options;
    private readonly SchedulerTelemetry _telemetry;
    private readonly Task _loop;

    // Loop-owned state. Nothing outside the loop reads or writes these fields.
    private readonly Dictionary<string, ModelSlot> _slots = new(StringComparer.Ordinal);
    private readonly List<ModelSlot> _retiring = [];
    private readonly RequestQueue _queue = new();
    private readonly List<Swap> _swaps = [];
    private LlamaSwapConfig _config;
    private IEvictionPlanner _planner;
    private bool _shuttingDown;

    public ModelScheduler(
        LlamaSwapConfig config,
        IUpstreamProcessFactory processes,
        TimeProvider time,
        ILogger<ModelScheduler> logger,
        SchedulerOptions? options = null)
    {
        _processes = processes;
        _time = time;
        _logger = logger;
        _options = options ?? new SchedulerOptions();
        _config = config;
        _planner = EvictionPlanners.For(config.Routing);
        foreach (var model in ManagedModels(config))
            _slots.Add(model.Id, new ModelSlot(model));
        _latest = new SnapshotNode(BuildSnapshot(0));
        _currentConfig = config;
        _telemetry = new SchedulerTelemetry(() => _latest.Snapshot);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The models with a process to run: endpoint models (a URL, no cmd) are the Proxy's alone.</summary>
    private static IEnumerable<ModelConfig> ManagedModels(LlamaSwapConfig config) => config.Models.Values.Where(m => !m.IsEndpoint);

    /// <summary>Errors the loop caught and survived; always 0 unless there is a bug (tests assert it).</summary>
    internal int LoopFaults => Volatile.Read(ref _loopFaults);

    private int _loopFaults;

    /// <summary>
    /// Waits until <paramref name="modelId"/> (an id or alias) is ready and returns a lease on it.
    /// </summary>
    /// <exception cref="UnknownModelException">No such local model.</exception>
    /// <exception cref="ModelOverCapacityException">Its concurrency limit is reached (answer 429).</exception>
    /// <exception cref="ModelStartFailedException">Its start failed, now or moments ago.</exception>
    /// <exception cref="ModelUnloadedException">It was unloaded or removed while this request waited.</exception>
    /// <exception cref="SchedulerShutdownException">The supervisor is shutting down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the request left the queue at once.</exception>
    public async Task<Lease> AcquireAsync(
        string modelId,
        IProgress<AcquireProgress>? progress,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = _telemetry.StartAcquire(modelId);
        var ticket = new Ticket(modelId, progress, activity?.Context ?? default);
        if (!_commands.Writer.TryWrite(new AcquireCommand(ticket)))
            throw new SchedulerShutdownException();

        // Posted after the acquire, so the loop always sees the ticket before its cancellation.
        using var registration = cancellationToken.Register(
            static state =>
            {
                var (scheduler, ticket, token) = ((ModelScheduler, Ticket, CancellationToken))state!;
                if (ticket.TryCancel(token))
                    scheduler.Post(new CancelCommand(ticket));
            },
            (this, ticket, cancellationToken));
        try
        {
            return await ticket.Result.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    /// <summary>Starts the model if needed and returns once it is ready, holding no lease (a health-only preload).</summary>
    public async Task LoadAsync(string modelId, IProgress<AcquireProgress>? progress, CancellationToken cancellationToken)
    {
        var lease = await AcquireAsync(modelId, progress, cancellationToken).ConfigureAwait(false);
        lease.Dispose();
    }

    /// <summary>
    /// Loads the configuration's <c>preload</c> models one after another. Preloads go through the
    /// normal scheduler, so models that cannot run together evict each other: the last one wins.
    /// </summary>
    public async Task<ImmutableArray<PreloadResult>> RunPreloadAsync(CancellationToken cancellationToken)
    {
        var results = ImmutableArray.CreateBuilder<PreloadResult>();
        foreach (var model in _currentConfig.Preload)
        {
            Log.Preloading(_logger, model);
            try
            {
                await LoadAsync(model, null, cancellationToken).ConfigureAwait(false);
                results.Add(new PreloadResult(model, null));
            }
            catch (UnknownModelException ex)
            {
                Log.PreloadSkipped(_logger, model);
                results.Add(new PreloadResult(model, ex.Message));
            }
            catch (SchedulerException ex)
            {
                Log.PreloadFailed(_logger, model, ex.Message);
                results.Add(new PreloadResult(model, ex.Message));
            }
        }

        return results.ToImmutable();
    }

    /// <summary>
    /// Stops the named models (ids or aliases; null = all) and returns once they are stopped. Requests
    /// waiting for them fail with <see cref="ModelUnloadedException"/>. A soft unload lets open leases
    /// finish first; a hard one ends them at once (a hard reset that also clears a failed start's cooldown).
    /// Each process gets its <c>unloadTimeout</c> to exit gracefully before it is killed.
    /// </summary>
    public async Task UnloadAsync(IReadOnlyCollection<string>? modelIds, bool hard, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new UnloadCommand(modelIds?.ToImmutableArray(), hard, reply)))
            throw new SchedulerShutdownException();
        var stopped = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await stopped.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Switches to a reloaded configuration and returns once the switch is decided. Models whose process
    /// settings are unchanged keep running; changed ones finish their open leases, stop, and start with
    /// the new settings on the next request; removed ones finish their leases and stop, and requests
    /// waiting for them fail.
    /// </summary>
    public async Task ApplyConfigAsync(LlamaSwapConfig config, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new ApplyConfigCommand(config, reply)))
            throw new SchedulerShutdownException();
        await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fails every waiting request, ends every lease, stops every process (each within its unload
    /// timeout plus <see cref="SchedulerOptions.AbandonGrace"/>) and ends the loop. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Post(new ShutdownCommand());
        await _loop.ConfigureAwait(false);
        _telemetry.Dispose();
    }

    /// <summary>
    /// The state once every command posted before this call has been handled: a read-your-writes
    /// snapshot (e.g. right after an acquire was posted). Work the loop launched may still be running.
    /// </summary>
    internal async Task<SchedulerSnapshot> FlushAsync(CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<SchedulerSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new FlushCommand(reply)))
            return _latest.Snapshot;
        return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Post(SchedulerCommand command) => _commands.Writer.TryWrite(command);

    private async Task RunAsync()
    {
        var reader = _commands.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var command))
            {
                try
                {
                    Handle(command);
                    Dispatch();
                }
#pragma warning disable CA1031 // The loop must outlive a bug in one handler; every fault is logged and counted.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref _loopFaults);
                    Log.LoopFault(_logger, command.GetType().Name, ex);
                }
            }

            Publish();
            // Commands already queued are still read (and refused); later posts fail as shutdown.
            if (_shuttingDown && AllSlots().All(s => s.Phase == ModelState.Stopped))
                _commands.Writer.TryComplete();
        }
    }

    private void Handle(SchedulerCommand command)
    {
        switch (command)
        {
            case AcquireCommand c: Admit(c.Ticket); break;
            case CancelCommand c: Withdraw(c.Ticket); break;
            case ReleaseCommand c: Release(c.Lease); break;
            case StartProgressCommand c: OnStartProgress(c); break;
            case StartCompletedCommand c: OnStartCompleted(c); break;
            case StopCompletedCommand c: OnStopCompleted(c); break;
            case ProcessExitedCommand c: OnProcessExited(c); break;
            case TtlExpiredCommand c: OnTtlExpired(c); break;
            case UnloadCommand c: Unload(c); break;
            case ApplyConfigCommand c: ApplyConfig(c); break;
            case ShutdownCommand: BeginShutdown(); break;
            case FlushCommand c: Publish(); c.Reply.TrySetResult(BuildSnapshot(_latest.Snapshot.Version)); break;
            default: throw new InvalidOperationException($"unknown scheduler command {command.GetType().Name}");
        }
    }

    private IEnumerable<ModelSlot> AllSlots() => _slots.Values.Concat(_retiring);

    private DateTimeOffset Now => _time.GetUtcNow();
}
