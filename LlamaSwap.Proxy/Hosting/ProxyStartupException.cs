namespace LlamaSwap.Proxy.Hosting;

/// <summary>
/// The Proxy cannot start: an invalid configuration or a missing Supervisor address. The message is
/// meant for the user as is (every configuration error on its own line); <c>Program</c> prints it and
/// exits with code 1, never with a stack trace.
/// </summary>
public sealed class ProxyStartupException(string message, Exception? innerException = null) : Exception(message, innerException);
