using LlamaSwap.AppHost;
using LlamaSwap.AppHost.Cli;
using LlamaSwap.Configuration;

var commandLine = AppHostCommandLine.Parse(args, out var error);
if (commandLine is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(AppHostCommandLine.Usage);
    return 2;
}

SimulatorEnvironment.EnsureSet();
var source = new ConfigSource(commandLine.ConfigFile, commandLine.ConfigDirectory);
return commandLine.Command switch
{
    AppHostCommand.Help => ShowHelp(),
    AppHostCommand.Validate => ValidateCommand.Run(source, Console.Out, Console.Error),
    _ => await RunCommand.RunAsync(commandLine, Console.Out, Console.Error),
};

static int ShowHelp()
{
    Console.WriteLine(AppHostCommandLine.Usage);
    return 0;
}
