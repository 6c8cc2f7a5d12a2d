using System.Globalization;
using System.Text;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// Plain one-line-per-event log on stdout, the way inference servers log, flushed line by line so a
/// supervisor reading the pipe sees each event as it happens. Tests and the Supervisor grep these lines,
/// so their wording is part of the simulator's contract (see README).
/// </summary>
internal sealed class SimulatorLog
{
    private readonly TextWriter _out;
    private readonly bool _quiet;

    public SimulatorLog(bool quiet)
    {
        _quiet = quiet;
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        _out = TextWriter.Synchronized(stdout);
        Console.SetOut(_out);
    }

    /// <summary>Always written, even with --quiet: startup, failures and signals.</summary>
    public void Important(string line) => _out.WriteLine(line);

    /// <summary>Progress and per-request lines, suppressed by --quiet.</summary>
    public void Info(string line)
    {
        if (!_quiet)
            _out.WriteLine(line);
    }

    public void Request(string method, string path, string? model, bool stream, int tokens, int status)
    {
        if (_quiet)
            return;
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{method} {path} model={model ?? "-"} stream={(stream ? "true" : "false")} tokens={tokens} status={status}"));
    }

    public void Cancelled(string method, string path, string? model, int tokens, string reason)
    {
        if (_quiet)
            return;
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{method} {path} model={model ?? "-"} request cancelled ({reason}) after {tokens} tokens"));
    }
}
