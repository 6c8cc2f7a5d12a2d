using System.Collections.Immutable;
using System.Globalization;
using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>
/// Gives each model whose expanded <c>cmd</c> uses <c>${PORT}</c> the next port from <c>startPort</c>, in model-id
/// order, and substitutes it in every field of that model.
/// </summary>
internal static class PortAllocator
{
    public const int DefaultStartPort = 5800;

    public static ExpandedDocument Assign(ExpandedDocument document, DiagnosticBag diagnostics)
    {
        var root = document.Root;
        if (root[Keys.Models] is not YamlMapping models)
        {
            return document;
        }

        var next = StartPort(root);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var replaced = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var entry in models.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Value is not YamlMapping model)
            {
                continue;
            }

            var modelPath = KeyPath.Child(Keys.Models, entry.Name);
            var slug = Macro.SlugOf(Macro.Port);
            if (model[Keys.Cmd] is YamlScalar { IsString: true } cmd && cmd.Value.Contains(slug, StringComparison.Ordinal))
            {
                var port = next++;
                ports[entry.Name] = port;
                var macro = new Macro[] { new(Macro.Port, new YamlScalar(cmd.Start, cmd.Start, port.ToString(CultureInfo.InvariantCulture), ScalarType.Int)) };
                model = (YamlMapping)MacroSubstituter.Apply(model, macro);
                replaced[entry.Name] = ParamsByIdKeys.Rewrite(model, modelPath, key => MacroSubstituter.ApplyToText(key, macro), diagnostics);
            }
            else if (model[Keys.Proxy] is YamlScalar { IsString: true } proxy && proxy.Value.Contains(slug, StringComparison.Ordinal))
            {
                var hint = !document.DefaultedProxies.Contains(entry.Name) ? ""
                    : model[Keys.Cmd] is null ? " (a model needs a cmd that starts its server, or an endpoint: the URL of a server already running)"
                    : $" (proxy defaults to {MacroExpander.DefaultProxy}: set proxy to the server's URL, or use ${{PORT}} in cmd)";
                diagnostics.Error(proxy, KeyPath.Child(modelPath, Keys.Proxy),
                    $"proxy uses ${{PORT}} but cmd does not - ${{PORT}} is only available when used in cmd{hint}");
            }
        }

        var rebuilt = models.WithEntries([.. models.Entries.Select(e => replaced.TryGetValue(e.Name, out var m) ? e with { Value = m } : e)]);
        return document with { Root = root.With(Keys.Models, rebuilt), Ports = ports.ToImmutableDictionary(StringComparer.Ordinal) };
    }

    private static int StartPort(YamlMapping root) =>
        root[Keys.StartPort] is YamlScalar scalar && scalar.TryGetInt64(out var value) && value is >= 1 and <= int.MaxValue
            ? (int)value
            : DefaultStartPort;
}
