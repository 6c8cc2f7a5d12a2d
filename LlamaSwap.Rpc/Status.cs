namespace LlamaSwap.Rpc;

/// <summary>A call's outcome: code and human-readable detail (<c>grpc-status</c>, <c>grpc-message</c>).</summary>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
