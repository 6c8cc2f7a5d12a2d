using LlamaSwap.Configuration;

namespace LlamaSwap.AppHost.Cli;

/// <summary><c>validate</c>: loads the configuration exactly as the services will, and reports.</summary>
internal static class ValidateCommand
{
    public static int Run(ConfigSource source, TextWriter output, TextWriter error)
    {
        var result = ConfigLoader.Load(source);
        foreach (var warning in result.Warnings)
            error.WriteLine($"warning: {warning}");

        if (!result.Succeeded)
        {
            var errors = result.Errors.ToList();
            foreach (var e in errors)
                error.WriteLine($"error: {e}");
            error.WriteLine($"{DescribeSource(source)}: {errors.Count} error(s)");
            return 1;
        }

        output.Write(ConfigSummary.Describe(result.Config));
        return 0;
    }

    public static string DescribeSource(ConfigSource source) =>
        string.Join(" + ", new[] { source.File, source.Directory }.Where(s => s is not null));
}
