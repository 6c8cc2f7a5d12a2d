namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>Why an acquire, load or unload was refused or ended; the message names the model.</summary>
internal abstract class SchedulerException(string message) : Exception(message);

internal sealed class UnknownModelException(string modelId)
    : SchedulerException($"no local model named \"{modelId}\"")
{
    public string ModelId { get; } = modelId;
}

/// <summary>The model already has as many admitted requests as its <c>concurrencyLimit</c> allows (HTTP 429).</summary>
internal sealed class ModelOverCapacityException(string modelId, int limit)
    : SchedulerException($"model \"{modelId}\" is at its concurrency limit of {limit} requests")
{
    public string ModelId { get; } = modelId;
    public int Limit { get; } = limit;
}

internal sealed class ModelStartFailedException(string modelId, string reason)
    : SchedulerException($"model \"{modelId}\" failed to start: {reason}")
{
    public string ModelId { get; } = modelId;
    public string Reason { get; } = reason;
}

/// <summary>The model was unloaded, or removed by a configuration reload, while the request waited for it.</summary>
internal sealed class ModelUnloadedException(string modelId, string why)
    : SchedulerException($"model \"{modelId}\" {why}")
{
    public string ModelId { get; } = modelId;
}

internal sealed class SchedulerShutdownException()
    : SchedulerException("the supervisor is shutting down");
