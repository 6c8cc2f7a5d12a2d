using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Logs;

/// <summary>Applies the log settings of the configuration in force to <see cref="LogFeeds"/>, now and on every reload.</summary>
internal sealed class LogOptionsFollower(IProxyConfigProvider config, LogFeeds feeds) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        config.Changed += Apply;
        Apply(config.Current);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        config.Changed -= Apply;
        return Task.CompletedTask;
    }

    private void Apply(LlamaSwapConfig current) => feeds.Options = LogOptions.From(current);
}
