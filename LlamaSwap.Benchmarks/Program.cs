using LlamaSwap.Benchmarks;
using LlamaSwap.Benchmarks.Cli;
using LlamaSwap.Benchmarks.Reporting;
using LlamaSwap.Benchmarks.Servers;

if (args is [GrpcBenchServer.Command])
{
    return await GrpcBenchServer.RunAsync();
}

var options = BenchmarkOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var runner = new BenchmarkRunner(options, Console.Out);
BenchmarkResults results;
List<string> problems;
try
{
    (results, problems) = await runner.RunAsync(cancellation.Token);
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"benchmark failed: {ex.GetType().Name}: {ex.Message}{(ex.InnerException is { } inner ? $" ({inner.Message})" : "")}");
    return 1;
}

Console.WriteLine();
Console.WriteLine(MarkdownReport.Render(results));
Console.WriteLine($"results written to {runner.OutputDirectory}");
if (problems.Count > 0)
{
    Console.Error.WriteLine("benchmark: some scenarios produced no usable numbers:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("  " + problem);
    }

    return 1;
}

return 0;
