using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>hooks.on_startup.preload</c>: names resolved to model ids; unknown names are ignored with a warning.</summary>
internal static class PreloadDecoder
{
    public static ImmutableArray<string> Decode(Section root, LlamaSwapConfig config)
    {
        var onStartup = root.Child(Keys.Hooks, Keys.HooksKeys)?.Child(Keys.OnStartup, Keys.OnStartupKeys);
        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var (value, node, path) in onStartup?.Strings(Keys.Preload) ?? [])
        {
            var name = value.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (config.ResolveModelId(name) is not { } id)
            {
                onStartup!.Diagnostics.Warning(node, path, $"unknown model \"{name}\" is not preloaded");
            }
            else if (config.Models[id].IsEndpoint)
            {
                onStartup!.Diagnostics.Warning(node, path, $"\"{name}\" is an endpoint model: there is nothing to preload");
            }
            else if (!result.Contains(id))
            {
                result.Add(id);
            }
        }

        return result.ToImmutable();
    }
}
