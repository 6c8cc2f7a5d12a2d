using System.Globalization;
using System.Net;

namespace LlamaSwap.Simulator.Options;

/// <summary>
/// Hand-written command-line parser: <c>--name value</c> or <c>--name=value</c>; flags take no value.
/// Every error names the argument it is about, so a supervisor's log shows what was wrong.
/// </summary>
internal static class SimulatorOptionsParser
{
    public const string Usage =
        "usage: LlamaSwap.Simulator --port N [--host ADDR] [--model NAME] [--load-time DURATION] " +
        "[--tokens-per-second N] [--max-tokens N] [--response TEXT] " +
        "[--fail exit:CODE|unhealthy|crash-after:N|hang] [--sigterm honour|ignore|delay:DURATION] " +
        "[--fork-child] [--expect-model NAME] [--quiet]";

    public static ParseResult Parse(IReadOnlyList<string> args)
    {
        int? port = null;
        var options = new SimulatorOptions { Port = 0 };

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
            }

            if (name is "--help" or "-h")
                return ParseResult.Help;

            if (name is "--fork-child" or "--quiet")
            {
                if (inlineValue is not null)
                    return ParseResult.Failure($"{name} takes no value (got '{inlineValue}')");
                options = name == "--fork-child" ? options with { ForkChild = true } : options with { Quiet = true };
                continue;
            }

            if (!IsValueOption(name))
                return ParseResult.Failure($"unknown argument '{arg}'");

            string value;
            if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return ParseResult.Failure($"{name} needs a value");
            }

            var error = Apply(name, value, ref options, ref port);
            if (error is not null)
                return ParseResult.Failure($"{name}: {error}");
        }

        if (port is null)
            return ParseResult.Failure("--port is required (use 0 to pick a free port)");
        return ParseResult.Success(options with { Port = port.Value });
    }

    private static bool IsValueOption(string name) => name is "--port" or "--host" or "--model" or "--load-time"
        or "--tokens-per-second" or "--max-tokens" or "--response" or "--fail" or "--sigterm" or "--expect-model";

    private static string? Apply(string name, string value, ref SimulatorOptions options, ref int? port)
    {
        switch (name)
        {
            case "--port":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > IPEndPoint.MaxPort)
                    return $"'{value}' is not a port number (0-65535)";
                port = p;
                return null;
            case "--host":
                if (!TryParseHost(value, out _))
                    return $"'{value}' is not an IP address or 'localhost'";
                options = options with { Host = value };
                return null;
            case "--model":
                if (string.IsNullOrWhiteSpace(value))
                    return "the model name must not be empty";
                options = options with { Model = value };
                return null;
            case "--load-time":
                if (!DurationParser.TryParse(value, out var load))
                    return $"'{value}' is not a duration (examples: 0, 500ms, 2s, 1m)";
                options = options with { LoadTime = load };
                return null;
            case "--tokens-per-second":
                if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var tps)
                    || !double.IsFinite(tps))
                    return $"'{value}' is not a non-negative number";
                options = options with { TokensPerSecond = tps };
                return null;
            case "--max-tokens":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var max))
                    return $"'{value}' is not a non-negative whole number";
                options = options with { MaxTokens = max };
                return null;
            case "--response":
                if (string.IsNullOrWhiteSpace(value))
                    return "the response text must not be empty";
                options = options with { Response = value };
                return null;
            case "--expect-model":
                if (string.IsNullOrWhiteSpace(value))
                    return "the expected model name must not be empty";
                options = options with { ExpectModel = value };
                return null;
            case "--fail":
                var failure = ParseFailure(value);
                if (failure is null)
                    return $"'{value}' is not one of exit:CODE, unhealthy, crash-after:N, hang";
                options = options with { Failure = failure };
                return null;
            case "--sigterm":
                var sigterm = ParseSigterm(value);
                if (sigterm is null)
                    return $"'{value}' is not one of honour, ignore, delay:DURATION";
                options = options with { Sigterm = sigterm };
                return null;
            default:
                return "unknown argument";
        }
    }

    private static FailureMode? ParseFailure(string value)
    {
        if (value == "unhealthy")
            return FailureMode.Unhealthy.Instance;
        if (value == "hang")
            return FailureMode.Hang.Instance;
        if (value.StartsWith("exit:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code <= 255)
            return new FailureMode.ExitAtStart(code);
        if (value.StartsWith("crash-after:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(12), NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) && tokens > 0)
            return new FailureMode.CrashAfterTokens(tokens);
        return null;
    }

    private static SigtermBehaviour? ParseSigterm(string value)
    {
        if (value is "honour" or "honor")
            return SigtermBehaviour.Honour;
        if (value == "ignore")
            return SigtermBehaviour.Ignore;
        if (value.StartsWith("delay:", StringComparison.Ordinal) && DurationParser.TryParse(value[6..], out var delay))
            return new SigtermBehaviour(SigtermAction.Delay, delay);
        return null;
    }

    /// <summary>Accepts an IP address, <c>localhost</c> (loopback) or <c>*</c> (every interface).</summary>
    public static bool TryParseHost(string host, out IPAddress address)
    {
        switch (host)
        {
            case "localhost":
                address = IPAddress.Loopback;
                return true;
            case "*":
                address = IPAddress.Any;
                return true;
            default:
                return IPAddress.TryParse(host, out address!);
        }
    }
}
