using LlamaSwap.Simulator;
using LlamaSwap.Simulator.Options;

var parsed = SimulatorOptionsParser.Parse(args);
if (parsed.HelpRequested)
{
    Console.WriteLine(SimulatorOptionsParser.Usage);
    return 0;
}

if (parsed.Options is null)
{
    await Console.Error.WriteLineAsync($"LlamaSwap.Simulator: {parsed.Error}. {SimulatorOptionsParser.Usage}");
    return 2;
}

return await SimulatorServer.RunAsync(parsed.Options);
