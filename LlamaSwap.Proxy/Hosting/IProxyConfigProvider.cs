using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Hosting;

/// <summary>
/// The configuration in force. A reload that fails validation leaves <see cref="Current"/> as it
/// was; a valid one replaces it whole and raises <see cref="Changed"/> (after the swap).
/// </summary>
public interface IProxyConfigProvider
{
    LlamaSwapConfig Current { get; }

    /// <summary>Increments on every successful reload; 1 for the startup load.</summary>
    long Generation { get; }

    event Action<LlamaSwapConfig>? Changed;
}
