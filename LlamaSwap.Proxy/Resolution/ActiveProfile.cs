namespace LlamaSwap.Proxy.Resolution;

/// <summary>
/// Which profile's pins apply to requests: none at startup and after every reload (as in
/// llama-swap), switched through <c>PUT /api/profiles/active</c>.
/// </summary>
public sealed class ActiveProfile
{
    private volatile string? _name;

    public string? Name => _name;

    /// <summary>Raised after a change, with the new name (null = none).</summary>
    public event Action<string?>? Changed;

    public void Set(string? name)
    {
        if (string.Equals(Interlocked.Exchange(ref _name, name), name, StringComparison.Ordinal))
            return;
        Changed?.Invoke(name);
    }
}
