namespace LlamaSwap.Configuration.Yaml;

/// <summary>The YAML core-schema type a scalar resolves to.</summary>
internal enum ScalarType { Null, Bool, Int, Float, String }
