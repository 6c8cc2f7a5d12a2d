using System.Text;
using LlamaSwap.Configuration;

namespace LlamaSwap.AppHost.Cli;

/// <summary>A short human-readable summary of a loaded configuration: models, routing, ports.</summary>
internal static class ConfigSummary
{
    public static string Describe(LlamaSwapConfig config)
    {
        var text = new StringBuilder();
        var groups = config.Routing.Groups.Count(g => g.Id != GroupConfig.DefaultGroupId);
        text.AppendLine($"valid: {string.Join(", ", config.Sources)}");
        text.AppendLine($"  {config.Models.Count} model(s), {config.Aliases.Count} alias(es), {groups} group(s), {config.Peers.Count} peer(s), routing: {DescribeRouting(config.Routing)}");
        foreach (var model in config.Models.Values)
        {
            if (model.IsEndpoint)
            {
                text.AppendLine($"  - {model.Id}: endpoint {model.Proxy}, health check {model.CheckEndpoint}");
                continue;
            }

            var port = model.Port is { } p ? $"port {p}" : "no ${PORT}";
            var ttl = model.Ttl is { } t ? $"ttl {t.TotalSeconds:0}s" : "no ttl";
            var aliases = model.Aliases.IsEmpty ? "" : $", aliases: {string.Join(", ", model.Aliases)}";
            text.AppendLine($"  - {model.Id}: {port}, {ttl}, proxy {model.Proxy}{aliases}");
        }

        foreach (var rule in config.Routes)
        {
            var targets = string.Join(", ", rule.Targets.Select(t => $"{t.Model}×{t.Weight}").Concat(rule.Fallback.Select(f => $"then {f}")));
            text.AppendLine($"  route {rule.Name}: {targets}");
        }

        var ports = config.Models.Values.Select(m => m.Port).OfType<int>().ToList();
        text.AppendLine(ports.Count == 0
            ? "  ports: none assigned"
            : $"  ports: {ports.Count} assigned ({ports.Min()}-{ports.Max()})");
        return text.ToString();
    }

    private static string DescribeRouting(RoutingConfig routing) => routing.Router switch
    {
        RouterKind.Matrix => $"matrix ({routing.Matrix?.Sets.Length ?? 0} set(s))",
        RouterKind.MaxLoaded => $"max {routing.MaxLoaded} loaded",
        _ => routing.Groups.Length <= 1 ? "one model at a time" : "groups",
    };
}
