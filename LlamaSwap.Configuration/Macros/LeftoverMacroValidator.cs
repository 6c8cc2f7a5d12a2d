using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>
/// After expansion no <c>${name}</c> may remain in a known section: it is a typo, a forward reference or a macro
/// from another model. <c>${PID}</c> is the one exception, kept literally in <c>cmdStop</c>. Unknown top-level keys
/// (anchor holders) are not checked.
/// </summary>
internal sealed partial class LeftoverMacroValidator(IReadOnlySet<string> reportedEnv, DiagnosticBag diagnostics)
{
    private const string ParamsByIdKeySuffix = " found in filters.setParamsByID key";

    /// <param name="reportedEnv">Environment variables already reported as unset; not reported again.</param>
    public static void Validate(YamlMapping root, IReadOnlySet<string> reportedEnv, DiagnosticBag diagnostics)
    {
        var validator = new LeftoverMacroValidator(reportedEnv, diagnostics);
        foreach (var entry in root.Entries.Where(e => e.Name != Keys.Macros && Keys.TopLevel.Contains(e.Name)))
        {
            if (entry.Name == Keys.Models && entry.Value is YamlMapping models)
            {
                foreach (var model in models.Entries)
                {
                    validator.CheckModel(model);
                }

                continue;
            }

            foreach (var (scalar, path, isKey) in YamlWalker.Scalars(entry.Value, entry.Name))
            {
                if (!isKey)
                {
                    validator.Check(scalar, path, allowPid: false, skipPort: false, "");
                }
            }
        }
    }

    private void CheckModel(YamlEntry model)
    {
        var modelPath = KeyPath.Child(Keys.Models, model.Name);
        var byIdPrefix = $"{modelPath}.{Keys.Filters}.{Keys.SetParamsById}.";
        foreach (var (scalar, path, isKey) in YamlWalker.Scalars(model.Value, modelPath))
        {
            var isParamsByIdKey = isKey && path.StartsWith(byIdPrefix, StringComparison.Ordinal) && path[byIdPrefix.Length..] == scalar.Value;
            if (!isKey || isParamsByIdKey)
            {
                var allowPid = !isKey && path == KeyPath.Child(modelPath, Keys.CmdStop);
                // ${PORT} left in proxy is always reported by the port allocator, with the better message.
                var skipPort = !isKey && path == KeyPath.Child(modelPath, Keys.Proxy);
                Check(scalar, path, allowPid, skipPort, isParamsByIdKey ? ParamsByIdKeySuffix : "");
            }
        }
    }

    private void Check(YamlScalar scalar, string path, bool allowPid, bool skipPort, string where)
    {
        if (!scalar.IsString)
        {
            return;
        }

        foreach (Match match in MacroPattern().Matches(scalar.Value))
        {
            var name = match.Groups[1].Value;
            var message = name switch
            {
                Macro.Pid when allowPid => null,
                Macro.Port when skipPort => null,
                Macro.Pid => $"unknown macro '${{PID}}'{where} (${{PID}} is only available in cmdStop)",
                Macro.Port => $"macro '${{PORT}}' should have been substituted{where} (${{PORT}} is only available when cmd uses it)",
                Macro.ModelId => $"macro '${{MODEL_ID}}' should have been substituted{where}",
                _ => $"unknown macro '${{{name}}}'{where}",
            };
            if (message is not null)
            {
                diagnostics.Error(scalar, path, message);
            }
        }

        foreach (var name in EnvMacroExpander.Names(scalar.Value).Where(n => !reportedEnv.Contains(n)))
        {
            diagnostics.Error(scalar, path, $"environment variable '{name}' not set (${{env.{name}}} introduced by a macro is not expanded)");
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9_-]+)\}")]
    private static partial Regex MacroPattern();
}
