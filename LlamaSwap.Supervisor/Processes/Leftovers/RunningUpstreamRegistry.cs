using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes.Leftovers;

/// <summary>
/// The upstreams this Supervisor has running, mirrored to the state file on every change so that a Supervisor killed
/// without a chance to clean up leaves a record the next one can act on.
/// </summary>
internal sealed partial class RunningUpstreamRegistry(UpstreamStateFile file, ILogger<RunningUpstreamRegistry> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, UpstreamRecord> _running = [];
    private readonly ProcessIdentity _self = UpstreamStateFile.CurrentProcess();
    private readonly string _bootId = UpstreamStateFile.CurrentBootId();

    public string StateFilePath => file.Path;

    public IReadOnlyList<UpstreamRecord> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _running.Values];
            }
        }
    }

    public void Add(UpstreamRecord record)
    {
        lock (_gate)
        {
            _running[record.Pid] = record;
            Persist();
        }
    }

    public void Remove(int pid)
    {
        lock (_gate)
        {
            if (_running.Remove(pid))
            {
                Persist();
            }
        }
    }

    /// <summary>Called under the lock, so concurrent starts and stops write whole, ordered snapshots.</summary>
    private void Persist()
    {
        try
        {
            file.Write(new UpstreamStateDocument(
                UpstreamStateDocument.CurrentVersion,
                _bootId,
                _self,
                [.. _running.Values.OrderBy(r => r.Pid)]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not fatal for the upstream; only leftover cleanup after a crash loses track of it.
            LogStateFileNotWritten(file.Path, e.Message);
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning,
        Message = "Could not write the upstream state file {Path}: {Reason}; upstreams left behind by a crash will not be cleaned up at the next start")]
    private partial void LogStateFileNotWritten(string path, string reason);
}
