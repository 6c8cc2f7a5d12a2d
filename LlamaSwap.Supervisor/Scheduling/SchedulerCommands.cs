using System.Collections.Immutable;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Processes;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>Everything that can change scheduler state arrives at its loop as one of these, in order.</summary>
internal abstract record SchedulerCommand;

internal sealed record AcquireCommand(Ticket Ticket) : SchedulerCommand;

/// <summary>The caller's token fired and already completed the ticket as cancelled.</summary>
internal sealed record CancelCommand(Ticket Ticket) : SchedulerCommand;

internal sealed record ReleaseCommand(Lease Lease) : SchedulerCommand;

internal sealed record StartProgressCommand(ModelSlot Slot, int Generation, UpstreamStartProgress Progress) : SchedulerCommand;

/// <param name="Error">Null when the process is ready.</param>
internal sealed record StartCompletedCommand(ModelSlot Slot, int Generation, Exception? Error) : SchedulerCommand;

/// <param name="Error">Null when the process stopped cleanly; the process is treated as gone either way.</param>
internal sealed record StopCompletedCommand(ModelSlot Slot, int Generation, Exception? Error) : SchedulerCommand;

internal sealed record ProcessExitedCommand(ModelSlot Slot, int Generation, int ExitCode) : SchedulerCommand;

internal sealed record TtlExpiredCommand(ModelSlot Slot, int TimerGeneration) : SchedulerCommand;

/// <param name="ModelIds">Null = every model.</param>
/// <param name="Reply">Completed with a task that completes once every named model is stopped.</param>
internal sealed record UnloadCommand(ImmutableArray<string>? ModelIds, bool Hard, TaskCompletionSource<Task> Reply) : SchedulerCommand;

internal sealed record ApplyConfigCommand(LlamaSwapConfig Config, TaskCompletionSource Reply) : SchedulerCommand;

internal sealed record ShutdownCommand : SchedulerCommand;

/// <summary>Answered once every command posted before it is handled and the state published.</summary>
internal sealed record FlushCommand(TaskCompletionSource<SchedulerSnapshot> Reply) : SchedulerCommand;
