using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>The merged document after macro expansion.</summary>
/// <param name="DefaultedProxies">Models whose <c>proxy</c> was filled with the default <c>http://localhost:${PORT}</c>.</param>
/// <param name="Ports">Ports allocated for <c>${PORT}</c>, by model id.</param>
internal sealed record ExpandedDocument(YamlMapping Root, IReadOnlySet<string> DefaultedProxies, IReadOnlyDictionary<string, int> Ports);
