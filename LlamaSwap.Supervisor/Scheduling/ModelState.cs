namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// A model's process, as the scheduler sees it:
/// Stopped → Starting → Ready → Stopping → Stopped, and Starting → Stopping when a start fails or is
/// aborted, and Ready → Stopping when the process exits on its own.
/// </summary>
internal enum ModelState { Stopped, Starting, Ready, Stopping }
