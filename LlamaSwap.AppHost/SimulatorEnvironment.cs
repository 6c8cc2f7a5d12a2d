namespace LlamaSwap.AppHost;

/// <summary>
/// The default models.yaml runs the bundled simulator through <c>${env.LLAMASWAP_SIMULATOR}</c>, so the
/// repository works on any machine without model files. The AppHost points the variable at the simulator
/// it was built with, unless the user set it.
/// </summary>
internal static class SimulatorEnvironment
{
    public const string VariableName = "LLAMASWAP_SIMULATOR";

    public static void EnsureSet()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(VariableName)))
            Environment.SetEnvironmentVariable(VariableName, Path.Combine(AppContext.BaseDirectory, "LlamaSwap.Simulator.dll"));
    }
}
