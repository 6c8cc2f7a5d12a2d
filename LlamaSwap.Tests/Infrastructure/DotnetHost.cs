using System.Runtime.InteropServices;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>The <c>dotnet</c> executable running these tests, used to launch other projects' dlls.</summary>
public static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            return hostPath;

        // The shared runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = System.IO.Path.Combine(root, executable);
        return File.Exists(candidate) ? candidate : executable;
    }
}
