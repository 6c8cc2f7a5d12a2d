using System.Runtime.InteropServices;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>Where the pieces the benchmark launches live.</summary>
internal static class Dotnet
{
    /// <summary>The <c>dotnet</c> host that runs this benchmark, to launch the other projects' dlls with.</summary>
    public static string HostPath { get; } = FindHost();

    /// <summary>A dll copied beside the benchmark by a project reference.</summary>
    public static string Dll(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{name}.dll is not beside the benchmark; is {name} referenced by LlamaSwap.Benchmarks?", path);
    }

    private static string FindHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // The shared runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
